/**
 * Persistence (issue 15): one editor process (writer.ts) hands the same `count` small edits (lib/edits.ts, made
 * before the clock starts) to each system's own client as a steady stream of `rate` per second (a busy board:
 * all its editors' changes), and we time when each is durable:
 *   Meshboard   the persistence service (`node dist/main.js`) on PostgreSQL (a fresh database, created and
 *               dropped here) and on embedded PGlite; packages/sync's DurableUploader appends over HTTP.
 *               Durable = acknowledged (the store answers after the commit). Compaction triggers are raised
 *               so that the log holds every edit, then the idle trigger (3 s) compacts it: compaction time is
 *               the store's compaction counter moving (GET /metrics, polled every 25 ms) minus the trigger's
 *               due time; stored bytes before and after from GET /v1/admin/boards.
 *   Hocuspocus  @hocuspocus/server with its database extension on PostgreSQL (servers/hocuspocus-postgres.mjs,
 *               its own fresh database), default debounce. Durable = its store hook has written a row version
 *               that holds the edit (lib/row-observer.ts reads the row every 10 ms). Its provider's per-update
 *               answer (SyncStatus) only says the server applied it in memory: reported apart.
 * Stored bytes are compared with Y.encodeStateAsUpdate of the edited document (a garbage-collected Y.Doc).
 */
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { defaultConfiguration } from '@hocuspocus/server';
import * as Y from 'yjs';
import { startPersistence, type PersistenceProcess } from '../../packages/sync/test/support/persistence.js';
import { tempDatabase, type TempDatabase } from '../../packages/sync/test/support/postgres.js';
import { durability, type Durability } from '../lib/durability.js';
import { PeerProcess } from '../lib/peers.js';
import { observeRow } from '../lib/row-observer.js';
import { hocuspocusPostgresServer, type Proc } from '../lib/servers.js';
import { boardBytes, storeCounters } from '../lib/store-stats.js';
import { EDITOR_CLIENT_ID } from '../lib/edits.js';
import { cpuSeconds, log, now, round, sleep, stats, type Stats } from '../lib/util.js';
import type { WriterResult } from '../writer.js';

const WRITER = fileURLToPath(new URL('../writer.ts', import.meta.url));
const COMPACT_IDLE_SECONDS = 3;

interface Run {
  count: number;
  /** edits handed to the client per second */
  rate: number;
  timeoutMs: number;
}

export interface PersistenceRow {
  system: string;
  /** the database it stored into */
  database: string;
  edits: number;
  /** how long the editor took to hand every edit to the client */
  handOverSeconds: number;
  durable: Durability;
  /** Hocuspocus: edit handed to the provider -> the server's SyncStatus answer (applied in memory, not stored) */
  serverAck?: Stats;
  /** Meshboard: HTTP appends; Hocuspocus: row versions written */
  writes: number;
  /** bytes written by the writes (Meshboard: log rows; Hocuspocus: every version of the row) */
  bytesWritten: number;
  /** stored once every edit is durable (Meshboard: the log, before compaction; Hocuspocus: the row) */
  storedBytes: number;
  /** Y.encodeStateAsUpdate of the edited document, garbage-collected */
  referenceBytes: number;
  /** Meshboard only: the idle compaction of the whole log */
  compaction?: { ms: number; logRows: number; bytesBefore: number; bytesAfter: number; earlier: number };
  /** CPU seconds of the server process while the edits were made durable (PostgreSQL's own not counted) */
  serverCpuSeconds: number;
}
export interface PersistenceResult {
  edits: number;
  /** edits handed to the client per second */
  rate: number;
  settings: { meshboard: string; hocuspocus: string };
  rows: PersistenceRow[];
}

const referenceBytes = (state: string) => {
  const doc = new Y.Doc();
  Y.applyUpdate(doc, Buffer.from(state, 'base64'));
  const bytes = Y.encodeStateAsUpdate(doc).byteLength;
  doc.destroy();
  return bytes;
};

async function withWriter<T>(name: string, fn: (w: PeerProcess) => Promise<T>): Promise<T> {
  const writer = new PeerProcess(name, WRITER);
  await writer.ready;
  try {
    return await fn(writer);
  } finally {
    await writer.stop();
  }
}

async function meshboardRow(database: string, store: PersistenceProcess, adminToken: string, o: Run): Promise<PersistenceRow> {
  const board = await store.createBoard(`persistence ${database}`);
  return withWriter(`writer-mb-${database}`, async (writer) => {
    const pid = store.child.pid!;
    const cpu0 = cpuSeconds(pid);
    const r = await writer.call<WriterResult>('meshboard', { storeUrl: store.url, boardId: board.id, token: board.editToken, count: o.count, rate: o.rate, timeoutMs: o.timeoutMs }, o.timeoutMs + 30_000);
    const cpu = cpuSeconds(pid) - cpu0;
    const lastAck = r.acks.at(-1)![0];
    const before = await storeCounters(store.url);
    const bytesBefore = await boardBytes(store.url, adminToken, board.id);
    // the idle trigger fires COMPACT_IDLE_SECONDS after the last commit
    let compactedAt = NaN;
    for (const until = lastAck + COMPACT_IDLE_SECONDS * 1000 + o.timeoutMs; now() < until; await sleep(25)) {
      if ((await storeCounters(store.url)).compactions! > before.compactions!) {
        compactedAt = now();
        break;
      }
    }
    const bytesAfter = await boardBytes(store.url, adminToken, board.id);
    return {
      system: 'Meshboard',
      database,
      edits: o.count,
      handOverSeconds: round(r.handOverSeconds),
      durable: durability(r.madeAt, r.clock, r.acks),
      writes: r.requests,
      bytesWritten: bytesBefore,
      storedBytes: bytesBefore,
      referenceBytes: referenceBytes(r.state),
      compaction: {
        ms: round(compactedAt - (lastAck + COMPACT_IDLE_SECONDS * 1000), 0),
        logRows: before.batches! - before.appendsUnchanged!,
        bytesBefore,
        bytesAfter,
        earlier: before.compactions!,
      },
      serverCpuSeconds: round(cpu),
    };
  });
}

async function hocuspocusRow(db: TempDatabase, server: Proc, o: Run): Promise<PersistenceRow> {
  const name = `persistence-${randomBytes(4).toString('hex')}`;
  const rowVersions = observeRow(db.url, name, EDITOR_CLIENT_ID);
  try {
    return await withWriter('writer-hp', async (writer) => {
      const cpu0 = cpuSeconds(server.pid);
      const r = await writer.call<WriterResult>('hocuspocus', { url: server.url, name, count: o.count, rate: o.rate, timeoutMs: o.timeoutMs }, o.timeoutMs + 30_000);
      const last = r.clock.at(-1)!;
      for (const until = now() + defaultConfiguration.maxDebounce + o.timeoutMs; rowVersions.latestClock() < last; await sleep(20)) {
        if (now() > until) throw new Error('Hocuspocus never stored the last edit');
      }
      const cpu = cpuSeconds(server.pid) - cpu0;
      await writer.call('close');
      const versions = rowVersions.versions;
      return {
        system: 'Hocuspocus',
        database: 'PostgreSQL',
        edits: o.count,
        handOverSeconds: round(r.handOverSeconds),
        durable: durability(
          r.madeAt,
          r.clock,
          versions.map((v) => [v.at, v.clock]),
        ),
        serverAck: stats(r.serverAckAt.map((t, i) => t - r.madeAt[i]!)),
        writes: versions.length,
        bytesWritten: versions.reduce((sum, v) => sum + v.bytes, 0),
        storedBytes: versions.at(-1)!.bytes,
        referenceBytes: referenceBytes(r.state),
        serverCpuSeconds: round(cpu),
      };
    });
  } finally {
    await rowVersions.stop();
  }
}

export async function persistenceScenario(o: Run): Promise<PersistenceResult> {
  const secret = randomBytes(32).toString('base64url');
  const adminToken = randomBytes(24).toString('base64url');
  const env = {
    MESHBOARD_ADMIN_TOKEN: adminToken,
    // the whole run's log stays uncompacted until the idle trigger (defaults: 500 rows, 4 MiB, 30 s idle, 60 s max wait)
    MESHBOARD_COMPACT_AFTER_UPDATES: '1000000000',
    MESHBOARD_COMPACT_AFTER_BYTES: '1000000000000',
    MESHBOARD_COMPACT_IDLE_SECONDS: String(COMPACT_IDLE_SECONDS),
    MESHBOARD_COMPACT_MAX_WAIT_SECONDS: '0',
    // one editor's link sends more than the default 3,000 requests a minute here
    MESHBOARD_RATE_LIMIT_PER_TOKEN: '1000000',
  };
  const result: PersistenceResult = {
    edits: o.count,
    rate: o.rate,
    settings: {
      meshboard: `client: DurableUploader, 100 ms batching, one request in flight; store: group commit, ack after the commit; compaction on ${COMPACT_IDLE_SECONDS} s idle`,
      hocuspocus: `debounce ${defaultConfiguration.debounce} ms, maxDebounce ${defaultConfiguration.maxDebounce} ms, unloadImmediately ${defaultConfiguration.unloadImmediately} (defaults); each store upserts the whole document`,
    },
    rows: [],
  };
  const mbDb = await tempDatabase(process.env.MESHBOARD_BENCH_PG_URL);
  const hpDb = mbDb && (await tempDatabase(process.env.MESHBOARD_BENCH_PG_URL));
  if (!mbDb || !hpDb) log('persistence: no PostgreSQL on 127.0.0.1:5432 (psql failed): PGlite row only, no Hocuspocus row');
  log(`persistence: ${o.count} edits per system; starting the stores`);
  const [mbPg, mbLite, hp] = await Promise.all([
    mbDb ? startPersistence(secret, { env: { ...env, DATABASE_URL: mbDb.url } }) : null,
    startPersistence(secret, { env }),
    hpDb ? hocuspocusPostgresServer(hpDb.url) : null,
  ]);
  try {
    if (mbPg) {
      result.rows.push(await meshboardRow('PostgreSQL', mbPg, adminToken, o));
      logRow(result.rows.at(-1)!);
    }
    if (hp && hpDb) {
      result.rows.push(await hocuspocusRow(hpDb, hp, o));
      logRow(result.rows.at(-1)!);
    }
    result.rows.push(await meshboardRow('PGlite', mbLite, adminToken, o));
    logRow(result.rows.at(-1)!);
  } finally {
    await Promise.all([mbPg?.close(), mbLite.close(), hp?.stop()]);
    await Promise.all([mbDb?.drop(), hpDb?.drop()]);
  }
  return result;
}

const logRow = (r: PersistenceRow) =>
  log(
    `   ${r.system} (${r.database}): ${r.durable.editsPerSecond} edits/s durable, p50 ${r.durable.latency.p50} ms, p99 ${r.durable.latency.p99} ms, ${r.writes} writes, stored ${r.storedBytes} B (document ${r.referenceBytes} B)${r.compaction ? `, compaction ${r.compaction.ms} ms -> ${r.compaction.bytesAfter} B` : ''}`,
  );
