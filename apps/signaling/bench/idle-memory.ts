/**
 * Idle cost of a server process per connection (issue 3 and issue 15): RSS of a fresh server process, after a
 * forced full GC, before and after `n` idle connections opened 50 at a time. The server runs with
 * `--inspect=127.0.0.1:<port>` (inspectEnv) so the GC can be forced from here. Used by realtime.ts (Meshboard,
 * y-webrtc's server, bare Socket.IO) and by the repository benchmark (bench/, y-websocket's server).
 */
import { readFileSync } from 'node:fs';
import WebSocket from 'ws';

export interface IdleResult {
  baselineKiB: number;
  halfKiB: number;
  loadedKiB: number;
  /** (RSS at N - RSS at 1) / N: includes one-off growth (V8 young generation, JIT, pools) */
  perConnectionKiB: number;
  /** (RSS at N - RSS at N/2) / (N/2): what one more idle connection costs */
  marginalKiB: number;
  /** as perConnectionKiB, but the loaded RSS read before forcing a GC (garbage of the burst included) */
  withoutGcKiB: number;
  /** live JS heap (heapUsed after a full GC) per connection, from 1 to N: the least noisy of these */
  heapKiB: number;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export const inspectEnv = (port: number) => ({ NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ''} --inspect=127.0.0.1:${port}`.trim() });

function rssKiB(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  if (!m) throw new Error('no VmRSS');
  return Number(m[1]);
}

/**
 * Full garbage collection in another Node process through its inspector, so RSS readings compare live memory
 * rather than the GC's timing. Returns the live JS heap after it (KiB).
 */
async function collectGarbage(inspectPort: number): Promise<number> {
  const [target] = (await fetch(`http://127.0.0.1:${inspectPort}/json/list`).then((r) => r.json())) as Array<{ webSocketDebuggerUrl: string }>;
  const ws = new WebSocket(target!.webSocketDebuggerUrl);
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
  });
  const call = (id: number, method: string, params: Record<string, unknown> = {}) =>
    new Promise<{ result?: { result?: { value?: unknown } } }>((resolve) => {
      ws.on('message', (raw) => {
        const reply = JSON.parse(String(raw)) as { id?: number; result?: { result?: { value?: unknown } } };
        if (reply.id === id) resolve(reply);
      });
      ws.send(JSON.stringify({ id, method, params }));
    });
  await call(1, 'HeapProfiler.collectGarbage');
  await call(2, 'HeapProfiler.collectGarbage');
  const heap = await call(3, 'Runtime.evaluate', { expression: 'process.memoryUsage().heapUsed', returnByValue: true });
  ws.close();
  return Number(heap.result?.result?.value ?? NaN) / 1024;
}

/** median of a few RSS readings over ~1.5 s */
async function medianRss(pid: number): Promise<number> {
  const readings: number[] = [];
  for (let i = 0; i < 6; i++) {
    await sleep(250);
    readings.push(rssKiB(pid));
  }
  readings.sort((a, b) => a - b);
  return readings[Math.ceil(readings.length / 2) - 1]!;
}

/** after a full GC: RSS (median of a few readings) and the live JS heap, KiB */
async function settled(pid: number, inspectPort: number): Promise<{ rss: number; heap: number }> {
  const heap = await collectGarbage(inspectPort);
  return { rss: await medianRss(pid), heap };
}

/**
 * RSS of a fresh server process (`pid`, inspector on `inspectPort`) before and after `n` idle connections
 * opened 50 at a time by `open(i)` (i = -1: a warm-up connection, opened first), which resolves to its closer.
 */
export async function measureIdle(pid: number, inspectPort: number, n: number, open: (i: number) => Promise<() => void>): Promise<IdleResult> {
  const closers: Array<() => void> = [];
  closers.push(await open(-1)); // warm-up: the first connection loads lazy code paths
  await sleep(1000);
  const baseline = await settled(pid, inspectPort);
  const half = Math.floor(n / 2);
  const openRange = async (from: number, to: number) => {
    for (let i = from; i < to; i += 50) {
      closers.push(...(await Promise.all(Array.from({ length: Math.min(50, to - i) }, (_, k) => open(i + k)))));
    }
  };
  await openRange(0, half);
  await sleep(3000); // idle: only heartbeats
  const halfway = await settled(pid, inspectPort);
  await openRange(half, n);
  await sleep(3000);
  const loadedNoGcKiB = await medianRss(pid);
  const loaded = await settled(pid, inspectPort);
  for (const close of closers) close();
  return {
    baselineKiB: baseline.rss,
    halfKiB: halfway.rss,
    loadedKiB: loaded.rss,
    perConnectionKiB: (loaded.rss - baseline.rss) / n,
    marginalKiB: (loaded.rss - halfway.rss) / (n - half),
    withoutGcKiB: (loadedNoGcKiB - baseline.rss) / n,
    heapKiB: (loaded.heap - baseline.heap) / n,
  };
}
