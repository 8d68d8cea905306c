/**
 * Cursor storm (issue 15): `boards` boards x `people` people moving their cursors `hz` times a second
 * (awareness, not document edits), one system at a time on the same peer processes: Meshboard through its own
 * client path (connectBoard.setCursor: CursorThrottle and LiveAwareness, frames over the Socket.IO service's
 * relay; relay-only, no WebRTC), y-websocket's and Hocuspocus's awareness. The people of a board are spread
 * over the processes. Counted in the peer processes (lib/cursor-load.ts): positions sent, positions that left
 * the client, positions received by every other person of the board and their one-way delay; server CPU of
 * every server process of the system over the storm.
 */
import { randomBytes } from 'node:crypto';
import type { Meshboard, Proc } from '../lib/servers.js';
import { startPeers, type PeerProcess } from '../lib/peers.js';
import type { StormCounts } from '../lib/cursor-load.js';
import { cpuSeconds, log, now, round, sleep, stats, type Stats } from '../lib/util.js';

export interface CursorOptions {
  boards: number;
  people: number;
  hz: number;
  /** length of the storm; its first second is warm-up and not counted */
  seconds: number;
  processes: number;
}
export interface CursorRow {
  system: string;
  boards: number;
  people: number;
  hz: number;
  /** seconds counted */
  seconds: number;
  /** per person per second: pointer moves handed to the client, positions that left it */
  sentPerSecond: number;
  emittedPerSecond: number;
  /** per receiver per second: other people's positions that arrived */
  receivedPerSecond: number;
  /** received / (emitted x (people - 1)): what the transport lost */
  deliveredOfEmitted: number;
  /** received / (sent x (people - 1)): what the person on the other side saw of the pointer's moves */
  deliveredOfSent: number;
  delay: Stats;
  /** pointer move to emission in the sender (the client's throttles), part of `delay` */
  heldInClient: Stats;
  /** Meshboard: cursor frames its signaling service dropped over the per-connection awareness rate */
  serverRateDropped?: number;
  /** CPU seconds over the storm (`spanSeconds`: 0.5 s before its start to the end of the drain) */
  serverCpuSeconds: number;
  clientCpuSeconds: number;
  spanSeconds: number;
  /** every client had everyone of its board before the storm (presence / synced) */
  ready: boolean;
  /** ... and held everyone's awareness state (3 s later at most) */
  awarenessBeforeStorm: boolean;
}

const WARMUP_MS = 1000;
const DRAIN_MS = 1500;

export async function cursorScenario(o: CursorOptions, mb: Meshboard, yws: Proc, hp: Proc): Promise<CursorRow[]> {
  const room = randomBytes(6).toString('hex');
  const systems: Array<{ system: string; serverPids: number[]; boards: () => Promise<Array<Record<string, unknown>>>; rateDropped?: () => Promise<number> }> = [
    {
      system: 'Meshboard',
      serverPids: [mb.signaling.child.pid!, mb.store.child.pid!],
      rateDropped: () => rejectedCount(mb.signaling.url, 'awareness_rate_dropped'),
      boards: async () =>
        (await Promise.all(Array.from({ length: o.boards }, (_, b) => mb.store.createBoard(`cursors ${b}`)))).map((b) => ({
          kind: 'meshboard',
          url: mb.signaling.url,
          storeUrl: mb.store.url,
          boardId: b.id,
          token: b.editToken,
          p2p: false,
        })),
    },
    { system: 'y-websocket', serverPids: [yws.pid], boards: async () => Array.from({ length: o.boards }, (_, b) => ({ kind: 'ywebsocket', url: yws.url, boardId: `cursors-${room}-${b}` })) },
    { system: 'Hocuspocus', serverPids: [hp.pid], boards: async () => Array.from({ length: o.boards }, (_, b) => ({ kind: 'hocuspocus', url: hp.url, boardId: `cursors-${room}-${b}` })) },
  ];
  const t0 = Date.now();
  log(`cursors: ${o.boards} boards x ${o.people} people at ${o.hz} Hz for ${o.seconds} s, ${o.processes} processes`);
  const procs = await startPeers(o.processes, 'cursors-');
  log(`   ${o.processes} processes started in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  const rows: CursorRow[] = [];
  try {
    for (const sys of systems) {
      const setup0 = Date.now();
      const boards = await sys.boards();
      // person j of board b lives in process (b * people + j) mod processes: every board spans processes
      await Promise.all(
        procs.map(async (p, k) => {
          for (const [b, board] of boards.entries()) {
            let count = 0;
            for (let j = 0; j < o.people; j++) if ((b * o.people + j) % procs.length === k) count++;
            if (count) await p.call('open', { ...board, count, name: `${sys.system}-${k}` }, 180_000);
          }
        }),
      );
      const checks = await Promise.all(procs.map((p) => p.call<{ ready: boolean; awareness: boolean }>('cursorsReady', { people: o.people, timeoutMs: 60_000, awarenessWaitMs: 3000 }, 70_000)));
      const ready = checks.every((r) => r.ready);
      const awarenessBeforeStorm = checks.every((r) => r.awareness);
      if (!ready) log(`   ${sys.system}: not every client had everyone of its board after 60 s; measuring anyway`);
      if (!awarenessBeforeStorm) log(`   ${sys.system}: not every client held everyone's awareness state 3 s later (they arrive with the first moves)`);
      const setupSeconds = (Date.now() - setup0) / 1000;
      const dropped0 = await sys.rateDropped?.();
      const row: CursorRow = { ...(await storm(sys.system, procs, sys.serverPids, o)), ready, awarenessBeforeStorm };
      if (sys.rateDropped) row.serverRateDropped = (await sys.rateDropped()) - dropped0!;
      rows.push(row);
      log(
        `   ${sys.system.padEnd(12)} sent ${row.sentPerSecond}/s, emitted ${row.emittedPerSecond}/s per person; received ${row.receivedPerSecond}/s per receiver (${(row.deliveredOfEmitted * 100).toFixed(1)} % of emitted); delay p50 ${row.delay.p50} p99 ${row.delay.p99} ms (held in the client p50 ${row.heldInClient.p50} p99 ${row.heldInClient.p99})${row.serverRateDropped !== undefined ? `, ${row.serverRateDropped} dropped by the server's awareness rate` : ''}; server ${row.serverCpuSeconds} CPU-s, clients ${row.clientCpuSeconds} CPU-s over ${row.spanSeconds} s`,
      );
      const close0 = Date.now();
      await Promise.all(procs.map((p) => p.call('close')));
      log(`   ${sys.system}: set up in ${setupSeconds.toFixed(1)} s, closed in ${((Date.now() - close0) / 1000).toFixed(1)} s`);
      await sleep(500);
    }
  } finally {
    await Promise.all(procs.map((p) => p.stop()));
  }
  log(`   cursors took ${((Date.now() - t0) / 1000).toFixed(0)} s`);
  return rows;
}

/** a reason's count in the signaling service's `meshboard_signaling_rejected_total` (its /metrics) */
async function rejectedCount(url: string, reason: string): Promise<number> {
  const text = await (await fetch(`${url}/metrics`)).text();
  const line = text.split('\n').find((l) => l.startsWith('meshboard_signaling_rejected_total{') && l.includes(`reason="${reason}"`));
  return line ? Number(line.split(' ').pop()) : 0;
}

async function storm(system: string, procs: PeerProcess[], serverPids: number[], o: CursorOptions): Promise<Omit<CursorRow, 'ready' | 'awarenessBeforeStorm' | 'serverRateDropped'>> {
  const base = now();
  const startAt = base + 500;
  const windowFrom = startAt + WARMUP_MS;
  const stopAt = startAt + o.seconds * 1000;
  const clientPids = procs.map((p) => p.child.pid!);
  const server0 = serverPids.map(cpuSeconds);
  const client0 = clientPids.map(cpuSeconds);
  const parts = await Promise.all(procs.map((p) => p.call<StormCounts>('cursors', { hz: o.hz, base, startAt, windowFrom, stopAt, drainMs: DRAIN_MS }, o.seconds * 1000 + 60_000)));
  const elapsed = (now() - base) / 1000;
  const serverCpu = serverPids.reduce((sum, pid, k) => sum + cpuSeconds(pid) - server0[k]!, 0);
  const clientCpu = clientPids.reduce((sum, pid, k) => sum + cpuSeconds(pid) - client0[k]!, 0);
  const sum = (key: 'clients' | 'sent' | 'emitted' | 'received') => parts.reduce((s, p) => s + p[key], 0);
  const clients = sum('clients');
  const seconds = (stopAt - windowFrom) / 1000;
  return {
    system,
    boards: o.boards,
    people: o.people,
    hz: o.hz,
    seconds,
    sentPerSecond: round(sum('sent') / clients / seconds, 1),
    emittedPerSecond: round(sum('emitted') / clients / seconds, 1),
    receivedPerSecond: round(sum('received') / clients / seconds, 1),
    deliveredOfEmitted: round(sum('received') / Math.max(1, sum('emitted') * (o.people - 1)), 4),
    deliveredOfSent: round(sum('received') / Math.max(1, sum('sent') * (o.people - 1)), 4),
    delay: stats(parts.flatMap((p) => p.delays)),
    heldInClient: stats(parts.flatMap((p) => p.held)),
    serverCpuSeconds: round(serverCpu),
    clientCpuSeconds: round(clientCpu),
    spanSeconds: round(elapsed, 1),
  };
}
