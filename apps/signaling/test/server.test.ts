import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import WebSocket from 'ws';
import { issueToken } from '@meshboard/tokens';
import { newBoardId, type FailureBody, type Presence } from '@meshboard/protocol';
import type { SignalingServer } from '../src/server.js';
import { storeApi } from '../../../packages/sync/test/support/persistence.js';
import { awarenessStates, awarenessUpdate, client, collect, connected, join, next, startServer, user, waitFor, type Client } from './support.js';

// the real persistence service (test/global-setup.ts)
const store = storeApi(inject('persistenceUrl'));
let server: SignalingServer;
const open: Client[] = [];
const sockets: WebSocket[] = [];

beforeAll(async () => {
  server = await startServer({ persistenceUrl: store.url, handshakeTimeoutMs: 1500, generationCacheMs: 0 });
});
afterAll(async () => {
  for (const s of open) s.disconnect();
  for (const s of sockets) s.terminate();
  await server.close();
});

async function joined(boardId: string, token: string, extra: Record<string, unknown> = {}) {
  const socket = await connected(client(server.url));
  open.push(socket);
  const ack = await join(socket, { boardId, token, user: user(), clientId: Math.floor(Math.random() * 1e9), ...extra });
  return { socket, ack };
}
const update = (n: number) => new Uint8Array([0, 2, ...new Array(n).fill(7)]); // y-protocols sync "update" header
const step1 = () => new Uint8Array([0, 0, 1, 0]);
const uuid = () => crypto.randomUUID();

describe('http', () => {
  it('serves /healthz and /metrics', async () => {
    const health = await fetch(`${server.url}/healthz`);
    expect(health.status).toBe(200);
    expect(await health.json()).toMatchObject({ status: 'ok', service: 'signaling' });
    const metrics = await (await fetch(`${server.url}/metrics`)).text();
    expect(metrics).toContain('meshboard_signaling_connections');
    expect(metrics).toContain('meshboard_signaling_rejected_total');
    expect((await fetch(`${server.url}/nope`)).status).toBe(404);
  });
});

describe('access control', () => {
  it('refuses a missing, forged, malformed, other-board and revoked token with a clear error', async () => {
    const board = await store.createBoard();
    const other = await store.createBoard();
    const socket = await connected(client(server.url));
    open.push(socket);
    const failures = collect<FailureBody>(socket, 'failure');
    const base = { boardId: board.id, user: user(), clientId: 1 };
    const forged = issueToken('another-secret-'.padEnd(40, 'y'), { b: board.id, r: 'edit', g: 0 });
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ ...base, token: '' }, 'bad_request'],
      [{ ...base, token: 'mb1.abc.def' }, 'unauthorized'],
      [{ ...base, token: forged }, 'unauthorized'],
      [{ ...base, token: other.editToken }, 'forbidden'],
    ];
    for (const [request, code] of cases) {
      const ack = await join(socket, request);
      expect(ack).toMatchObject({ ok: false, error: { code } });
    }
    expect(failures.map((f) => f.error.code)).toEqual(['bad_request', 'unauthorized', 'unauthorized', 'forbidden']);
    // a connection that keeps failing is cut
    await join(socket, { ...base, token: 'x' }).catch(() => undefined);
    await waitFor(() => socket.disconnected, 5000, 'cut after repeated failures');

    const old = await store.createBoard();
    await store.rotate(old.id, old.ownerToken);
    const revoked = await joined(old.id, old.editToken);
    expect(revoked.ack).toMatchObject({ ok: false, error: { code: 'token_revoked' } });
  });

  it('refuses everything before join, and closes a connection that never joins', async () => {
    const socket = await connected(client(server.url));
    open.push(socket);
    const failure = next<FailureBody>(socket, 'failure');
    socket.emit('relay', { data: update(3) });
    expect((await failure).error.code).toBe('unauthorized');
    await waitFor(() => socket.disconnected, 5000, 'handshake timeout');
  });

  it('view-only: no edits through the relay, no WebRTC signaling, may ask for state', async () => {
    const board = await store.createBoard();
    const editor = await joined(board.id, board.editToken, { peerId: uuid() });
    const viewer = await joined(board.id, board.viewToken);
    expect(viewer.ack).toMatchObject({ ok: true, role: 'view' });
    const received = collect<{ data: Uint8Array }>(editor.socket, 'relay');
    const failures = collect<FailureBody>(viewer.socket, 'failure');
    viewer.socket.emit('relay', { data: update(10), ref: 'r1' });
    viewer.socket.emit('relay', { data: new Uint8Array([0, 1, 0, 0]) }); // step 2
    viewer.socket.emit('relay', { data: update(10), chunk: { id: 'c', index: 1, count: 2 } });
    viewer.socket.emit('signal', { type: 'subscribe', topics: [board.id] });
    viewer.socket.emit('presence:update', { peerId: uuid() });
    viewer.socket.emit('relay', { data: step1() });
    await waitFor(() => failures.length === 5 && received.length === 1, 10_000, 'view-only refusals');
    expect(failures.map((f) => f.error.code)).toEqual(['forbidden', 'forbidden', 'forbidden', 'forbidden', 'forbidden']);
    expect(failures[0]!.ref).toBe('r1');
    expect(new Uint8Array(received[0]!.data)).toEqual(step1());
    const withPeer = await joined(board.id, board.viewToken, { peerId: uuid() });
    expect(withPeer.ack).toMatchObject({ ok: false, error: { code: 'forbidden' } });
  });
});

describe('presence', () => {
  it('lists, announces, updates and removes peers', async () => {
    const board = await store.createBoard();
    const a = await joined(board.id, board.editToken, { user: { id: 'a', name: 'Ada', color: '#ff0000' } });
    expect(a.ack).toMatchObject({ ok: true, role: 'edit', peers: [] });
    const joinedEvent = next<Presence>(a.socket, 'presence:join');
    const b = await joined(board.id, board.viewToken, { user: { id: 'b', name: 'Bob', color: '#00ff00' } });
    expect(b.ack.ok && b.ack.peers.map((p) => p.user.name)).toEqual(['Ada']);
    expect(await joinedEvent).toMatchObject({ user: { name: 'Bob' }, role: 'view', mode: 'connecting' });
    const updated = next<Presence>(a.socket, 'presence:update');
    b.socket.emit('presence:update', { mode: 'relay' });
    expect(await updated).toMatchObject({ user: { name: 'Bob' }, mode: 'relay' });
    const left = next<{ sid: string }>(a.socket, 'presence:leave');
    const bSid = b.socket.id;
    b.socket.disconnect();
    expect((await left).sid).toBe(bSid);
  });

  it('forwards awareness volatile and drops frames above the cursor rate', async () => {
    const board = await store.createBoard();
    const a = await joined(board.id, board.editToken, { clientId: 4242 });
    const b = await joined(board.id, board.editToken);
    const got = collect(b.socket, 'awareness');
    for (let i = 0; i < 200; i++) a.socket.emit('awareness', { data: awarenessUpdate(4242, i, { cursor: { x: i, y: 0 } }) });
    await waitFor(() => got.length >= 1, 5000, 'awareness frames');
    await new Promise((r) => setTimeout(r, 300));
    expect(got.length).toBeLessThan(120);
    // after a pause the budget is back: a single cursor frame goes through
    await new Promise((r) => setTimeout(r, 1100));
    const before = got.length;
    a.socket.emit('awareness', { data: awarenessUpdate(4242, 500, { cursor: null }) });
    await waitFor(() => got.length === before + 1, 5000, 'frame after pause');
  });

  it("sends a tick's cursor moves to the board as one update: each sender's newest, settled states at once and never followed by an older move", async () => {
    const board = await store.createBoard();
    const people = await Promise.all([11, 12, 13].map((clientId) => joined(board.id, board.editToken, { clientId })));
    const watcher = await joined(board.id, board.editToken, { clientId: 99 });
    const got = collect<{ from?: string; data: Uint8Array }>(watcher.socket, 'awareness');
    // within one tick (50 ms): three moves from each of three people
    for (let i = 1; i <= 3; i++) for (const [k, p] of people.entries()) p.socket.emit('awareness', { data: awarenessUpdate(11 + k, i, { cursor: { x: i, y: k } }) });
    await waitFor(() => got.flatMap((f) => awarenessStates(f.data)).length >= 3, 5000, 'the batch');
    await new Promise((r) => setTimeout(r, 300));
    const states = got.flatMap((f) => awarenessStates(f.data));
    // nothing older than a newer position of the same person arrives after it, and the newest always arrives
    for (const clientId of [11, 12, 13]) {
      const clocks = states.filter((s) => s.clientId === clientId).map((s) => s.clock);
      expect(clocks.at(-1)).toBe(3);
      expect([...clocks].sort()).toEqual(clocks);
    }
    // far fewer packets than moves (one per tick; a slow machine may split the nine over two or three ticks)
    expect(got.length).toBeLessThan(9);
    expect(got.every((f) => f.from === undefined)).toBe(true);

    // a move then a settled state in the same tick: the settled one goes out alone, with its sender, at once,
    // and the move it replaced is not delivered after it
    got.length = 0;
    const [a] = people;
    a!.socket.emit('awareness', { data: awarenessUpdate(11, 4, { cursor: { x: 4, y: 0 } }) });
    a!.socket.emit('awareness', { data: awarenessUpdate(11, 5, { cursor: { x: 5, y: 0 } }), settled: true });
    await waitFor(() => got.length >= 1, 5000, 'the settled state');
    await new Promise((r) => setTimeout(r, 300));
    expect(got.map((f) => f.from)).toEqual([a!.socket.id]);
    expect(awarenessStates(got[0]!.data)).toEqual([{ clientId: 11, clock: 5, state: { cursor: { x: 5, y: 0 } } }]);

    // someone who leaves with a move still waiting: the move is dropped, not delivered after the leave
    got.length = 0;
    const b = people[1]!;
    const left = next<{ sid: string }>(watcher.socket, 'presence:leave');
    b.socket.emit('awareness', { data: awarenessUpdate(12, 9, { cursor: { x: 9, y: 9 } }) });
    b.socket.disconnect();
    await left;
    await new Promise((r) => setTimeout(r, 300));
    expect(got.flatMap((f) => awarenessStates(f.data)).filter((s) => s.clientId === 12)).toEqual([]);
  });
});

describe('relay', () => {
  it('broadcasts to the board, addresses one peer, passes chunks, and never leaks to other boards', async () => {
    const board = await store.createBoard();
    const other = await store.createBoard();
    const a = await joined(board.id, board.editToken);
    const b = await joined(board.id, board.editToken);
    const c = await joined(board.id, board.editToken);
    const x = await joined(other.id, other.editToken);
    const atB = collect<{ from: string; data: Uint8Array; chunk?: unknown }>(b.socket, 'relay');
    const atC = collect(c.socket, 'relay');
    const atX = collect(x.socket, 'relay');
    const atA = collect(a.socket, 'relay');
    a.socket.emit('relay', { data: update(100) });
    a.socket.emit('relay', { data: update(5), to: b.ack.ok ? b.ack.sid : '' });
    a.socket.emit('relay', { data: update(200_000), chunk: { id: 'm1', index: 0, count: 2 } });
    a.socket.emit('relay', { data: new Uint8Array(50_000), chunk: { id: 'm1', index: 1, count: 2 } });
    // addressing a socket of another board reaches nobody
    x.socket.emit('relay', { data: update(5), to: a.ack.ok ? a.ack.sid : '' });
    await waitFor(() => atB.length === 4 && atC.length === 3, 10_000, 'relay delivery');
    expect(atB[0]!.from).toBe(a.socket.id);
    expect(new Uint8Array(atB[0]!.data)).toEqual(update(100));
    expect(atB[2]!.chunk).toEqual({ id: 'm1', index: 0, count: 2 });
    expect(atB[3]!.data.byteLength).toBe(50_000);
    await new Promise((r) => setTimeout(r, 200));
    expect(atX).toHaveLength(0);
    expect(atA).toHaveLength(0);
  });
});

describe('bad input', () => {
  it('answers malformed, unknown, oversized frames and floods with errors; stays up; other boards unaffected', async () => {
    const board = await store.createBoard();
    const quiet = await store.createBoard();
    const bad = await joined(board.id, board.editToken);
    const q1 = await joined(quiet.id, quiet.editToken);
    const q2 = await joined(quiet.id, quiet.editToken);
    const failures = collect<FailureBody>(bad.socket, 'failure');
    (bad.socket as unknown as { emit(...a: unknown[]): void }).emit('hack', 1);
    bad.socket.emit('relay', 'not an object' as never);
    bad.socket.emit('relay', { data: 'text, not binary' } as never);
    bad.socket.emit('relay', { data: new Uint8Array([9, 9, 9]), ref: 'bad-type' });
    bad.socket.emit('relay', { data: update(10), chunk: { id: 'x', index: 5, count: 2 } });
    bad.socket.emit('signal', { type: 'explode' } as never);
    bad.socket.emit('awareness', { data: 42 } as never);
    bad.socket.emit('relay', { data: update(1024 * 1024 + 10), ref: 'big' });
    await waitFor(() => failures.length === 8, 10_000, 'eight failures');
    expect(failures.map((f) => f.error.code)).toEqual([
      'bad_request',
      'bad_request',
      'bad_request',
      'bad_request',
      'bad_request',
      'bad_request',
      'bad_request',
      'payload_too_large',
    ]);
    expect(failures[7]!.ref).toBe('big');
    expect(bad.socket.connected).toBe(true);

    // flood: rate_limited errors, then the connection is cut; the other board keeps relaying
    const atQ2 = collect(q2.socket, 'relay');
    for (let i = 0; i < 1500; i++) bad.socket.emit('relay', { data: update(10), ref: `f${i}` });
    await waitFor(() => failures.some((f) => f.error.code === 'rate_limited'), 10_000, 'rate limited');
    q1.socket.emit('relay', { data: update(10) });
    await waitFor(() => atQ2.length === 1, 10_000, 'other board unaffected');
    const health = await fetch(`${server.url}/healthz`);
    expect(health.status).toBe(200);
    const metrics = await (await fetch(`${server.url}/metrics`)).text();
    expect(metrics).toMatch(/meshboard_signaling_rejected_total\{reason="rate_limited"[^}]*\} \d+/);
    expect(metrics).toMatch(/meshboard_signaling_messages_total\{type="update",path="relay"/);
  });
});

describe('y-webrtc signaling', () => {
  const stock = (query: string) =>
    new Promise<{ ws: WebSocket; messages: Array<Record<string, unknown>> } | { status: number }>((resolve) => {
      const ws = new WebSocket(`${server.url.replace('http', 'ws')}/y-webrtc${query}`);
      sockets.push(ws);
      const messages: Array<Record<string, unknown>> = [];
      ws.on('message', (m) => messages.push(JSON.parse(m.toString()) as Record<string, unknown>));
      ws.once('open', () => resolve({ ws, messages }));
      ws.once('unexpected-response', (_req, res) => resolve({ status: res.statusCode ?? 0 }));
      ws.once('error', () => undefined);
    });

  it('refuses stock clients without a valid edit token', async () => {
    const board = await store.createBoard();
    expect(await stock('')).toEqual({ status: 401 });
    expect(await stock('?token=garbage')).toEqual({ status: 401 });
    expect(await stock(`?token=${board.viewToken}`)).toEqual({ status: 403 });
    const old = await store.createBoard();
    await store.rotate(old.id, old.ownerToken);
    expect(await stock(`?token=${old.editToken}`)).toEqual({ status: 401 });
  });

  it('shares one topic space between the stock endpoint and Socket.IO, scoped to the board', async () => {
    const board = await store.createBoard();
    const other = await store.createBoard();
    const s = await stock(`?token=${board.editToken}`);
    if (!('ws' in s)) throw new Error('stock client refused');
    const { ws, messages } = s;
    ws.send(JSON.stringify({ type: 'subscribe', topics: [board.id, other.id] }));
    ws.send(JSON.stringify({ type: 'ping' }));
    ws.send('{not json');
    await waitFor(() => messages.length === 3, 5000, 'stock replies');
    expect(messages.map((m) => m.type).sort()).toEqual(['error', 'error', 'pong']);

    const sioPeer = uuid();
    const stockPeer = uuid();
    const sio = await joined(board.id, board.editToken, { peerId: sioPeer });
    const signals = collect<Record<string, unknown>>(sio.socket, 'signal');
    sio.socket.emit('signal', { type: 'subscribe', topics: [board.id] });
    sio.socket.emit('signal', { type: 'ping' });
    await waitFor(() => signals.length === 1, 5000, 'pong');
    ws.send(JSON.stringify({ type: 'publish', topic: board.id, data: { type: 'announce', from: stockPeer } }));
    await waitFor(() => signals.length === 2, 5000, 'stock publish reaches socket.io');
    expect(signals[1]).toMatchObject({ type: 'publish', topic: board.id, data: { from: stockPeer }, clients: 2 });
    const before = messages.length;
    sio.socket.emit('signal', { type: 'publish', topic: board.id, data: { type: 'announce', from: sioPeer } });
    await waitFor(() => messages.length === before + 1 && signals.length === 3, 5000, 'socket.io publish reaches both (incl. sender)');
    expect(messages.at(-1)).toMatchObject({ type: 'publish', data: { from: sioPeer } });
    // other topics: refused on both endpoints
    const failures = collect<FailureBody>(sio.socket, 'failure');
    sio.socket.emit('signal', { type: 'publish', topic: other.id, data: { type: 'announce', from: sioPeer } });
    await waitFor(() => failures.length === 1, 5000, 'cross-board publish refused');
    expect(failures[0]!.error.code).toBe('forbidden');
  });
});

describe('origins', () => {
  it('refuses origins outside the allow-list on both endpoints', async () => {
    const strict = await startServer({ persistenceUrl: store.url, allowedOrigins: ['http://good.example'] });
    try {
      const bad = client(strict.url, { extraHeaders: { origin: 'http://evil.example' }, transports: ['polling'] });
      await expect(connected(bad)).rejects.toBeTruthy();
      bad.disconnect();
      const good = client(strict.url, { extraHeaders: { origin: 'http://good.example' }, transports: ['polling'] });
      await connected(good);
      good.disconnect();
      const board = await store.createBoard();
      const ws = new WebSocket(`${strict.url.replace('http', 'ws')}/y-webrtc?token=${board.editToken}`, { origin: 'http://evil.example' });
      const status = await new Promise<number>((resolve) => {
        ws.once('unexpected-response', (_q, res) => resolve(res.statusCode ?? 0));
        ws.once('open', () => resolve(101));
        ws.once('error', () => undefined);
      });
      expect(status).toBe(403);
    } finally {
      await strict.close();
    }
  });

  it('unused board ids are just ids', () => {
    expect(newBoardId()).toHaveLength(22);
  });
});
