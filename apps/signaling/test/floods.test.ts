/**
 * Defect 8 (issue 11): floods were not cut. Unknown events bypassed the budget (answered, never counted: an
 * amplifier); a client at 3x the rate was never cut because strikes reset on every accepted message (same on
 * the stock endpoint with pings); 3,000 junk relay packets wrote hundreds of identical warnings.
 * And the per-IP connection cap on signaling. Real processes, real connections.
 */
import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from 'vitest';
import WebSocket from 'ws';
import { storeApi } from '../../../packages/sync/test/support/persistence.js';
import { startService, type ServiceProcess } from './peers.js';
import { PollingSocket } from './raw.js';
import { SECRET, client, collect, connected, join, user, waitFor, type Client, type FailureBody } from './support.js';

const store = storeApi(inject('persistenceUrl'));
// a low budget so "3x the rate" is cheap to produce: 100 messages/s, bursts of 200
const RATE = { SIGNALING_RATE_MESSAGES: '100', SIGNALING_BURST_MESSAGES: '200' };
let service: ServiceProcess;
let sockets: Client[] = [];
let plain: WebSocket[] = [];

beforeAll(async () => {
  service = await startService({ MESHBOARD_TOKEN_SECRET: SECRET, PERSISTENCE_URL: store.url, ...RATE });
});
afterEach(() => {
  for (const s of sockets) s.disconnect();
  for (const w of plain) w.terminate();
  sockets = [];
  plain = [];
});
afterAll(async () => {
  await service.stop('SIGKILL');
});

async function joinedSocket(url = service.url) {
  const board = await store.createBoard();
  const socket = await connected(client(url));
  sockets.push(socket);
  expect(await join(socket, { boardId: board.id, token: board.editToken, user: user(), clientId: Math.floor(Math.random() * 1e9) })).toMatchObject({ ok: true });
  return { socket, board };
}
const cutWarnings = (s: ServiceProcess) => s.logs().split('\n').filter((l) => l.includes('flooding connection cut')).length;

describe('floods are cut (defect 8)', () => {
  it('unknown events count against the budget, and a flood of 3,000 of them is cut, not answered one by one', async () => {
    const { socket } = await joinedSocket();
    const failures = collect<FailureBody>(socket, 'failure');
    const emitUnknown = (i: number) => (socket as unknown as { emit(e: string, v: number): void }).emit('no-such-event', i);
    // 150 unknown events use up most of the burst (200): relay frames right behind them are rate_limited
    for (let i = 0; i < 150; i++) emitUnknown(i);
    for (let i = 0; i < 80; i++) socket.emit('relay', { data: new Uint8Array([0, 2, 1]), ref: `r${i}` });
    await waitFor(() => failures.some((f) => f.event === 'relay' && f.error.code === 'rate_limited'), 10_000, 'relay frames rate_limited behind unknown events');
    expect(socket.connected).toBe(true);
    // then a flood of them: cut; every answer is a strike, so answers stop at the strike limit
    for (let i = 0; i < 3000; i++) emitUnknown(i);
    await waitFor(() => socket.disconnected, 10_000, 'the flooding connection is cut');
    expect(failures.length).toBeLessThan(400);
  });

  it('a client at 3x the rate is cut within seconds (accepted messages do not forgive strikes)', async () => {
    const { socket } = await joinedSocket();
    const frame = new Uint8Array([0, 2, 1, 2, 3]);
    const timer = setInterval(() => {
      for (let i = 0; i < 3; i++) socket.emit('relay', { data: frame }); // 300/s against 100/s
    }, 10);
    try {
      await waitFor(() => socket.disconnected, 15_000, 'cut at 3x the rate');
    } finally {
      clearInterval(timer);
    }
  });

  it('the stock endpoint: pings at 3x the rate are cut too', async () => {
    const board = await store.createBoard();
    const ws = new WebSocket(`${service.url.replace('http', 'ws')}/y-webrtc?token=${board.editToken}`);
    plain.push(ws);
    await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject));
    const closed = new Promise<number>((resolve) => ws.once('close', (code) => resolve(code)));
    const timer = setInterval(() => {
      for (let i = 0; i < 3; i++) if (ws.readyState === ws.OPEN) ws.send('{"type":"ping"}');
    }, 10);
    try {
      const code = await Promise.race([closed, new Promise<number>((r) => setTimeout(() => r(-1), 15_000))]);
      expect(code).toBe(4429);
    } finally {
      clearInterval(timer);
    }
  });

  it('3,000 junk relay packets in one long-polling body: one warning for the cut connection, not hundreds', async () => {
    const before = cutWarnings(service);
    const board = await store.createBoard();
    const flooder = await PollingSocket.open(service.url);
    await flooder.post([`420["join",${JSON.stringify({ boardId: board.id, token: board.editToken, user: user(), clientId: 77 })}]`]);
    await flooder.poll();
    // one HTTP request, 3,000 packets: the server handles them back to back, past the cut
    const status = await flooder.post(Array.from({ length: 3000 }, (_, i) => `42["relay",{"data":"junk","ref":"j${i}"}]`));
    expect(status).toBe(200);
    await waitFor(() => cutWarnings(service) > before, 10_000, 'the cut');
    await new Promise((r) => setTimeout(r, 1500)); // whatever was queued behind the cut has been handled
    expect(cutWarnings(service) - before).toBe(1);
    expect((await fetch(`${service.url}/healthz`)).status).toBe(200);
  });
});

describe('per-IP connection cap', () => {
  it('SIGNALING_MAX_CONNECTIONS_PER_IP: the next connection from that address is refused on both endpoints; a closed one frees its slot', async () => {
    const capped = await startService({ MESHBOARD_TOKEN_SECRET: SECRET, PERSISTENCE_URL: store.url, SIGNALING_MAX_CONNECTIONS_PER_IP: '3' });
    try {
      const board = await store.createBoard();
      const open: Client[] = [];
      for (let i = 0; i < 3; i++) open.push(await connected(client(capped.url)));
      sockets.push(...open);
      await expect(connected(client(capped.url))).rejects.toBeTruthy();
      const status = await new Promise<number>((resolve) => {
        const ws = new WebSocket(`${capped.url.replace('http', 'ws')}/y-webrtc?token=${board.editToken}`);
        plain.push(ws);
        ws.once('unexpected-response', (_q, res) => resolve(res.statusCode ?? 0));
        ws.once('open', () => resolve(101));
        ws.once('error', () => undefined);
      });
      expect(status).toBe(429);
      open[0]!.disconnect();
      await waitFor(async () => {
        const probe = client(capped.url);
        sockets.push(probe);
        return connected(probe).then(
          () => true,
          () => false,
        );
      }, 10_000, 'a freed slot');
    } finally {
      await capped.stop('SIGKILL');
    }
  });
});
