import type { SqlMigrationAwareDriverAdapterFactory } from '@prisma/driver-adapter-utils';
import { noFilter, readMigrationsList, withSchemaEngine } from './schema-engine.js';

/**
 * Applies every committed migration the database lacks (what `prisma migrate deploy` does), through the given
 * adapter factory. Idempotent; several processes starting at once are serialized by the engine's advisory lock
 * on PostgreSQL. Returns the names of the migrations it applied.
 */
export async function applyMigrations(factory: SqlMigrationAwareDriverAdapterFactory, migrationsDir: string): Promise<string[]> {
  const migrationsList = await readMigrationsList(migrationsDir);
  if (migrationsList.migrationDirectories.length === 0) {
    throw new Error(`no migrations found in ${migrationsDir}`);
  }
  return withSchemaEngine(factory, undefined, async (engine) => {
    const result = await engine.applyMigrations({ migrationsList, filters: noFilter });
    return result.appliedMigrationNames;
  });
}
