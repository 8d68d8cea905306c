/**
 * Edit latency, one-way, every delivery to every other editor, p50/p99 (issue 15). N editors on one board per
 * system, spread over at most `maxProcesses` processes per system (y-webrtc allows one WebRTC peer per board
 * per process: the first Meshboard client of each process uses WebRTC and its topology, further ones in the
 * same process are relay-only; y-websocket and Hocuspocus clients are spread the same way). Editors take turns
 * writing a timestamped key, one every `intervalMs`; systems are interleaved in blocks of 10 edits so that
 * background load hits them alike.
 */
import { randomBytes } from 'node:crypto';
import type { Meshboard, Proc } from '../lib/servers.js';
import { startPeers, type PeerProcess } from '../lib/peers.js';
import { readRefusals, refusalsSince, type Refusals } from '../lib/service-metrics.js';
import { cpuSeconds, log, sleep, stats, waitForQuiet, type Stats } from '../lib/util.js';

export interface LatencyOptions {
  sizes: number[];
  updates: number;
  intervalMs: number;
  maxProcesses: number;
  /** Meshboard's relay-only row is measured up to this N */
  relayRowUpTo: number;
  /** cap sweep (choosing maxDirectPeers): one Meshboard row per cap, no other systems */
  caps?: number[];
  /** only these systems (lower-case name prefixes, e.g. ['meshboard']); all when unset */
  systems?: string[];
}
export interface LatencyRow {
  n: number;
  system: string;
  processes: number;
  webrtcPeers: number;
  latency: Stats;
  expected: number;
  lost: number;
  serverCpuSeconds: number;
  /** CPU seconds of all this system's client processes while measuring */
  clientCpuSeconds: number;
  maxDirectConnections?: number;
  setupMs: number;
  /** Meshboard rows: what its signaling service and store refused at this N (setup and measuring), by reason */
  refusals?: Refusals;
}

interface System {
  name: string;
  procs: PeerProcess[];
  clients: Array<[PeerProcess, number]>;
  serverPids: number[];
  setupMs: number;
}

const BLOCK = 10;

export async function latencyScenario(o: LatencyOptions, mb: Meshboard, yws: Proc, hp: Proc): Promise<LatencyRow[]> {
  const rows: LatencyRow[] = [];
  for (const n of o.sizes) {
    await waitForQuiet(); // the previous size's peers and store work are gone
    const procs = Math.min(n, o.maxProcesses);
    const perProc = Array.from({ length: procs }, (_, i) => Math.floor(n / procs) + (i < n % procs ? 1 : 0));
    log(`latency N=${n}: ${procs} processes per system, ${o.updates} edits, one every ${o.intervalMs} ms`);
    const systems: System[] = [];
    const serviceUrls = [mb.signaling.url, mb.store.url];
    const refusedBefore = await readRefusals(serviceUrls);
    const setup = async (name: string, open: (p: PeerProcess, count: number, i: number) => Record<string, unknown>, serverPids: number[]) => {
      if (o.systems && !o.systems.some((prefix) => name.toLowerCase().startsWith(prefix))) return;
      const t0 = Date.now();
      const list = await startPeers(procs, `${name}-${n}-`);
      const sys: System = { name, procs: list, clients: [], serverPids, setupMs: 0 };
      systems.push(sys);
      // joined one process after another, like people arriving (all at once is the crowd test's job)
      for (const [i, p] of list.entries()) {
        await p.call('open', { ...open(p, perProc[i]!, i), count: perProc[i]!, name: p.name });
        for (let k = 0; k < perProc[i]!; k++) sys.clients.push([p, k]);
      }
      const ready = await Promise.all(list.map((p) => p.call<{ ready: boolean }>('ready', { peers: n - 1, timeoutMs: 120_000 }, 130_000)));
      if (!ready.every((r) => r.ready)) log(`   ${name}: not every client was ready after 120 s; measuring anyway`);
      sys.setupMs = Date.now() - t0;
    };
    try {
      if (o.caps) {
        for (const cap of o.caps) {
          const capBoard = await mb.store.createBoard(`latency ${n} cap ${cap}`);
          await setup(`Meshboard cap ${cap}`, () => ({ kind: 'meshboard', url: mb.signaling.url, storeUrl: mb.store.url, boardId: capBoard.id, token: capBoard.editToken, maxDirectPeers: cap }), [
            mb.signaling.child.pid!,
            mb.store.child.pid!,
          ]);
        }
      }
      const board = await mb.store.createBoard(`latency ${n}`);
      const mbOpen = (p2p: boolean) => () => ({ kind: 'meshboard', url: mb.signaling.url, storeUrl: mb.store.url, boardId: board.id, token: board.editToken, p2p });
      if (!o.caps) await setup('Meshboard', mbOpen(true), [mb.signaling.child.pid!, mb.store.child.pid!]);
      if (o.caps) {
        // cap sweep only
      } else if (n <= o.relayRowUpTo) {
        const relayBoard = await mb.store.createBoard(`latency relay ${n}`);
        await setup('Meshboard relay-only', () => ({ kind: 'meshboard', url: mb.signaling.url, storeUrl: mb.store.url, boardId: relayBoard.id, token: relayBoard.editToken, p2p: false }), [
          mb.signaling.child.pid!,
          mb.store.child.pid!,
        ]);
      }
      const room = randomBytes(8).toString('hex');
      if (!o.caps) {
        await setup('y-websocket', () => ({ kind: 'ywebsocket', url: yws.url, boardId: `yws-${room}` }), [yws.pid]);
        await setup('Hocuspocus', () => ({ kind: 'hocuspocus', url: hp.url, boardId: `hp-${room}` }), [hp.pid]);
      }

      const cpu = new Map<string, number>();
      const clientCpu = new Map<string, number>();
      const elapsed = new Map<string, number>();
      for (const s of systems) cpu.set(s.name, 0);
      const warm = Math.min(5, o.updates);
      for (const s of systems) for (let i = 0; i < warm; i++) await stampAt(s, i, `w-${s.name}-${i}`, o.intervalMs);
      await sleep(500);
      for (let block = 0; block * BLOCK < o.updates; block++) {
        for (const s of systems) {
          const before = s.serverPids.map(cpuSeconds);
          const clientPids = s.procs.map((p) => p.child.pid!);
          const clientBefore = clientPids.map(cpuSeconds);
          const t0 = Date.now();
          for (let i = block * BLOCK; i < Math.min(o.updates, (block + 1) * BLOCK); i++) await stampAt(s, i, `m-${s.name}-${i}`, o.intervalMs);
          cpu.set(s.name, cpu.get(s.name)! + s.serverPids.reduce((sum, pid, k) => sum + cpuSeconds(pid) - before[k]!, 0));
          elapsed.set(s.name, (elapsed.get(s.name) ?? 0) + Date.now() - t0);
          clientCpu.set(s.name, (clientCpu.get(s.name) ?? 0) + clientPids.reduce((sum, pid, k) => sum + cpuSeconds(pid) - clientBefore[k]!, 0));
        }
      }
      await sleep(3000);
      const refusals = refusalsSince(refusedBefore, await readRefusals(serviceUrls));
      if (Object.keys(refusals).length > 0) log(`   Meshboard's services refused at N=${n}: ${JSON.stringify(refusals)}`);
      for (const s of systems) {
        const samples = (await Promise.all(s.procs.map((p) => p.call<Array<[number, number]>>('samples', { prefix: `m-${s.name}-` })))).flat();
        const expected = o.updates * (n - 1);
        const held = s.name.startsWith('Meshboard') && !s.name.includes('relay') ? (await Promise.all(s.procs.map((p) => p.call<number[]>('held')))).flat() : [];
        const row: LatencyRow = {
          n,
          system: s.name,
          processes: procs,
          webrtcPeers: s.name.startsWith('Meshboard') && !s.name.includes('relay') ? procs : 0,
          latency: stats(samples.map(([sent, arrived]) => arrived - sent)),
          expected,
          lost: Math.max(0, expected - samples.length),
          serverCpuSeconds: Number(cpu.get(s.name)!.toFixed(2)),
          clientCpuSeconds: Number((clientCpu.get(s.name) ?? 0).toFixed(2)),
          ...(held.length ? { maxDirectConnections: Math.max(...held) } : {}),
          setupMs: s.setupMs,
          ...(s.name.startsWith('Meshboard') ? { refusals } : {}),
        };
        rows.push(row);
        log(`   ${s.name.padEnd(22)} p50 ${row.latency.p50} ms  p99 ${row.latency.p99} ms  lost ${row.lost}/${expected}  server CPU ${row.serverCpuSeconds} s, clients ${row.clientCpuSeconds} s, max direct ${row.maxDirectConnections ?? '-'}, over ${((elapsed.get(s.name) ?? 0) / 1000).toFixed(1)} s`);
      }
    } finally {
      await Promise.all(systems.flatMap((s) => s.procs.map((p) => p.stop())));
    }
  }
  return rows;
}

async function stampAt(s: System, i: number, key: string, intervalMs: number) {
  const [proc, client] = s.clients[i % s.clients.length]!;
  await proc.call('stamp', { client, key });
  await sleep(intervalMs);
}
