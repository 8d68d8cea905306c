/**
 * The real persistence service (apps/persistence, `node dist/main.js`) as a child process on an ephemeral
 * port, with embedded PGlite in a throw-away data directory. Tests and the benchmark use it instead of a
 * fake store. Build it first (`npx turbo run build --filter=@meshboard/sync...` builds it as a
 * dev dependency of this workspace).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

export interface PersistenceProcess {
  url: string;
  child: ChildProcess;
  dataDir: string;
  createBoard(title?: string): Promise<{ id: string; editToken: string; viewToken: string }>;
  rotate(boardId: string, editToken: string): Promise<{ editToken: string; viewToken: string }>;
  /** stop the process (the data directory survives for restart()) */
  stop(signal?: NodeJS.Signals): Promise<void>;
  /** start again on the same port and data directory */
  restart(): Promise<void>;
  /** stop and delete the data directory */
  close(): Promise<void>;
}

export function persistenceMain(): string {
  // resolved through the workspace package (a test-only dev dependency), never imported as code
  // (its package.json has no main/exports, so resolve the package folder)
  const main = path.join(path.dirname(require.resolve('@meshboard/persistence/package.json')), 'dist', 'main.js');
  if (!existsSync(main)) throw new Error(`${main} is missing: build apps/persistence first`);
  return main;
}

export async function startPersistence(secret: string, options: { startTimeoutMs?: number; env?: Record<string, string> } = {}): Promise<PersistenceProcess> {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'meshboard-signaling-store-'));
  const main = persistenceMain();
  let port = 0;
  let child!: ChildProcess;

  const launch = async () => {
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      LOG_LEVEL: 'info',
      MESHBOARD_DATA_DIR: dataDir,
      MESHBOARD_TOKEN_SECRET: secret,
      PERSISTENCE_PORT: String(port),
      PERSISTENCE_HOST: '127.0.0.1',
    };
    delete env.DATABASE_URL; // embedded PGlite, never a shared PostgreSQL, unless the caller names a database
    Object.assign(env, options.env);
    child = spawn(process.execPath, [main], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let log = '';
    const collect = (d: Buffer) => {
      log += d.toString();
      if (log.length > 64_000) log = log.slice(-32_000);
    };
    child.stderr!.on('data', collect);
    port = await new Promise<number>((resolve, reject) => {
      // first open of an embedded PGlite runs initdb: seconds, more on a loaded machine
      const timer = setTimeout(() => reject(new Error(`persistence did not start:\n${log}`)), options.startTimeoutMs ?? 120_000);
      child.stdout!.on('data', (d: Buffer) => {
        collect(d);
        const m = /"address":"http:\/\/127\.0\.0\.1:(\d+)"[^\n]*persistence listening/.exec(log);
        if (m) {
          clearTimeout(timer);
          resolve(Number(m[1]));
        }
      });
      child.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`persistence exited ${code}:\n${log}`));
      });
    });
  };
  await launch();
  const url = () => `http://127.0.0.1:${port}`;

  const json = async <T>(route: string, init: RequestInit): Promise<T> => {
    const res = await fetch(`${url()}${route}`, init);
    if (!res.ok) throw new Error(`persistence ${route}: ${res.status} ${await res.text()}`);
    return (await res.json()) as T;
  };
  const stop = async (signal: NodeJS.Signals = 'SIGTERM') => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((r) => child.once('exit', r));
    child.kill(signal);
    const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
    await exited;
    clearTimeout(timer);
  };
  const handle: PersistenceProcess = {
    get url() {
      return url();
    },
    get child() {
      return child;
    },
    dataDir,
    createBoard: (title = 'Test board') =>
      json('/v1/boards', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ title }) }),
    rotate: (boardId, editToken) =>
      json(`/v1/boards/${boardId}/tokens/rotate`, { method: 'POST', headers: { authorization: `Bearer ${editToken}` } }),
    stop,
    restart: launch,
    async close() {
      await stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
  return handle;
}

/** The persistence HTTP API as tests use it (boards, rotation, reading and seeding a board's document). */
export interface StoreApi {
  url: string;
  createBoard(title?: string): Promise<{ id: string; editToken: string; viewToken: string }>;
  /** rotate the board's token generation: the old tokens are revoked */
  rotate(boardId: string, editToken: string): Promise<{ editToken: string; viewToken: string }>;
  /** the board's whole document as the store has it (a Yjs update) */
  state(boardId: string, token: string): Promise<Uint8Array>;
  /** append a Yjs update to the board's log */
  append(boardId: string, editToken: string, update: Uint8Array): Promise<void>;
  /** delete the board */
  remove(boardId: string, editToken: string): Promise<void>;
}

export function storeApi(url: string): StoreApi {
  const call = async (route: string, init: RequestInit): Promise<Response> => {
    const res = await fetch(`${url}${route}`, init);
    if (!res.ok) throw new Error(`persistence ${init.method ?? 'GET'} ${route}: ${res.status} ${await res.text()}`);
    return res;
  };
  const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
  return {
    url,
    createBoard: async (title = 'Test board') =>
      (await call('/v1/boards', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ title }) }).then((r) =>
        r.json(),
      )) as { id: string; editToken: string; viewToken: string },
    rotate: async (boardId, editToken) =>
      (await call(`/v1/boards/${boardId}/tokens/rotate`, { method: 'POST', headers: bearer(editToken) }).then((r) => r.json())) as {
        editToken: string;
        viewToken: string;
      },
    state: async (boardId, token) => new Uint8Array(await (await call(`/v1/boards/${boardId}/state`, { headers: bearer(token) })).arrayBuffer()),
    append: async (boardId, editToken, update) => {
      await call(`/v1/boards/${boardId}/updates`, {
        method: 'POST',
        headers: { ...bearer(editToken), 'content-type': 'application/octet-stream' },
        body: update as Uint8Array<ArrayBuffer>,
      });
    },
    remove: async (boardId, editToken) => {
      await call(`/v1/boards/${boardId}`, { method: 'DELETE', headers: bearer(editToken) });
    },
  };
}
