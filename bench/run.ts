/**
 * `npm run bench` (root): Meshboard beside the systems users would pick instead, every party a real process
 * on 127.0.0.1, each row measured in the same run. Writes bench/results/<date>.json, .md and .svg.
 *   npm run bench -- --quick      N = 2 and 5, fan-out in three steps, a small cursor storm, joins, persistence
 *                                 with 5,000 edits (no idle row: its settle-and-GC cycles took 80 of 224 s; add
 *                                 --only=...,idle for idle at 1,000; no real-app row)
 *   npm run bench                 the full run (N up to 100, cursor storm 20 boards x 10 people, idle at 1,000 and
 *                                 5,000, persistence with 100,000 edits, the real app on 50,000 shapes)
 *   --only=latency,cursors,join,fanout,idle,persistence,realapp    a subset
 *   --only=latency --sizes=12 --caps=2,4,6,11    the cap sweep behind maxDirectPeers (Meshboard rows only)
 *   --only=latency --sizes=100 --processes=20    one size as the full run measures it (--sizes alone gives
 *                                                every client its own process)
 *   --only=latency --sizes=100 --processes=20 --systems=meshboard    Meshboard's rows only (diagnosis)
 *   BENCH_CPU_PROF=<dir>    every peer process writes a V8 CPU profile there when it exits
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import { hocuspocusServer, packageVersion, startMeshboard, yWebrtcServer, yWebsocketServer } from './lib/servers.js';
import { log, waitForQuiet } from './lib/util.js';
import { latencyScenario } from './scenarios/latency.js';
import { cursorScenario } from './scenarios/cursors.js';
import { joinScenario } from './scenarios/join.js';
import { fanoutScenario } from './scenarios/fanout.js';
import { idleScenario } from './scenarios/idle.js';
import { persistenceScenario } from './scenarios/persistence.js';
import { realAppScenario } from './scenarios/realapp.js';
import { writeReport, type Results } from './report.js';

const args = process.argv.slice(2);
const quick = args.includes('--quick') || process.env.BENCH_QUICK === '1';
const onlyArg = args.find((a) => a.startsWith('--only='));
const capsArg = args.find((a) => a.startsWith('--caps='));
const sizesArg = args.find((a) => a.startsWith('--sizes='));
const processesArg = args.find((a) => a.startsWith('--processes='));
const systemsArg = args.find((a) => a.startsWith('--systems='));
const only = new Set((onlyArg?.slice(7) ?? (quick ? 'latency,cursors,join,fanout,persistence' : 'latency,cursors,join,fanout,idle,persistence,realapp')).split(','));

async function main() {
  const started = new Date();
  const results: Results = {
    date: started.toISOString(),
    mode: quick ? 'quick' : 'full',
    machine: { cpus: os.cpus().length, cpuModel: os.cpus()[0]?.model ?? '?', memoryGiB: Math.round(os.totalmem() / 2 ** 30), node: process.version, loadavgAtStart: os.loadavg().map((l) => Number(l.toFixed(2))) },
    versions: Object.fromEntries(
      ['yjs', 'y-webrtc', 'y-websocket', '@y/websocket-server', '@hocuspocus/server', '@hocuspocus/provider', '@hocuspocus/extension-database', 'pg', 'socket.io', '@roamhq/wrtc'].map((p) => [p, packageVersion(p)]),
    ),
    latency: [],
    cursors: [],
    join: [],
    fanout: [],
    idle: [],
  };
  log(`${results.mode} run, ${results.machine.cpus} cores, load ${results.machine.loadavgAtStart.join(' ')}`);
  // A scenario that fails is recorded and the run goes on: one failure at the end of a 25-minute run used to
  // throw every earlier row away (no results file was written).
  const failures: Array<{ scenario: string; error: string }> = [];
  const attempt = async (scenario: string, run: () => Promise<void>) => {
    // the machine's load as each scenario starts: the 02:11 full run's real-app row (5.3-9.4 s) was 3x what
    // the same scenario measured alone (1.7-2.7 s), and a busy machine must show in the results, not be guessed
    const t0 = Date.now();
    const busy = await waitForQuiet();
    const load = os.loadavg().map((l) => Number(l.toFixed(2)));
    (results.machine.loadavgBefore ??= {})[scenario] = load;
    log(`${scenario}: starting, load ${load.join(' ')}, machine ${(busy * 100).toFixed(0)} % busy after ${((Date.now() - t0) / 1000).toFixed(0)} s waiting for quiet`);
    try {
      await run();
    } catch (error) {
      log(`${scenario} failed: ${(error as Error)?.stack ?? String(error)}`);
      failures.push({ scenario, error: String((error as Error)?.message ?? error) });
    }
  };
  if (['latency', 'cursors', 'join', 'fanout'].some((s) => only.has(s))) await attempt('latency/cursors/join/fanout', () => realtimeScenarios(results));
  if (only.has('idle')) await attempt('idle', async () => void (results.idle = await idleScenario(quick ? [1000] : [1000, 5000])));
  if (only.has('persistence')) {
    await attempt('persistence', async () => void (results.persistence = await persistenceScenario(quick ? { count: 5_000, rate: 2_000, timeoutMs: 60_000 } : { count: 100_000, rate: 2_000, timeoutMs: 300_000 })));
  }
  if (only.has('realapp')) await attempt('realapp', async () => void (results.realApp = await realAppScenario({ shapes: 50_000, opens: quick ? 2 : 5 })));
  if (failures.length > 0) results.failures = failures;
  results.machine.loadavgAtEnd = os.loadavg().map((l) => Number(l.toFixed(2)));
  results.seconds = Math.round((Date.now() - started.getTime()) / 1000);
  const dir = fileURLToPath(new URL('./results/', import.meta.url));
  mkdirSync(dir, { recursive: true });
  const base = `${dir}${started.toISOString().replace(/[:]/g, '-').replace(/\..*$/, '')}${quick ? '-quick' : ''}`;
  writeFileSync(`${base}.json`, JSON.stringify(results, null, 2));
  writeReport(results, base);
  log(`wrote ${base}.json, .md, .svg (${results.seconds} s)`);
  if (failures.length > 0) {
    log(`${failures.length} scenario(s) failed: ${failures.map((f) => f.scenario).join(', ')}`);
    process.exitCode = 1;
  }
}

/** edit latency and signaling fan-out: Meshboard, y-websocket's server and Hocuspocus started once for both */
async function realtimeScenarios(results: Results) {
  const mb = await startMeshboard();
  const yws = await yWebsocketServer();
  const hp = await hocuspocusServer();
  try {
    if (only.has('latency')) {
      const base = quick
          ? { sizes: [2, 5], updates: 60, intervalMs: 25, maxProcesses: 5, relayRowUpTo: 5 }
          : { sizes: [2, 5, 20, 50, 100], updates: 200, intervalMs: 25, maxProcesses: 20, relayRowUpTo: 20 };
      results.latency = await latencyScenario(
        {
          ...base,
          ...(sizesArg ? { sizes: sizesArg.slice(8).split(',').map(Number), maxProcesses: Math.max(base.maxProcesses, ...sizesArg.slice(8).split(',').map(Number)) } : {}),
          ...(capsArg ? { caps: capsArg.slice(7).split(',').map(Number) } : {}),
          ...(processesArg ? { maxProcesses: Number(processesArg.slice(12)) } : {}),
          ...(systemsArg ? { systems: systemsArg.slice(10).toLowerCase().split(',') } : {}),
        },
        mb,
        yws,
        hp,
      );
    }
    if (only.has('cursors')) {
      await waitForQuiet();
      results.cursors = await cursorScenario(
        quick ? { boards: 4, people: 10, hz: 30, seconds: 5, processes: 4 } : { boards: 20, people: 10, hz: 30, seconds: 20, processes: 10 },
        mb,
        yws,
        hp,
      );
    }
    if (only.has('join')) {
      await waitForQuiet();
      results.join = await joinScenario({ shapes: 10_000, repetitions: quick ? 3 : 10, holders: 5 }, mb, yws);
    }
  } finally {
    await hp.stop();
    await yws.stop();
  }
  try {
    if (only.has('fanout')) await waitForQuiet();
    if (only.has('fanout')) results.fanout = await fanoutScenario(quick ? { rates: [250, 1000, 4000], stepSeconds: 3 } : { rates: [250, 500, 1000, 2000, 4000, 8000, 16000, 32000], stepSeconds: 5 }, mb, yWebrtcServer);
  } finally {
    await mb.stop();
  }
}

main().then(
  () => process.exit(process.exitCode ?? 0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
