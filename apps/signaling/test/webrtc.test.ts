import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from 'vitest';
import * as Y from 'yjs';
import type { SignalingServer } from '../src/server.js';
import { startPeer, type Peer, type PeerState } from './peers.js';
import { storeApi } from '../../../packages/sync/test/support/persistence.js';
import { startServer, waitFor } from './support.js';

// the real persistence service (test/global-setup.ts)
const store = storeApi(inject('persistenceUrl'));
let server: SignalingServer;
let peers: Peer[] = [];
/** the board's document as the store has it */
const storedMap = async (board: { id: string; editToken: string }) => {
  const doc = new Y.Doc();
  Y.applyUpdate(doc, await store.state(board.id, board.editToken));
  return doc.getMap('m').toJSON();
};

beforeAll(async () => {
  server = await startServer({ persistenceUrl: store.url });
});
afterEach(async () => {
  await Promise.all(peers.map((p) => p.stop()));
  peers = [];
});
afterAll(async () => {
  await server.close();
});

async function spawnPeers(n: number, prefix = 'p'): Promise<Peer[]> {
  const started = await Promise.all(Array.from({ length: n }, (_, i) => startPeer(`${prefix}${i}`)));
  peers.push(...started);
  return started;
}
const connect = (peer: Peer, boardId: string, token: string, extra: Record<string, unknown> = {}) =>
  peer.call<{ seeded: boolean; role?: string; error?: { code: string } }>('connect', {
    boardId,
    token,
    signalingUrl: server.url,
    storeUrl: store.url,
    name: peer.name,
    ...extra,
  });
const states = (list: Peer[]) => Promise.all(list.map((p) => p.state()));
const allConverged = (list: PeerState[], keys: string[]) => list.every((s) => keys.every((k) => k in s.map));
const p2pMesh = (list: PeerState[]) =>
  list.every((s) => s.webrtc.conns.filter((c) => c.connected).length === list.length - 1);

describe('WebRTC through our signaling', () => {
  it('two Node peers: data channels up, edits converge, status says p2p', async () => {
    const board = await store.createBoard();
    const [a, b] = await spawnPeers(2);
    expect(await connect(a!, board.id, board.editToken)).toMatchObject({ seeded: true, role: 'edit' });
    expect(await connect(b!, board.id, board.editToken)).toMatchObject({ seeded: true });
    await waitFor(async () => p2pMesh(await states([a!, b!])), 30_000, 'p2p connection');
    await a!.call('set', { key: 'a', value: 1 });
    await b!.call('set', { key: 'b', value: 2 });
    await waitFor(async () => allConverged(await states([a!, b!]), ['a', 'b']), 15_000, 'convergence');
    await waitFor(async () => (await a!.state()).status?.peers[0]?.mode === 'p2p', 10_000, 'p2p status');
    const sa = await a!.state();
    expect(sa.status).toMatchObject({ signaling: 'connected', peers: [{ user: { name: 'p1' }, role: 'edit', mode: 'p2p' }] });
    // the durable path: both edits reach the store
    await a!.call('flush');
    await b!.call('flush');
    expect(await storedMap(board)).toEqual({ a: 1, b: 2 });
  });

  it('five Node peers form a full mesh and converge', async () => {
    const board = await store.createBoard();
    const list = await spawnPeers(5, 'five');
    for (const p of list) expect(await connect(p, board.id, board.editToken)).toMatchObject({ seeded: true });
    let meshed: PeerState[] = [];
    await waitFor(async () => p2pMesh((meshed = await states(list))), 60_000, 'full p2p mesh of 5');
    // status agrees with the data channels in the very same snapshot: no lag behind y-webrtc
    for (const s of meshed) expect(s.status!.peers.map((p) => p.mode)).toEqual(['p2p', 'p2p', 'p2p', 'p2p']);
    await Promise.all(list.map((p, i) => p.call('set', { key: `k${i}`, value: i })));
    const keys = list.map((_, i) => `k${i}`);
    await waitFor(async () => allConverged(await states(list), keys), 20_000, 'convergence of 5');
    for (const s of await states(list)) expect(s.status!.peers.every((p) => p.mode === 'p2p')).toBe(true);
  });

  it('five peers joining at the same moment (WebRTC glare) still end in a full P2P mesh', async () => {
    // stock y-webrtc leaves a pair whose announces crossed unconnected forever; connectBoard retries it
    const board = await store.createBoard();
    const list = await spawnPeers(5, 'glare');
    const joined = await Promise.all(list.map((p) => connect(p, board.id, board.editToken)));
    for (const r of joined) expect(r).toMatchObject({ seeded: true });
    await waitFor(async () => p2pMesh(await states(list)), 60_000, 'full p2p mesh after simultaneous joins');
    await waitFor(async () => (await states(list)).every((s) => s.status!.peers.length === 4), 10_000, 'presence of 4');
    for (const s of await states(list)) expect(s.status!.peers.map((p) => p.mode)).toEqual(['p2p', 'p2p', 'p2p', 'p2p']);
  });

  it('a stock y-webrtc client (plain WebSocket endpoint) and a sync client sync over WebRTC', async () => {
    const board = await store.createBoard();
    const [ours, theirs] = await spawnPeers(2, 'mix');
    await connect(ours!, board.id, board.editToken);
    await theirs!.call('stock', { boardId: board.id, url: `${server.url.replace('http', 'ws')}/y-webrtc?token=${board.editToken}` });
    await waitFor(async () => p2pMesh(await states([ours!, theirs!])), 30_000, 'stock <-> sync p2p');
    await ours!.call('set', { key: 'ours', value: 'x' });
    await theirs!.call('set', { key: 'theirs', value: 'y' });
    await waitFor(async () => allConverged(await states([ours!, theirs!]), ['ours', 'theirs']), 15_000, 'stock convergence');
  });

  it('forced WebRTC failure: that peer falls back to relay within the deadline and everyone converges', async () => {
    const board = await store.createBoard();
    const [a, b, broken] = await spawnPeers(3, 'f');
    await connect(a!, board.id, board.editToken, { p2pDeadlineMs: 2000 });
    await connect(b!, board.id, board.editToken, { p2pDeadlineMs: 2000 });
    await waitFor(async () => p2pMesh(await states([a!, b!])), 30_000, 'a-b p2p');
    await a!.call('set', { key: 'before', value: 1 });
    // no usable ICE candidates at all: relay-only policy with no TURN server
    const joinedAt = Date.now();
    await connect(broken!, board.id, board.editToken, { p2pDeadlineMs: 2000, rtcConfiguration: { iceTransportPolicy: 'relay' } });
    await waitFor(async () => {
      const s = await a!.state();
      return s.status!.peers.find((p) => p.user.name === 'f2')?.mode === 'relay';
    }, 15_000, 'a sees the broken peer on relay');
    const elapsed = Date.now() - joinedAt;
    expect(elapsed).toBeLessThan(2000 + 5000);
    await waitFor(async () => (await broken!.state()).status!.peers.every((p) => p.mode === 'relay'), 10_000, 'broken peer reports relay');
    await broken!.call('set', { key: 'fromBroken', value: 2 });
    await b!.call('set', { key: 'fromB', value: 3 });
    await waitFor(async () => allConverged(await states([a!, b!, broken!]), ['before', 'fromBroken', 'fromB']), 15_000, 'relay convergence');
    const sb = await broken!.state();
    expect(sb.webrtc.conns.some((c) => c.connected)).toBe(false);
    // a and b still p2p with each other
    expect((await a!.state()).status!.peers.find((p) => p.user.name === 'f1')?.mode).toBe('p2p');
  });

  it('view-only: receives the board through the relay, its edits reach nobody, never a WebRTC peer', async () => {
    const board = await store.createBoard();
    const [editor, viewer] = await spawnPeers(2, 'v');
    await connect(editor!, board.id, board.editToken);
    expect(await connect(viewer!, board.id, board.viewToken)).toMatchObject({ seeded: true, role: 'view' });
    await editor!.call('set', { key: 'shape', value: 'circle' });
    await waitFor(async () => 'shape' in (await viewer!.state()).map, 15_000, 'viewer receives edits');
    await viewer!.call('set', { key: 'vandal', value: true });
    await editor!.call('set', { key: 'after', value: 1 });
    await waitFor(async () => 'after' in (await viewer!.state()).map, 15_000, 'viewer keeps receiving');
    await new Promise((r) => setTimeout(r, 500));
    expect('vandal' in (await editor!.state()).map).toBe(false);
    await editor!.call('flush');
    expect(await storedMap(board)).toEqual({ shape: 'circle', after: 1 });
    const se = await editor!.state();
    expect(se.webrtc.conns).toHaveLength(0);
    expect(se.status!.peers).toMatchObject([{ role: 'view', mode: 'relay' }]);
    expect((await viewer!.state()).webrtc.peerId).toBeNull();
  });

  it('a late joiner gets the board from the store when nobody is online; bad tokens are refused', async () => {
    const board = await store.createBoard();
    const seed = new Y.Doc();
    seed.getMap('m').set('stored', 'yes');
    await store.append(board.id, board.editToken, Y.encodeStateAsUpdate(seed));
    const [late, wrong] = await spawnPeers(2, 'late');
    expect(await connect(late!, board.id, board.viewToken)).toMatchObject({ seeded: true });
    expect((await late!.state()).map).toEqual({ stored: 'yes' });
    const other = await store.createBoard();
    expect(await connect(wrong!, board.id, other.editToken)).toMatchObject({ seeded: false, error: { code: 'forbidden' } });
  });
});
