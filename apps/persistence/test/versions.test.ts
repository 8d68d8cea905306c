/**
 * Issue 13 item 7 (store part): "save this version" with a name, over real TCP on PostgreSQL. A named version
 * is listed with its name, can be previewed and restored like any restore point, needs an edit link, and is
 * kept past retention and past the entry cap while automatic restore points are pruned.
 */
import { CreateBoardResponse, HistoryEntry, HistoryList, apiPaths } from '@meshboard/protocol';
import * as Y from 'yjs';
import { afterAll, describe, expect, it } from 'vitest';
import { defaultStoreOptions, type PersistenceConfig } from '../src/config.js';
import { createPersistenceServer, type PersistenceServer } from '../src/server.js';
import { SECRET, createPgDatabase, migrationsDir } from './helpers.js';

const cleanups: (() => Promise<void>)[] = [];
afterAll(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
});

const RETENTION_MS = 1500;

async function start(): Promise<{ server: PersistenceServer; url: string }> {
  const pg = await createPgDatabase();
  const config: PersistenceConfig = {
    port: 0,
    host: '127.0.0.1',
    dataDir: '/nonexistent',
    tokenSecret: SECRET,
    allowedOrigins: [],
    migrationsDir,
    maxUpdateBodyBytes: 1024 * 1024,
    databaseUrl: pg.url,
    // every compaction keeps a restore point; a short retention and a cap of 2 so pruning shows in seconds
    store: { ...defaultStoreOptions, compactIdleMs: 0, historyIntervalMs: 0, historyRetentionMs: RETENTION_MS, historyMaxEntries: 2 },
  };
  const server = await createPersistenceServer(config);
  cleanups.push(async () => {
    await server.close();
    await pg.drop();
  });
  return { server, url: await server.listen() };
}

describe('named versions', () => {
  it('saves a version by name, lists and restores it, and keeps it past retention and the entry cap', async () => {
    const { server, url } = await start();
    const board = CreateBoardResponse.parse(await (await fetch(url + apiPaths.boards, { method: 'POST' })).json());
    const doc = new Y.Doc();
    const shapes = doc.getMap<number>('shapes');
    const write = async (key: string) => {
      const before = Y.encodeStateVector(doc);
      shapes.set(key, 1);
      const response = await fetch(url + apiPaths.updates(board.id), {
        method: 'POST',
        headers: { authorization: `Bearer ${board.editToken}`, 'content-type': 'application/octet-stream' },
        body: Y.encodeStateAsUpdate(doc, before),
      });
      expect(response.status).toBe(200);
      await server.store.compact(board.id);
    };
    const save = (token: string, body: unknown) =>
      fetch(url + apiPaths.history(board.id), { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
    const list = async () => HistoryList.parse(await (await fetch(url + apiPaths.history(board.id), { headers: { authorization: `Bearer ${board.viewToken}` } })).json()).entries;

    await write('one');
    const saved = await save(board.editToken, { name: '  Before the workshop ' });
    expect(saved.status).toBe(201);
    const entry = HistoryEntry.parse(await saved.json());
    expect(entry).toMatchObject({ name: 'Before the workshop', shapeCount: 1 });
    // a view link cannot save; bad names are refused
    expect((await save(board.viewToken, { name: 'nope' })).status).toBe(403);
    expect((await save(board.editToken, { name: '' })).status).toBe(400);
    expect((await save(board.editToken, { name: 'x'.repeat(201) })).status).toBe(400);
    expect((await save(board.editToken, { name: 'bad\u0000name' })).status).toBe(400);
    expect((await list()).find((e) => e.id === entry.id)?.name).toBe('Before the workshop');

    // past retention and past the cap of 2: automatic points are pruned, the named one stays
    await write('two');
    await new Promise((resolve) => setTimeout(resolve, RETENTION_MS + 200));
    for (const key of ['three', 'four', 'five', 'six']) await write(key);
    const after = await list();
    expect(after.filter((e) => !e.name).length).toBeLessThanOrEqual(2);
    expect(after.find((e) => e.id === entry.id)).toMatchObject({ name: 'Before the workshop', shapeCount: 1 });

    // and it restores like any restore point
    const restored = await fetch(url + apiPaths.restore(board.id, entry.id), { method: 'POST', headers: { authorization: `Bearer ${board.editToken}` } });
    expect(restored.status).toBe(200);
    const state = new Y.Doc();
    Y.applyUpdate(state, new Uint8Array(await (await fetch(url + apiPaths.state(board.id), { headers: { authorization: `Bearer ${board.viewToken}` } })).arrayBuffer()));
    expect([...state.getMap('shapes').keys()]).toEqual(['one']);
  }, 60_000);
});

describe('restore points while editing without pause', () => {
  it('the idle trigger alone never fires during steady editing; compactMaxWaitMs compacts anyway, so a restore point appears', async () => {
    const { PGlite } = await import('@electric-sql/pglite');
    const { openDatabase } = await import('../src/db/database.js');
    const { BoardStore } = await import('../src/store.js');
    // one embedded database for both runs (each run has a board and a store of its own): starting PGlite costs
    // 15 s of WASM start-up on a loaded 2-core machine, which ran this test out of time in CI
    const pglite = await PGlite.create();
    const db = await openDatabase({ kind: 'pglite-instance', pglite }, migrationsDir);
    const run = async (compactMaxWaitMs: number) => {
      // idle 1.5 s, but a write every 200 ms: the idle timer keeps being pushed back
      const store = new BoardStore(db.prisma, { ...defaultStoreOptions, compactIdleMs: 1500, compactMaxWaitMs, historyIntervalMs: 0, compactAfterUpdates: 1_000_000 });
      try {
        const board = await store.createBoard('steady');
        const doc = new Y.Doc();
        const until = Date.now() + 3500;
        for (let i = 0; Date.now() < until; i++) {
          const before = Y.encodeStateVector(doc);
          doc.getMap('shapes').set(`s${i}`, i);
          await store.append(board.id, Y.encodeStateAsUpdate(doc, before));
          await new Promise((resolve) => setTimeout(resolve, 200));
        }
        return { compactions: store.stats.compactions, history: (await store.listHistory(board.id)).length };
      } finally {
        await store.close();
      }
    };
    const without = await run(0);
    const withMaxWait = await run(700).finally(() => db.close());
    expect(without).toEqual({ compactions: 0, history: 0 });
    expect(withMaxWait.compactions).toBeGreaterThanOrEqual(2);
    expect(withMaxWait.history).toBeGreaterThanOrEqual(1);
  }, 60_000);
});
