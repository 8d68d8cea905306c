import { createHash } from 'node:crypto';
import { readFile, readdir } from 'node:fs/promises';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { afterAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../src/db/database.js';
import { createPgDatabase, makeTempDir, migrationsDir } from './helpers.js';

async function committedMigrations(): Promise<{ name: string; checksum: string }[]> {
  const dirs = (await readdir(migrationsDir, { withFileTypes: true })).filter((entry) => entry.isDirectory()).map((entry) => entry.name).sort();
  return Promise.all(
    dirs.map(async (name) => ({
      name,
      checksum: createHash('sha256').update(await readFile(path.join(migrationsDir, name, 'migration.sql'))).digest('hex'),
    })),
  );
}

const cleanups: (() => Promise<void>)[] = [];
afterAll(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
});

describe('migrations', () => {
  it('apply on an on-disk PGlite, are recorded like `prisma migrate deploy`, and are not re-applied on restart', async () => {
    const tmp = await makeTempDir();
    cleanups.push(tmp.remove);
    const dataDir = path.join(tmp.dir, 'nested', 'pglite');
    const first = await openDatabase({ kind: 'pglite', dataDir }, migrationsDir);
    const expected = await committedMigrations();
    expect(first.appliedMigrations).toEqual(expected.map((m) => m.name));
    const rows = await first.prisma.$queryRawUnsafe<{ migration_name: string; checksum: string; finished_at: Date | null }[]>(
      'SELECT migration_name, checksum, finished_at FROM _prisma_migrations ORDER BY migration_name',
    );
    expect(rows.map((row) => ({ name: row.migration_name, checksum: row.checksum }))).toEqual(expected);
    expect(rows.every((row) => row.finished_at !== null)).toBe(true);
    await first.prisma.board.create({ data: { id: 'AAAAAAAAAAAAAAAAAAAAAA', title: 'kept' } });
    await first.close();

    const second = await openDatabase({ kind: 'pglite', dataDir }, migrationsDir);
    expect(second.appliedMigrations).toEqual([]);
    expect(await second.prisma.board.count()).toBe(1);
    expect(await second.ping()).toBe(true);
    await second.close();
  }, 90_000);

  it('apply the same way on PostgreSQL', async () => {
    const pg = await createPgDatabase();
    cleanups.push(pg.drop);
    const db = await openDatabase({ kind: 'postgres', url: pg.url }, migrationsDir);
    const expected = await committedMigrations();
    expect(db.appliedMigrations).toEqual(expected.map((m) => m.name));
    const tables = await db.prisma.$queryRawUnsafe<{ table_name: string }[]>(
      "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' ORDER BY table_name",
    );
    expect(tables.map((t) => t.table_name)).toEqual(['_prisma_migrations', 'blobs', 'board_updates', 'boards', 'comment_threads', 'comments', 'snapshot_history', 'snapshots']);
    await db.close();
    const again = await openDatabase({ kind: 'postgres', url: pg.url }, migrationsDir);
    expect(again.appliedMigrations).toEqual([]);
    await again.close();
  }, 60_000);

  it('the same tables come out of both engines', async () => {
    const pglite = await PGlite.create();
    const db = await openDatabase({ kind: 'pglite-instance', pglite }, migrationsDir);
    const columns = await db.prisma.$queryRawUnsafe<{ c: string }[]>(
      "SELECT table_name || '.' || column_name || ':' || data_type AS c FROM information_schema.columns WHERE table_schema = 'public' ORDER BY 1",
    );
    await db.close();
    await pglite.close();
    const pg = await createPgDatabase();
    cleanups.push(pg.drop);
    const server = await openDatabase({ kind: 'postgres', url: pg.url }, migrationsDir);
    const serverColumns = await server.prisma.$queryRawUnsafe<{ c: string }[]>(
      "SELECT table_name || '.' || column_name || ':' || data_type AS c FROM information_schema.columns WHERE table_schema = 'public' ORDER BY 1",
    );
    await server.close();
    expect(columns).toEqual(serverColumns);
  }, 90_000);
});
