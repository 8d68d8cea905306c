/**
 * Every system under test as a real process on 127.0.0.1, started the way its own README starts it:
 * Meshboard (persistence `dist/main.js` with embedded PGlite + signaling `dist/main.js`, the same helpers its
 * tests use), @y/websocket-server's bin, @hocuspocus/server with no extensions (and with its database extension
 * on PostgreSQL for the persistence scenario), y-webrtc's bin/server.js.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startService, type ServiceProcess } from '../../apps/signaling/test/peers.js';
import { startPersistence, type PersistenceProcess } from '../../packages/sync/test/support/persistence.js';
import { freePort, waitForPort } from './util.js';

const require = createRequire(import.meta.url);

export interface Proc {
  name: string;
  pid: number;
  url: string;
  stop(): Promise<void>;
}

async function stopChild(child: ChildProcess) {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGTERM');
  const t = setTimeout(() => child.kill('SIGKILL'), 5000);
  await exited;
  clearTimeout(t);
}

async function startScript(name: string, script: string, scheme: 'ws' | 'http', env: Record<string, string> = {}): Promise<Proc> {
  const port = await freePort();
  const child = spawn(process.execPath, [script], { env: { ...process.env, HOST: '127.0.0.1', PORT: String(port), ...env }, stdio: ['ignore', 'ignore', 'inherit'] });
  await waitForPort(port);
  return { name, pid: child.pid!, url: `${scheme}://127.0.0.1:${port}`, stop: () => stopChild(child) };
}

export interface Meshboard {
  secret: string;
  store: PersistenceProcess;
  signaling: ServiceProcess;
  signalingEnv: Record<string, string>;
  stop(): Promise<void>;
}
/**
 * Every simulated person of a run connects from 127.0.0.1, and the signaling service's per-address budgets
 * (256 connections, 600 a minute by default) are for distinct addresses: with them, N = 100 lost deliveries and
 * the 500-subscriber fan-out ended on a 429. Raised here, as the load script (apps/signaling/bench/load.ts)
 * does; per-connection message and byte budgets stay as deployed.
 */
const LOOPBACK_CROWD_ENV = { SIGNALING_MAX_CONNECTIONS_PER_IP: '100000', SIGNALING_CONNECTIONS_PER_IP_PER_MINUTE: '1000000' };

export async function startMeshboard(extraEnv: Record<string, string> = {}): Promise<Meshboard> {
  const secret = randomBytes(32).toString('base64url');
  const store = await startPersistence(secret);
  const signalingEnv = { MESHBOARD_TOKEN_SECRET: secret, PERSISTENCE_URL: store.url, ...LOOPBACK_CROWD_ENV, ...extraEnv };
  const signaling = await startService(signalingEnv);
  return {
    secret,
    store,
    signaling,
    signalingEnv,
    async stop() {
      await signaling.stop();
      await store.close();
    },
  };
}

export const yWebsocketServer = (env: Record<string, string> = {}) =>
  startScript('y-websocket', path.join(path.dirname(require.resolve('@y/websocket-server/package.json')), 'src', 'server.js'), 'ws', env);
export const hocuspocusServer = (env: Record<string, string> = {}) => startScript('Hocuspocus', fileURLToPath(new URL('../servers/hocuspocus.mjs', import.meta.url)), 'ws', env);
/** Hocuspocus with its database extension storing into PostgreSQL (the persistence scenario) */
export const hocuspocusPostgresServer = (databaseUrl: string) =>
  startScript('Hocuspocus (database extension, PostgreSQL)', fileURLToPath(new URL('../servers/hocuspocus-postgres.mjs', import.meta.url)), 'ws', { DATABASE_URL: databaseUrl });
export const yWebrtcServer = (env: Record<string, string> = {}) =>
  startScript('y-webrtc server', path.join(path.dirname(require.resolve('y-webrtc')), '..', 'bin', 'server.js'), 'ws', env);

/** the installed version (read from node_modules: some packages do not export their package.json) */
export function packageVersion(name: string): string {
  const root = fileURLToPath(new URL('../../', import.meta.url));
  for (const dir of [path.join(root, 'bench', 'node_modules'), path.join(root, 'node_modules')]) {
    try {
      return (JSON.parse(readFileSync(path.join(dir, name, 'package.json'), 'utf8')) as { version: string }).version;
    } catch {
      /* next */
    }
  }
  return '?';
}
