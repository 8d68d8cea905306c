import { randomBytes } from 'node:crypto';
import http from 'node:http';
import { PGlite } from '@electric-sql/pglite';
import { Board } from '@meshboard/board';
import { BlobInfo, CreateBoardResponse, ErrorBody, apiPaths, blobPath } from '@meshboard/protocol';
import * as Y from 'yjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sha256Hex } from '../src/BlobStore.js';
import { defaultStoreOptions, type PersistenceConfig } from '../src/config.js';
import { createPersistenceServer, type PersistenceServer } from '../src/server.js';
import { SECRET, createPgDatabase, engines, migrationsDir } from './helpers.js';

const ORIGIN = 'http://web.example';
const RETENTION_MS = 60_000;
const MAX_BLOB = 3 * 1024 * 1024;

function config(overrides: Partial<PersistenceConfig> = {}): PersistenceConfig {
  return {
    port: 0,
    host: '127.0.0.1',
    dataDir: '/nonexistent',
    tokenSecret: SECRET,
    allowedOrigins: [ORIGIN],
    migrationsDir,
    maxUpdateBodyBytes: 8 * 1024 * 1024,
    store: { ...defaultStoreOptions, compactIdleMs: 0, historyIntervalMs: 0 },
    blobs: { maxBlobBytes: MAX_BLOB, maxBlobsPerBoard: 3, maxBoardBytes: 5 * 1024 * 1024, retentionMs: RETENTION_MS, gcIntervalMs: 0 },
    ...overrides,
  };
}

/** Bytes that start like a PNG (the store checks magic numbers), random after that. */
function png(size: number): Buffer {
  const data = randomBytes(size);
  data.set([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  return data;
}

describe.each(engines)('blobs on %s', (engine) => {
  let server: PersistenceServer;
  let baseUrl: string;
  let cleanup: () => Promise<void>;
  const auth = (token: string) => ({ authorization: `Bearer ${token}` });

  beforeAll(async () => {
    if (engine === 'pglite') {
      const pglite = await PGlite.create();
      server = await createPersistenceServer(config(), { database: { kind: 'pglite-instance', pglite } });
      cleanup = async () => {
        await server.close();
        await pglite.close();
      };
    } else {
      const pg = await createPgDatabase();
      server = await createPersistenceServer(config({ databaseUrl: pg.url }));
      cleanup = async () => {
        await server.close();
        await pg.drop();
      };
    }
    baseUrl = await server.listen();
  });
  afterAll(async () => {
    await cleanup?.();
  });

  async function newBoard(): Promise<CreateBoardResponse> {
    const created = await server.app.inject({ method: 'POST', url: apiPaths.boards, headers: { 'content-type': 'application/json' }, payload: {} });
    return CreateBoardResponse.parse(created.json());
  }

  function put(board: CreateBoardResponse, hash: string, body: Buffer, type = 'image/png', token = board.editToken) {
    return server.app.inject({ method: 'PUT', url: blobPath(board.id, hash), headers: { ...auth(token), 'content-type': type }, payload: body });
  }

  function expectError(response: { statusCode: number; json(): unknown }, status: number, code: string, message?: RegExp): void {
    expect(response.statusCode).toBe(status);
    const body = ErrorBody.parse(response.json());
    expect(body.error.code).toBe(code);
    if (message) expect(body.error.message).toMatch(message);
  }

  async function append(board: CreateBoardResponse, doc: Y.Doc, edit: () => void): Promise<void> {
    const before = Y.encodeStateVector(doc);
    edit();
    const response = await server.app.inject({
      method: 'POST',
      url: apiPaths.updates(board.id),
      headers: { ...auth(board.editToken), 'content-type': 'application/octet-stream' },
      payload: Buffer.from(Y.encodeStateAsUpdate(doc, before)),
    });
    expect(response.statusCode).toBe(200);
  }

  it('stores a blob once under its sha-256: edit links write, view links read, with immutable cache headers', async () => {
    const board = await newBoard();
    const data = png(200_000);
    const hash = sha256Hex(data);
    const first = await put(board, hash, data);
    expect(first.statusCode).toBe(201);
    expect(BlobInfo.parse(first.json())).toEqual({ sha256: hash, size: data.length, mimeType: 'image/png', created: true });
    const again = await put(board, hash, data);
    expect(again.statusCode).toBe(200);
    expect(BlobInfo.parse(again.json()).created).toBe(false);
    expect(await server.blobs.usage(board.id)).toEqual({ count: 1, bytes: data.length });

    const got = await server.app.inject({ method: 'GET', url: blobPath(board.id, hash), headers: auth(board.viewToken) });
    expect(got.statusCode).toBe(200);
    expect(Buffer.compare(got.rawPayload, data)).toBe(0);
    expect(got.headers['content-type']).toBe('image/png');
    expect(got.headers['cache-control']).toMatch(/immutable/);
    expect(got.headers['etag']).toBe(`"${hash}"`);
    expect(got.headers['x-content-type-options']).toBe('nosniff');
    const byQuery = await server.app.inject({ method: 'GET', url: `${blobPath(board.id, hash)}?token=${board.viewToken}` });
    expect(byQuery.statusCode).toBe(200);
    const head = await server.app.inject({ method: 'HEAD', url: blobPath(board.id, hash), headers: auth(board.viewToken) });
    expect(head.statusCode).toBe(200);
    expect(head.headers['content-length']).toBe(String(data.length));
    expect(head.rawPayload.length).toBe(0);
    const cached = await server.app.inject({ method: 'GET', url: blobPath(board.id, hash), headers: { ...auth(board.viewToken), 'if-none-match': `"${hash}"` } });
    expect(cached.statusCode).toBe(304);

    // another board does not see it; an unknown hash is 404
    const other = await newBoard();
    expectError(await server.app.inject({ method: 'GET', url: blobPath(other.id, hash), headers: auth(other.viewToken) }), 404, 'not_found');
    expectError(await server.app.inject({ method: 'GET', url: blobPath(board.id, 'f'.repeat(64)), headers: auth(board.viewToken) }), 404, 'not_found');
    // a browser on the web origin may PUT (CORS preflight)
    const preflight = await server.app.inject({
      method: 'OPTIONS',
      url: blobPath(board.id, hash),
      headers: { origin: ORIGIN, 'access-control-request-method': 'PUT', 'access-control-request-headers': 'authorization,content-type' },
    });
    expect(preflight.headers['access-control-allow-methods']).toMatch(/PUT/);
  });

  it('a view link can read blobs but never upload one (403); no or foreign tokens are refused', async () => {
    const board = await newBoard();
    const other = await newBoard();
    const data = png(1000);
    const hash = sha256Hex(data);
    expectError(await put(board, hash, data, 'image/png', board.viewToken), 403, 'forbidden');
    expectError(await put(board, hash, data, 'image/png', other.editToken), 403, 'forbidden');
    expectError(await server.app.inject({ method: 'PUT', url: blobPath(board.id, hash), headers: { 'content-type': 'image/png' }, payload: data }), 401, 'unauthorized');
    expectError(await server.app.inject({ method: 'GET', url: blobPath(board.id, hash) }), 401, 'unauthorized');
    expect(await server.blobs.usage(board.id)).toEqual({ count: 0, bytes: 0 });
  });

  it('refuses hostile uploads (hash mismatch, lying size, wrong type, too big) and stores nothing', async () => {
    const board = await newBoard();
    const data = png(5000);
    const hash = sha256Hex(data);
    expectError(await put(board, 'a'.repeat(64), data), 400, 'bad_request', /hash mismatch/);
    expectError(await put(board, 'NOT-A-HASH', data), 400, 'bad_request', /sha-256/);
    expectError(await put(board, hash, data, 'text/html'), 415, 'unsupported_media_type');
    expectError(await put(board, hash, data, 'image/jpeg'), 415, 'unsupported_media_type', /not image\/jpeg/);
    expectError(await put(board, hash, Buffer.alloc(0)), 400, 'bad_request');
    const big = png(MAX_BLOB + 1);
    expectError(await put(board, sha256Hex(big), big), 413, 'payload_too_large', /file too large/);

    // Over a real socket: a content-length that lies.
    const raw = (declared: number, body: Buffer) =>
      new Promise<{ status: number; body: string }>((resolve, reject) => {
        const request = http.request(`${baseUrl}${blobPath(board.id, hash)}`, {
          method: 'PUT',
          agent: false,
          headers: { ...auth(board.editToken), 'content-type': 'image/png', 'content-length': String(declared) },
        });
        request.on('response', (response) => {
          let text = '';
          response.on('data', (chunk: Buffer) => (text += chunk.toString()));
          response.on('end', () => resolve({ status: response.statusCode ?? 0, body: text }));
        });
        request.on('error', reject);
        request.end(body);
      });
    // names the whole file but sends (and declares) only its first 100 bytes: the hash does not match
    const truncated = await raw(100, data.subarray(0, 100));
    expect(truncated.status).toBe(400);
    expect(truncated.body).toMatch(/hash mismatch/);
    // declares fewer bytes than it sends: HTTP framing breaks, the request is refused
    expect((await raw(100, data).catch((error: Error) => ({ status: -1, body: error.message }))).status).toBe(400);
    // claims more than the limit: refused before the body is read
    const huge = await raw(MAX_BLOB + 10, data).catch((error: Error) => ({ status: -1, body: error.message }));
    expect(huge.status).toBe(413);
    expect(huge.body).toMatch(/file too large/);
    expect(await server.blobs.usage(board.id)).toEqual({ count: 0, bytes: 0 });
    // the honest upload still works
    expect((await put(board, hash, data)).statusCode).toBe(201);
  });

  it('limits the number of files and bytes per board with clear 413s', async () => {
    const board = await newBoard();
    const files = [png(2 * 1024 * 1024), png(2 * 1024 * 1024), png(2 * 1024 * 1024)];
    expect((await put(board, sha256Hex(files[0]!), files[0]!)).statusCode).toBe(201);
    expect((await put(board, sha256Hex(files[1]!), files[1]!)).statusCode).toBe(201);
    expectError(await put(board, sha256Hex(files[2]!), files[2]!), 413, 'payload_too_large', /board full: .* 5242880 bytes per board/);
    const small = [png(100), png(100)];
    expect((await put(board, sha256Hex(small[0]!), small[0]!)).statusCode).toBe(201);
    expectError(await put(board, sha256Hex(small[1]!), small[1]!), 413, 'payload_too_large', /board full: it holds 3 files, at most 3 per board/);
    // the same blob again is not a new file
    expect((await put(board, sha256Hex(small[0]!), small[0]!)).statusCode).toBe(200);
    // concurrent uploads cannot pass the limit together
    const race = await newBoard();
    const many = Array.from({ length: 6 }, () => png(1000));
    const answers = await Promise.all(many.map((file) => put(race, sha256Hex(file), file)));
    expect(answers.filter((answer) => answer.statusCode === 201)).toHaveLength(3);
    expect(answers.filter((answer) => answer.statusCode === 413)).toHaveLength(3);
    expect((await server.blobs.usage(race.id)).count).toBe(3);
  });

  it("keeps image bytes out of the board's state: its size does not grow with images", async () => {
    const board = await newBoard();
    const doc = new Y.Doc();
    const editor = new Board(doc, { userId: 'u1' });
    await append(board, doc, () => editor.addShape({ type: 'rectangle', x: 0, y: 0, w: 5, h: 5 }));
    const stateBefore = (await server.app.inject({ method: 'GET', url: apiPaths.state(board.id), headers: auth(board.viewToken) })).rawPayload.length;
    const image = png(2 * 1024 * 1024);
    const hash = sha256Hex(image);
    let assetId = '';
    await append(board, doc, () => {
      void editor.addAsset({ mimeType: 'image/png', data: new Uint8Array(image), width: 800, height: 600 }).then((id) => (assetId = id));
    });
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(assetId).toBe(hash);
    await append(board, doc, () => editor.addShape({ type: 'image', assetId, x: 0, y: 0, w: 80, h: 60 }));
    expect((await put(board, hash, image)).statusCode).toBe(201);
    const state = (await server.app.inject({ method: 'GET', url: apiPaths.state(board.id), headers: auth(board.viewToken) })).rawPayload;
    expect(state.length - stateBefore).toBeLessThan(1024);
    expect(state.includes(image.subarray(100, 164))).toBe(false); // not a byte of the image in the document
    await server.store.compact(board.id);
    const compacted = (await server.app.inject({ method: 'GET', url: apiPaths.state(board.id), headers: auth(board.viewToken) })).rawPayload;
    expect(compacted.length).toBeLessThan(2048);
  });

  it('an old inline asset rewritten as metadata (the client migration) leaves the compacted snapshot', async () => {
    const board = await newBoard();
    const doc = new Y.Doc();
    const image = png(500_000);
    const hash = sha256Hex(image);
    await append(board, doc, () => doc.getMap('assets').set(hash, { mimeType: 'image/png', data: new Uint8Array(image), width: 5, height: 5 }));
    await server.store.compact(board.id);
    const before = (await server.app.inject({ method: 'GET', url: apiPaths.state(board.id), headers: auth(board.viewToken) })).rawPayload.length;
    expect(before).toBeGreaterThan(500_000);
    expect((await put(board, hash, image)).statusCode).toBe(201);
    await append(board, doc, () => doc.getMap('assets').set(hash, { mimeType: 'image/png', size: image.length, width: 5, height: 5 }));
    await server.store.compact(board.id);
    const after = (await server.app.inject({ method: 'GET', url: apiPaths.state(board.id), headers: auth(board.viewToken) })).rawPayload.length;
    expect(after).toBeLessThan(1024);
  });

  it('collects a blob once no shape or restore point references it, after the retention', async () => {
    const board = await newBoard();
    const doc = new Y.Doc();
    const editor = new Board(doc, { userId: 'u1' });
    const image = png(10_000);
    const hash = sha256Hex(image);
    expect((await put(board, hash, image)).statusCode).toBe(201);
    const t0 = Date.now();
    // uploaded before its shape reached the store: unreferenced, but only marked, never deleted at once
    expect(await server.blobs.collect(board.id, new Date(t0))).toEqual({ referenced: 0, marked: 1, deleted: 0 });
    let shapeId = '';
    await append(board, doc, () => (shapeId = editor.addShape({ type: 'image', assetId: hash, x: 0, y: 0, w: 10, h: 10 }).id));
    // referenced again: the mark is cleared, even far in the future
    expect(await server.blobs.collect(board.id, new Date(t0 + 10 * RETENTION_MS))).toEqual({ referenced: 1, marked: 0, deleted: 0 });

    await append(board, doc, () => editor.deleteShapes([shapeId]));
    const t1 = Date.now();
    expect(await server.blobs.collect(board.id, new Date(t1))).toEqual({ referenced: 0, marked: 1, deleted: 0 });
    expect((await server.blobs.collect(board.id, new Date(t1 + RETENTION_MS - 1000))).deleted).toBe(0);
    expect((await server.app.inject({ method: 'HEAD', url: blobPath(board.id, hash), headers: auth(board.viewToken) })).statusCode).toBe(200);
    expect((await server.blobs.collect(board.id, new Date(t1 + RETENTION_MS + 1000))).deleted).toBe(1);
    expect((await server.app.inject({ method: 'GET', url: blobPath(board.id, hash), headers: auth(board.viewToken) })).statusCode).toBe(404);
    expect(await server.blobs.usage(board.id)).toEqual({ count: 0, bytes: 0 });
  });

  it('keeps a blob that only a restore point still references', async () => {
    const board = await newBoard();
    const doc = new Y.Doc();
    const editor = new Board(doc, { userId: 'u1' });
    const image = png(10_000);
    const hash = sha256Hex(image);
    expect((await put(board, hash, image)).statusCode).toBe(201);
    let shapeId = '';
    await append(board, doc, () => (shapeId = editor.addShape({ type: 'image', assetId: hash, x: 0, y: 0, w: 10, h: 10 }).id));
    await server.store.compact(board.id); // first snapshot: holds the image shape
    await append(board, doc, () => editor.deleteShapes([shapeId]));
    const compaction = await server.store.compact(board.id); // the old snapshot becomes a restore point
    expect(compaction?.historyCreated).toBe(true);
    const far = Date.now() + 10 * RETENTION_MS;
    expect(await server.blobs.collect(board.id, new Date(far))).toEqual({ referenced: 1, marked: 0, deleted: 0 });
    expect(await server.blobs.collect(board.id, new Date(far + 10 * RETENTION_MS))).toEqual({ referenced: 1, marked: 0, deleted: 0 });
    expect((await server.blobs.usage(board.id)).count).toBe(1);
  });
});

describe('blob collector timer', () => {
  it('sweeps by itself: an unreferenced blob is marked, then deleted once the retention has passed', async () => {
    const pglite = await PGlite.create();
    const server = await createPersistenceServer(config({ blobs: { gcIntervalMs: 300, retentionMs: 500 } }), { database: { kind: 'pglite-instance', pglite } });
    try {
      const created = CreateBoardResponse.parse(
        (await server.app.inject({ method: 'POST', url: apiPaths.boards, headers: { 'content-type': 'application/json' }, payload: {} })).json(),
      );
      const data = png(1000);
      const put = await server.app.inject({
        method: 'PUT',
        url: blobPath(created.id, sha256Hex(data)),
        headers: { authorization: `Bearer ${created.editToken}`, 'content-type': 'image/png' },
        payload: data,
      });
      expect(put.statusCode).toBe(201);
      await expect.poll(() => server.blobs.usage(created.id).then((usage) => usage.count), { timeout: 15_000, interval: 100 }).toBe(0);
      expect(server.blobs.stats.sweeps).toBeGreaterThanOrEqual(2);
    } finally {
      await server.close();
      await pglite.close();
    }
  });
});
