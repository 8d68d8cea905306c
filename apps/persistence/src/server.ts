import path from 'node:path';
import cors from '@fastify/cors';
import {
  BINARY_CONTENT_TYPE,
  BoardId,
  CreateBoardRequest,
  MeshboardError,
  RenameBoardRequest,
  STATE_VECTOR_HEADER,
  bytesToBase64,
  errorBody,
  limits,
  type AppendAck,
  type BoardMeta,
  type CreateBoardResponse,
  type HistoryList,
  type Role,
  type RotateTokensResponse,
} from '@meshboard/protocol';
import { createLogger, createMetricsRegistry, healthBody, pathOnly, type Logger } from '@meshboard/service-kit';
import { checkGeneration, issueBoardTokens, verifyToken } from '@meshboard/tokens';
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import { Counter, Gauge, Histogram } from 'prom-client';
import type { PersistenceConfig } from './config.js';
import { openDatabase, type Database, type DatabaseTarget } from './db/database.js';
import { BoardStore, type BoardRecord } from './store.js';
import type { BlobStore } from './BlobStore.js';
import { registerBlobRoutes } from './routes/blobs.js';

export const SERVICE_NAME = 'persistence';
export const SERVICE_VERSION = '0.1.0';

export interface PersistenceServer {
  app: FastifyInstance;
  store: BoardStore;
  blobs: BlobStore;
  db: Database;
  logger: Logger;
  /** starts listening; resolves with the base URL (port 0 picks a free port) */
  listen(): Promise<string>;
  /** stops accepting, drains queued writes, closes the database */
  close(): Promise<void>;
}

export interface ServerOverrides {
  /** use this database target instead of the one derived from the config (tests pass an in-memory PGlite) */
  database?: DatabaseTarget;
  logger?: Logger;
}

/** Binary bodies: octet-stream, plus the CORS-safelisted forms `navigator.sendBeacon` can send without a preflight. */
const BINARY_TYPES = new Set([BINARY_CONTENT_TYPE, 'text/plain', '']);

function mediaType(request: FastifyRequest): string {
  return (request.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
}

function binaryBody(request: FastifyRequest): Uint8Array {
  if (!BINARY_TYPES.has(mediaType(request))) {
    throw new MeshboardError('unsupported_media_type', `send Yjs data as ${BINARY_CONTENT_TYPE}`);
  }
  const body = request.body;
  return Buffer.isBuffer(body) ? new Uint8Array(body.buffer, body.byteOffset, body.byteLength) : new Uint8Array();
}

function jsonBody(request: FastifyRequest, { optional = false } = {}): unknown {
  const body = request.body;
  const empty = !Buffer.isBuffer(body) || body.length === 0;
  if (empty && optional) return {};
  if (mediaType(request) !== 'application/json') {
    throw new MeshboardError('unsupported_media_type', 'send metadata as application/json');
  }
  if (empty) throw new MeshboardError('bad_request', 'a JSON body is required');
  try {
    return JSON.parse((body as Buffer).toString('utf8'));
  } catch {
    throw new MeshboardError('bad_request', 'the body is not valid JSON');
  }
}

function parseWith<T>(schema: { safeParse(value: unknown): { success: true; data: T } | { success: false; error: { issues: { message: string; path: PropertyKey[] }[] } } }, value: unknown): T {
  const parsed = schema.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue && issue.path.length > 0 ? `${issue.path.map(String).join('.')}: ` : '';
    throw new MeshboardError('bad_request', `${where}${issue?.message ?? 'invalid request'}`);
  }
  return parsed.data;
}

function tokenOf(request: FastifyRequest): string | undefined {
  const header = request.headers.authorization;
  if (header) {
    const match = /^Bearer\s+(\S+)$/i.exec(header);
    if (!match) throw new MeshboardError('unauthorized', 'use "Authorization: Bearer <token>"');
    return match[1];
  }
  const query = request.query as Record<string, unknown> | undefined;
  const token = query?.token;
  return typeof token === 'string' ? token : undefined;
}

/** Database / driver failures are "try again later" for clients, never a silent success. */
function isDatabaseError(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const name = error.name ?? '';
  const code = (error as { code?: unknown }).code;
  return (
    name.startsWith('PrismaClient') ||
    name === 'DriverAdapterError' ||
    (typeof code === 'string' && /^(ECONN|ETIMEDOUT|EPIPE|57P|08|53)/.test(code)) ||
    /connection|terminat|ECONNREFUSED|Connection terminated/i.test(error.message)
  );
}

function toMeshboardError(error: unknown): MeshboardError {
  if (error instanceof MeshboardError) return error;
  const fastifyCode = (error as { code?: string }).code;
  switch (fastifyCode) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return new MeshboardError('payload_too_large', 'the body is larger than this route accepts');
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return new MeshboardError('unsupported_media_type', 'unsupported content type');
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
      return new MeshboardError('bad_request', (error as Error).message);
  }
  const status = (error as { statusCode?: number }).statusCode;
  if (typeof status === 'number' && status >= 400 && status < 500) {
    return new MeshboardError(status === 413 ? 'payload_too_large' : status === 415 ? 'unsupported_media_type' : 'bad_request', (error as Error).message);
  }
  if (isDatabaseError(error)) return new MeshboardError('unavailable', 'the database is unavailable; retry later');
  return new MeshboardError('internal', 'internal error');
}

export async function createPersistenceServer(config: PersistenceConfig, overrides: ServerOverrides = {}): Promise<PersistenceServer> {
  const logger = overrides.logger ?? createLogger(SERVICE_NAME);
  const target: DatabaseTarget =
    overrides.database ?? (config.databaseUrl ? { kind: 'postgres', url: config.databaseUrl } : { kind: 'pglite', dataDir: path.join(config.dataDir, 'pglite') });
  const db = await openDatabase(target, config.migrationsDir);
  if (db.appliedMigrations.length > 0) logger.info({ migrations: db.appliedMigrations }, 'applied migrations');
  logger.info({ database: db.kind }, 'database ready');
  const store = new BoardStore(db.prisma, config.store);
  store.onBackgroundError = (error, boardId) => logger.error({ err: error, boardId }, 'background compaction failed');
  await store.warmUp().catch((error: unknown) => logger.warn({ err: error }, 'warm-up queries failed'));

  const registry = createMetricsRegistry(SERVICE_NAME);
  const requests = new Counter({ name: 'meshboard_persistence_requests_total', help: 'HTTP requests by route and status', labelNames: ['route', 'status'], registers: [registry] });
  const appendBytes = new Counter({ name: 'meshboard_persistence_append_bytes_total', help: 'bytes of Yjs updates received', registers: [registry] });
  const latency = new Histogram({
    name: 'meshboard_persistence_request_seconds',
    help: 'request latency by route',
    labelNames: ['route'],
    buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [registry],
  });
  const storeStats = new Gauge({ name: 'meshboard_persistence_store', help: 'store counters (appends, unchanged appends, batches, compactions, ...)', labelNames: ['counter'], registers: [registry] });

  const app = Fastify({ logger: false, bodyLimit: limits.maxJsonBodyBytes, forceCloseConnections: true });
  await app.register(cors, {
    origin: config.allowedOrigins.includes('*') ? true : config.allowedOrigins,
    methods: ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'],
    allowedHeaders: ['authorization', 'content-type'],
    exposedHeaders: [STATE_VECTOR_HEADER],
    maxAge: 600,
  });
  // Every body arrives as raw bytes; each route decides what it accepts (JSON or Yjs binary).
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'buffer' }, (_request, body, done) => done(null, body));

  app.addHook('onResponse', async (request, reply) => {
    const route = request.routeOptions.url ?? 'unmatched';
    requests.inc({ route, status: String(reply.statusCode) });
    latency.observe({ route }, reply.elapsedTime / 1000);
    logger.debug({ method: request.method, path: pathOnly(request.url), status: reply.statusCode, ms: Math.round(reply.elapsedTime) }, 'request');
  });

  app.setErrorHandler((error, request, reply) => {
    const mapped = toMeshboardError(error);
    if (mapped.code === 'internal' || mapped.code === 'unavailable') {
      logger.error({ err: error, method: request.method, path: pathOnly(request.url) }, 'request failed');
    }
    void reply.code(mapped.status).header('cache-control', 'no-store').send(mapped.toBody());
  });
  app.setNotFoundHandler((_request, reply) => {
    void reply.code(404).send(errorBody('not_found', 'no such route'));
  });

  /** Verifies the token for this board, its generation, and the role the route needs. */
  async function authorize(request: FastifyRequest, need: Role): Promise<{ board: BoardRecord; role: Role }> {
    const { id } = request.params as { id: string };
    if (!BoardId.safeParse(id).success) throw new MeshboardError('board_not_found', 'no such board');
    const check = verifyToken(config.tokenSecret, tokenOf(request), id);
    if (!check.ok) throw check.error;
    const board = await store.getBoard(id);
    if (!board) throw new MeshboardError('board_not_found', 'no such board');
    const revoked = checkGeneration(check.claims, board.tokenGeneration);
    if (revoked) throw revoked;
    if (need === 'edit' && check.claims.r !== 'edit') throw new MeshboardError('forbidden', 'this link is view-only');
    return { board, role: check.claims.r };
  }

  function meta(board: BoardRecord, role: Role): BoardMeta {
    return { id: board.id, title: board.title, createdAt: board.createdAt.toISOString(), updatedAt: board.updatedAt.toISOString(), role };
  }

  function sendBinary(reply: FastifyReply, update: Uint8Array, stateVector: Uint8Array): FastifyReply {
    return reply
      .header('content-type', BINARY_CONTENT_TYPE)
      .header('cache-control', 'no-store')
      .header(STATE_VECTOR_HEADER, bytesToBase64(stateVector))
      .send(Buffer.from(update.buffer, update.byteOffset, update.byteLength));
  }

  app.get('/healthz', async (_request, reply) => {
    const { status, body } = healthBody(SERVICE_NAME, SERVICE_VERSION, { database: await db.ping() });
    return reply.code(status).header('cache-control', 'no-store').send(body);
  });

  app.get('/metrics', async (_request, reply) => {
    for (const [name, value] of Object.entries(store.stats)) storeStats.set({ counter: name }, value);
    return reply.header('content-type', registry.contentType).send(await registry.metrics());
  });

  app.post('/v1/boards', async (request, reply) => {
    const body = parseWith(CreateBoardRequest, jsonBody(request, { optional: true }));
    const board = await store.createBoard(body.title ?? 'Untitled board');
    const tokens = issueBoardTokens(config.tokenSecret, board.id, board.tokenGeneration);
    const response: CreateBoardResponse = { id: board.id, title: board.title, createdAt: board.createdAt.toISOString(), ...tokens };
    return reply.code(201).header('cache-control', 'no-store').send(response);
  });

  app.get('/v1/boards/:id', async (request, reply) => {
    const { board, role } = await authorize(request, 'view');
    return reply.header('cache-control', 'no-store').send(meta(board, role));
  });

  app.patch('/v1/boards/:id', async (request, reply) => {
    const { board, role } = await authorize(request, 'edit');
    const body = parseWith(RenameBoardRequest, jsonBody(request));
    const renamed = await store.renameBoard(board.id, body.title);
    return reply.send(meta(renamed, role));
  });

  app.delete('/v1/boards/:id', async (request, reply) => {
    const { board } = await authorize(request, 'edit');
    await store.deleteBoard(board.id);
    return reply.code(204).send();
  });

  app.post('/v1/boards/:id/tokens/rotate', async (request, reply) => {
    const { board } = await authorize(request, 'edit');
    const generation = await store.rotateTokens(board.id);
    const response: RotateTokensResponse = { ...issueBoardTokens(config.tokenSecret, board.id, generation), generation };
    return reply.header('cache-control', 'no-store').send(response);
  });

  app.get('/v1/boards/:id/state', async (request, reply) => {
    const { board } = await authorize(request, 'view');
    const state = await store.getState(board.id);
    return sendBinary(reply, state.update, state.stateVector);
  });

  app.post('/v1/boards/:id/diff', { bodyLimit: 16 * 1024 * 1024 }, async (request, reply) => {
    const { board } = await authorize(request, 'view');
    const diff = await store.getDiff(board.id, binaryBody(request));
    return sendBinary(reply, diff.update, diff.stateVector);
  });

  app.post('/v1/boards/:id/updates', { bodyLimit: config.maxUpdateBodyBytes }, async (request, reply) => {
    const { board } = await authorize(request, 'edit');
    const update = binaryBody(request);
    appendBytes.inc(update.length);
    const result = await store.append(board.id, update);
    const ack: AppendAck = { seq: result.seq, stateVector: bytesToBase64(result.stateVector), changed: result.changed };
    return reply.header('cache-control', 'no-store').send(ack);
  });

  app.get('/v1/boards/:id/history', async (request, reply) => {
    const { board } = await authorize(request, 'view');
    const entries = await store.listHistory(board.id);
    const body: HistoryList = {
      entries: entries.map((entry) => ({ id: entry.id, createdAt: entry.createdAt.toISOString(), bytes: entry.bytes, shapeCount: entry.shapeCount })),
    };
    return reply.header('cache-control', 'no-store').send(body);
  });

  app.get('/v1/boards/:id/history/:entryId', async (request, reply) => {
    const { board } = await authorize(request, 'view');
    const { entryId } = request.params as { entryId: string };
    const data = await store.getHistoryEntry(board.id, entryId);
    return sendBinary(reply, data, await store.getStateVector(board.id));
  });

  app.post('/v1/boards/:id/history/:entryId/restore', async (request, reply) => {
    const { board } = await authorize(request, 'edit');
    const { entryId } = request.params as { entryId: string };
    const restored = await store.restore(board.id, entryId);
    return sendBinary(reply, restored.update, restored.stateVector);
  });

  const blobs = registerBlobRoutes(app, { prisma: db.prisma, authorize, currentState: async (id) => (await store.getState(id)).update, options: config.blobs, historyRetentionMs: config.store.historyRetentionMs, logger });

  let closing: Promise<void> | null = null;
  return {
    app,
    store,
    blobs,
    db,
    logger,
    async listen() {
      const address = await app.listen({ port: config.port, host: config.host });
      logger.info({ address }, 'persistence listening');
      const port = (app.server.address() as { port: number }).port;
      return `http://${config.host.includes(':') ? `[${config.host}]` : config.host === '0.0.0.0' ? '127.0.0.1' : config.host}:${port}`;
    },
    close() {
      closing ??= (async () => {
        await app.close();
        await store.close();
        await db.close();
      })();
      return closing;
    },
  };
}
