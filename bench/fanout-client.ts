/**
 * Load process of the signaling fan-out scenario: WebSocket subscribers speaking y-webrtc's signaling JSON
 * (subscribe / publish), the same bytes for Meshboard's /y-webrtc endpoint and y-webrtc's bin/server.js.
 * Publishes carry their send time (CLOCK_MONOTONIC); every delivery's delay is recorded where it arrives.
 */
import { randomUUID } from 'node:crypto';
import WebSocket from 'ws';
import { serveCommands } from './lib/command-child.js';

const now = () => Number(process.hrtime.bigint()) / 1e6;
const PEER = randomUUID();
const CANDIDATE = {
  type: 'candidate',
  candidate: { candidate: 'candidate:842163049 1 udp 1677729535 127.0.0.1 54321 typ srflx raddr 0.0.0.0 rport 0 generation 0 ufrag sEMT network-cost 999', sdpMLineIndex: 0, sdpMid: '0' },
};
type Msg = { id: number; cmd: string; [key: string]: unknown };

// Each subscriber speaks as its own y-webrtc peer id (a uuid), as real tabs do, and publishes what tabs publish
// most while they negotiate: a `signal` with an ICE candidate. Meshboard's endpoint checks y-webrtc's message
// shapes strictly and binds one peer id per connection (issue 11); the send time rides in the glare `token`
// field, a number in y-webrtc's own messages. y-webrtc's server forwards the same bytes unread.
let sockets: Array<{ ws: WebSocket; topic: string; from: string }> = [];
let delays: number[] = [];
let recording = false;

async function connect(o: { urls: string[]; topics: string[]; perRoom: number }) {
  const opened: Array<Promise<void>> = [];
  for (const [r, topic] of o.topics.entries()) {
    for (let k = 0; k < o.perRoom; k++) {
      const ws = new WebSocket(o.urls[r]!, { perMessageDeflate: false });
      sockets.push({ ws, topic, from: randomUUID() });
      ws.on('message', (raw) => {
        if (!recording) return;
        const m = JSON.parse(String(raw)) as { type?: string; data?: { token?: number } };
        if (m.type === 'publish' && typeof m.data?.token === 'number') delays.push(now() - m.data.token);
      });
      opened.push(
        new Promise((resolve, reject) => {
          ws.once('open', () => {
            ws.send(JSON.stringify({ type: 'subscribe', topics: [topic] }));
            resolve();
          });
          ws.once('error', reject);
        }),
      );
    }
    if (r % 10 === 9) await Promise.all(opened);
  }
  await Promise.all(opened);
  return { sockets: sockets.length };
}

async function step(o: { rate: number; seconds: number }) {
  delays = [];
  recording = true;
  let sent = 0;
  let next = 0;
  const t0 = now();
  const end = t0 + o.seconds * 1000;
  while (now() < end) {
    const due = Math.floor(((now() - t0) / 1000) * o.rate);
    for (; sent < due; sent++) {
      const s = sockets[next++ % sockets.length]!;
      if (s.ws.readyState === WebSocket.OPEN) s.ws.send(JSON.stringify({ type: 'publish', topic: s.topic, data: { type: 'signal', from: s.from, to: PEER, token: now(), signal: CANDIDATE } }));
    }
    await new Promise((r) => setTimeout(r, 5));
  }
  await new Promise((r) => setTimeout(r, 1500)); // late deliveries count, with their delay
  recording = false;
  return { sent, delays };
}

async function handle(msg: Msg): Promise<unknown> {
  switch (msg.cmd) {
    case 'connect':
      return connect(msg as never);
    case 'step':
      return step(msg as never);
    case 'collect': {
      const out = delays;
      delays = [];
      return out;
    }
    case 'close':
      for (const s of sockets) s.ws.terminate();
      sockets = [];
      return { ok: true };
    default:
      throw new Error(`unknown command ${msg.cmd}`);
  }
}

serveCommands(handle);
