import http from 'node:http';
import path from 'node:path';
import cors from '@fastify/cors';
import {
  BINARY_CONTENT_TYPE,
  CreateBoardRequest,
  MeshboardError,
  RenameBoardRequest,
  SaveVersionRequest,
  STATE_VECTOR_HEADER,
  bytesToBase64,
  errorBody,
  limits,
  type AppendAck,
  type BoardMeta,
  type CreateBoardResponse,
  type HistoryEntry,
  type HistoryList,
  type Role,
  type RotateTokensResponse,
} from '@meshboard/protocol';
import { createLogger, createMetricsRegistry, healthBody, pathOnly, type Logger } from '@meshboard/service-kit';
import { issueBoardTokens } from '@meshboard/tokens';
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import { Counter, Gauge, Histogram } from 'prom-client';
import { defaultHttpLimits, type HttpLimits, type PersistenceConfig } from './config.js';
import { openDatabase, type Database, type DatabaseTarget } from './db/database.js';
import { CREATE_SECRET_HEADER, authorizeBoard, checkCreateSecret, tokenKey, tokenOf, type Grant } from './http/access.js';
import { clientErrorResponse, errorHeaders, toMeshboardError } from './http/errors.js';
import { lingerBeforeClose } from './http/linger.js';
import { installLimits, type StoreLimits } from './http/limits.js';
import { BoardStore, type BoardRecord, type HistoryItem } from './store.js';
import type { BlobStore } from './BlobStore.js';
import { registerBlobRoutes } from './routes/blobs.js';
import { registerLinkRoutes } from './routes/links.js';
import { checkAdminToken, registerAdminRoutes } from './routes/admin.js';
import { registerCommentRoutes } from './routes/comments.js';

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

/** Titles are shown to everyone with a link: printable text only (PostgreSQL cannot even store a NUL). */
function assertPrintableTitle(title: string | undefined): void {
  if (title === undefined) return;
  if (/[\u0000-\u001f\u007f]/.test(title) || !(title as string & { isWellFormed(): boolean }).isWellFormed()) {
    throw new MeshboardError('bad_request', 'title: control characters and broken Unicode are not allowed');
  }
}

/** Restore point ids are 16 base64url characters; anything else cannot name one. */
const ENTRY_ID = /^[A-Za-z0-9_-]{1,64}$/;
function entryIdOf(request: FastifyRequest): string {
  const { entryId } = request.params as { entryId: string };
  if (!ENTRY_ID.test(entryId)) throw new MeshboardError('not_found', 'no such history entry');
  return entryId;
}

/** True while the request's body may still be on the wire (so an early answer should close the connection). */
function bodyPending(request: FastifyRequest): boolean {
  if (request.body !== undefined) return false;
  const length = Number(request.headers['content-length'] ?? 0);
  return length > 0 || request.headers['transfer-encoding'] !== undefined;
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

  const httpLimits: HttpLimits = { ...defaultHttpLimits, ...config.limits };
  const app = Fastify({
    logger: false,
    bodyLimit: limits.maxJsonBodyBytes,
    forceCloseConnections: true,
    // fastify accepts a hop count at run time (proxy-addr); its types list only the other forms
    trustProxy: httpLimits.trustProxy as boolean | string,
    // A request (headers and body) must arrive within requestTimeout, its headers within headersTimeout: a client
    // trickling one byte every few seconds is cut (Node checks every connectionsCheckingInterval, 30 s by default).
    requestTimeout: httpLimits.requestTimeoutMs,
    serverFactory: (handler) =>
      http.createServer(
        {
          headersTimeout: httpLimits.headersTimeoutMs,
          requestTimeout: httpLimits.requestTimeoutMs,
          connectionsCheckingInterval: Math.min(1_000, httpLimits.headersTimeoutMs),
          // Node answers a missing Host header itself, with a bare 400 outside the contract: let the routes answer.
          requireHostHeader: false,
        },
        handler,
      ),
    // fastify's own early errors (bad percent-encoding, an over-long path segment) answer in the contract too,
    // with a fixed message: theirs quote the URL, and a `?token=` with it.
    frameworkErrors: (error, _request, reply) => {
      const mapped = toMeshboardError(error);
      void (reply as FastifyReply).code(mapped.status).headers(errorHeaders(mapped)).send(mapped.toBody());
    },
    clientErrorHandler: (error: NodeJS.ErrnoException, socket) => {
      if (socket.writable && !(socket as { _httpMessage?: { headersSent?: boolean } })._httpMessage?.headersSent) socket.end(clientErrorResponse(error));
      socket.destroySoon();
    },
  });
  const tokenKeyOf = (request: FastifyRequest): string | undefined => {
    try {
      const token = tokenOf(request);
      return token ? tokenKey(token) : undefined;
    } catch {
      return undefined;
    }
  };
  const guards: StoreLimits = await installLimits(app, httpLimits, tokenKeyOf);
  app.decorateRequest('grant', null);
  await app.register(cors, {
    origin: config.allowedOrigins.includes('*') ? true : config.allowedOrigins,
    methods: ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'],
    allowedHeaders: ['authorization', 'content-type', CREATE_SECRET_HEADER],
    exposedHeaders: [STATE_VECTOR_HEADER],
    maxAge: 600,
    // an OPTIONS that is not a real preflight is answered like any request, not with a plain-text 400
    strictPreflight: false,
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
    if (mapped.code === 'internal' || (mapped.code === 'unavailable' && !(error instanceof MeshboardError))) {
      logger.error({ err: error, method: request.method, path: pathOnly(request.url) }, 'request failed');
    }
    // Refused before the body was read: close the connection instead of reading the rest, but only once the
    // client can have read the answer (linger.ts)
    if (bodyPending(request)) {
      void reply.header('connection', 'close');
      lingerBeforeClose(request.raw.socket);
    }
    void reply.code(mapped.status).headers(errorHeaders(mapped)).send(mapped.toBody());
  });
  app.setNotFoundHandler((request, reply) => {
    if (bodyPending(request)) {
      void reply.header('connection', 'close');
      lingerBeforeClose(request.raw.socket);
    }
    void reply.code(404).header('cache-control', 'no-store').send(errorBody('not_found', 'no such route'));
  });

  // The door, in order, all before the body is read: per-IP budget; the token (HMAC, then one primary-key read
  // for its generation and role); the token's own budget; creation rules; then one of the few slots for a large body.
  app.addHook('onRequest', async (request, reply) => {
    const access = request.routeOptions.config?.access;
    if (access === 'open') return;
    await guards.perIp.check(request, reply);
    if (access === undefined) return; // unknown routes: counted, then answered 404
    if (access === 'admin') {
      checkAdminToken(request, config.adminToken);
    } else if (access === 'create') {
      checkCreateSecret(request, httpLimits.createSecret);
      await guards.creates.check(request, reply);
    } else {
      request.grant = await authorizeBoard(request, access, { tokenSecret: config.tokenSecret, getBoard: (id) => store.getBoard(id) });
      await guards.perToken.check(request, reply);
    }
    guards.admitBody(request, reply);
  });

  function granted(request: FastifyRequest): Grant {
    if (!request.grant) throw new MeshboardError('internal', 'route without an access rule');
    return request.grant;
  }

  function meta(board: BoardRecord, role: Role, link: Grant['link']): BoardMeta {
    return { id: board.id, title: board.title, createdAt: board.createdAt.toISOString(), updatedAt: board.updatedAt.toISOString(), role, link };
  }

  function historyEntryOf(entry: HistoryItem): HistoryEntry {
    return { id: entry.id, createdAt: entry.createdAt.toISOString(), bytes: entry.bytes, shapeCount: entry.shapeCount, ...(entry.name ? { name: entry.name } : {}) };
  }

  function sendBinary(reply: FastifyReply, update: Uint8Array, stateVector: Uint8Array): FastifyReply {
    return reply
      .header('content-type', BINARY_CONTENT_TYPE)
      .header('cache-control', 'no-store')
      .header(STATE_VECTOR_HEADER, bytesToBase64(stateVector))
      .send(Buffer.from(update.buffer, update.byteOffset, update.byteLength));
  }

  app.get('/healthz', { config: { access: 'open' } }, async (_request, reply) => {
    const { status, body } = healthBody(SERVICE_NAME, SERVICE_VERSION, { database: await db.ping() });
    return reply.code(status).header('cache-control', 'no-store').send(body);
  });

  app.get('/metrics', { config: { access: 'open' } }, async (_request, reply) => {
    for (const [name, value] of Object.entries(store.stats)) storeStats.set({ counter: name }, value);
    return reply.header('content-type', registry.contentType).send(await registry.metrics());
  });

  app.post('/v1/boards', { config: { access: 'create' } }, async (request, reply) => {
    const body = parseWith(CreateBoardRequest, jsonBody(request, { optional: true }));
    assertPrintableTitle(body.title);
    const board = await store.createBoard(body.title ?? 'Untitled board');
    const tokens = issueBoardTokens(config.tokenSecret, board.id, { owner: board.links.owner.generation, edit: board.links.edit.generation, view: board.links.view.generation });
    const response: CreateBoardResponse = { id: board.id, title: board.title, createdAt: board.createdAt.toISOString(), ...tokens };
    return reply.code(201).header('cache-control', 'no-store').send(response);
  });

  app.get('/v1/boards/:id', { config: { access: 'view' } }, async (request, reply) => {
    const { board, role, link } = granted(request);
    return reply.header('cache-control', 'no-store').send(meta(board, role, link));
  });

  app.patch('/v1/boards/:id', { config: { access: 'edit' } }, async (request, reply) => {
    const { board, role, link } = granted(request);
    const body = parseWith(RenameBoardRequest, jsonBody(request));
    assertPrintableTitle(body.title);
    const renamed = await store.renameBoard(board.id, body.title);
    return reply.send(meta(renamed, role, link));
  });

  app.delete('/v1/boards/:id', { config: { access: 'owner' } }, async (request, reply) => {
    const { board } = granted(request);
    await store.deleteBoard(board.id);
    return reply.code(204).send();
  });

  // rotates EVERY link (owner only since issue 13); one kind at a time: POST /v1/boards/:id/links/:role/rotate
  app.post('/v1/boards/:id/tokens/rotate', { config: { access: 'owner' } }, async (request, reply) => {
    const { board } = granted(request);
    await store.rotateTokens(board.id);
    const rotated = await store.getBoard(board.id);
    if (!rotated) throw new MeshboardError('board_not_found', 'no such board');
    const generations = { owner: rotated.links.owner.generation, edit: rotated.links.edit.generation, view: rotated.links.view.generation };
    const response: RotateTokensResponse = { ...issueBoardTokens(config.tokenSecret, board.id, generations), generation: generations.edit };
    return reply.header('cache-control', 'no-store').send(response);
  });

  app.get('/v1/boards/:id/state', { config: { access: 'view' } }, async (request, reply) => {
    const { board } = granted(request);
    const state = await store.getState(board.id);
    return sendBinary(reply, state.update, state.stateVector);
  });

  app.post('/v1/boards/:id/diff', { bodyLimit: 16 * 1024 * 1024, config: { access: 'view' } }, async (request, reply) => {
    const { board } = granted(request);
    const diff = await store.getDiff(board.id, binaryBody(request));
    return sendBinary(reply, diff.update, diff.stateVector);
  });

  app.post('/v1/boards/:id/updates', { bodyLimit: config.maxUpdateBodyBytes, config: { access: 'edit' } }, async (request, reply) => {
    const { board } = granted(request);
    const update = binaryBody(request);
    appendBytes.inc(update.length);
    const result = await store.append(board.id, update);
    const ack: AppendAck = { seq: result.seq, stateVector: bytesToBase64(result.stateVector), changed: result.changed };
    return reply.header('cache-control', 'no-store').send(ack);
  });

  app.get('/v1/boards/:id/history', { config: { access: 'view' } }, async (request, reply) => {
    const { board } = granted(request);
    const entries = await store.listHistory(board.id);
    const body: HistoryList = {
      entries: entries.map(historyEntryOf),
    };
    return reply.header('cache-control', 'no-store').send(body);
  });

  // "save this version" (issue 13 item 7): a named restore point, never pruned
  app.post('/v1/boards/:id/history', { bodyLimit: 4096, config: { access: 'edit' } }, async (request, reply) => {
    const { board } = granted(request);
    const body = parseWith(SaveVersionRequest, jsonBody(request));
    assertPrintableTitle(body.name);
    const saved = await store.saveVersion(board.id, body.name);
    return reply.code(201).header('cache-control', 'no-store').send(historyEntryOf(saved));
  });

  app.get('/v1/boards/:id/history/:entryId', { config: { access: 'view' } }, async (request, reply) => {
    const { board } = granted(request);
    const entryId = entryIdOf(request);
    const data = await store.getHistoryEntry(board.id, entryId);
    return sendBinary(reply, data, await store.getStateVector(board.id));
  });

  app.post('/v1/boards/:id/history/:entryId/restore', { config: { access: 'edit' } }, async (request, reply) => {
    const { board } = granted(request);
    const entryId = entryIdOf(request);
    const restored = await store.restore(board.id, entryId);
    return sendBinary(reply, restored.update, restored.stateVector);
  });

  registerLinkRoutes(app, { store, tokenSecret: config.tokenSecret, granted, jsonBody, parseWith });
  registerCommentRoutes(app, { prisma: db.prisma, limits: guards, tokenKeyOf, granted, jsonBody, parseWith });
  registerAdminRoutes(app, { prisma: db.prisma, store });

  const blobs = registerBlobRoutes(app, {
    prisma: db.prisma,
    authorize: (request, need) => authorizeBoard(request, need, { tokenSecret: config.tokenSecret, getBoard: (id) => store.getBoard(id) }),
    currentState: async (id) => (await store.getState(id)).update, options: config.blobs, historyRetentionMs: config.store.historyRetentionMs, logger });

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
        await guards.close();
        await store.close();
        await db.close();
      })();
      return closing;
    },
  };
}
