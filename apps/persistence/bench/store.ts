/**
 * Board store benchmark, on embedded PGlite (on disk) and PostgreSQL:
 *   1. append throughput: 100-byte Yjs updates, many in flight (group commit), acked only when durable;
 *      compared with a naive peer ("Hocuspocus-style": rewrite the whole document on every store);
 *   2. compaction time for 100,000 logged updates;
 *   3. stored bytes after compaction vs Y.encodeStateAsUpdate of the same doc (target <= 1.2x);
 *   4. time to serve a 10,000-shape board to a joining client over HTTP (target <= 200 ms on PostgreSQL).
 *
 *   npx tsx apps/persistence/bench/store.ts [--pglite-only|--postgres-only]
 *   PostgreSQL: MESHBOARD_BENCH_PG_URL (default postgresql://postgres@127.0.0.1:5432/test; a scratch database is
 *   created next to it and dropped afterwards).
 */
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { CreateBoardResponse, apiPaths } from '@meshboard/protocol';
import { createLogger } from '@meshboard/service-kit';
import { PrismaPg } from '@prisma/adapter-pg';
import * as Y from 'yjs';
import { defaultMigrationsDir, defaultStoreOptions, type PersistenceConfig } from '../src/config.js';
import { openDatabase, type Database, type DatabaseTarget } from '../src/db/database.js';
import { PrismaClient } from '../src/generated/prisma/client.js';
import { createPersistenceServer } from '../src/server.js';
import { BoardStore } from '../src/store.js';

const PG_URL = process.env.MESHBOARD_BENCH_PG_URL ?? 'postgresql://postgres@127.0.0.1:5432/test';
const SECRET = randomBytes(32).toString('base64url');
const APPEND_COUNT = 20_000;
const IN_FLIGHT = 256;
const NAIVE_COUNT = 2_000;
const COMPACT_COUNT = 100_000;
const SHAPES = 10_000;

const logger = createLogger('persistence-bench', { level: 'silent' });
const ms = (start: bigint) => Number(process.hrtime.bigint() - start) / 1e6;
const fmt = (n: number, digits = 0) => n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });

/** `count` updates of ~100 bytes each, from 8 clients, each setting one field of a shape. */
function hundredByteUpdates(count: number): { updates: Uint8Array[]; reference: Y.Doc } {
  const reference = new Y.Doc();
  const clients = Array.from({ length: 8 }, (_, i) => {
    const doc = new Y.Doc();
    doc.clientID = 1000 + i;
    return doc;
  });
  const updates: Uint8Array[] = [];
  for (let i = 0; i < count; i++) {
    const doc = clients[i % clients.length]!;
    const before = Y.encodeStateVector(doc);
    doc.getMap('meta').set(`k${i % 500}`, 'x'.repeat(70));
    const update = Y.encodeStateAsUpdate(doc, before);
    updates.push(update);
    Y.applyUpdate(reference, update);
  }
  return { updates, reference };
}

function shapeBoard(shapes: number): Uint8Array[] {
  const doc = new Y.Doc();
  const updates: Uint8Array[] = [];
  doc.on('update', (update: Uint8Array) => updates.push(update));
  for (let start = 0; start < shapes; start += 500) {
    doc.transact(() => {
      for (let i = start; i < Math.min(shapes, start + 500); i++) {
        const shape = new Y.Map<unknown>();
        shape.set('kind', i % 3 === 0 ? 'rect' : i % 3 === 1 ? 'ellipse' : 'text');
        shape.set('x', (i * 37) % 4000);
        shape.set('y', (i * 91) % 3000);
        shape.set('w', 120);
        shape.set('h', 80);
        shape.set('stroke', '#1e1e1e');
        shape.set('z', `a${i.toString(36)}`);
        if (i % 3 === 2) shape.set('text', `note ${i}`);
        doc.getMap<Y.Map<unknown>>('shapes').set(`shape-${i}`, shape);
      }
    });
  }
  return updates;
}

async function appendThroughput(db: Database): Promise<{ perSecond: number; rows: number; avgBytes: number }> {
  const store = new BoardStore(db.prisma, { compactIdleMs: 0, compactAfterUpdates: 1_000_000, compactAfterBytes: 1e12 });
  const board = await store.createBoard('append bench');
  const { updates } = hundredByteUpdates(APPEND_COUNT);
  const avgBytes = updates.reduce((sum, u) => sum + u.length, 0) / updates.length;
  const start = process.hrtime.bigint();
  let next = 0;
  await Promise.all(
    Array.from({ length: IN_FLIGHT }, async () => {
      while (next < updates.length) {
        const update = updates[next++]!;
        await store.append(board.id, update);
      }
    }),
  );
  const elapsed = ms(start);
  const rows = await db.prisma.boardUpdate.count({ where: { boardId: board.id } });
  await store.close();
  return { perSecond: (APPEND_COUNT / elapsed) * 1000, rows, avgBytes };
}

/** The named naive peer: one row per document, the whole encoded document rewritten on every store. */
async function naiveThroughput(db: Database): Promise<{ perSecond: number; bytesWritten: number }> {
  await db.prisma.$executeRawUnsafe('CREATE TABLE IF NOT EXISTS bench_naive_documents (name text PRIMARY KEY, data bytea NOT NULL)');
  const { updates } = hundredByteUpdates(NAIVE_COUNT);
  const doc = new Y.Doc();
  let bytesWritten = 0;
  const start = process.hrtime.bigint();
  for (const update of updates) {
    Y.applyUpdate(doc, update);
    const state = Y.encodeStateAsUpdate(doc);
    bytesWritten += state.length;
    await db.prisma.$executeRawUnsafe(
      'INSERT INTO bench_naive_documents (name, data) VALUES ($1, $2) ON CONFLICT (name) DO UPDATE SET data = EXCLUDED.data',
      'bench',
      state,
    );
  }
  const elapsed = ms(start);
  await db.prisma.$executeRawUnsafe('DROP TABLE bench_naive_documents');
  return { perSecond: (NAIVE_COUNT / elapsed) * 1000, bytesWritten };
}

async function compaction(db: Database): Promise<{ compactMs: number; snapshotBytes: number; referenceBytes: number; loadMs: number }> {
  const store = new BoardStore(db.prisma, { compactIdleMs: 0, compactAfterUpdates: 1_000_000, compactAfterBytes: 1e12 });
  const board = await store.createBoard('compaction bench');
  const { updates, reference } = hundredByteUpdates(COMPACT_COUNT);
  const loadStart = process.hrtime.bigint();
  for (let start = 0; start < updates.length; start += 5_000) {
    const slice = updates.slice(start, start + 5_000);
    await db.prisma.boardUpdate.createMany({
      data: slice.map((update, i) => ({ boardId: board.id, seq: BigInt(start + i + 1), data: update as Uint8Array<ArrayBuffer>, size: update.length })),
    });
  }
  await db.prisma.board.update({ where: { id: board.id }, data: { lastSeq: BigInt(updates.length) } });
  const loadMs = ms(loadStart);
  const start = process.hrtime.bigint();
  const result = await store.compact(board.id);
  const compactMs = ms(start);
  if (result?.merged !== COMPACT_COUNT) throw new Error(`compaction merged ${result?.merged}, expected ${COMPACT_COUNT}`);
  const snapshot = await db.prisma.snapshot.findUniqueOrThrow({ where: { boardId: board.id } });
  await store.close();
  return { compactMs, snapshotBytes: snapshot.size, referenceBytes: Y.encodeStateAsUpdate(reference).length, loadMs };
}

interface JoinResult {
  bytes: number;
  coldMs: number;
  warmMs: number[];
  referenceBytes: number;
  shapes: number;
  peer: { bytes: number; coldMs: number; warmMs: number[] };
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

async function timedGet(url: string, headers: Record<string, string> = {}): Promise<{ elapsed: number; body: Uint8Array }> {
  const start = process.hrtime.bigint();
  const response = await fetch(url, { headers });
  const body = new Uint8Array(await response.arrayBuffer());
  const elapsed = ms(start);
  if (response.status !== 200) throw new Error(`GET ${url}: ${response.status}`);
  return { elapsed, body };
}

async function serveShapes(target: DatabaseTarget, migrationsDir: string): Promise<JoinResult> {
  const config: PersistenceConfig = {
    port: 0,
    host: '127.0.0.1',
    dataDir: '/nonexistent',
    tokenSecret: SECRET,
    allowedOrigins: [],
    migrationsDir,
    maxUpdateBodyBytes: 64 * 1024 * 1024,
    store: { ...defaultStoreOptions, compactIdleMs: 0 },
  };
  const writer = await createPersistenceServer(config, { database: target, logger });
  const url = await writer.listen();
  const board = CreateBoardResponse.parse(await (await fetch(`${url}${apiPaths.boards}`, { method: 'POST' })).json());
  const updates = shapeBoard(SHAPES);
  for (const update of updates) {
    const response = await fetch(`${url}${apiPaths.updates(board.id)}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${board.editToken}`, 'content-type': 'application/octet-stream' },
      body: update,
    });
    if (response.status !== 200) throw new Error(`append failed: ${response.status}`);
  }
  await writer.store.compact(board.id);
  await writer.close();

  // A fresh process-equivalent server: nothing cached, the first join reads snapshot + log from the database.
  const reader = await createPersistenceServer(config, { database: target, logger });
  const readerUrl = await reader.listen();
  const join = () => timedGet(`${readerUrl}${apiPaths.state(board.id)}`, { authorization: `Bearer ${board.viewToken}` });
  const cold = await join();
  const warmMs: number[] = [];
  for (let i = 0; i < 5; i++) warmMs.push((await join()).elapsed);

  // The peer in the same database: the whole encoded document in one row, served by a minimal HTTP handler.
  const reference = new Y.Doc();
  for (const update of updates) Y.applyUpdate(reference, update);
  const prisma = reader.db.prisma;
  await prisma.$executeRawUnsafe('CREATE TABLE IF NOT EXISTS bench_naive_documents (name text PRIMARY KEY, data bytea NOT NULL)');
  await prisma.$executeRawUnsafe(
    'INSERT INTO bench_naive_documents (name, data) VALUES ($1, $2) ON CONFLICT (name) DO UPDATE SET data = EXCLUDED.data',
    'shapes',
    Y.encodeStateAsUpdate(reference),
  );
  const peerServer = createServer((request, response) => {
    prisma
      .$queryRawUnsafe<{ data: Uint8Array }[]>('SELECT data FROM bench_naive_documents WHERE name = $1', 'shapes')
      .then(([row]) => {
        response.writeHead(200, { 'content-type': 'application/octet-stream' });
        response.end(Buffer.from(row!.data.buffer, row!.data.byteOffset, row!.data.byteLength));
      })
      .catch(() => response.writeHead(500).end());
  });
  await new Promise<void>((resolve) => peerServer.listen(0, '127.0.0.1', resolve));
  const peerUrl = `http://127.0.0.1:${(peerServer.address() as { port: number }).port}/`;
  const peerCold = await timedGet(peerUrl);
  const peerWarm: number[] = [];
  for (let i = 0; i < 5; i++) peerWarm.push((await timedGet(peerUrl)).elapsed);
  await new Promise<void>((resolve) => peerServer.close(() => resolve()));
  await prisma.$executeRawUnsafe('DROP TABLE bench_naive_documents');
  await reader.close();

  const doc = new Y.Doc();
  Y.applyUpdate(doc, cold.body);
  return {
    bytes: cold.body.length,
    coldMs: cold.elapsed,
    warmMs,
    referenceBytes: Y.encodeStateAsUpdate(reference).length,
    shapes: doc.getMap('shapes').size,
    peer: { bytes: peerCold.body.length, coldMs: peerCold.elapsed, warmMs: peerWarm },
  };
}

async function run(engine: 'pglite' | 'postgres'): Promise<void> {
  const migrationsDir = defaultMigrationsDir();
  let target: DatabaseTarget;
  let cleanup: () => Promise<void>;
  if (engine === 'pglite') {
    const dir = await mkdtemp(path.join(tmpdir(), 'meshboard-bench-'));
    target = { kind: 'pglite', dataDir: path.join(dir, 'pglite') };
    cleanup = () => rm(dir, { recursive: true, force: true });
  } else {
    const name = `meshboard_bench_${randomBytes(4).toString('hex')}`;
    const admin = new PrismaClient({ adapter: new PrismaPg({ connectionString: PG_URL, max: 1 }) });
    await admin.$executeRawUnsafe(`CREATE DATABASE "${name}"`);
    const url = new URL(PG_URL);
    url.pathname = `/${name}`;
    target = { kind: 'postgres', url: url.toString() };
    cleanup = async () => {
      await admin.$executeRawUnsafe(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      await admin.$disconnect();
    };
  }
  try {
    console.log(`\n== ${engine} ==`);
    const db = await openDatabase(target, migrationsDir);
    try {
      const append = await appendThroughput(db);
      console.log(
        `append: ${fmt(append.perSecond)} updates/s durable (${fmt(APPEND_COUNT)} updates of ~${fmt(append.avgBytes)} B, ${IN_FLIGHT} in flight, group-committed into ${fmt(append.rows)} log rows)`,
      );
      const naive = await naiveThroughput(db);
      console.log(
        `naive peer (Hocuspocus-style whole-document rewrite per store): ${fmt(naive.perSecond)} updates/s over ${fmt(NAIVE_COUNT)} updates, ${fmt(naive.bytesWritten / NAIVE_COUNT)} B written per update (this store: ~${fmt(append.avgBytes)} B)`,
      );
      const compact = await compaction(db);
      console.log(
        `compaction of ${fmt(COMPACT_COUNT)} updates: ${fmt(compact.compactMs)} ms (log written in ${fmt(compact.loadMs)} ms); snapshot ${fmt(compact.snapshotBytes)} B vs Y.encodeStateAsUpdate ${fmt(compact.referenceBytes)} B = ${fmt(compact.snapshotBytes / compact.referenceBytes, 3)}x`,
      );
    } finally {
      await db.close();
    }
    const serve = await serveShapes(target, migrationsDir);
    console.log(
      `join a ${fmt(serve.shapes)}-shape board over HTTP (${fmt(serve.bytes)} B; encodeStateAsUpdate ${fmt(serve.referenceBytes)} B = ${fmt(serve.bytes / serve.referenceBytes, 3)}x): first join after a restart ${fmt(serve.coldMs, 1)} ms, then median ${fmt(median(serve.warmMs), 1)} ms`,
    );
    console.log(
      `naive peer join (one row holding the whole document, ${fmt(serve.peer.bytes)} B): first ${fmt(serve.peer.coldMs, 1)} ms, then median ${fmt(median(serve.peer.warmMs), 1)} ms`,
    );
  } finally {
    await cleanup();
  }
}

const only = process.argv[2];
console.log(`Meshboard store benchmark, ${new Date().toISOString()}, Node ${process.version}, load average ${(await import('node:os')).loadavg().map((n) => n.toFixed(1)).join(' ')}`);
if (only !== '--postgres-only') await run('pglite');
if (only !== '--pglite-only') await run('postgres');
