import { randomBytes } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { Board, assetsOf, sha256Hex } from '@meshboard/board';
import { BLOB_EVENT, blobPath, type BlobFrameOut, type FailureBody } from '@meshboard/protocol';
import { connectBoard, type BoardConnection } from '@meshboard/sync';
import type { SignalingServer } from '../src/server.js';
import { startPersistence, storeApi, type PersistenceProcess, type StoreApi } from '../../../packages/sync/test/support/persistence.js';
import { SECRET, client, collect, connected, join, next, startServer, user, waitFor } from './support.js';

// Blobs peer-to-peer: real signaling (in process) and a real persistence process of this file's own, so the
// store can be stopped and started again. Peers are packages/sync connections (relay path: blob transfer goes
// through the board's Socket.IO room, whatever the WebRTC state).
let persistence: PersistenceProcess;
let store: StoreApi;
let server: SignalingServer;
let signalingUrl: string;
let open: BoardConnection[] = [];

beforeAll(async () => {
  persistence = await startPersistence(SECRET);
  store = storeApi(persistence.url);
  server = await startServer({ persistenceUrl: persistence.url });
  signalingUrl = server.url;
}, 180_000);
afterEach(async () => {
  await Promise.all(open.map((c) => c.destroy()));
  open = [];
});
afterAll(async () => {
  await server?.close();
  await persistence?.close();
}, 60_000);

function png(size: number): Uint8Array<ArrayBuffer> {
  const data = new Uint8Array(randomBytes(size));
  data.set([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  return data;
}

function peer(boardId: string, token: string, name: string): { connection: BoardConnection; board: Board } {
  const doc = new Y.Doc();
  const connection = connectBoard(boardId, token, {
    signalingUrl,
    storeUrl: persistence.url,
    user: { id: `u-${name}`, name, color: '#3366ff' },
    doc,
    disableP2P: true,
    antiEntropyIntervalMs: 500,
    transports: ['websocket'],
  });
  open.push(connection);
  const board = new Board(doc, { userId: `u-${name}` });
  board.attachBlobStorage(connection.blobs);
  return { connection, board };
}

async function stored(boardId: string, token: string, hash: string): Promise<number> {
  const response = await fetch(persistence.url + blobPath(boardId, hash), { method: 'HEAD', headers: { authorization: `Bearer ${token}` } }).catch(() => null);
  return response?.status ?? 0;
}

/** raw frames, hostile ones included (the typed event map has no `blob`) */
function emitBlob(socket: { emit(event: string, ...args: unknown[]): unknown }, frame: unknown): void {
  socket.emit(BLOB_EVENT, frame);
}

async function joinedPeers(connection: BoardConnection, count: number): Promise<void> {
  await waitFor(() => connection.status().signaling === 'connected' && connection.status().peers.length >= count, 15_000);
}

describe('blobs between peers', () => {
  it('an image pasted while the store is down reaches the other peer over the relay, and is stored when the store is back', async () => {
    const created = await store.createBoard();
    const alice = peer(created.id, created.editToken, 'alice');
    const bob = peer(created.id, created.editToken, 'bob');
    await Promise.all([alice.connection.whenSeeded(), bob.connection.whenSeeded()]);
    await joinedPeers(alice.connection, 1);
    await joinedPeers(bob.connection, 1);
    await persistence.stop();
    try {
      const image = png(2 * 1024 * 1024);
      const started = Date.now();
      const assetId = await alice.board.addAsset({ mimeType: 'image/png', data: image, width: 1200, height: 900 });
      alice.board.addShape({ type: 'image', assetId, x: 0, y: 0, w: 120, h: 90 });
      // Bob's renderer asks for the bytes as soon as the shape arrives; it gets them from Alice
      await waitFor(() => bob.board.listShapes().some((shape) => shape.type === 'image'), 5_000);
      await waitFor(() => bob.board.getAssetBytes(assetId) !== null, 5_000);
      const elapsed = Date.now() - started;
      expect(elapsed).toBeLessThan(3_000);
      expect(Buffer.compare(Buffer.from(bob.board.getAssetBytes(assetId)!), Buffer.from(image))).toBe(0);
      expect(bob.connection.blobs.stats.fromPeers).toBe(1);
      expect(bob.board.getAsset(assetId)).toEqual({ mimeType: 'image/png', size: image.byteLength, width: 1200, height: 900 });
      // no image bytes in either document
      expect(Y.encodeStateAsUpdate(alice.connection.doc).byteLength).toBeLessThan(4096);
      expect(Y.encodeStateAsUpdate(bob.connection.doc).byteLength).toBeLessThan(4096);
      expect(alice.connection.blobs.pendingUploads).toBeGreaterThan(0);
    } finally {
      await persistence.restart();
    }
    const assetId = [...assetsOf(alice.connection.doc).keys()][0]!;
    await waitFor(async () => (await stored(created.id, created.viewToken, assetId)) === 200, 20_000);
    await alice.connection.blobs.whenUploaded();
    await bob.connection.blobs.whenUploaded();
  }, 120_000);

  it('a view link fetches images from peers and the store, but never serves or uploads one', async () => {
    const created = await store.createBoard();
    const alice = peer(created.id, created.editToken, 'alice');
    const viewer = peer(created.id, created.viewToken, 'viewer');
    await joinedPeers(alice.connection, 1);
    await joinedPeers(viewer.connection, 1);
    const image = png(300_000);
    const assetId = await alice.board.addAsset({ mimeType: 'image/png', data: image, width: 10, height: 10 });
    alice.board.addShape({ type: 'image', assetId, x: 0, y: 0, w: 10, h: 10 });
    await waitFor(() => viewer.board.getAssetBytes(assetId) !== null, 10_000);
    await alice.connection.blobs.whenUploaded();
    expect(await stored(created.id, created.viewToken, assetId)).toBe(200);
    expect(viewer.connection.blobs.stats.uploaded).toBe(0);

    // a raw view-only socket may ask, but its `have` / `chunk` frames are refused
    const raw = await connected(client(signalingUrl));
    try {
      const ack = await join(raw, { boardId: created.id, token: created.viewToken, user: user(), clientId: 4242 });
      expect(ack.ok).toBe(true);
      const failure = next<FailureBody>(raw, 'failure');
      emitBlob(raw, { type: 'have', hash: assetId, to: 'x', size: 5, mimeType: 'image/png' });
      expect((await failure).error.code).toBe('forbidden');
      // and asking works: an editor who holds it answers
      const answers = collect<BlobFrameOut>(raw, BLOB_EVENT);
      emitBlob(raw, { type: 'want', hash: assetId });
      await waitFor(() => answers.some((frame) => frame.type === 'have'), 5_000);
      const bad = next<FailureBody>(raw, 'failure');
      emitBlob(raw, { type: 'want', hash: 'not-a-hash' });
      expect((await bad).error.code).toBe('bad_request');
    } finally {
      raw.disconnect();
    }
  }, 60_000);

  it('an upload the store refuses is reported to the app, not retried forever', async () => {
    const created = await store.createBoard();
    const alice = peer(created.id, created.editToken, 'alice');
    await alice.connection.whenSeeded();
    const refusals: string[] = [];
    alice.connection.blobs.onUploadRefused((_hash, error) => refusals.push(error.code));
    // PNG bytes declared as JPEG: the store checks the bytes and refuses (415), a final answer
    const assetId = await alice.board.addAsset({ mimeType: 'image/jpeg', data: png(2000), width: 1, height: 1 });
    await waitFor(() => refusals.length > 0, 10_000);
    expect(refusals).toEqual(['unsupported_media_type']);
    expect(alice.connection.blobs.pendingUploads).toBe(0);
    expect(alice.board.getAssetBytes(assetId)).not.toBeNull(); // still shown here
  });

  it('blob frames stay inside their board and oversized chunks are refused', async () => {
    const one = await store.createBoard();
    const two = await store.createBoard();
    const [x, y] = [await connected(client(signalingUrl)), await connected(client(signalingUrl))];
    try {
      expect((await join(x, { boardId: one.id, token: one.editToken, user: user(), clientId: 11 })).ok).toBe(true);
      const ackY = await join(y, { boardId: two.id, token: two.editToken, user: user(), clientId: 12 });
      if (!ackY.ok) throw new Error('join failed');
      const seenByY = collect<BlobFrameOut>(y, BLOB_EVENT);
      const hash = 'c'.repeat(64);
      emitBlob(x, { type: 'want', hash });
      emitBlob(x, { type: 'get', hash, to: ackY.sid }); // addressed to a connection of another board
      const tooBig = next<FailureBody>(x, 'failure');
      emitBlob(x, { type: 'chunk', hash, to: ackY.sid, mimeType: 'image/png', size: 300_000, index: 0, count: 2, data: new Uint8Array(256 * 1024) });
      expect((await tooBig).error.code).toBe('payload_too_large');
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(seenByY).toEqual([]);
    } finally {
      x.disconnect();
      y.disconnect();
    }
  });

  it('bytes that do not match their hash are refused, and the blob comes from an honest peer', async () => {
    const created = await store.createBoard();
    const alice = peer(created.id, created.editToken, 'alice');
    await joinedPeers(alice.connection, 0);
    // a hostile editor answers every want first, with other bytes
    const liar = await connected(client(signalingUrl));
    try {
      expect((await join(liar, { boardId: created.id, token: created.editToken, user: user(), clientId: 777 })).ok).toBe(true);
      (liar as unknown as { on(e: string, f: (frame: BlobFrameOut) => void): void }).on(BLOB_EVENT, (frame) => {
        if (frame.type === 'want') emitBlob(liar, { type: 'have', hash: frame.hash, to: frame.from, size: 1000, mimeType: 'image/png' });
        if (frame.type === 'get') emitBlob(liar, { type: 'chunk', hash: frame.hash, to: frame.from, size: 1000, mimeType: 'image/png', index: 0, count: 1, data: png(1000) });
      });
      await persistence.stop();
      try {
        const bob = peer(created.id, created.editToken, 'bob');
        await joinedPeers(bob.connection, 2);
        const image = png(50_000);
        const assetId = await alice.board.addAsset({ mimeType: 'image/png', data: image, width: 10, height: 10 });
        alice.board.addShape({ type: 'image', assetId, x: 0, y: 0, w: 10, h: 10 });
        const got = await bob.connection.blobs.get(assetId);
        expect(got && Buffer.compare(Buffer.from(got.bytes), Buffer.from(image))).toBe(0);
        expect(await sha256Hex(got!.bytes)).toBe(assetId);
      } finally {
        await persistence.restart();
      }
    } finally {
      liar.disconnect();
    }
  }, 120_000);

  it('an old board with inline image bytes keeps showing them, and an editor moves them to the store', async () => {
    const created = await store.createBoard();
    const legacy = new Y.Doc();
    const image = png(40_000);
    const hash = await sha256Hex(image);
    assetsOf(legacy).set(hash, { mimeType: 'image/png', data: image, width: 4, height: 4 });
    new Board(legacy, { userId: 'old' }).addShape({ type: 'image', assetId: hash, x: 0, y: 0, w: 4, h: 4 });
    await store.append(created.id, created.editToken, Y.encodeStateAsUpdate(legacy));

    const viewer = peer(created.id, created.viewToken, 'viewer');
    await viewer.connection.whenSeeded();
    expect(viewer.board.getAssetBytes(hash)).not.toBeNull(); // inline bytes still render
    const alice = peer(created.id, created.editToken, 'alice');
    await alice.connection.whenSeeded();
    await waitFor(() => !('data' in ((assetsOf(alice.connection.doc).get(hash) as object) ?? {})), 15_000);
    expect(assetsOf(alice.connection.doc).get(hash)).toEqual({ mimeType: 'image/png', size: 40_000, width: 4, height: 4 });
    expect(await stored(created.id, created.viewToken, hash)).toBe(200);
    expect(alice.board.getAssetBytes(hash)).not.toBeNull();
    await alice.connection.flush();
    // the rewrite reaches the other tabs: the viewer now reads metadata and still has the bytes (cached)
    await waitFor(() => !('data' in ((assetsOf(viewer.connection.doc).get(hash) as object) ?? {})), 15_000);
    expect(viewer.board.getAssetBytes(hash)).not.toBeNull();
  }, 60_000);
});
