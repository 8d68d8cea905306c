import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { MeshboardError, bytesToBase64 } from '@meshboard/protocol';
import { StoreClient, connectBoard, type BoardConnection } from '../src/index.js';
import { startPersistence, storeApi, type PersistenceProcess, type StoreApi } from './support/persistence.js';

// The real persistence service (apps/persistence dist/main.js, PGlite in a temp dir). "Store down" is the
// process stopped and started again on the same port and data directory.
const SECRET = 'sync-test-secret-'.padEnd(48, 'z');
// nothing listens here: signaling stays down, which must never keep the durable path from working
const DEAD_SIGNALING = 'http://127.0.0.1:9';

let persistence: PersistenceProcess;
let store: StoreApi;
let open: BoardConnection[] = [];
beforeAll(async () => {
  persistence = await startPersistence(SECRET);
  store = storeApi(persistence.url);
}, 180_000);
afterEach(async () => {
  await Promise.all(open.map((c) => c.destroy()));
  open = [];
});
afterAll(() => persistence?.close(), 60_000);

async function waitFor(predicate: () => boolean | Promise<boolean>, timeoutMs = 10_000, what = 'condition') {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await predicate()) return;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`timed out waiting for ${what}`);
}
function connect(boardId: string, token: string, doc?: Y.Doc) {
  const c = connectBoard(boardId, token, {
    signalingUrl: DEAD_SIGNALING,
    storeUrl: store.url,
    user: { id: 'u', name: 'Ada', color: '#ff0000' },
    disableP2P: true,
    antiEntropyIntervalMs: 500,
    ...(doc ? { doc } : {}),
  });
  open.push(c);
  return c;
}
/** the board's map as the store has it */
async function stored(board: { id: string; editToken: string }): Promise<Record<string, unknown>> {
  const doc = new Y.Doc();
  Y.applyUpdate(doc, await store.state(board.id, board.editToken));
  return doc.getMap('m').toJSON();
}
/** update requests the store has answered so far (from its /metrics) */
async function updateRequests(): Promise<number> {
  const text = await (await fetch(`${store.url}/metrics`)).text();
  let total = 0;
  for (const line of text.split('\n')) {
    if (line.startsWith('meshboard_persistence_requests_total{') && line.includes('route="/v1/boards/:id/updates"')) total += Number(line.split(' ').pop());
  }
  return total;
}

describe('StoreClient', () => {
  it('speaks the persistence API and maps errors to MeshboardError codes', async () => {
    const client = new StoreClient(store.url);
    const created = await client.createBoard({});
    if (!('editToken' in created)) throw new Error('no tokens');
    expect(created.id).toHaveLength(22);
    expect(await client.getMeta(created.id, created.viewToken)).toMatchObject({ id: created.id, role: 'view' });
    const doc = new Y.Doc();
    doc.getMap('m').set('x', 1);
    const ack = await client.appendUpdate(created.id, created.editToken, Y.encodeStateAsUpdate(doc));
    expect(ack).toMatchObject({ changed: true, stateVector: bytesToBase64(Y.encodeStateVector(doc)) });
    const again = await client.appendUpdate(created.id, created.editToken, Y.encodeStateAsUpdate(doc));
    expect(again.changed).toBe(false);
    const state = await client.getState(created.id, created.viewToken);
    const copy = new Y.Doc();
    Y.applyUpdate(copy, state.update);
    expect(copy.getMap('m').get('x')).toBe(1);
    const diff = await client.getDiff(created.id, created.viewToken, Y.encodeStateVector(doc));
    expect(diff.stateVector).toEqual(Y.encodeStateVector(doc));
    await expect(client.appendUpdate(created.id, created.viewToken, new Uint8Array([0, 0]))).rejects.toMatchObject({ code: 'forbidden' });
    await store.rotate(created.id, created.ownerToken!);
    await expect(client.getState(created.id, created.editToken)).rejects.toMatchObject({ code: 'token_revoked' });
    await expect(new StoreClient('http://127.0.0.1:9').getState(created.id, created.editToken)).rejects.toBeInstanceOf(MeshboardError);
    await expect(new StoreClient('http://127.0.0.1:9').getState(created.id, created.editToken)).rejects.toMatchObject({ code: 'unavailable' });
  });
});

describe('connectBoard durable path', () => {
  it('seeds from the store, uploads only its own edits, batched while a request is in flight', async () => {
    const board = await store.createBoard();
    const seed = new Y.Doc();
    seed.getMap('m').set('seeded', true);
    await store.append(board.id, board.editToken, Y.encodeStateAsUpdate(seed));
    const c = connect(board.id, board.editToken);
    await c.whenSeeded();
    expect(c.doc.getMap('m').get('seeded')).toBe(true);
    expect(c.status().store).toBe('synced');
    const before = await updateRequests();
    for (let i = 0; i < 50; i++) {
      c.doc.getMap('m').set(`k${i}`, i);
      if (i % 10 === 9) await new Promise((r) => setTimeout(r, 5));
    }
    expect(c.status().pendingUploadBytes).toBeGreaterThan(0);
    await c.flush();
    expect(c.status().pendingUploadBytes).toBe(0);
    expect((await stored(board)).k49).toBe(49);
    // 50 edits (collected for uploadDelayMs, merged while one request is in flight): a handful of requests, not 50
    expect((await updateRequests()) - before).toBeLessThan(5);
  });

  it("does not re-post the store's first state to this browser's other tabs (BroadcastChannel), but still posts own edits", async () => {
    // Issue 15 item 3: y-webrtc re-sends every update on the room's BroadcastChannel, so the board's first state
    // (11.5 MB for 50,000 shapes) was encoded again and posted whole on every open of an edit link.
    const board = await store.createBoard();
    const seed = new Y.Doc();
    for (let i = 0; i < 200; i++) seed.getMap('m').set(`k${i}`, 'x'.repeat(5_000));
    await store.append(board.id, board.editToken, Y.encodeStateAsUpdate(seed));
    const posted: number[] = [];
    const tab = new BroadcastChannel(board.id); // the room's channel, as another tab of this browser has it
    tab.onmessage = (event: MessageEvent) => posted.push((event.data as ArrayBuffer | Uint8Array).byteLength);
    try {
      const c = connectBoard(board.id, board.editToken, {
        signalingUrl: DEAD_SIGNALING,
        storeUrl: store.url,
        user: { id: 'u', name: 'Ada', color: '#ff0000' },
        offline: false,
      });
      open.push(c);
      await c.whenSeeded();
      expect(c.doc.getMap('m').size).toBe(200);
      await waitFor(() => posted.length > 0, 5_000, 'the room to say hello on the BroadcastChannel');
      await new Promise((r) => setTimeout(r, 300));
      expect(Math.max(...posted)).toBeLessThan(10_000); // the seed is ~1 MB
      const before = posted.length;
      c.doc.getMap('m').set('own', 'y'.repeat(20_000));
      await waitFor(() => posted.slice(before).some((bytes) => bytes > 20_000), 5_000, 'own edit on the BroadcastChannel');
    } finally {
      tab.close();
    }
  });

  it('anti-entropy: edits it only received (author gone) reach the store, exactly the difference', async () => {
    const board = await store.createBoard();
    const c = connect(board.id, board.editToken);
    await c.whenSeeded();
    const author = new Y.Doc();
    author.getMap('m').set('orphan', 'from a closed tab');
    Y.applyUpdate(c.doc, Y.encodeStateAsUpdate(author), 'some-peer'); // remote: not uploaded as own edit
    await waitFor(async () => (await stored(board)).orphan === 'from a closed tab', 15_000, 'anti-entropy upload');
  });

  it('keeps edits while the store is down and uploads them when it is back', async () => {
    const board = await store.createBoard();
    const c = connect(board.id, board.editToken);
    await c.whenSeeded();
    await persistence.stop();
    c.doc.getMap('m').set('offline-edit', 1);
    await waitFor(() => c.status().store === 'offline', 10_000, 'store offline');
    expect(c.status().pendingUploadBytes).toBeGreaterThan(0);
    await persistence.restart();
    // the client retries with backoff (up to 15 s between attempts)
    await waitFor(async () => (await stored(board))['offline-edit'] === 1, 45_000, 'upload after recovery');
    await waitFor(() => c.status().store === 'synced', 20_000, 'synced again');
  }, 120_000);

  it('whenSeeded rejects with the store error for revoked links and unknown boards; view-only never uploads', async () => {
    const board = await store.createBoard();
    await store.rotate(board.id, board.ownerToken);
    await expect(connect(board.id, board.editToken).whenSeeded()).rejects.toMatchObject({ code: 'token_revoked' });
    const other = await store.createBoard();
    await store.remove(other.id, other.ownerToken);
    await expect(connect(other.id, other.editToken).whenSeeded()).rejects.toMatchObject({ code: 'board_not_found' });
    const viewBoard = await store.createBoard();
    const viewer = connect(viewBoard.id, viewBoard.viewToken);
    await viewer.whenSeeded();
    expect(viewer.role).toBe('view');
    viewer.doc.getMap('m').set('nope', 1);
    const before = await updateRequests();
    await viewer.flush();
    await new Promise((r) => setTimeout(r, 300));
    expect(await updateRequests()).toBe(before);
    expect(await stored(viewBoard)).toEqual({});
    expect(viewer.status().pendingUploadBytes).toBe(0);
  });

  it('reports status changes and throttles cursors to maxCursorHz', async () => {
    const board = await store.createBoard();
    const c = connect(board.id, board.editToken);
    const seen: string[] = [];
    const off = c.onStatus((s) => seen.push(s.store));
    await c.whenSeeded();
    await waitFor(() => seen.includes('synced'), 5000, 'status event');
    off();
    let updates = 0;
    c.awareness.on('change', () => updates++);
    const started = Date.now();
    while (Date.now() - started < 500) {
      c.setCursor({ x: Math.random(), y: 1 });
      await new Promise((r) => setTimeout(r, 2));
    }
    await new Promise((r) => setTimeout(r, 100));
    expect(updates).toBeLessThanOrEqual(Math.ceil(0.6 * 30) + 2);
    expect(updates).toBeGreaterThan(5);
    expect(c.status().signaling).not.toBe('connected');
  });
});

describe('a board over its size limit', () => {
  let small: PersistenceProcess;
  beforeAll(async () => {
    small = await startPersistence(SECRET, { env: { MESHBOARD_MAX_BOARD_BYTES: '4096' } });
  }, 180_000);
  afterAll(() => small?.close(), 60_000);

  it('says the store refuses the edits (board full) instead of looking offline, and keeps them queued and in the document', async () => {
    const smallStore = storeApi(small.url);
    const board = await smallStore.createBoard();
    const c = connectBoard(board.id, board.editToken, {
      signalingUrl: DEAD_SIGNALING,
      storeUrl: small.url,
      user: { id: 'u', name: 'Ada', color: '#ff0000' },
      disableP2P: true,
      antiEntropyIntervalMs: 500,
    });
    open.push(c);
    await c.whenSeeded();
    c.doc.getMap('m').set('big', 'x'.repeat(10_000));
    await waitFor(() => c.status().storeRefusal?.code === 'payload_too_large', 15_000, 'the refusal in the status');
    const status = c.status();
    expect(status.store).toBe('offline');
    expect(status.storeRefusal!.message).toMatch(/bytes/);
    expect(status.pendingUploadBytes).toBeGreaterThan(10_000); // still queued: retried, never dropped
    expect((c.doc.getMap('m').get('big') as string).length).toBe(10_000);
  }, 60_000);
});
