import { randomUUID } from 'node:crypto';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, inject, it } from 'vitest';
import { storeApi } from '../../../packages/sync/test/support/persistence.js';
import { startPeer, startService, type Peer, type PeerState, type ServiceProcess } from './peers.js';
import { SECRET, client, collect, connected, join, next, user, waitFor, type Client } from './support.js';
import type { Presence } from '@meshboard/protocol';

// the real persistence service (test/global-setup.ts)
const store = storeApi(inject('persistenceUrl'));
let peers: Peer[] = [];
let services: ServiceProcess[] = [];
let sockets: Client[] = [];

afterEach(async () => {
  for (const s of sockets) s.disconnect();
  sockets = [];
  await Promise.all(peers.map((p) => p.stop()));
  peers = [];
  await Promise.all(services.map((s) => s.stop('SIGKILL')));
  services = [];
});

const env = (extra: Record<string, string> = {}) => ({ MESHBOARD_TOKEN_SECRET: SECRET, PERSISTENCE_URL: store.url, ...extra });
async function service(extra: Record<string, string> = {}, port = 0) {
  const s = await startService(env(extra), port);
  services.push(s);
  return s;
}
async function spawnPeers(n: number, prefix: string) {
  const list = await Promise.all(Array.from({ length: n }, (_, i) => startPeer(`${prefix}${i}`)));
  peers.push(...list);
  return list;
}
const connect = (peer: Peer, url: string, boardId: string, token: string, extra: Record<string, unknown> = {}) =>
  peer.call('connect', { boardId, token, signalingUrl: url, storeUrl: store.url, name: peer.name, p2pDeadlineMs: 2000, ...extra });
const states = (list: Peer[]) => Promise.all(list.map((p) => p.state()));
const has = (list: PeerState[], keys: string[]) => list.every((s) => keys.every((k) => k in s.map));
const connectedTo = (s: PeerState, n: number) => s.webrtc.conns.filter((c) => c.connected).length === n;

describe('the service process', () => {
  it('starts from dist/main.js, serves /healthz, stops cleanly on SIGTERM, refuses to start without a secret', async () => {
    const s = await service();
    expect((await fetch(`${s.url}/healthz`)).status).toBe(200);
    expect(await s.stop('SIGTERM')).toBe(0);
    const main = fileURLToPath(new URL('../dist/main.js', import.meta.url));
    const code = await new Promise<number | null>((resolve) => {
      const child = spawn(process.execPath, [main], { env: { ...process.env, MESHBOARD_TOKEN_SECRET: 'short', SIGNALING_PORT: '0' }, stdio: 'ignore' });
      child.once('exit', resolve);
    });
    expect(code).toBe(2);
  });
});

describe('kill and restart mid-session', () => {
  it('P2P edits keep flowing while signaling is down; clients reconnect; nothing is lost', async () => {
    const s1 = await service();
    const board = await store.createBoard();
    const [a, b, c] = await spawnPeers(3, 'r');
    await connect(a!, s1.url, board.id, board.editToken);
    await connect(b!, s1.url, board.id, board.editToken);
    await waitFor(async () => (await states([a!, b!])).every((s) => connectedTo(s, 1)), 30_000, 'a-b p2p');
    // c can only use the relay
    await connect(c!, s1.url, board.id, board.editToken, { rtcConfiguration: { iceTransportPolicy: 'relay' } });
    await a!.call('set', { key: 'before', value: 1 });
    await waitFor(async () => has(await states([a!, b!, c!]), ['before']), 15_000, 'before restart');

    expect(await s1.stop('SIGKILL')).toBe(null);
    await waitFor(async () => (await states([a!, b!, c!])).every((s) => s.status!.signaling !== 'connected'), 15_000, 'clients notice');
    await a!.call('set', { key: 'during-a', value: 2 });
    await c!.call('set', { key: 'during-c', value: 3 });
    // P2P does not need the signaling service
    await waitFor(async () => 'during-a' in (await b!.state()).map, 10_000, 'p2p while signaling is down');
    expect(connectedTo(await a!.state(), 1)).toBe(true);

    const s2 = await service({}, s1.port);
    await waitFor(async () => (await states([a!, b!, c!])).every((s) => s.status!.signaling === 'connected'), 30_000, 'reconnected');
    await b!.call('set', { key: 'after', value: 4 });
    await waitFor(async () => has(await states([a!, b!, c!]), ['before', 'during-a', 'during-c', 'after']), 20_000, 'full convergence after restart');
    expect((await fetch(`${s2.url}/healthz`)).status).toBe(200);
  });
});

describe('two signaling processes over Redis', () => {
  it('peers on different nodes see each other, signal (both endpoints), and relay', async () => {
    const redis = { REDIS_URL: 'redis://127.0.0.1:6379', SIGNALING_REDIS_KEY: `meshboard-test-${randomUUID()}` };
    const n1 = await service(redis);
    const n2 = await service(redis);
    const board = await store.createBoard();

    // presence across nodes
    const x = await connected(client(n1.url));
    const y = await connected(client(n2.url));
    sockets.push(x, y);
    await join(x, { boardId: board.id, token: board.editToken, user: user('x'), clientId: 1 });
    const seen = next<Presence>(x, 'presence:join');
    const ackY = await join(y, { boardId: board.id, token: board.viewToken, user: user('y'), clientId: 2 });
    expect(ackY.ok && ackY.peers.map((p) => p.user.name)).toEqual(['x']);
    expect((await seen).user.name).toBe('y');
    // relay across nodes
    const atY = collect<{ data: Uint8Array }>(y, 'relay');
    x.emit('relay', { data: new Uint8Array([0, 2, 1, 2, 3]) });
    await waitFor(() => atY.length === 1, 10_000, 'relay across nodes');
    const left = next<{ sid: string }>(x, 'presence:leave');
    y.disconnect();
    expect((await left).sid).toBeTruthy();

    // WebRTC signaling across nodes: a sync peer on each node, plus a stock client on node 1
    const [p1, p2, stock] = await spawnPeers(3, 'redis');
    await connect(p1!, n1.url, board.id, board.editToken);
    await connect(p2!, n2.url, board.id, board.editToken);
    await stock!.call('stock', { boardId: board.id, url: `${n1.url.replace('http', 'ws')}/y-webrtc?token=${board.editToken}` });
    await waitFor(async () => (await states([p1!, p2!, stock!])).every((s) => connectedTo(s, 2)), 45_000, 'p2p mesh across nodes');
    await p1!.call('set', { key: 'n1', value: 1 });
    await p2!.call('set', { key: 'n2', value: 2 });
    await stock!.call('set', { key: 'stock', value: 3 });
    await waitFor(async () => has(await states([p1!, p2!, stock!]), ['n1', 'n2', 'stock']), 15_000, 'convergence across nodes');

    // a view-only peer on node 2 is fed through the relay by the editor on node 1
    const [viewer] = await spawnPeers(1, 'redis-view');
    await connect(viewer!, n2.url, board.id, board.viewToken);
    await p1!.call('set', { key: 'for-viewer', value: 5 });
    await waitFor(async () => has([await viewer!.state()], ['n1', 'n2', 'stock', 'for-viewer']), 15_000, 'viewer across nodes');
  });
});
