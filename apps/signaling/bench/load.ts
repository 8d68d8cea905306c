/**
 * Load held (issue 10): a script, not a test. Bounded (LOAD_MINUTES) and loopback only.
 *
 *   - two signaling processes (dist/main.js) sharing rooms over Redis, one persistence process (dist/main.js)
 *     on a fresh PostgreSQL database,
 *   - LOAD_CLIENTS simulated clients (bench/load-worker.ts, LOAD_WORKERS processes) on LOAD_BOARDS boards, each
 *     board's clients split over both signaling processes (so every relay crosses Redis for half the room),
 *   - LOAD_HOT_FRACTION of the boards are "hot": every client there sends presence/cursor frames at
 *     LOAD_CURSOR_HZ; every client edits at human rates (exponential gaps, mean LOAD_EDIT_MEAN_S seconds): a
 *     real Yjs update relayed to the room and uploaded to the store; LOAD_CHURN_PER_S clients leave per second
 *     and a fresh one joins the same board a second later.
 *
 * Reports: unexpected disconnects (target 0), Socket.IO failures by code, relay latency p50/p99 (sender to each
 * receiver, CLOCK_MONOTONIC), store uploads and failures, RSS and CPU of each server process every
 * LOAD_SAMPLE_S seconds; writes the numbers as JSON and RSS over time as an SVG (plain SVG text) to LOAD_OUT
 * (default bench/results).
 *
 * Run (after `npx turbo run build --filter=@meshboard/signaling...`), from apps/signaling:
 *   npm run load                                  # 2,000 clients, 200 boards, 10 minutes
 *   LOAD_MINUTES=1 LOAD_CLIENTS=200 LOAD_BOARDS=20 npm run load      # a quick look
 * Needs PostgreSQL (LOAD_PG_URL, default postgresql://postgres@127.0.0.1:5432/postgres; a database is created
 * and dropped) and Redis (REDIS_URL, default redis://127.0.0.1:6379).
 */
import { fork, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { startService, type ServiceProcess } from '../test/peers.js';

const num = (name: string, fallback: number) => Number(process.env[name] ?? fallback);
const CLIENTS = num('LOAD_CLIENTS', 2000);
const BOARDS = num('LOAD_BOARDS', 200);
const MINUTES = num('LOAD_MINUTES', 10);
const HOT_FRACTION = num('LOAD_HOT_FRACTION', 0.1);
const CURSOR_HZ = num('LOAD_CURSOR_HZ', 30);
const EDIT_MEAN_S = num('LOAD_EDIT_MEAN_S', 10);
const CHURN_PER_S = num('LOAD_CHURN_PER_S', 2);
const WORKERS = num('LOAD_WORKERS', 4);
const SAMPLE_S = num('LOAD_SAMPLE_S', 5);
const STORE_LOG = process.env.LOAD_STORE_LOG ?? path.join(os.tmpdir(), `meshboard-load-persistence-${process.pid}.log`);
const PG_URL = process.env.LOAD_PG_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres';
const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const here = path.dirname(fileURLToPath(import.meta.url));
const OUT = path.resolve(process.env.LOAD_OUT ?? path.join(here, 'results'));
const PERSISTENCE_MAIN = fileURLToPath(new URL('../../persistence/dist/main.js', import.meta.url));
const WORKER = fileURLToPath(new URL('./load-worker.ts', import.meta.url));
const SECRET = randomBytes(32).toString('base64url');
const CLK_TCK = 100; // Linux USER_HZ
const PAGE = 4096;

const log = (msg: string) => console.error(`[load ${new Date().toISOString().slice(11, 19)}] ${msg}`);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** RSS (MB) and cumulative CPU seconds of a process, from /proc. */
function procSample(pid: number): { rssMb: number; cpuS: number } | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const cpuS = (Number(fields[11]) + Number(fields[12])) / CLK_TCK; // utime + stime
    const rssMb = (Number(fields[21]) * PAGE) / 1e6;
    return { rssMb, cpuS };
  } catch {
    return null;
  }
}

function percentile(sorted: Float64Array, q: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))]!;
}

/** p50 / p99 / max of every sample in the chunks (sorted numerically in a Float64Array) */
function summarize(chunks: number[][]): { n: number; p50: number; p99: number; max: number } {
  const all = Float64Array.from(chunks.flat());
  all.sort();
  return { n: all.length, p50: percentile(all, 0.5), p99: percentile(all, 0.99), max: all.length ? all[all.length - 1]! : NaN };
}

interface Series {
  name: string;
  points: Array<{ t: number; rssMb: number; cpuPct: number }>;
}

/** RSS over time as plain SVG text: one polyline per process, axes with ticks, a legend. */
function rssSvg(series: Series[], title: string): string {
  const W = 900;
  const H = 420;
  const m = { l: 60, r: 170, t: 40, b: 50 };
  const tMax = Math.max(1, ...series.flatMap((s) => s.points.map((p) => p.t)));
  const yMax = Math.ceil(Math.max(50, ...series.flatMap((s) => s.points.map((p) => p.rssMb))) / 50) * 50;
  const x = (t: number) => m.l + (t / tMax) * (W - m.l - m.r);
  const y = (v: number) => H - m.b - (v / yMax) * (H - m.t - m.b);
  const colours = ['#1c7ed6', '#e8590c', '#2f9e44', '#ae3ec9', '#868e96'];
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="sans-serif" font-size="12">`,
    `<rect width="${W}" height="${H}" fill="#fff"/>`,
    `<text x="${m.l}" y="22" font-size="14" font-weight="bold">${title}</text>`,
  ];
  for (let v = 0; v <= yMax; v += yMax / 5) {
    parts.push(`<line x1="${m.l}" x2="${W - m.r}" y1="${y(v)}" y2="${y(v)}" stroke="#e9ecef"/>`);
    parts.push(`<text x="${m.l - 8}" y="${y(v) + 4}" text-anchor="end">${v.toFixed(0)}</text>`);
  }
  const tStep = tMax > 300 ? 60 : tMax > 60 ? 30 : 10;
  for (let t = 0; t <= tMax; t += tStep) parts.push(`<text x="${x(t)}" y="${H - m.b + 18}" text-anchor="middle">${t}</text>`);
  parts.push(`<line x1="${m.l}" x2="${W - m.r}" y1="${H - m.b}" y2="${H - m.b}" stroke="#495057"/>`);
  parts.push(`<line x1="${m.l}" x2="${m.l}" y1="${m.t}" y2="${H - m.b}" stroke="#495057"/>`);
  parts.push(`<text x="${(m.l + W - m.r) / 2}" y="${H - 12}" text-anchor="middle">seconds since the clients started</text>`);
  parts.push(`<text transform="translate(16 ${(m.t + H - m.b) / 2}) rotate(-90)" text-anchor="middle">RSS (MB)</text>`);
  series.forEach((s, i) => {
    const colour = colours[i % colours.length];
    const pts = s.points.map((p) => `${x(p.t).toFixed(1)},${y(p.rssMb).toFixed(1)}`).join(' ');
    parts.push(`<polyline fill="none" stroke="${colour}" stroke-width="2" points="${pts}"/>`);
    parts.push(`<rect x="${W - m.r + 15}" y="${m.t + i * 22}" width="14" height="4" fill="${colour}"/>`);
    parts.push(`<text x="${W - m.r + 35}" y="${m.t + i * 22 + 6}">${s.name}</text>`);
  });
  parts.push('</svg>');
  return `${parts.join('\n')}\n`;
}

async function main(): Promise<void> {
  mkdirSync(OUT, { recursive: true });
  const cleanups: Array<() => Promise<unknown> | unknown> = [];
  const database = `meshboard_load_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: PG_URL });
  admin.on('error', (error) => log(`admin connection to PostgreSQL: ${error.message}`)); // never fatal at the end of a run
  await admin.connect();
  await admin.query(`CREATE DATABASE ${database}`);
  cleanups.push(async () => {
    await admin.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`).catch(() => undefined);
    await admin.end();
  });
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'meshboard-load-'));
  cleanups.push(() => rmSync(dataDir, { recursive: true, force: true }));
  // interrupted (Ctrl+C, kill): stop the services and workers too; they would go on loading the machine
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      log(`${signal}: stopping the services and workers`);
      void (async () => {
        for (const c of [...cleanups].reverse()) await Promise.resolve(c()).catch(() => undefined);
        process.exit(130);
      })();
    });
  }
  try {
    // ------------------------------------------------------------------ servers
    const storePort = await freePort();
    const storeUrl = `http://127.0.0.1:${storePort}`;
    const persistence: ChildProcess = spawn(process.execPath, [PERSISTENCE_MAIN], {
      env: {
        ...process.env,
        PERSISTENCE_PORT: String(storePort),
        PERSISTENCE_HOST: '127.0.0.1',
        DATABASE_URL: Object.assign(new URL(PG_URL), { pathname: `/${database}` }).toString(),
        MESHBOARD_DATA_DIR: dataDir,
        MESHBOARD_TOKEN_SECRET: SECRET,
        // 2,000 simulated people share one address here; per-IP budgets would model them as one abuser
        MESHBOARD_RATE_LIMIT_EXEMPT: '127.0.0.1/32,::1/128',
        LOG_LEVEL: 'warn',
      },
      // its warnings and errors (JSON lines) go to a file kept after the run: a failure count needs its causes
      stdio: ['ignore', openSync(STORE_LOG, 'w'), 'inherit'],
    });
    log(`persistence log (warnings and errors): ${STORE_LOG}`);
    cleanups.push(() => persistence.kill('SIGTERM'));
    for (let i = 0; ; i++) {
      if (persistence.exitCode !== null) throw new Error(`persistence exited ${persistence.exitCode}`);
      if (await fetch(`${storeUrl}/healthz`).then((r) => r.ok, () => false)) break;
      if (i > 240) throw new Error('persistence not healthy after 120 s');
      await sleep(500);
    }
    const sigEnv = {
      MESHBOARD_TOKEN_SECRET: SECRET,
      PERSISTENCE_URL: storeUrl,
      REDIS_URL,
      // a key of its own (a leftover process of an earlier run is not part of this cluster), and per-IP budgets
      // sized for 2,000 simulated people on one loopback address
      SIGNALING_REDIS_KEY: `meshboard-load-${randomBytes(4).toString('hex')}`,
      SIGNALING_MAX_CONNECTIONS_PER_IP: String(CLIENTS * 2),
      SIGNALING_CONNECTIONS_PER_IP_PER_MINUTE: String(CLIENTS * 20),
    };
    const signaling: ServiceProcess[] = await Promise.all([startService(sigEnv), startService(sigEnv)]);
    cleanups.push(() => Promise.all(signaling.map((s) => s.stop('SIGTERM'))));
    log(`persistence ${storeUrl} (PostgreSQL ${database}), signaling ${signaling.map((s) => s.url).join(' ')}`);

    // ------------------------------------------------------------------ boards and clients
    const boards: Array<{ id: string; editToken: string }> = [];
    for (let i = 0; i < BOARDS; i++) {
      const response = await fetch(`${storeUrl}/v1/boards`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ title: `load ${i}` }) });
      if (response.status !== 201) throw new Error(`create board: ${response.status} ${await response.text()}`);
      boards.push((await response.json()) as { id: string; editToken: string });
    }
    const hotBoards = Math.round(BOARDS * HOT_FRACTION);
    const specs = Array.from({ length: CLIENTS }, (_, i) => {
      const b = i % BOARDS;
      return { board: boards[b]!, url: signaling[Math.floor(i / BOARDS) % 2]!.url, hot: b < hotBoards };
    });
    log(`${BOARDS} boards (${hotBoards} hot: cursors at ${CURSOR_HZ} Hz), ${CLIENTS} clients in ${WORKERS} workers, ${MINUTES} min`);

    const workers: ChildProcess[] = [];
    const latencyChunks: number[][] = [];
    const finals: Array<Record<string, unknown>> = [];
    const cursorChunks: number[][] = [];
    const connectedBy = new Map<number, number>();
    let lastCounters = new Map<number, Record<string, number>>();
    for (let w = 0; w < WORKERS; w++) {
      const child = fork(WORKER, [], { execArgv: ['--conditions=development', '--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
      workers.push(child);
      cleanups.push(() => child.kill('SIGKILL'));
      await new Promise<void>((resolve) => child.once('message', () => resolve()));
      child.on('message', (msg: { type: string; latencies: number[]; cursorLatencies?: number[]; counters: Record<string, number>; connected: number }) => {
        latencyChunks.push(msg.latencies);
        if (msg.cursorLatencies) cursorChunks.push(msg.cursorLatencies);
        connectedBy.set(w, msg.connected);
        lastCounters.set(w, msg.counters);
        if (msg.type === 'final') finals.push(msg.counters);
      });
    }
    const startedAt = Date.now();
    workers.forEach((child, w) =>
      child.send({ cmd: 'start', clients: specs.filter((_, i) => i % WORKERS === w), storeUrl, cursorHz: CURSOR_HZ, editMeanSeconds: EDIT_MEAN_S }),
    );

    // ------------------------------------------------------------------ run, sampling
    const processes = [
      { name: 'signaling A', pid: signaling[0]!.child.pid! },
      { name: 'signaling B', pid: signaling[1]!.child.pid! },
      { name: 'persistence', pid: persistence.pid! },
    ];
    const series: Series[] = processes.map((p) => ({ name: p.name, points: [] }));
    const lastCpu = processes.map((p) => procSample(p.pid)?.cpuS ?? 0);
    let lastAt = Date.now();
    const endAt = startedAt + MINUTES * 60_000;
    let churnDebt = 0;
    let nextSample = Date.now() + SAMPLE_S * 1000;
    while (Date.now() < endAt) {
      await sleep(1000);
      churnDebt += CHURN_PER_S;
      // churn only once everyone had time to connect (the first 30 s are the ramp-up)
      if (Date.now() - startedAt > 30_000) {
        while (churnDebt >= 1) {
          workers[Math.floor(Math.random() * WORKERS)]!.send({ cmd: 'churn', n: 1 });
          churnDebt--;
        }
      } else churnDebt = 0;
      if (Date.now() >= nextSample) {
        nextSample += SAMPLE_S * 1000;
        const t = (Date.now() - startedAt) / 1000;
        const dt = (Date.now() - lastAt) / 1000;
        lastAt = Date.now();
        const line: string[] = [];
        processes.forEach((p, i) => {
          const s = procSample(p.pid);
          if (!s) return;
          const cpuPct = ((s.cpuS - lastCpu[i]!) / dt) * 100;
          lastCpu[i] = s.cpuS;
          series[i]!.points.push({ t: Math.round(t), rssMb: Number(s.rssMb.toFixed(1)), cpuPct: Number(cpuPct.toFixed(1)) });
          line.push(`${p.name} ${s.rssMb.toFixed(0)} MB ${cpuPct.toFixed(0)}%`);
        });
        const connected = [...connectedBy.values()].reduce((a, b) => a + b, 0);
        const unexpected = [...lastCounters.values()].reduce((a, c) => a + (c.unexpectedDisconnects ?? 0), 0);
        log(`t=${t.toFixed(0)} s  connected ${connected}/${CLIENTS}  unexpected disconnects ${unexpected}  ${line.join('  ')}`);
      }
    }

    // ------------------------------------------------------------------ stop and report
    const finalsDone = new Promise<void>((resolve) => {
      const check = setInterval(() => {
        if (finals.length === WORKERS) {
          clearInterval(check);
          resolve();
        }
      }, 100);
    });
    for (const child of workers) child.send({ cmd: 'stop' });
    await Promise.race([finalsDone, sleep(20_000)]);
    lastCounters = new Map();
    const total: Record<string, number> = {};
    const failures: Record<string, number> = {};
    const reasons: Record<string, number> = {};
    const uploadFailureCodes: Record<string, number> = {};
    for (const f of finals) {
      for (const [k, v] of Object.entries(f)) {
        if (typeof v === 'number') total[k] = (total[k] ?? 0) + v;
      }
      for (const [k, v] of Object.entries((f.failures as Record<string, number>) ?? {})) failures[k] = (failures[k] ?? 0) + v;
      for (const [k, v] of Object.entries((f.disconnectReasons as Record<string, number>) ?? {})) reasons[k] = (reasons[k] ?? 0) + v;
      for (const [k, v] of Object.entries((f.uploadFailureCodes as Record<string, number>) ?? {})) uploadFailureCodes[k] = (uploadFailureCodes[k] ?? 0) + v;
    }
    const all = new Float64Array(latencyChunks.reduce((a, c) => a + c.length, 0));
    let o = 0;
    for (const c of latencyChunks) for (const v of c) all[o++] = v;
    all.sort();
    const summary = {
      when: new Date().toISOString(),
      machine: `${os.cpus().length} cores (${os.cpus()[0]?.model ?? '?'}), shared; load average at end ${os.loadavg().map((l) => l.toFixed(1)).join(' ')}`,
      setup: { clients: CLIENTS, boards: BOARDS, hotBoards: Math.round(BOARDS * HOT_FRACTION), cursorHz: CURSOR_HZ, editMeanSeconds: EDIT_MEAN_S, churnPerSecond: CHURN_PER_S, minutes: MINUTES, workers: WORKERS },
      unexpectedDisconnects: total.unexpectedDisconnects ?? 0,
      disconnectReasons: reasons,
      failures,
      joins: total.joined ?? 0,
      joinFailures: total.joinFailures ?? 0,
      leaves: total.expectedLeaves ?? 0,
      edits: total.editsSent ?? 0,
      relayDeliveries: total.relayReceived ?? 0,
      cursorsSent: total.cursorsSent ?? 0,
      cursorsReceived: total.cursorsReceived ?? 0,
      uploads: total.uploads ?? 0,
      uploadFailures: total.uploadFailures ?? 0,
      uploadFailureCodes,
      cursorLatencyMs: summarize(cursorChunks),
      relayLatencyMs: { n: all.length, p50: percentile(all, 0.5), p99: percentile(all, 0.99), max: all.length ? all[all.length - 1] : NaN },
      processes: series.map((s) => ({
        name: s.name,
        rssMbStart: s.points[0]?.rssMb,
        rssMbMax: Math.max(...s.points.map((p) => p.rssMb)),
        rssMbEnd: s.points.at(-1)?.rssMb,
        cpuPctMean: Number((s.points.reduce((a, p) => a + p.cpuPct, 0) / Math.max(1, s.points.length)).toFixed(1)),
        cpuPctMax: Math.max(...s.points.map((p) => p.cpuPct)),
        samples: s.points,
      })),
    };
    const stamp = `${CLIENTS}c-${MINUTES}m`;
    writeFileSync(path.join(OUT, `load-${stamp}.json`), `${JSON.stringify(summary, null, 1)}\n`);
    writeFileSync(
      path.join(OUT, `load-${stamp}-rss.svg`),
      rssSvg(series, `RSS over time: ${CLIENTS} clients, ${BOARDS} boards, 2 signaling + 1 persistence (PostgreSQL), ${MINUTES} min`),
    );
    const { processes: procs, ...head } = summary;
    console.log(JSON.stringify(head, null, 1));
    for (const p of procs) console.log(`${p.name}: RSS ${p.rssMbStart} -> max ${p.rssMbMax} -> end ${p.rssMbEnd} MB, CPU mean ${p.cpuPctMean}% max ${p.cpuPctMax}%`);
    log(`wrote ${path.join(OUT, `load-${stamp}.json`)} and -rss.svg`);
  } finally {
    for (const c of cleanups.reverse()) await Promise.resolve(c()).catch(() => undefined);
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
