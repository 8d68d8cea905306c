import { fork, spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const PEER_SCRIPT = fileURLToPath(new URL('./peer.ts', import.meta.url));
// MESHBOARD_SIGNALING_MAIN: run the process tests against another build (e.g. the code before a fix)
const MAIN = process.env.MESHBOARD_SIGNALING_MAIN ?? fileURLToPath(new URL('../dist/main.js', import.meta.url));
const TSX_EXEC_ARGV = ['--conditions=development', '--import', 'tsx'];

export interface PeerState {
  map: Record<string, unknown>;
  status: {
    signaling: string;
    store: string;
    pendingUploadBytes: number;
    peers: Array<{ clientId: number; user: { name: string }; role: string; mode: string }>;
  } | null;
  webrtc: { peerId: string | null; conns: Array<{ peerId: string; connected: boolean }>; signaling: boolean };
  clientId: number;
  memory: number;
}

export class Peer {
  private nextId = 0;
  private readonly waiting = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  readonly ready: Promise<void>;
  constructor(readonly name: string, readonly child: ChildProcess) {
    this.ready = new Promise((resolve, reject) => {
      child.once('error', reject);
      child.once('exit', (code) => reject(new Error(`peer ${name} exited ${code}`)));
      child.on('message', (raw: { ready?: boolean; id?: number; result?: unknown; error?: string }) => {
        if (raw.ready) return resolve();
        const w = this.waiting.get(raw.id!);
        if (!w) return;
        this.waiting.delete(raw.id!);
        if (raw.error) w.reject(new Error(`${name}: ${raw.error}`));
        else w.resolve(raw.result);
      });
    });
    child.on('exit', () => {
      for (const w of this.waiting.values()) w.reject(new Error(`peer ${name} exited`));
      this.waiting.clear();
    });
  }
  call<T = unknown>(cmd: string, args: Record<string, unknown> = {}, timeoutMs = 30_000): Promise<T> {
    const id = ++this.nextId;
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiting.delete(id);
        reject(new Error(`${this.name}: ${cmd} timed out`));
      }, timeoutMs);
      this.waiting.set(id, {
        resolve: (v) => {
          clearTimeout(timer);
          resolve(v as T);
        },
        reject: (e) => {
          clearTimeout(timer);
          reject(e);
        },
      });
      this.child.send({ id, cmd, ...args });
    });
  }
  state(): Promise<PeerState> {
    return this.call<PeerState>('state');
  }
  async stop(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    const exited = new Promise((r) => this.child.once('exit', r));
    await this.call('destroy', {}, 8000).catch(() => undefined);
    if (this.child.connected) this.child.disconnect();
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 3000);
    await exited;
    clearTimeout(timer);
  }
}

export async function startPeer(name: string): Promise<Peer> {
  const child = fork(PEER_SCRIPT, [], { execArgv: TSX_EXEC_ARGV, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const peer = new Peer(name, child);
  await peer.ready;
  return peer;
}

/** A real signaling process (`node dist/main.js`), on an ephemeral port read from its log. */
export interface ServiceProcess {
  child: ChildProcess;
  url: string;
  port: number;
  /** everything the process wrote to stdout (its JSON log lines) */
  logs(): string;
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

export async function startService(env: Record<string, string>, port = 0): Promise<ServiceProcess> {
  const child = spawn(process.execPath, [MAIN], {
    env: { ...process.env, LOG_LEVEL: 'info', SIGNALING_PORT: String(port), SIGNALING_HOST: '127.0.0.1', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  let out = '';
  const bound = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`signaling did not start: ${stderr}${out}`)), 20_000);
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /"port":(\d+)[^\n]*signaling listening/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(Number(m[1]));
      }
    });
    child.once('exit', (code) => reject(new Error(`signaling exited ${code}: ${stderr}${out}`)));
  });
  return {
    child,
    port: bound,
    url: `http://127.0.0.1:${bound}`,
    logs: () => out,
    stop: async (signal = 'SIGTERM') => {
      if (child.exitCode !== null || child.signalCode !== null) return child.exitCode;
      const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
      child.kill(signal);
      const timer = setTimeout(() => child.kill('SIGKILL'), 8000);
      const code = await exited;
      clearTimeout(timer);
      return code;
    },
  };
}
