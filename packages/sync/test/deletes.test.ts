import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { Board } from '@meshboard/board';
import { connectBoard, type BoardConnection } from '../src/index.js';
import { startPersistence, storeApi, type PersistenceProcess, type StoreApi } from './support/persistence.js';
import { startSignaling, type SignalingProcess } from './support/signaling.js';
import { startTcpProxy, type TcpProxy } from './support/tcp-proxy.js';

// Issue 9 item 2: deletes take part in anti-entropy. State vectors do not move on a delete, so a delete-only
// change whose author never reached the store used to be lost for good: later joiners saw the shapes again.
const SECRET = 'sync-deletes-secret-'.padEnd(48, 'd');

let persistence: PersistenceProcess;
let signaling: SignalingProcess;
let store: StoreApi;
let open: BoardConnection[] = [];
let proxies: TcpProxy[] = [];
beforeAll(async () => {
  persistence = await startPersistence(SECRET);
  store = storeApi(persistence.url);
  signaling = await startSignaling({ secret: SECRET, persistenceUrl: persistence.url });
}, 180_000);
afterEach(async () => {
  await Promise.all(open.map((c) => c.destroy()));
  open = [];
  await Promise.all(proxies.map((p) => p.close()));
  proxies = [];
});
afterAll(async () => {
  await signaling?.stop();
  await persistence?.close();
}, 60_000);

async function waitFor(predicate: () => boolean | Promise<boolean>, timeoutMs = 15_000, what = 'condition') {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await predicate()) return;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`timed out waiting for ${what}`);
}
// Two clients in one process share nothing but the network: each has its own doc, socket and store client.
// (Relay only: y-webrtc allows one provider per board per process; the P2P path is covered in webrtc-big.)
function connect(boardId: string, token: string, name: string, storeUrl = persistence.url) {
  const doc = new Y.Doc();
  const c = connectBoard(boardId, token, {
    signalingUrl: signaling.url,
    storeUrl,
    user: { id: name, name, color: '#00ff00' },
    doc,
    disableP2P: true,
    antiEntropyIntervalMs: 400,
  });
  open.push(c);
  return c;
}
async function storedShapeIds(board: { id: string; editToken: string }): Promise<string[]> {
  const doc = new Y.Doc();
  Y.applyUpdate(doc, await store.state(board.id, board.editToken));
  return new Board(doc, { userId: 'reader' }).listShapes().map((s) => s.id).sort();
}

describe('deletes reach the store through any peer that has them', () => {
  it('a peer that cannot reach the store deletes and leaves; the other peer (never disconnected) repairs the store', async () => {
    const board = await store.createBoard();
    // the author's store is behind a proxy that is cut: it reaches signaling (and so the other peer) only
    const authorStore = await startTcpProxy(() => persistence.url);
    proxies.push(authorStore);
    const keeper = connect(board.id, board.editToken, 'keeper');
    await keeper.whenSeeded();
    const keeperBoard = new Board(keeper.doc, { userId: 'keeper' });
    const ids = keeperBoard.addShapes(Array.from({ length: 5 }, (_, i) => ({ type: 'rectangle' as const, x: i * 10, y: 0, w: 5, h: 5 }))).map((s) => s.id);
    await keeper.flush();
    expect(await storedShapeIds(board)).toEqual([...ids].sort());

    authorStore.cut();
    const author = connect(board.id, board.editToken, 'author', authorStore.url);
    await waitFor(() => author.status().signaling === 'connected' && author.status().peers.length === 1, 15_000, 'author joined');
    await waitFor(() => new Board(author.doc, { userId: 'x' }).size === 5, 15_000, 'author has the shapes (through the relay)');
    expect(author.status().store).not.toBe('synced');

    // a delete-only change: no state vector moves
    const svBefore = Y.encodeStateVector(keeper.doc);
    new Board(author.doc, { userId: 'author' }).deleteShapes(ids.slice(0, 3));
    await waitFor(() => keeperBoard.size === 2, 10_000, 'the delete reaches the keeper');
    expect(Y.encodeStateVector(keeper.doc)).toEqual(svBefore);
    await author.destroy(); // leaves without ever reaching the store

    // nothing reconnects: the keeper's own store connection was never lost; its anti-entropy notices
    await waitFor(async () => (await storedShapeIds(board)).length === 2, 15_000, 'the deletion reaches the store');
    expect(await storedShapeIds(board)).toEqual(ids.slice(3).sort());
    await keeper.destroy();

    // a late joiner alone on the board sees exactly what is left
    const late = connect(board.id, board.editToken, 'late');
    await late.whenSeeded();
    expect(new Board(late.doc, { userId: 'late' }).listShapes().map((s) => s.id).sort()).toEqual(ids.slice(3).sort());
  });

  it('a store that already has every delete gets no upload from anti-entropy rounds', async () => {
    const board = await store.createBoard();
    const a = connect(board.id, board.editToken, 'a');
    await a.whenSeeded();
    const b = new Board(a.doc, { userId: 'a' });
    const ids = b.addShapes(Array.from({ length: 3 }, () => ({ type: 'ellipse' as const, x: 0, y: 0, w: 5, h: 5 }))).map((s) => s.id);
    b.deleteShapes([ids[0]!]);
    await a.flush();
    const metrics = async () => {
      const text = await (await fetch(`${persistence.url}/metrics`)).text();
      let total = 0;
      for (const line of text.split('\n')) {
        if (line.startsWith('meshboard_persistence_requests_total{') && line.includes('route="/v1/boards/:id/updates"')) total += Number(line.split(' ').pop());
      }
      return total;
    };
    const before = await metrics();
    await new Promise((r) => setTimeout(r, 2000)); // ~5 anti-entropy rounds
    expect(await metrics()).toBe(before);
  });
});
