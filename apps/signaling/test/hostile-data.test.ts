/**
 * Defect 1 (issue 11): signaling data nested 10,000 levels deep crashed the service process (RangeError in
 * socket.io-parser's hasBinary / JSON.stringify while re-emitting it). Real process, real connections.
 */
import { connect as tcpConnect } from 'node:net';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import WebSocket from 'ws';
import { storeApi } from '../../../packages/sync/test/support/persistence.js';
import { startService, type ServiceProcess } from './peers.js';
import { RawSocket, deepJson } from './raw.js';
import { SECRET, client, collect, connected, join, user, waitFor, type Client } from './support.js';

const store = storeApi(inject('persistenceUrl'));
let service: ServiceProcess;
const sockets: Client[] = [];
const raws: RawSocket[] = [];
const plain: WebSocket[] = [];

beforeAll(async () => {
  service = await startService({ MESHBOARD_TOKEN_SECRET: SECRET, PERSISTENCE_URL: store.url });
});
afterAll(async () => {
  for (const s of sockets) s.disconnect();
  for (const r of raws) r.close();
  for (const w of plain) w.terminate();
  await service.stop('SIGKILL');
});

async function honestBoard() {
  const board = await store.createBoard();
  const a = await connected(client(service.url));
  const b = await connected(client(service.url));
  sockets.push(a, b);
  expect(await join(a, { boardId: board.id, token: board.editToken, user: user('honest-a'), clientId: 11, peerId: crypto.randomUUID() })).toMatchObject({ ok: true });
  expect(await join(b, { boardId: board.id, token: board.editToken, user: user('honest-b'), clientId: 12, peerId: crypto.randomUUID() })).toMatchObject({ ok: true });
  a.emit('signal', { type: 'subscribe', topics: [board.id] });
  b.emit('signal', { type: 'subscribe', topics: [board.id] });
  const stock = new WebSocket(`${service.url.replace('http', 'ws')}/y-webrtc?token=${board.editToken}`);
  plain.push(stock);
  await new Promise((resolve, reject) => stock.once('open', resolve).once('error', reject));
  stock.send(JSON.stringify({ type: 'subscribe', topics: [board.id] }));
  return { board, a, b, stock };
}

async function stillServing(h: Awaited<ReturnType<typeof honestBoard>>) {
  expect(service.child.exitCode).toBe(null);
  expect(service.child.signalCode).toBe(null);
  expect((await fetch(`${service.url}/healthz`)).status).toBe(200);
  expect(h.a.connected && h.b.connected).toBe(true);
  expect(h.stock.readyState).toBe(WebSocket.OPEN);
  // the relay and signaling still work for the honest clients
  const atB = collect<{ data: Uint8Array }>(h.b, 'relay');
  h.a.emit('relay', { data: new Uint8Array([0, 2, 1, 2, 3]) });
  await waitFor(() => atB.length === 1, 10_000, 'relay after the attack');
  const pong = new Promise<string>((resolve) => h.stock.once('message', (m) => resolve(m.toString())));
  h.stock.send(JSON.stringify({ type: 'ping' }));
  expect(JSON.parse(await pong)).toEqual({ type: 'pong' });
}

describe('deep and huge signaling data (defect 1)', () => {
  it('Socket.IO `signal` publish of "[" x 10000 + "]" x 10000: refused, the process stays up, honest clients stay connected', async () => {
    const honest = await honestBoard();
    const attackerBoard = await store.createBoard();
    const attacker = await RawSocket.open(service.url);
    raws.push(attacker);
    expect(await attacker.join({ boardId: attackerBoard.id, token: attackerBoard.editToken, user: user('mallory'), clientId: 66 })).toMatchObject({ ok: true });
    attacker.emit('signal', JSON.stringify({ type: 'subscribe', topics: [attackerBoard.id] }));
    attacker.emit('signal', `{"type":"publish","topic":"${attackerBoard.id}","data":${deepJson()}}`);
    // also deep inside y-webrtc's own shape, and deep everywhere else a client can put JSON
    const from = crypto.randomUUID();
    attacker.emit('signal', `{"type":"publish","topic":"${attackerBoard.id}","data":{"type":"signal","from":"${from}","to":"${from}","signal":{"type":"offer","x":${deepJson()}}}}`);
    attacker.emit('presence:update', `{"user":${deepJson()}}`);
    attacker.emit('relay', `{"data":${deepJson()}}`);
    attacker.emit('awareness', `{"data":${deepJson()}}`);
    attacker.emit('nope', deepJson());
    await attacker.waitFor((m) => m.includes('not a y-webrtc signaling message') || m.includes('deeper'), 'a refusal');
    await stillServing(honest);
  });

  it('stock /y-webrtc publish of "[" x 10000 + "]" x 10000: refused, the process stays up, honest clients stay connected', async () => {
    const honest = await honestBoard();
    const attackerBoard = await store.createBoard();
    const ws = new WebSocket(`${service.url.replace('http', 'ws')}/y-webrtc?token=${attackerBoard.editToken}`);
    plain.push(ws);
    const replies: string[] = [];
    ws.on('message', (m) => replies.push(m.toString()));
    await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject));
    ws.send(JSON.stringify({ type: 'subscribe', topics: [attackerBoard.id] }));
    ws.send(`{"type":"publish","topic":"${attackerBoard.id}","data":${deepJson()}}`);
    ws.send(`{"type":"publish","topic":"${honest.board.id}","data":${deepJson()}}`);
    ws.send(`{"type":"subscribe","topics":${deepJson()}}`);
    await waitFor(() => replies.some((r) => r.includes('"error"')), 10_000, 'a refusal');
    await stillServing(honest);
    expect(ws.readyState).toBe(WebSocket.OPEN);
  });

  it('the same class elsewhere: an upgrade request whose URL does not parse is refused, the process stays up', async () => {
    const honest = await honestBoard();
    const port = new URL(service.url).port;
    const reply = await new Promise<string>((resolve) => {
      const socket = tcpConnect(Number(port), '127.0.0.1', () => {
        socket.write('GET //[ HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n');
      });
      let text = '';
      socket.on('data', (d) => (text += d.toString()));
      socket.on('close', () => resolve(text));
      socket.on('error', () => resolve(text));
      setTimeout(() => socket.destroy(), 3000);
    });
    expect(reply).not.toContain('101 Switching Protocols');
    await stillServing(honest);
  });
});
