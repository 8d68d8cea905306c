import { BlobHash, BlobMimeType, MeshboardError, type Role } from '@meshboard/protocol';
import type { Logger } from '@meshboard/service-kit';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { BlobStore } from '../BlobStore.js';
import type { BlobOptions } from '../blob-config.js';
import type { PrismaClient } from '../generated/prisma/client.js';

/**
 * HTTP routes of content-addressed blobs (`@meshboard/protocol` blobs.ts):
 *   PUT  /v1/boards/:id/blobs/:sha256   edit token; raw body, content-type = the blob's mime type
 *   GET  /v1/boards/:id/blobs/:sha256   view token; immutable (the name is the content's hash)
 *   HEAD /v1/boards/:id/blobs/:sha256   view token; headers only
 * Registered by server.ts with one call, which passes its own `authorize` so token rules stay in one place.
 */

export interface BlobRoutesContext {
  prisma: PrismaClient;
  /** the server's token check for this route's board (throws the right MeshboardError) */
  authorize: (request: FastifyRequest, need: Role) => Promise<{ board: { id: string } }>;
  /** the board's current committed state, for the collector */
  currentState: (boardId: string) => Promise<Uint8Array>;
  options?: Partial<BlobOptions>;
  /** default retention when `options.retentionMs` is unset: the history retention */
  historyRetentionMs: number;
  logger: Logger;
}

/** A year: the bytes behind a hash never change. `private` because reading them needs the board's token. */
const IMMUTABLE = 'private, max-age=31536000, immutable';
/** An SVG opened directly from the API origin must not run scripts or load anything. */
const SANDBOX_CSP = "default-src 'none'; style-src 'unsafe-inline'; sandbox";

/**
 * Route access as the store's access hook reads it (h/sec-store: a global onRequest hook checks `config.access`
 * before the body is read and sets `request.grant`). Where that hook runs, its grant is used; otherwise the
 * route checks the token itself with the server's `authorize`. Plain constants, not literals, so the route
 * options type-check with or without the hook's `FastifyContextConfig` augmentation.
 */
const VIEW_ACCESS = { access: 'view' } as const;
const EDIT_ACCESS = { access: 'edit' } as const;

export function registerBlobRoutes(app: FastifyInstance, context: BlobRoutesContext): BlobStore {
  const blobs = new BlobStore(context.prisma, context.currentState, {
    ...context.options,
    retentionMs: context.options?.retentionMs ?? context.historyRetentionMs,
  });
  const { maxBlobBytes } = blobs.options;
  const authorized = new WeakMap<FastifyRequest, string>();

  async function grantOf(request: FastifyRequest, need: Role): Promise<{ board: { id: string } }> {
    const granted = (request as { grant?: { board: { id: string } } | null }).grant;
    return granted ?? context.authorize(request, need);
  }

  function hashOf(request: FastifyRequest): string {
    const { sha256 } = request.params as { sha256: string };
    if (!BlobHash.safeParse(sha256).success) throw new MeshboardError('bad_request', 'the blob name must be a lowercase sha-256 hex (64 characters)');
    return sha256;
  }

  /** Token first, then the declared size: an unauthorized or oversized upload is refused before its body is read. */
  async function checkUpload(request: FastifyRequest): Promise<void> {
    hashOf(request);
    const { board } = await grantOf(request, 'edit');
    const declared = Number(request.headers['content-length'] ?? NaN);
    if (Number.isFinite(declared) && declared > maxBlobBytes) {
      throw new MeshboardError('payload_too_large', `file too large: ${declared} bytes, at most ${maxBlobBytes} per file`);
    }
    authorized.set(request, board.id);
  }

  function mimeTypeOf(request: FastifyRequest): BlobMimeType {
    const type = (request.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
    const parsed = BlobMimeType.safeParse(type);
    if (!parsed.success) throw new MeshboardError('unsupported_media_type', `send the file with its type as content-type, one of ${BlobMimeType.options.join(', ')}`);
    return parsed.data;
  }

  function blobHeaders(reply: FastifyReply, hash: string, mimeType: string, size: number): FastifyReply {
    return reply
      .header('content-type', mimeType)
      .header('content-length', String(size))
      .header('cache-control', IMMUTABLE)
      .header('etag', `"${hash}"`)
      .header('x-content-type-options', 'nosniff')
      .header('content-security-policy', SANDBOX_CSP);
  }

  app.put('/v1/boards/:id/blobs/:sha256', { bodyLimit: maxBlobBytes, config: EDIT_ACCESS, onRequest: checkUpload }, async (request, reply) => {
    const boardId = authorized.get(request);
    if (!boardId) throw new MeshboardError('unauthorized', 'not authorized');
    const hash = hashOf(request);
    const mimeType = mimeTypeOf(request);
    const body = request.body;
    const data = Buffer.isBuffer(body) ? new Uint8Array(body.buffer, body.byteOffset, body.byteLength) : new Uint8Array();
    const info = await blobs.put(boardId, hash, mimeType, data);
    return reply.code(info.created ? 201 : 200).header('cache-control', 'no-store').send(info);
  });

  app.head('/v1/boards/:id/blobs/:sha256', { config: VIEW_ACCESS }, async (request, reply) => {
    const hash = hashOf(request);
    const { board } = await grantOf(request, 'view');
    const head = await blobs.head(board.id, hash);
    if (!head) throw new MeshboardError('not_found', 'this board has no such file (yet)');
    return blobHeaders(reply, hash, head.mimeType, head.size).send();
  });

  app.get('/v1/boards/:id/blobs/:sha256', { exposeHeadRoute: false, config: VIEW_ACCESS }, async (request, reply) => {
    const hash = hashOf(request);
    const { board } = await grantOf(request, 'view');
    if (request.headers['if-none-match'] === `"${hash}"`) {
      const head = await blobs.head(board.id, hash);
      if (head) return reply.code(304).header('cache-control', IMMUTABLE).header('etag', `"${hash}"`).send();
    }
    const blob = await blobs.get(board.id, hash);
    if (!blob) throw new MeshboardError('not_found', 'this board has no such file (yet)');
    return blobHeaders(reply, hash, blob.mimeType, blob.size).send(Buffer.from(blob.data.buffer, blob.data.byteOffset, blob.data.byteLength));
  });

  if (blobs.options.gcIntervalMs > 0) {
    let sweeping = false;
    const sweep = () => {
      if (sweeping) return;
      sweeping = true;
      blobs
        .collectAll(new Date(), (error, boardId) => {
          if (!(error instanceof MeshboardError && error.code === 'board_not_found')) context.logger.error({ err: error, boardId }, 'blob collection failed');
        })
        .then((deleted) => deleted > 0 && context.logger.info({ deleted }, 'collected unreferenced blobs'))
        .catch((error: unknown) => context.logger.error({ err: error }, 'blob collection failed'))
        .finally(() => (sweeping = false));
    };
    // The first sweep comes a few minutes after start, not a whole interval later: a service restarted more
    // often than the interval would otherwise never collect anything.
    let timer: NodeJS.Timeout = setTimeout(() => {
      sweep();
      timer = setInterval(sweep, blobs.options.gcIntervalMs);
      timer.unref();
    }, Math.min(blobs.options.gcIntervalMs, 5 * 60_000));
    timer.unref();
    app.addHook('onClose', async () => clearTimeout(timer));
  }
  return blobs;
}
