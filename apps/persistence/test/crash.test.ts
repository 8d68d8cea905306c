/**
 * Crash safety. (1) The real service process is killed with SIGKILL at random moments while clients append;
 * after a restart on the same data, every update it had acknowledged is in the state. (2) PostgreSQL is
 * restarted during writes: acknowledged updates survive, failed ones are answered 503 (never a false ack),
 * and the service recovers without a restart.
 */
import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { AppendAck, CreateBoardResponse, apiPaths, base64ToBytes } from '@meshboard/protocol';
import * as Y from 'yjs';
import { afterAll, describe, expect, it } from 'vitest';
import { defaultStoreOptions } from '../src/config.js';
import { createPersistenceServer } from '../src/server.js';
import { SECRET, createPgDatabase, makeTempDir, migrationsDir } from './helpers.js';

const appDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const children = new Set<ChildProcess>();
const cleanups: (() => Promise<void>)[] = [];
afterAll(async () => {
  for (const child of children) child.kill('SIGKILL');
  for (const cleanup of cleanups.reverse()) await cleanup();
});

async function startChild(env: Record<string, string>): Promise<{ child: ChildProcess; url: string; exited: Promise<void> }> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    cwd: appDir,
    env: { ...process.env, NODE_ENV: 'production', LOG_LEVEL: 'info', PERSISTENCE_PORT: '0', PERSISTENCE_HOST: '127.0.0.1', MESHBOARD_TOKEN_SECRET: SECRET, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.add(child);
  const exited = new Promise<void>((resolve) => child.once('exit', () => {
    children.delete(child);
    resolve();
  }));
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const url = await new Promise<string>((resolve, reject) => {
    let buffered = '';
    const timer = setTimeout(() => reject(new Error(`child did not start in time: ${stderr}`)), 60_000);
    child.stdout!.on('data', (chunk: Buffer) => {
      buffered += chunk.toString();
      const match = /"address":"(http:\/\/[^"]+)"/.exec(buffered);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]!);
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`child exited with ${code}: ${stderr}`));
    });
  });
  return { child, url, exited };
}

function shapeUpdate(doc: Y.Doc, id: string): Uint8Array {
  const before = Y.encodeStateVector(doc);
  doc.transact(() => {
    const shape = new Y.Map<unknown>();
    shape.set('x', id.length);
    doc.getMap<Y.Map<unknown>>('shapes').set(id, shape);
  });
  return Y.encodeStateAsUpdate(doc, before);
}

/** Writers append new shapes until `stop()`; returns the ids whose append was acknowledged (HTTP 200). */
function startWriters(url: string, board: CreateBoardResponse, round: number, writers = 3, onFailure?: (status: number) => void) {
  const acked = new Set<string>();
  let stopped = false;
  let counter = 0;
  const loops = Array.from({ length: writers }, async (_, w) => {
    // Like the real store client: each upload is everything the store lacks according to the state vector of
    // the last acknowledgement, so an update whose request failed is re-sent inside the next one.
    const doc = new Y.Doc();
    let storeStateVector: Uint8Array | null = null;
    const unacked: string[] = [];
    while (!stopped) {
      const id = `r${round}-w${w}-${counter++}`;
      const update = shapeUpdate(doc, id);
      unacked.push(id);
      const body = storeStateVector ? Y.encodeStateAsUpdate(doc, storeStateVector) : Y.mergeUpdates([Y.encodeStateAsUpdate(doc), update]);
      try {
        const response = await fetch(`${url}${apiPaths.updates(board.id)}`, {
          method: 'POST',
          headers: { authorization: `Bearer ${board.editToken}`, 'content-type': 'application/octet-stream' },
          body,
        });
        if (response.status === 200) {
          storeStateVector = base64ToBytes(AppendAck.parse(await response.json()).stateVector);
          for (const done of unacked.splice(0)) acked.add(done);
        } else {
          onFailure?.(response.status);
          await response.arrayBuffer();
          if (!stopped) await new Promise((resolve) => setTimeout(resolve, 50));
        }
      } catch {
        if (stopped) break;
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    }
  });
  return {
    acked,
    stop: async () => {
      stopped = true;
      await Promise.all(loops);
    },
  };
}

async function shapesOnServer(url: string, board: CreateBoardResponse): Promise<Set<string>> {
  const response = await fetch(`${url}${apiPaths.state(board.id)}`, { headers: { authorization: `Bearer ${board.viewToken}` } });
  expect(response.status).toBe(200);
  const doc = new Y.Doc();
  Y.applyUpdate(doc, new Uint8Array(await response.arrayBuffer()));
  return new Set(doc.getMap('shapes').keys());
}

async function killDuringWrites(env: Record<string, string>, rounds: number): Promise<void> {
  let server = await startChild(env);
  const created = await fetch(`${server.url}${apiPaths.boards}`, { method: 'POST' });
  const board = CreateBoardResponse.parse(await created.json());
  const allAcked = new Set<string>();
  for (let round = 0; round < rounds; round++) {
    const writers = startWriters(server.url, board, round);
    const delay = 150 + Math.floor(Math.random() * 900);
    await new Promise((resolve) => setTimeout(resolve, delay));
    server.child.kill('SIGKILL');
    await server.exited;
    await writers.stop();
    for (const id of writers.acked) allAcked.add(id);
    expect(writers.acked.size).toBeGreaterThan(0);
    server = await startChild(env);
    const present = await shapesOnServer(server.url, board);
    const missing = [...allAcked].filter((id) => !present.has(id));
    expect(missing).toEqual([]);
  }
  server.child.kill('SIGTERM');
  await server.exited;
}

describe('crash safety', () => {
  it('SIGKILL of the service at random moments on embedded PGlite loses no acknowledged update', async () => {
    const tmp = await makeTempDir();
    cleanups.push(tmp.remove);
    await killDuringWrites({ MESHBOARD_DATA_DIR: tmp.dir }, 3);
  }, 180_000);

  it('SIGKILL of the service at random moments on PostgreSQL loses no acknowledged update', async () => {
    const pg = await createPgDatabase();
    cleanups.push(pg.drop);
    await killDuringWrites({ DATABASE_URL: pg.url, MESHBOARD_COMPACT_AFTER_UPDATES: '40' }, 4);
  }, 120_000);

  it('a PostgreSQL restart during writes loses no acknowledged update, and the service recovers by itself', async () => {
    const pg = await createPgDatabase();
    cleanups.push(pg.drop);
    const server = await createPersistenceServer({
      port: 0,
      host: '127.0.0.1',
      dataDir: '/nonexistent',
      databaseUrl: pg.url,
      tokenSecret: SECRET,
      allowedOrigins: [],
      migrationsDir,
      maxUpdateBodyBytes: 1024 * 1024,
      store: { ...defaultStoreOptions, compactIdleMs: 0, compactAfterUpdates: 30 },
    });
    cleanups.push(() => server.close());
    const url = await server.listen();
    const board = CreateBoardResponse.parse(await (await fetch(`${url}${apiPaths.boards}`, { method: 'POST' })).json());
    const failures: number[] = [];
    const writers = startWriters(url, board, 0, 3, (status) => failures.push(status));
    await new Promise((resolve) => setTimeout(resolve, 400));
    const cluster = execFileSync('ls', ['/etc/postgresql']).toString().trim().split('\n')[0]!;
    try {
      execFileSync('pg_ctlcluster', ['--skip-systemctl-redirect', cluster, 'main', 'restart'], { stdio: 'ignore', timeout: 60_000 });
    } finally {
      // whatever happened, leave the cluster running for everyone else
      try {
        execFileSync('pg_ctlcluster', ['--skip-systemctl-redirect', cluster, 'main', 'start'], { stdio: 'ignore', timeout: 60_000 });
      } catch {
        // already running
      }
    }
    // keep writing after the restart: the pool must reconnect on its own
    const before = writers.acked.size;
    const deadline = Date.now() + 20_000;
    while (writers.acked.size < before + 30 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 100));
    await writers.stop();
    expect(writers.acked.size).toBeGreaterThanOrEqual(before + 30);
    console.log(`PostgreSQL restart: ${writers.acked.size} acknowledged, ${failures.length} answered ${[...new Set(failures)].join('/') || '-'} during the restart`);
    expect(failures.every((status) => status === 503)).toBe(true);
    const fresh = await createPersistenceServer({
      port: 0,
      host: '127.0.0.1',
      dataDir: '/nonexistent',
      databaseUrl: pg.url,
      tokenSecret: SECRET,
      allowedOrigins: [],
      migrationsDir,
      maxUpdateBodyBytes: 1024 * 1024,
      store: defaultStoreOptions,
    });
    cleanups.push(() => fresh.close());
    const freshUrl = await fresh.listen();
    const present = await shapesOnServer(freshUrl, board);
    expect([...writers.acked].filter((id) => !present.has(id))).toEqual([]);
  }, 120_000);
});
