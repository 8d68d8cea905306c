/**
 * A Yjs clientId is not an identity (issue 11).
 * Defect 6: a viewer read a victim's clientId from the join reply and joined again with it: the victim got no
 * live relay edits, even after the attacker left.
 * Defect 7: the server forwarded awareness updates for ANY clientID, so any client (view-only included) could
 * rewrite or delete other people's cursors and names.
 */
import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from 'vitest';
import WebSocket from 'ws';
import { storeApi } from '../../../packages/sync/test/support/persistence.js';
import { startPeer, startService, type Peer, type ServiceProcess } from './peers.js';
import { SECRET, awarenessStates, awarenessUpdate, client, collect, connected, join, user, waitFor, type Client, type FailureBody } from './support.js';

const store = storeApi(inject('persistenceUrl'));
let service: ServiceProcess;
let sockets: Client[] = [];
let peers: Peer[] = [];

beforeAll(async () => {
  service = await startService({ MESHBOARD_TOKEN_SECRET: SECRET, PERSISTENCE_URL: store.url });
});
afterEach(async () => {
  for (const s of sockets) s.disconnect();
  sockets = [];
  await Promise.all(peers.map((p) => p.stop()));
  peers = [];
});
afterAll(async () => {
  await service.stop('SIGKILL');
});

async function socketOn(boardId: string, token: string, clientId: number, name: string) {
  const socket = await connected(client(service.url));
  sockets.push(socket);
  const ack = await join(socket, { boardId, token, user: user(name), clientId });
  return { socket, ack };
}

describe('a clientId is not an identity', () => {
  it('defect 6: a viewer reusing a victim\'s clientId cannot cut the victim off the live relay', async () => {
    const board = await store.createBoard();
    const [editor, victim] = await Promise.all([startPeer('editor'), startPeer('victim')]);
    peers.push(editor!, victim!);
    const connect = (peer: Peer, token: string) =>
      peer.call('connect', { boardId: board.id, token, signalingUrl: service.url, storeUrl: store.url, name: peer.name });
    await connect(editor!, board.editToken);
    await connect(victim!, board.viewToken); // view-only: the relay is its only live path
    await editor!.call('set', { key: 'first', value: 1 });
    await waitFor(async () => 'first' in (await victim!.state()).map, 15_000, 'victim gets relay edits');

    const { clientId } = await victim!.state();
    const attacker = await socketOn(board.id, board.viewToken, clientId, 'mallory');
    await editor!.call('set', { key: 'during', value: 2 });
    await waitFor(async () => 'during' in (await victim!.state()).map, 5000, 'victim still gets relay edits while the attacker is on');
    attacker.socket.disconnect();
    await editor!.call('set', { key: 'after', value: 3 });
    await waitFor(async () => 'after' in (await victim!.state()).map, 5000, 'victim still gets relay edits after the attacker left');
    // the victim is still listed for the editor, with its own clientId
    expect((await editor!.state()).status!.peers.map((p) => p.clientId)).toEqual([clientId]);
    // the server refused the duplicate claim outright
    expect(attacker.ack).toMatchObject({ ok: false, error: { code: 'conflict' } });
  });

  it('defect 7: awareness updates are forwarded only for the sender\'s own clientID', async () => {
    const board = await store.createBoard();
    const owner = await socketOn(board.id, board.editToken, 1001, 'owner');
    const viewer = await socketOn(board.id, board.viewToken, 2002, 'viewer');
    const watcher = await socketOn(board.id, board.editToken, 3003, 'watcher');
    const seen = collect<{ from: string; data: Uint8Array }>(watcher.socket, 'awareness');
    const failures = collect<FailureBody>(viewer.socket, 'failure');
    // the viewer rewrites the owner's cursor and name, deletes it, and sends two states in one update
    viewer.socket.emit('awareness', { data: awarenessUpdate(1001, 99, { user: { name: 'pwned' }, cursor: { x: 0, y: 0 } }) });
    viewer.socket.emit('awareness', { data: awarenessUpdate(1001, 100, null) });
    const two = new Uint8Array([...awarenessUpdate(2002, 1, {}), ...awarenessUpdate(1001, 1, {}).subarray(1)]);
    two[0] = 2;
    viewer.socket.emit('awareness', { data: two });
    await waitFor(() => failures.length === 3, 5000, 'three refusals');
    expect(failures.map((f) => f.error.code)).toEqual(['forbidden', 'forbidden', 'bad_request']);
    // its own cursor and the owner's own go through
    viewer.socket.emit('awareness', { data: awarenessUpdate(2002, 1, { cursor: { x: 1, y: 2 } }) });
    owner.socket.emit('awareness', { data: awarenessUpdate(1001, 1, { cursor: { x: 3, y: 4 } }) });
    // cursor moves may arrive in one batch of the tick: every state forwarded is its sender's own, none other
    const forwarded = () => seen.flatMap((s) => awarenessStates(s.data));
    await waitFor(() => forwarded().length === 2, 5000, 'own awareness forwarded');
    expect(forwarded().map((s) => s.clientId).sort()).toEqual([1001, 2002]);
    expect(forwarded().find((s) => s.clientId === 1001)?.state).toEqual({ cursor: { x: 3, y: 4 } });
  });

  it('a WebRTC peer id is bound to one connection: nobody announces or joins as another peer', async () => {
    const board = await store.createBoard();
    const victimPeer = crypto.randomUUID();
    const victim = await connected(client(service.url));
    sockets.push(victim);
    expect(await join(victim, { boardId: board.id, token: board.editToken, user: user('victim'), clientId: 11, peerId: victimPeer })).toMatchObject({ ok: true });
    victim.emit('signal', { type: 'subscribe', topics: [board.id] });
    const heard = collect<{ data: { from?: string } }>(victim, 'signal');
    // a second Socket.IO connection joining with the victim's peer id
    const twin = await socketOn(board.id, board.editToken, 12, 'twin');
    expect(twin.ack).toMatchObject({ ok: true });
    const spoofJoin = await connected(client(service.url));
    sockets.push(spoofJoin);
    expect(await join(spoofJoin, { boardId: board.id, token: board.editToken, user: user('spoof'), clientId: 13, peerId: victimPeer })).toMatchObject({ ok: false, error: { code: 'conflict' } });
    // a stock client and a Socket.IO editor publishing as the victim
    const ws = new WebSocket(`${service.url.replace('http', 'ws')}/y-webrtc?token=${board.editToken}`);
    const replies: Array<{ type: string; message?: string }> = [];
    ws.on('message', (m) => replies.push(JSON.parse(m.toString()) as { type: string }));
    await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject));
    ws.send(JSON.stringify({ type: 'subscribe', topics: [board.id] }));
    ws.send(JSON.stringify({ type: 'publish', topic: board.id, data: { type: 'announce', from: victimPeer } }));
    const failures = collect<FailureBody>(twin.socket, 'failure');
    twin.socket.emit('signal', { type: 'subscribe', topics: [board.id] });
    twin.socket.emit('signal', { type: 'publish', topic: board.id, data: { type: 'announce', from: victimPeer } });
    await waitFor(() => replies.some((r) => r.type === 'error') && failures.length === 1, 5000, 'both spoofs refused');
    expect(failures[0]!.error.code).toBe('forbidden');
    expect(heard.filter((h) => h.data?.from === victimPeer)).toHaveLength(0);
    ws.terminate();
  });

  it('the same tab (same join session) replaces its stale connection; anyone else gets conflict, retriable and never cut', async () => {
    const board = await store.createBoard();
    const watcher = await socketOn(board.id, board.editToken, 7001, 'watcher');
    const left = collect<{ sid: string }>(watcher.socket, 'presence:leave');
    const session = 'a-secret-per-tab-session-0123456789';
    const stale = await connected(client(service.url));
    sockets.push(stale);
    expect(await join(stale, { boardId: board.id, token: board.editToken, user: user('tab'), clientId: 7002, session })).toMatchObject({ ok: true });
    const staleSid = stale.id;
    const other = await connected(client(service.url));
    sockets.push(other);
    for (let i = 0; i < 6; i++) {
      // more than the failed-join limit: a conflict is not a guess and does not cut the connection
      expect(await join(other, { boardId: board.id, token: board.editToken, user: user('squatter'), clientId: 7002, session: 'another-session-0123456789abcdef' })).toMatchObject({ ok: false, error: { code: 'conflict' } });
    }
    expect(other.connected).toBe(true);
    const fresh = await connected(client(service.url));
    sockets.push(fresh);
    expect(await join(fresh, { boardId: board.id, token: board.editToken, user: user('tab'), clientId: 7002, session })).toMatchObject({ ok: true });
    await waitFor(() => stale.disconnected && left.some((l) => l.sid === staleSid), 5000, 'the stale connection closed and left');
  });
});
