import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from 'vitest';
import type { SignalingServer } from '../src/server.js';
import { startPeer, type Peer, type PeerState } from './peers.js';
import { storeApi } from '../../../packages/sync/test/support/persistence.js';
import { startServer, waitFor } from './support.js';

// Issue 15: a big board with a cap on direct WebRTC connections (packages/sync Topology.ts). Real peers in
// separate processes, real WebRTC (@roamhq/wrtc), our signaling server, the real persistence service.
const store = storeApi(inject('persistenceUrl'));
let server: SignalingServer;
let peers: Peer[] = [];

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

const N = Number(process.env.CROWD_PEERS ?? 14);
const CAP = 4;
const states = (list: Peer[]) => Promise.all(list.map((p) => p.state()));
const held = (s: PeerState) => s.webrtc.conns.length;
const open = (s: PeerState) => s.webrtc.conns.filter((c) => c.connected).length;

describe(`${N} editors on one board, at most ${CAP} direct connections each`, () => {
  it('everyone joins at once, no one holds more than the cap, every edit reaches everyone, status says how', async () => {
    const board = await store.createBoard();
    peers = await Promise.all(Array.from({ length: N }, (_, i) => startPeer(`crowd${i}`)));
    let maxHeld = 0;
    const sample = async () => {
      const list = await states(peers);
      for (const s of list) maxHeld = Math.max(maxHeld, held(s));
      return list;
    };
    // all at once: the worst case for simultaneous negotiations
    const joined = await Promise.all(
      peers.map((p) =>
        p.call<{ seeded: boolean }>('connect', { boardId: board.id, token: board.editToken, signalingUrl: server.url, storeUrl: store.url, name: p.name, maxDirectPeers: CAP, p2pDeadlineMs: 2000 }),
      ),
    );
    expect(joined.every((j) => j.seeded)).toBe(true);

    // settled: everyone sees everyone, reached either directly or through the relay (nobody left 'connecting')
    await waitFor(
      async () => (await sample()).every((s) => s.status!.peers.length === N - 1 && s.status!.peers.every((p) => p.mode === 'p2p' || p.mode === 'relay') && open(s) >= 1),
      90_000,
      'topology settled',
    );
    let list = await sample();
    for (const s of list) {
      const p2p = s.status!.peers.filter((p) => p.mode === 'p2p').length;
      // status and the live connections agree; direct ones within the cap, everyone else on the relay
      expect(p2p).toBe(open(s));
      expect(p2p).toBeLessThanOrEqual(CAP);
      expect(s.status!.peers.filter((p) => p.mode === 'relay').length).toBe(N - 1 - p2p);
    }

    // every peer edits; every edit reaches every peer
    await Promise.all(peers.map((p, i) => p.call('set', { key: `k${i}`, value: i })));
    const keys = peers.map((_, i) => `k${i}`);
    await waitFor(async () => (await sample()).every((s) => keys.every((k) => k in s.map)), 30_000, 'every edit everywhere');

    // a second round while connections may still be changing hands, edited in bursts
    for (let round = 0; round < 5; round++) await Promise.all(peers.map((p, i) => p.call('set', { key: `r${round}-${i}`, value: round })));
    const more = Array.from({ length: 5 }, (_, r) => peers.map((_, i) => `r${r}-${i}`)).flat();
    await waitFor(async () => (await sample()).every((s) => more.every((k) => k in s.map)), 30_000, 'second round everywhere');

    list = await sample();
    expect(maxHeld).toBeLessThanOrEqual(CAP);
    for (const p of peers) expect(p.child.exitCode).toBe(null);
    console.log(
      `crowd of ${N}, cap ${CAP}: max held ${maxHeld}, open per peer ${list.map(open).join(',')}, relay per peer ${list.map((s) => s.status!.peers.filter((p) => p.mode === 'relay').length).join(',')}`,
    );
  }, 240_000);
});
