/**
 * Images as blobs vs images inside the document, on embedded PGlite (in memory), through the real HTTP API.
 * Named peer, measured in the same run: "inline" = Meshboard before blobs, the image bytes in the Yjs doc's
 * `assets` map (what Excalidraw does with a scene's `files` when it is saved as one document).
 *
 * For a board with IMAGES images of IMAGE_BYTES each:
 *   1. bytes of the live update one image insert sends to every peer;
 *   2. the board's state a joining client downloads (GET /state), and the join time (median of 5);
 *   3. the state after every image is deleted and the board compacted.
 *
 *   npx tsx apps/persistence/bench/blobs.ts
 */
import { createHash, randomBytes } from 'node:crypto';
import { PGlite } from '@electric-sql/pglite';
import { Board } from '@meshboard/board';
import { CreateBoardResponse, apiPaths, blobPath } from '@meshboard/protocol';
import { createLogger } from '@meshboard/service-kit';
import * as Y from 'yjs';
import { defaultMigrationsDir, defaultStoreOptions, type PersistenceConfig } from '../src/config.js';
import { createPersistenceServer } from '../src/server.js';

const IMAGES = 20;
const IMAGE_BYTES = 500 * 1024;
const SECRET = randomBytes(32).toString('base64url');
const fmt = (n: number, digits = 0) => n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });

const config: PersistenceConfig = {
  port: 0,
  host: '127.0.0.1',
  dataDir: '/nonexistent',
  tokenSecret: SECRET,
  allowedOrigins: ['*'],
  migrationsDir: defaultMigrationsDir(),
  maxUpdateBodyBytes: 64 * 1024 * 1024,
  store: { ...defaultStoreOptions, compactIdleMs: 0, historyIntervalMs: 24 * 3_600_000 },
  blobs: { gcIntervalMs: 0 },
};

function png(): Uint8Array<ArrayBuffer> {
  const data = new Uint8Array(randomBytes(IMAGE_BYTES));
  data.set([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  return data;
}

const pglite = await PGlite.create();
const server = await createPersistenceServer(config, { database: { kind: 'pglite-instance', pglite }, logger: createLogger('bench', { level: 'silent' }) });
const images = Array.from({ length: IMAGES }, png);

async function run(kind: 'inline' | 'blobs') {
  const created = CreateBoardResponse.parse(
    (await server.app.inject({ method: 'POST', url: apiPaths.boards, headers: { 'content-type': 'application/json' }, payload: {} })).json(),
  );
  const auth = { authorization: `Bearer ${created.editToken}` };
  const doc = new Y.Doc();
  const board = new Board(doc, { userId: 'bench' });
  const append = async (update: Uint8Array) => {
    const response = await server.app.inject({ method: 'POST', url: apiPaths.updates(created.id), headers: { ...auth, 'content-type': 'application/octet-stream' }, payload: Buffer.from(update) });
    if (response.statusCode !== 200) throw new Error(`append ${response.statusCode}`);
  };
  const insertUpdates: number[] = [];
  const ids: string[] = [];
  for (const [index, data] of images.entries()) {
    const before = Y.encodeStateVector(doc);
    const hash = createHash('sha256').update(data).digest('hex');
    if (kind === 'inline') {
      doc.getMap('assets').set(hash, { mimeType: 'image/png', data, width: 800, height: 600 });
    } else {
      await board.addAsset({ mimeType: 'image/png', data, width: 800, height: 600 });
      const put = await server.app.inject({ method: 'PUT', url: blobPath(created.id, hash), headers: { ...auth, 'content-type': 'image/png' }, payload: Buffer.from(data) });
      if (put.statusCode !== 201) throw new Error(`put ${put.statusCode}`);
    }
    ids.push(board.addShape({ type: 'image', assetId: hash, x: index * 100, y: 0, w: 80, h: 60 }).id);
    const update = Y.encodeStateAsUpdate(doc, before);
    insertUpdates.push(update.byteLength);
    await append(update);
  }
  await server.store.compact(created.id);
  const joins: number[] = [];
  let stateBytes = 0;
  for (let i = 0; i < 5; i++) {
    const started = performance.now();
    const state = await server.app.inject({ method: 'GET', url: apiPaths.state(created.id), headers: auth });
    joins.push(performance.now() - started);
    stateBytes = state.rawPayload.length;
  }
  joins.sort((a, b) => a - b);
  const before = Y.encodeStateVector(doc);
  board.deleteShapes(ids);
  await append(Y.encodeStateAsUpdate(doc, before));
  await server.store.compact(created.id);
  const afterDelete = (await server.app.inject({ method: 'GET', url: apiPaths.state(created.id), headers: auth })).rawPayload.length;
  return { insert: insertUpdates.reduce((a, b) => a + b, 0) / insertUpdates.length, stateBytes, join: joins[2]!, afterDelete };
}

const inline = await run('inline');
const blobs = await run('blobs');
console.log(`${IMAGES} images of ${fmt(IMAGE_BYTES / 1024)} KiB, PGlite in memory, ${new Date().toISOString()}`);
console.log('| Measure | inline (peer: bytes in the doc) | blobs (Meshboard) |');
console.log('|---|---|---|');
console.log(`| live update per image insert | ${fmt(inline.insert)} B | ${fmt(blobs.insert)} B |`);
console.log(`| board state a joiner downloads | ${fmt(inline.stateBytes)} B | ${fmt(blobs.stateBytes)} B (+ images fetched on view, cached) |`);
console.log(`| join (GET /state, median of 5) | ${fmt(inline.join, 1)} ms | ${fmt(blobs.join, 1)} ms |`);
console.log(`| state after deleting every image + compaction | ${fmt(inline.afterDelete)} B | ${fmt(blobs.afterDelete)} B (blobs collected after the retention) |`);
await server.close();
await pglite.close();
