import { mkdir } from 'node:fs/promises';
import { PGlite } from '@electric-sql/pglite';
import { PrismaPg } from '@prisma/adapter-pg';
import type { SqlMigrationAwareDriverAdapterFactory } from '@prisma/driver-adapter-utils';
import { PrismaPGlite } from 'pglite-prisma-adapter';
import { PrismaClient } from '../generated/prisma/client.js';
import { applyMigrations } from './migrate.js';
import { withFastBytea } from './pglite-bytea.js';

export type DatabaseTarget = { kind: 'postgres'; url: string } | { kind: 'pglite'; dataDir: string } | { kind: 'pglite-instance'; pglite: PGlite };

export interface Database {
  readonly kind: 'postgres' | 'pglite';
  readonly prisma: PrismaClient;
  /** names of the migrations applied while opening */
  readonly appliedMigrations: string[];
  /** one cheap round trip, for /healthz */
  ping(): Promise<boolean>;
  close(): Promise<void>;
}

/**
 * Opens the store's database through a Prisma driver adapter (one code path for both engines): PostgreSQL
 * when a URL is given, else embedded PGlite in `dataDir` (created if missing). Applies pending migrations first.
 */
export async function openDatabase(target: DatabaseTarget, migrationsDir: string): Promise<Database> {
  if (target.kind === 'postgres') {
    const migrator = new PrismaPg({ connectionString: target.url, max: 1 });
    const appliedMigrations = await applyMigrations(migrator, migrationsDir);
    const prisma = new PrismaClient({ adapter: new PrismaPg({ connectionString: target.url, max: 10, connectionTimeoutMillis: 5_000 }) });
    return wrap('postgres', prisma, appliedMigrations, async () => {});
  }
  let pglite: PGlite;
  let ownsPglite = true;
  if (target.kind === 'pglite') {
    await mkdir(target.dataDir, { recursive: true });
    pglite = await PGlite.create(target.dataDir);
  } else {
    pglite = target.pglite;
    ownsPglite = false;
  }
  const factory: SqlMigrationAwareDriverAdapterFactory = new PrismaPGlite(withFastBytea(pglite));
  let appliedMigrations: string[];
  try {
    appliedMigrations = await applyMigrations(factory, migrationsDir);
  } catch (error) {
    if (ownsPglite) await pglite.close().catch(() => {});
    throw error;
  }
  const prisma = new PrismaClient({ adapter: new PrismaPGlite(withFastBytea(pglite)) });
  return wrap('pglite', prisma, appliedMigrations, async () => {
    if (ownsPglite && !pglite.closed) await pglite.close();
  });
}

function wrap(kind: 'postgres' | 'pglite', prisma: PrismaClient, appliedMigrations: string[], closeDriver: () => Promise<void>): Database {
  let closed = false;
  return {
    kind,
    prisma,
    appliedMigrations,
    async ping() {
      try {
        await prisma.$queryRaw`SELECT 1`;
        return true;
      } catch {
        return false;
      }
    },
    async close() {
      if (closed) return;
      closed = true;
      await prisma.$disconnect().catch(() => {});
      await closeDriver();
    },
  };
}
