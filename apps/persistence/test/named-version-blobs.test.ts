/**
 * Issue 13 item 7: a named version outlives history retention, and so do the files (blobs) its shapes use,
 * while a blob only automatic (pruned) restore points referenced is collected. On PGlite and PostgreSQL.
 */
import { randomBytes } from 'node:crypto';
import { Board } from '@meshboard/board';
import { CreateBoardResponse, HistoryList, apiPaths, blobPath } from '@meshboard/protocol';
import * as Y from 'yjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sha256Hex } from '../src/BlobStore.js';
import { defaultStoreOptions } from '../src/config.js';
import type { PersistenceServer } from '../src/server.js';
import { engines } from './helpers.js';
import { serveStore } from './serve.js';

const RETENTION_MS = 1500;

function png(size: number): Buffer {
  const data = randomBytes(size);
  data.set([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  return data;
}

describe.each(engines)('named versions and their blobs past retention on %s', (engine) => {
  let url = '';
  let server: PersistenceServer;
  let close: () => Promise<void> = async () => {};
  beforeAll(async () => {
    ({ url, server, close } = await serveStore(engine, {
      store: { ...defaultStoreOptions, compactIdleMs: 0, historyIntervalMs: 0, historyRetentionMs: RETENTION_MS, historyMaxEntries: 2 },
      blobs: { gcIntervalMs: 0, retentionMs: RETENTION_MS },
    }));
  });
  afterAll(() => close());

  it('keeps the named version and the blob only it references; collects the blob only pruned points referenced', async () => {
    const board = CreateBoardResponse.parse(await (await fetch(url + apiPaths.boards, { method: 'POST' })).json());
    const auth = (token: string) => ({ authorization: `Bearer ${token}` });
    const doc = new Y.Doc();
    const editor = new Board(doc, { userId: 'u1' });
    const write = async (edit: () => void) => {
      const before = Y.encodeStateVector(doc);
      edit();
      const response = await fetch(url + apiPaths.updates(board.id), { method: 'POST', headers: { ...auth(board.editToken), 'content-type': 'application/octet-stream' }, body: Y.encodeStateAsUpdate(doc, before) });
      expect(response.status).toBe(200);
      await server.store.compact(board.id);
    };
    const upload = async (data: Buffer) => {
      const response = await fetch(url + blobPath(board.id, sha256Hex(data)), { method: 'PUT', headers: { ...auth(board.editToken), 'content-type': 'image/png' }, body: data });
      expect(response.status).toBe(201);
      return sha256Hex(data);
    };
    const kept = await upload(png(5000));
    const dropped = await upload(png(5000));

    let keptShape = '';
    await write(() => (keptShape = editor.addShape({ type: 'image', assetId: kept, x: 0, y: 0, w: 10, h: 10 }).id));
    const saved = await fetch(url + apiPaths.history(board.id), { method: 'POST', headers: { ...auth(board.editToken), 'content-type': 'application/json' }, body: JSON.stringify({ name: 'with the logo' }) });
    expect(saved.status).toBe(201);
    await write(() => editor.deleteShapes([keptShape]));
    let droppedShape = '';
    await write(() => (droppedShape = editor.addShape({ type: 'image', assetId: dropped, x: 0, y: 0, w: 10, h: 10 }).id));
    await write(() => editor.deleteShapes([droppedShape]));

    // retention passes; later compactions prune every automatic point that held either image
    await new Promise((resolve) => setTimeout(resolve, RETENTION_MS + 200));
    for (let i = 0; i < 4; i++) await write(() => editor.addShape({ type: 'rectangle', x: i * 20, y: 0, w: 10, h: 10 }));
    const entries = HistoryList.parse(await (await fetch(url + apiPaths.history(board.id), { headers: auth(board.viewToken) })).json()).entries;
    expect(entries.filter((e) => e.name === 'with the logo')).toHaveLength(1);

    // two passes far past the blob retention: mark, then delete
    const far = Date.now() + 100 * RETENTION_MS;
    await server.blobs.collect(board.id, new Date(far));
    await server.blobs.collect(board.id, new Date(far + 100 * RETENTION_MS));
    expect((await fetch(url + blobPath(board.id, kept), { headers: auth(board.viewToken) })).status).toBe(200);
    expect((await fetch(url + blobPath(board.id, dropped), { headers: auth(board.viewToken) })).status).toBe(404);
  });
});
