import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const PEER_SCRIPT = fileURLToPath(new URL('../peer.ts', import.meta.url));

/** one benchmark process driven over IPC: peer.ts by default, or another script speaking the same protocol */
export class PeerProcess {
  private nextId = 0;
  private readonly waiting = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  readonly ready: Promise<void>;
  readonly child: ChildProcess;
  constructor(
    readonly name: string,
    script = PEER_SCRIPT,
  ) {
    // BENCH_CPU_PROF=<dir>: every peer process writes a V8 CPU profile there when it exits (to find where client CPU goes)
    const profile = process.env.BENCH_CPU_PROF ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_CPU_PROF}`, `--cpu-prof-name=${name}.cpuprofile`] : [];
    this.child = fork(script, [], { execArgv: ['--conditions=development', '--import', 'tsx', ...profile], stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
    this.ready = new Promise((resolve, reject) => {
      this.child.once('exit', (code) => reject(new Error(`peer ${name} exited ${code}`)));
      this.child.on('message', (raw: { ready?: boolean; id?: number; result?: unknown; error?: string }) => {
        if (raw.ready) return resolve();
        const w = this.waiting.get(raw.id!);
        if (!w) return;
        this.waiting.delete(raw.id!);
        if (raw.error) w.reject(new Error(`${name}: ${raw.error}`));
        else w.resolve(raw.result);
      });
    });
    this.child.on('exit', () => {
      for (const w of this.waiting.values()) w.reject(new Error(`peer ${name} exited`));
      this.waiting.clear();
    });
  }
  call<T = unknown>(cmd: string, args: Record<string, unknown> = {}, timeoutMs = 120_000): Promise<T> {
    const id = ++this.nextId;
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiting.delete(id);
        reject(new Error(`${this.name}: ${cmd} timed out`));
      }, timeoutMs);
      this.waiting.set(id, {
        resolve: (v) => (clearTimeout(timer), resolve(v as T)),
        reject: (e) => (clearTimeout(timer), reject(e)),
      });
      this.child.send({ id, cmd, ...args });
    });
  }
  async stop(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    const exited = new Promise((r) => this.child.once('exit', r));
    await this.call('close', {}, 8000).catch(() => undefined);
    if (this.child.connected) this.child.disconnect();
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 3000);
    await exited;
    clearTimeout(timer);
  }
}

export async function startPeers(n: number, prefix: string): Promise<PeerProcess[]> {
  const list: PeerProcess[] = [];
  // a few at a time: tsx start-up is CPU-bound and the machine has 2 cores
  for (let i = 0; i < n; i += 4) {
    const batch = Array.from({ length: Math.min(4, n - i) }, (_, k) => new PeerProcess(`${prefix}${i + k}`));
    await Promise.all(batch.map((p) => p.ready));
    list.push(...batch);
  }
  return list;
}
