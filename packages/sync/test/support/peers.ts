import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const PEER_SCRIPT = fileURLToPath(new URL('./peer-process.ts', import.meta.url));

export interface PeerSnapshot {
  shapeCount: number;
  digest: string;
  keys: Record<string, unknown>;
  status: { signaling: string; store: string; pendingUploadBytes: number; peers: Array<{ user: { name: string }; mode: string }> } | null;
  conns: Array<{ peerId: string; connected: boolean }>;
  framing: { messagesSplit: number; chunksSent: number; messagesJoined: number; largestJoined: number; sendErrors: number };
  stateVector: string;
}

/** a board peer in its own process (test/support/peer-process.ts) */
export class PeerProcess {
  private nextId = 0;
  private readonly waiting = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  readonly ready: Promise<void>;
  /** set when the process is gone: how it ended */
  exitInfo: string | null = null;
  constructor(
    readonly name: string,
    readonly child: ChildProcess,
  ) {
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
    // a send after the process died emits 'error' on the ChildProcess: handled by call() rejecting instead
    child.on('error', () => undefined);
    child.on('exit', (code, signal) => {
      this.exitInfo = signal ? `killed by ${signal}` : `exited with code ${code}`;
      for (const w of this.waiting.values()) w.reject(new Error(`peer ${name} exited`));
      this.waiting.clear();
    });
  }
  call<T = unknown>(cmd: string, args: Record<string, unknown> = {}, timeoutMs = 60_000): Promise<T> {
    const id = ++this.nextId;
    if (!this.child.connected) return Promise.reject(new Error(`peer ${this.name} is gone (${this.exitInfo ?? 'disconnected'})`));
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
  state(full = false): Promise<PeerSnapshot> {
    return this.call<PeerSnapshot>('state', { full });
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

export async function startPeerProcess(name: string): Promise<PeerProcess> {
  const child = fork(PEER_SCRIPT, [], { execArgv: ['--conditions=development', '--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const peer = new PeerProcess(name, child);
  await peer.ready;
  return peer;
}
