/**
 * Signaling fan-out (issue 15): 50 rooms x 10 subscribers on y-webrtc's signaling protocol; publishes per
 * second (spread over all subscribers, each to its own room) stepped up until p99 delivery passes 50 ms or
 * deliveries go missing. Meshboard's stock `/y-webrtc` endpoint (token-authenticated, rate-limited as
 * deployed) vs y-webrtc's bin/server.js. Subscribers live in two load processes (half of each room each).
 */
import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { Meshboard, Proc } from '../lib/servers.js';
import { cpuSeconds, log, stats, type Stats } from '../lib/util.js';

const CLIENT = fileURLToPath(new URL('../fanout-client.ts', import.meta.url));
const ROOMS = 50;
const PER_ROOM = 10;
const LOAD_PROCESSES = 2;

export interface FanoutStep {
  system: string;
  rate: number;
  published: number;
  deliveries: number;
  expected: number;
  latency: Stats;
  serverCpuPerSecond: number;
}
export interface FanoutRow {
  system: string;
  /** highest stepped rate with p99 <= 50 ms and >= 99.9 % delivered */
  sustainedPublishesPerSecond: number;
  steps: FanoutStep[];
}

function loadProcess() {
  const child = fork(CLIENT, [], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
  let id = 0;
  const waiting = new Map<number, (v: { result?: unknown; error?: string }) => void>();
  const ready = new Promise<void>((resolve) =>
    child.on('message', (m: { ready?: boolean; id?: number; result?: unknown; error?: string }) => {
      if (m.ready) return resolve();
      waiting.get(m.id!)?.(m);
      waiting.delete(m.id!);
    }),
  );
  const call = <T>(cmd: string, args: Record<string, unknown> = {}) =>
    new Promise<T>((resolve, reject) => {
      const n = ++id;
      waiting.set(n, (m) => (m.error ? reject(new Error(m.error)) : resolve(m.result as T)));
      child.send({ id: n, cmd, ...args });
    });
  return { child, ready, call };
}

export async function fanoutScenario(o: { rates: number[]; stepSeconds: number }, mb: Meshboard, startYWebrtc: () => Promise<Proc>): Promise<FanoutRow[]> {
  const boards = await Promise.all(Array.from({ length: ROOMS }, (_, i) => mb.store.createBoard(`fanout ${i}`)));
  const mbWs = mb.signaling.url.replace('http', 'ws');
  const yw = await startYWebrtc();
  const systems = [
    { system: 'Meshboard /y-webrtc', pid: mb.signaling.child.pid!, urls: boards.map((b) => `${mbWs}/y-webrtc?token=${b.editToken}`), topics: boards.map((b) => b.id) },
    { system: 'y-webrtc server', pid: yw.pid, urls: boards.map(() => yw.url), topics: boards.map((b) => b.id) },
  ];
  const rows: FanoutRow[] = [];
  try {
    for (const sys of systems) {
      log(`fan-out: ${sys.system}, ${ROOMS} rooms x ${PER_ROOM} subscribers`);
      const loads = Array.from({ length: LOAD_PROCESSES }, loadProcess);
      await Promise.all(loads.map((l) => l.ready));
      const row: FanoutRow = { system: sys.system, sustainedPublishesPerSecond: 0, steps: [] };
      try {
        await Promise.all(loads.map((l) => l.call('connect', { urls: sys.urls, topics: sys.topics, perRoom: PER_ROOM / LOAD_PROCESSES })));
        for (const rate of o.rates) {
          const cpu0 = cpuSeconds(sys.pid);
          const parts = await Promise.all(loads.map((l) => l.call<{ sent: number; delays: number[] }>('step', { rate: rate / LOAD_PROCESSES, seconds: o.stepSeconds })));
          const cpu = (cpuSeconds(sys.pid) - cpu0) / (o.stepSeconds + 1.5);
          const published = parts.reduce((s, p) => s + p.sent, 0);
          const delays = parts.flatMap((p) => p.delays);
          const step: FanoutStep = {
            system: sys.system,
            rate,
            published,
            deliveries: delays.length,
            expected: published * PER_ROOM,
            latency: stats(delays),
            serverCpuPerSecond: Number(cpu.toFixed(2)),
          };
          row.steps.push(step);
          const ok = step.latency.p99 <= 50 && step.deliveries >= step.expected * 0.999;
          log(`   ${rate}/s: p50 ${step.latency.p50} ms p99 ${step.latency.p99} ms, ${step.deliveries}/${step.expected} delivered, server ${step.serverCpuPerSecond} CPU-s/s${ok ? '' : '  (over)'}`);
          if (!ok) break;
          row.sustainedPublishesPerSecond = rate;
        }
      } finally {
        await Promise.all(loads.map((l) => l.call('close').catch(() => undefined)));
        for (const l of loads) l.child.kill();
      }
      rows.push(row);
    }
  } finally {
    await yw.stop();
  }
  return rows;
}
