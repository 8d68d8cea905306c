/**
 * Starts the real, already built Meshboard processes on free loopback ports — persistence
 * (apps/persistence/dist/main.js), signaling (apps/signaling/dist/main.js) and the web app (`next start`
 * over apps/web/.next) — waits for each /healthz, and stops them all afterwards. It builds nothing:
 * `turbo run test` builds them first (see apps/web/turbo.json).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const webDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const repoRoot = path.resolve(webDir, '../..');

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

interface Proc {
  name: string;
  child: ChildProcess;
  log: string[];
  exited: Promise<number | null>;
}

function start(name: string, args: string[], cwd: string, env: Record<string, string>): Proc {
  const child = spawn(process.execPath, args, {
    cwd,
    env: { ...process.env, NODE_ENV: 'production', NEXT_TELEMETRY_DISABLED: '1', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
    // its own process group, so stopping it also stops anything it forked (next start -> next-server)
    detached: true,
  });
  const log: string[] = [];
  const keep = (chunk: Buffer) => {
    log.push(chunk.toString());
    if (log.length > 400) log.splice(0, log.length - 400);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { name, child, log, exited };
}

async function waitForHealth(proc: Proc, url: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let exitCode: number | null | undefined;
  void proc.exited.then((code) => (exitCode = code ?? -1));
  while (Date.now() < deadline) {
    if (exitCode !== undefined) throw new Error(`${proc.name} exited (${exitCode}) before it was healthy:\n${proc.log.join('').slice(-4000)}`);
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(2000) });
      if (response.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`${proc.name} not healthy at ${url} after ${timeoutMs} ms:\n${proc.log.join('').slice(-4000)}`);
}

async function stop(proc: Proc): Promise<void> {
  if (proc.child.exitCode !== null || proc.child.signalCode !== null) return;
  const signal = (sig: NodeJS.Signals) => {
    try {
      process.kill(-proc.child.pid!, sig);
    } catch {
      proc.child.kill(sig);
    }
  };
  signal('SIGTERM');
  const killed = await Promise.race([proc.exited.then(() => true), new Promise<false>((r) => setTimeout(() => r(false), 5000))]);
  if (!killed) {
    signal('SIGKILL');
    await proc.exited;
  }
}

export interface Stack {
  webUrl: string;
  storeUrl: string;
  signalingUrl: string;
  logs(): string;
  stop(): Promise<void>;
  /** stops the store process (its data directory survives) */
  stopStore(): Promise<void>;
  /** starts the store again on the same port and data directory */
  startStore(): Promise<void>;
}

const REQUIRED = [
  'apps/persistence/dist/main.js',
  'apps/signaling/dist/main.js',
  'apps/web/.next/BUILD_ID',
];

export interface StackOptions {
  /** extra environment for persistence (e.g. MESHBOARD_HISTORY_INTERVAL_SECONDS), over the defaults below */
  persistenceEnv?: Record<string, string>;
  /** extra environment for signaling (e.g. SIGNALING_REVALIDATE_MS) */
  signalingEnv?: Record<string, string>;
  /** extra environment for the web app (e.g. MESHBOARD_ICE_TRANSPORT_POLICY) */
  webEnv?: Record<string, string>;
}

export async function startStack(options: StackOptions = {}): Promise<Stack> {
  const missing = REQUIRED.filter((file) => !existsSync(path.join(repoRoot, file)));
  if (missing.length) throw new Error(`not built: ${missing.join(', ')} (run \`npm run build\` or \`turbo run test\`, which builds first)`);

  const [storePort, signalingPort, webPort] = [await freePort(), await freePort(), await freePort()];
  const storeUrl = `http://127.0.0.1:${storePort}`;
  const signalingUrl = `http://127.0.0.1:${signalingPort}`;
  const webUrl = `http://127.0.0.1:${webPort}`;
  const dataDir = mkdtempSync(path.join(tmpdir(), 'meshboard-e2e-'));
  const secret = randomBytes(32).toString('hex');
  const procs: Proc[] = [];
  // If the test process dies without afterAll, do not leave the detached servers behind.
  const onExit = () => {
    for (const p of procs) if (p.child.exitCode === null) try { process.kill(-p.child.pid!, 'SIGKILL'); } catch { /* gone */ }
  };
  process.once('exit', onExit);
  const stopAll = async () => {
    process.off('exit', onExit);
    await Promise.all(procs.reverse().map(stop));
    rmSync(dataDir, { recursive: true, force: true });
  };
  const persistenceEnv: Record<string, string> = {
    PERSISTENCE_PORT: String(storePort),
    PERSISTENCE_HOST: '127.0.0.1',
    MESHBOARD_DATA_DIR: dataDir,
    MESHBOARD_TOKEN_SECRET: secret,
    MESHBOARD_ALLOWED_ORIGINS: webUrl,
    ...options.persistenceEnv,
  };
  try {
    const persistence = start('persistence', ['apps/persistence/dist/main.js'], repoRoot, persistenceEnv);
    procs.push(persistence);
    const signaling = start('signaling', ['apps/signaling/dist/main.js'], repoRoot, {
      SIGNALING_PORT: String(signalingPort),
      SIGNALING_HOST: '127.0.0.1',
      PERSISTENCE_URL: storeUrl,
      MESHBOARD_TOKEN_SECRET: secret,
      MESHBOARD_ALLOWED_ORIGINS: webUrl,
      ...options.signalingEnv,
    });
    procs.push(signaling);
    const web = start('web', [path.join(repoRoot, 'node_modules/next/dist/bin/next'), 'start', '-H', '127.0.0.1', '-p', String(webPort)], webDir, {
      MESHBOARD_PUBLIC_SIGNALING_URL: signalingUrl,
      MESHBOARD_PUBLIC_STORE_URL: storeUrl,
      MESHBOARD_ICE_SERVERS: '[]',
      ...options.webEnv,
    });
    procs.push(web);
    await Promise.all([
      waitForHealth(persistence, `${storeUrl}/healthz`, 90_000),
      waitForHealth(signaling, `${signalingUrl}/healthz`, 30_000),
      waitForHealth(web, `${webUrl}/healthz`, 30_000),
    ]);
  } catch (error) {
    await stopAll();
    throw error;
  }
  return {
    webUrl,
    storeUrl,
    signalingUrl,
    logs: () => procs.map((p) => `--- ${p.name} ---\n${p.log.join('').slice(-3000)}`).join('\n'),
    stop: stopAll,
    stopStore: () => stop(procs.find((p) => p.name === 'persistence')!),
    async startStore() {
      const index = procs.findIndex((p) => p.name === 'persistence');
      const again = start('persistence', ['apps/persistence/dist/main.js'], repoRoot, persistenceEnv);
      procs[index] = again;
      await waitForHealth(again, `${storeUrl}/healthz`, 90_000);
    },
  };
}
