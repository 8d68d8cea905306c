import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { PrismaPg } from '@prisma/adapter-pg';
import { defaultMigrationsDir } from '../src/config.js';
import { openDatabase, type Database } from '../src/db/database.js';
import { PrismaClient } from '../src/generated/prisma/client.js';

export const PG_ADMIN_URL = process.env.MESHBOARD_TEST_PG_URL ?? 'postgresql://postgres@127.0.0.1:5432/test';
export const migrationsDir = defaultMigrationsDir();
export const SECRET = 'test-secret-test-secret-test-secret-0123456789';

export type Engine = 'pglite' | 'postgres';
export const engines: Engine[] = ['pglite', 'postgres'];

function withDatabase(url: string, name: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${name}`;
  return parsed.toString();
}

/** A fresh, uniquely named PostgreSQL database for one test file; `drop` removes it. */
export async function createPgDatabase(): Promise<{ url: string; drop: () => Promise<void> }> {
  const name = `meshboard_test_${randomBytes(6).toString('hex')}`;
  const admin = new PrismaClient({ adapter: new PrismaPg({ connectionString: PG_ADMIN_URL, max: 1 }) });
  try {
    await admin.$executeRawUnsafe(`CREATE DATABASE "${name}"`);
  } finally {
    await admin.$disconnect();
  }
  return {
    url: withDatabase(PG_ADMIN_URL, name),
    drop: async () => {
      const dropper = new PrismaClient({ adapter: new PrismaPg({ connectionString: PG_ADMIN_URL, max: 1 }) });
      try {
        await dropper.$executeRawUnsafe(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      } finally {
        await dropper.$disconnect();
      }
    },
  };
}

export interface TestDatabase {
  db: Database;
  /** closes the database and removes what it created */
  cleanup: () => Promise<void>;
}

/** An empty, migrated database of the given engine (PGlite in memory, PostgreSQL in its own database). */
export async function openTestDatabase(engine: Engine): Promise<TestDatabase> {
  if (engine === 'pglite') {
    const pglite = await PGlite.create();
    const db = await openDatabase({ kind: 'pglite-instance', pglite }, migrationsDir);
    return {
      db,
      cleanup: async () => {
        await db.close();
        await pglite.close();
      },
    };
  }
  const pg = await createPgDatabase();
  const db = await openDatabase({ kind: 'postgres', url: pg.url }, migrationsDir);
  return {
    db,
    cleanup: async () => {
      await db.close();
      await pg.drop();
    },
  };
}

export async function makeTempDir(prefix = 'meshboard-persistence-'): Promise<{ dir: string; remove: () => Promise<void> }> {
  const dir = await mkdtemp(path.join(tmpdir(), prefix));
  return { dir, remove: () => rm(dir, { recursive: true, force: true }) };
}
