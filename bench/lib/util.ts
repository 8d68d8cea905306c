import { readFileSync } from 'node:fs';
import { createServer, connect as tcpConnect } from 'node:net';

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const startedAt = Date.now();
/** progress on stderr, with the seconds since the run started (what each phase costs, e.g. for --quick's 3 minutes) */
export const log = (...args: unknown[]) => console.error(`[bench +${((Date.now() - startedAt) / 1000).toFixed(0)}s]`, ...args);
export const now = () => Number(process.hrtime.bigint()) / 1e6;

export interface Stats {
  n: number;
  p50: number;
  p99: number;
  max: number;
}
export function stats(values: number[]): Stats {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))] ?? NaN;
  return { n: sorted.length, p50: round(at(0.5)), p99: round(at(0.99)), max: round(sorted[sorted.length - 1] ?? NaN) };
}
/** a / b as "1.23x" for the reports */
export const ratio = (a: number, b: number) => (Number.isFinite(a) && Number.isFinite(b) && b > 0 ? `${(a / b).toFixed(2)}x` : 'n/a');
export const round = (x: number, digits = 2) => (Number.isFinite(x) ? Number(x.toFixed(digits)) : x);

export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as { port: number };
  await new Promise((r) => server.close(r));
  return port;
}
export async function waitForPort(port: number, timeoutMs = 20_000) {
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
export function cpuSeconds(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}
export function rssKiB(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) : NaN;
}

/** the whole machine's busy share (0..1) over `ms`, from /proc/stat (all CPUs; idle + iowait count as idle) */
export async function machineBusy(ms = 1000): Promise<number> {
  const read = () => {
    const cpu = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).slice(1).map(Number);
    const idle = cpu[3]! + (cpu[4] ?? 0);
    return { idle, total: cpu.reduce((a, b) => a + b, 0) };
  };
  const a = read();
  await sleep(ms);
  const b = read();
  return b.total > a.total ? 1 - (b.idle - a.idle) / (b.total - a.total) : 0;
}

/**
 * Waits until the machine is quiet (under `threshold` busy for one second), at most `timeoutMs`, and returns the
 * busy share it settled at. What a scenario leaves behind (PostgreSQL's checkpoint and autovacuum after 100,000
 * inserts, a store compacting) otherwise lands in the next scenario's numbers: the 04:48 run's real-app opens
 * took 1.6-2.1 s right after the persistence scenario, 1.4-1.6 s on their own.
 */
export async function waitForQuiet(threshold = 0.15, timeoutMs = 120_000): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  let busy = await machineBusy();
  while (busy > threshold && Date.now() < deadline) busy = await machineBusy();
  return busy;
}
