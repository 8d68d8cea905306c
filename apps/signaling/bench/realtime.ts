/**
 * Realtime benchmark (issue 3, Performance). Loopback only, every party a real process:
 *   - the real persistence service (PGlite in a temp dir) and the signaling service (`node dist/main.js`),
 *   - board peers in their own processes (test/peer.ts: packages/sync `connectBoard`, or a stock y-webrtc
 *     provider), real WebRTC data channels through @roamhq/wrtc,
 *   - named baselines in the same run: y-webrtc's stock signaling server (node_modules/y-webrtc/bin/server.js)
 *     and a bare Socket.IO broadcast echo server (bench/bare-server.ts).
 *
 * Run (after `npx turbo run build --filter=@meshboard/signaling...`):
 *   cd apps/signaling && npm run bench
 * Knobs: BENCH_PEERS (5), BENCH_UPDATES per peer (100), BENCH_INTERVAL_MS between updates (10),
 *        BENCH_JOINS (5), BENCH_IDLE_CONNECTIONS (1000), BENCH_JSON=path to also write the numbers as JSON.
 *
 * Latency = arrival time in the receiving process minus the send time written by the sender, both read from
 * CLOCK_MONOTONIC (process.hrtime), which is one clock for every process on Linux.
 */
import { fork, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { createServer, connect as tcpConnect } from 'node:net';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { io as ioClient, type Socket } from 'socket.io-client';
import WebSocket from 'ws';
import { startPeer, startService, type Peer, type ServiceProcess } from '../test/peers.js';
import { startPersistence, type PersistenceProcess } from '../../../packages/sync/test/support/persistence.js';
import { inspectEnv, measureIdle, type IdleResult } from './idle-memory.js';

const require = createRequire(import.meta.url);
const PEERS = Number(process.env.BENCH_PEERS ?? 5);
const UPDATES = Number(process.env.BENCH_UPDATES ?? 100);
const INTERVAL_MS = Number(process.env.BENCH_INTERVAL_MS ?? 10);
const JOINS = Number(process.env.BENCH_JOINS ?? 5);
const IDLE = Number(process.env.BENCH_IDLE_CONNECTIONS ?? 1000);
const WARMUP = 10;
/** comma-separated subset of: latency (P2P, relay, join), idle (memory) */
const ONLY = new Set((process.env.BENCH_ONLY ?? 'latency,idle').split(','));
const SECRET = randomBytes(32).toString('base64url');
const STOCK_SERVER = path.join(path.dirname(require.resolve('y-webrtc')), '..', 'bin', 'server.js');
const BARE_SERVER = fileURLToPath(new URL('./bare-server.ts', import.meta.url));

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const log = (...args: unknown[]) => console.error('[bench]', ...args);

interface Stats {
  n: number;
  p50: number;
  p99: number;
  max: number;
}
function stats(values: number[]): Stats {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))] ?? NaN;
  return { n: sorted.length, p50: at(0.5), p99: at(0.99), max: sorted[sorted.length - 1] ?? NaN };
}
const fmt = (s: Stats) => `p50 ${s.p50.toFixed(2)} ms  p99 ${s.p99.toFixed(2)} ms  max ${s.max.toFixed(2)} ms  (n=${s.n})`;

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as { port: number };
  await new Promise((r) => server.close(r));
  return port;
}
async function waitForPort(port: number, timeoutMs = 15_000) {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const ok = await new Promise<boolean>((resolve) => {
      const s = tcpConnect(port, '127.0.0.1', () => {
        s.destroy();
        resolve(true);
      });
      s.on('error', () => resolve(false));
    });
    if (ok) return;
    if (Date.now() > until) throw new Error(`nothing listens on ${port}`);
    await sleep(50);
  }
}
/** CPU seconds (user + system) a process has used so far */
function cpuSeconds(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100; // utime, stime in clock ticks (USER_HZ = 100)
}
async function stopChild(child: ChildProcess) {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGTERM');
  const t = setTimeout(() => child.kill('SIGKILL'), 5000);
  await exited;
  clearTimeout(t);
}
async function startStockServer(env: Record<string, string> = {}): Promise<{ child: ChildProcess; url: string }> {
  const port = await freePort();
  const child = spawn(process.execPath, [STOCK_SERVER], { env: { ...process.env, PORT: String(port), ...env }, stdio: 'ignore' });
  await waitForPort(port);
  return { child, url: `ws://127.0.0.1:${port}` };
}
async function startBareServer(env: Record<string, string> = {}): Promise<{ child: ChildProcess; url: string }> {
  const child = fork(BARE_SERVER, [], { execArgv: ['--import', 'tsx'], env: { ...process.env, ...env }, stdio: ['ignore', 'inherit', 'ignore', 'ipc'] });
  const port = await new Promise<number>((resolve, reject) => {
    child.once('message', (m: { port: number }) => resolve(m.port));
    child.once('exit', (code) => reject(new Error(`bare server exited ${code}`)));
  });
  return { child, url: `http://127.0.0.1:${port}` };
}

type Sample = [key: string, sentAt: number, arrivedAt: number];

interface Group {
  name: string;
  peers: Peer[];
  send: (peer: Peer, key: string) => Promise<unknown>;
}

/**
 * Every peer of a group in turn writes a timestamped key, one every INTERVAL_MS. Groups take turns in blocks
 * of BLOCK rounds (A B C D A B C D ...), so background load on a shared machine hits every system alike.
 * Returns one-way latencies (every delivery to every other peer) per group.
 */
const BLOCK = 10;
async function measureInterleaved(groups: Group[]): Promise<Record<string, Stats>> {
  for (const g of groups) for (let i = 0; i < WARMUP; i++) for (const [j, p] of g.peers.entries()) await g.send(p, `${g.name}w-${j}-${i}`);
  await sleep(500);
  for (let block = 0; block * BLOCK < UPDATES; block++) {
    for (const g of groups) {
      for (let i = block * BLOCK; i < Math.min(UPDATES, (block + 1) * BLOCK); i++) {
        for (const [j, p] of g.peers.entries()) {
          await g.send(p, `${g.name}-${j}-${i}`);
          await sleep(INTERVAL_MS);
        }
      }
    }
  }
  await sleep(1500);
  const out: Record<string, Stats> = {};
  for (const g of groups) {
    const expected = UPDATES * g.peers.length * (g.peers.length - 1);
    const samples = (await Promise.all(g.peers.map((p) => p.call<Sample[]>('samples')))).flat().filter(([key]) => key.startsWith(`${g.name}-`));
    if (samples.length < expected) log(`${g.name}: only ${samples.length} of ${expected} deliveries arrived`);
    out[g.name] = stats(samples.map(([, sentAt, arrivedAt]) => arrivedAt - sentAt));
  }
  return out;
}

async function spawnPeers(n: number, prefix: string): Promise<Peer[]> {
  return Promise.all(Array.from({ length: n }, (_, i) => startPeer(`${prefix}${i}`)));
}
const stopAll = (peers: Peer[]) => Promise.all(peers.map((p) => p.stop()));

async function main() {
  const started = new Date();
  log(`node ${process.version}, ${os.cpus().length} cores, load ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}`);
  const results: Record<string, unknown> = {
    date: started.toISOString(),
    node: process.version,
    cores: os.cpus().length,
    loadavgAtStart: os.loadavg(),
    config: { peers: PEERS, updatesPerPeer: UPDATES, intervalMs: INTERVAL_MS, joins: JOINS, idleConnections: IDLE },
  };

  // every simulated person shares one loopback address here: per-IP budgets would treat them as one abuser
  const store = await startPersistence(SECRET, { env: { MESHBOARD_RATE_LIMIT_EXEMPT: '127.0.0.1/32,::1/128' } });
  const signalingEnv = {
    MESHBOARD_TOKEN_SECRET: SECRET,
    PERSISTENCE_URL: store.url,
    SIGNALING_MAX_CONNECTIONS_PER_IP: String(Math.max(IDLE, 1000) * 2),
    SIGNALING_CONNECTIONS_PER_IP_PER_MINUTE: String(Math.max(IDLE, 1000) * 20),
  };
  const signaling: ServiceProcess = await startService(signalingEnv);
  const stockServer = await startStockServer();
  const bareServer = await startBareServer();
  const everyone: Peer[] = [];
  const spawn = async (n: number, prefix: string) => {
    const list = await spawnPeers(n, prefix);
    everyone.push(...list);
    return list;
  };
  const connectOpts = (board: { id: string; editToken: string }, name: string, extra: Record<string, unknown> = {}) => ({
    boardId: board.id,
    token: board.editToken,
    signalingUrl: signaling.url,
    storeUrl: store.url,
    name,
    ...extra,
  });
  try {
    if (ONLY.has('latency')) {
      // Meshboard P2P: connectBoard peers over our signaling, joined one after another
      log(`setting up: ${PEERS} Meshboard P2P peers, ${PEERS} stock y-webrtc peers, ${PEERS} Meshboard relay peers, ${PEERS} bare Socket.IO clients`);
      const board = await store.createBoard('bench p2p');
      const mesh = await spawn(PEERS, 'mb');
      for (const p of mesh) await p.call('connect', connectOpts(board, p.name));
      await Promise.all(mesh.map((p) => p.call('waitMesh', { n: PEERS - 1, timeoutMs: 60_000 }, 70_000)));
      // stock y-webrtc through its own bin/server.js, joined one after another (it never recovers from glare)
      const room = randomBytes(16).toString('base64url');
      const stock = await spawn(PEERS, 'yw');
      for (const p of stock) {
        await p.call('stock', { boardId: room, url: stockServer.url });
        await sleep(300);
      }
      await Promise.all(stock.map((p) => p.call('waitMesh', { n: PEERS - 1, timeoutMs: 60_000 }, 70_000)));
      // Meshboard relay: P2P disabled, WebSocket transport
      const relayBoard = await store.createBoard('bench relay');
      const relay = await spawn(PEERS, 'rl');
      for (const p of relay) await p.call('connect', connectOpts(relayBoard, p.name, { disableP2P: true, transports: ['websocket'] }));
      const relayReady = async () =>
        (await Promise.all(relay.map((p) => p.state()))).every((s) => s.status?.peers.length === PEERS - 1 && s.status.peers.every((x) => x.mode === 'relay'));
      for (let until = Date.now() + 30_000; !(await relayReady()); await sleep(50)) if (Date.now() > until) throw new Error('relay peers not ready');
      // bare Socket.IO broadcast echo
      const bare = await spawn(PEERS, 'bare');
      for (const p of bare) await p.call('bare', { url: bareServer.url, room: 'r' });

      log(`measuring: ${UPDATES} updates per peer, one every ${INTERVAL_MS} ms, systems interleaved in blocks of ${BLOCK}`);
      const stamp = (p: Peer, key: string) => p.call('stamp', { key });
      const servers = { persistence: store.child.pid!, signaling: signaling.child.pid!, stockSignaling: stockServer.child.pid!, bareSocketIo: bareServer.child.pid! };
      const cpuBefore = Object.fromEntries(Object.entries(servers).map(([k, pid]) => [k, cpuSeconds(pid)]));
      const startedAt = Date.now();
      const lat = await measureInterleaved([
        { name: 'p2pMeshboard', peers: mesh, send: stamp },
        { name: 'p2pStockYwebrtc', peers: stock, send: stamp },
        { name: 'relayMeshboard', peers: relay, send: stamp },
        { name: 'relayBareSocketIo', peers: bare, send: (p, key) => p.call('bareSend', { key }) },
      ]);
      Object.assign(results, lat);
      for (const [name, st] of Object.entries(lat)) log(`   ${name.padEnd(18)} ${fmt(st)}`);
      const wall = (Date.now() - startedAt) / 1000;
      results.serverCpuDuringLatency = {
        wallSeconds: wall,
        ...Object.fromEntries(Object.entries(servers).map(([k, pid]) => [k, +(cpuSeconds(pid) - cpuBefore[k]!).toFixed(2)])),
      };
      log('   server CPU seconds during the latency runs:', JSON.stringify(results.serverCpuDuringLatency));
      await stopAll(relay);
      await stopAll(bare);

      // join-to-synced: newcomers to each 5-peer mesh, alternating Meshboard and stock
      log(`join-to-synced: ${JOINS} newcomers to each ${PEERS}-peer mesh`);
      const seeded: number[] = [];
      const meshed: number[] = [];
      const stockJoins: number[] = [];
      const failed = { meshboard: 0, stock: 0 };
      /** ms until the newcomer has a data channel with every present peer; null: not within 30 s */
      const meshTime = (late: Peer) =>
        late.call<{ ms: number }>('waitMesh', { n: PEERS, timeoutMs: 30_000 }, 40_000).then(
          (r) => r.ms,
          () => null,
        );
      for (let i = 0; i < JOINS; i++) {
        const [late] = await spawnPeers(1, `late${i}-`);
        const joinTransports = process.env.BENCH_JOIN_TRANSPORTS ? { transports: process.env.BENCH_JOIN_TRANSPORTS.split(',') } : {};
        const r = await late!.call<{ seeded: boolean; seededMs: number }>('connect', connectOpts(board, late!.name, joinTransports));
        if (!r.seeded) throw new Error('newcomer not seeded');
        seeded.push(r.seededMs);
        const ms = await meshTime(late!);
        if (ms === null) failed.meshboard++;
        else meshed.push(ms);
        await late!.stop();
        const [ylate] = await spawnPeers(1, `ywlate${i}-`);
        await ylate!.call('stock', { boardId: room, url: stockServer.url });
        const yms = await meshTime(ylate!);
        if (yms === null) failed.stock++;
        else stockJoins.push(yms);
        await ylate!.stop();
        await sleep(1000);
      }
      results.joinFailures = failed;
      if (failed.meshboard || failed.stock) log(`   newcomers without a full mesh after 30 s: Meshboard ${failed.meshboard}, stock ${failed.stock}`);
      const boardBytes = (await fetch(`${store.url}/v1/boards/${board.id}/state`, { headers: { authorization: `Bearer ${board.editToken}` } }).then((r) => r.arrayBuffer())).byteLength;
      results.joinMeshboard = { seededFromStore: stats(seeded), p2pWithAllPeers: stats(meshed), boardBytes };
      results.joinStockYwebrtc = { p2pWithAllPeers: stats(stockJoins) };
      log(`   Meshboard seeded from store ${fmt(stats(seeded))}; board ${boardBytes} bytes`);
      log(`   Meshboard P2P with all ${PEERS}   ${fmt(stats(meshed))}`);
      log(`   stock P2P with all ${PEERS}       ${fmt(stats(stockJoins))}`);
    }
  } finally {
    await stopAll(everyone);
    await signaling.stop();
    await stopChild(stockServer.child);
    await stopChild(bareServer.child);
  }
  if (ONLY.has('idle')) results.idleMemory = await idleMemory(store, signalingEnv);
  await store.close();

  results.loadavgAtEnd = os.loadavg();
  results.seconds = Math.round((Date.now() - started.getTime()) / 1000);
  report(results);
  if (process.env.BENCH_JSON) writeFileSync(process.env.BENCH_JSON, JSON.stringify(results, null, 2));
}

async function idleMemory(store: PersistenceProcess, signalingEnv: Record<string, string>) {
  log(`idle memory: ${IDLE} connections (10 per board)`);
  const boards = await Promise.all(Array.from({ length: Math.ceil(IDLE / 10) + 1 }, (_, i) => store.createBoard(`idle ${i}`)));
  const boardFor = (i: number) => boards[i < 0 ? boards.length - 1 : Math.floor(i / 10)]!;
  const out: Record<string, IdleResult> = {};

  // Meshboard, Socket.IO: joined (presence) and subscribed to the board's signaling topic, like an idle editor tab
  {
    const inspect = await freePort();
    const service = await startService({ ...signalingEnv, ...inspectEnv(inspect) });
    try {
      out.meshboardSocketIo = await measureIdle(service.child.pid!, inspect, IDLE, async (i) => {
        const board = boardFor(i);
        const socket: Socket = ioClient(service.url, { transports: ['websocket'], forceNew: true, reconnection: false });
        await new Promise<void>((resolve, reject) => {
          socket.once('connect', resolve);
          socket.once('connect_error', reject);
        });
        const ack = (await socket.timeout(30_000).emitWithAck('join', {
          boardId: board.id,
          token: board.editToken,
          user: { id: `u${i}`, name: `user ${i}`, color: '#336699' },
          clientId: 1000 + i + 1,
          peerId: `00000000-0000-4000-8000-${String(i + 1).padStart(12, '0')}`,
          mode: 'p2p',
        })) as { ok: boolean; error?: unknown };
        if (!ack.ok) throw new Error(`join refused: ${JSON.stringify(ack.error)}`);
        socket.emit('signal', { type: 'subscribe', topics: [board.id] });
        return () => socket.disconnect();
      });
    } finally {
      await service.stop();
    }
  }
  // Meshboard, stock endpoint /y-webrtc and y-webrtc's own server: a WebSocket subscribed to one topic
  const openWs = (url: string, topic: string) =>
    new Promise<() => void>((resolve, reject) => {
      const ws = new WebSocket(url, { perMessageDeflate: false });
      ws.once('open', () => {
        ws.send(JSON.stringify({ type: 'subscribe', topics: [topic] }));
        resolve(() => ws.terminate());
      });
      ws.once('error', reject);
    });
  {
    const inspect = await freePort();
    const service = await startService({ ...signalingEnv, ...inspectEnv(inspect) });
    try {
      out.meshboardStockEndpoint = await measureIdle(service.child.pid!, inspect, IDLE, (i) => {
        const board = boardFor(i);
        return openWs(`${service.url.replace('http', 'ws')}/y-webrtc?token=${board.editToken}`, board.id);
      });
    } finally {
      await service.stop();
    }
  }
  {
    const inspect = await freePort();
    const stock = await startStockServer(inspectEnv(inspect));
    try {
      out.stockYwebrtcServer = await measureIdle(stock.child.pid!, inspect, IDLE, (i) => openWs(stock.url, boardFor(i).id));
    } finally {
      await stopChild(stock.child);
    }
  }
  {
    // the floor for any Socket.IO service: a bare server, clients joined to a room
    const inspect = await freePort();
    const bareServer = await startBareServer(inspectEnv(inspect));
    try {
      out.bareSocketIo = await measureIdle(bareServer.child.pid!, inspect, IDLE, async (i) => {
        const socket: Socket = ioClient(bareServer.url, { transports: ['websocket'], forceNew: true, reconnection: false });
        await new Promise<void>((resolve, reject) => {
          socket.once('connect', resolve);
          socket.once('connect_error', reject);
        });
        await socket.timeout(30_000).emitWithAck('join', boardFor(i).id);
        return () => socket.disconnect();
      });
    } finally {
      await stopChild(bareServer.child);
    }
  }
  for (const [name, r] of Object.entries(out)) {
    log(`   ${name}: ${r.baselineKiB} -> ${r.halfKiB} -> ${r.loadedKiB} KiB, ${r.perConnectionKiB.toFixed(1)} KiB per connection, marginal ${r.marginalKiB.toFixed(1)} KiB`);
  }
  return out;
}

function report(r: Record<string, unknown>) {
  const line = (label: string, st: Stats | undefined) => (st ? [`  ${label.padEnd(46)} ${fmt(st)}`] : []);
  const s = (k: string) => r[k] as Stats | undefined;
  const join = r.joinMeshboard as { seededFromStore: Stats; p2pWithAllPeers: Stats; boardBytes: number } | undefined;
  const stockJoin = r.joinStockYwebrtc as { p2pWithAllPeers: Stats } | undefined;
  const idle = r.idleMemory as Record<string, IdleResult> | undefined;
  const lines = [
    `Meshboard realtime benchmark, ${r.date as string} (node ${r.node as string}, ${r.cores as number} cores, load ${(r.loadavgAtStart as number[]).map((l) => l.toFixed(1)).join('/')})`,
    ...(s('p2pMeshboard')
      ? [
          `P2P update latency, ${PEERS} peers, one-way, every delivery (target p99 <= 10 ms)`,
          ...line('Meshboard (connectBoard over our signaling)', s('p2pMeshboard')),
          ...line('stock y-webrtc + its bin/server.js', s('p2pStockYwebrtc')),
          `Relay update latency, ${PEERS} peers, one-way (target p99 <= 15 ms)`,
          ...line('Meshboard relay (Yjs frames, validated)', s('relayMeshboard')),
          ...line('bare Socket.IO broadcast echo server', s('relayBareSocketIo')),
          `  server CPU seconds while measuring (all four systems interleaved): ${JSON.stringify(r.serverCpuDuringLatency)}`,
        ]
      : []),
    ...(join && stockJoin
      ? [
          `Join-to-synced, a newcomer to ${PEERS} peers (board ${join.boardBytes} bytes)`,
          ...line('Meshboard: board seeded from the store', join.seededFromStore),
          ...line(`Meshboard: P2P with all ${PEERS} peers`, join.p2pWithAllPeers),
          ...line(`stock y-webrtc: P2P with all ${PEERS} peers`, stockJoin.p2pWithAllPeers),
          `  newcomers without a full mesh after 30 s: ${JSON.stringify(r.joinFailures)}`,
        ]
      : []),
    ...(idle
      ? [
          `Server process memory, ${IDLE} idle connections (target <= 30 KB each). RSS after a full GC: delta / connections`,
          `  from 1 to ${IDLE}, marginal from ${IDLE / 2} to ${IDLE}; "no GC": the same delta read before forcing a GC`,
          ...Object.entries(idle).map(
            ([name, x]) =>
              `  ${name.padEnd(46)} ${(x.perConnectionKiB * 1.024).toFixed(1)} KB/conn, marginal ${(x.marginalKiB * 1.024).toFixed(1)}, no GC ${(x.withoutGcKiB * 1.024).toFixed(1)}, JS heap ${(x.heapKiB * 1.024).toFixed(1)} (RSS ${x.baselineKiB} -> ${x.halfKiB} -> ${x.loadedKiB} KiB)`,
          ),
        ]
      : []),
    `took ${r.seconds as number} s, load at end ${(r.loadavgAtEnd as number[]).map((l) => l.toFixed(1)).join('/')}`,
  ];
  console.log(lines.join('\n'));
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
