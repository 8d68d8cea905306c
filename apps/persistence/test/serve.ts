import { PGlite } from '@electric-sql/pglite';
import { defaultStoreOptions, type PersistenceConfig } from '../src/config.js';
import { createPersistenceServer, type PersistenceServer } from '../src/server.js';
import { SECRET, createPgDatabase, migrationsDir, type Engine } from './helpers.js';

/** A store on a fresh database of `engine` (in-memory PGlite, or its own PostgreSQL database), listening on TCP. */
export async function serveStore(engine: Engine, overrides: Partial<PersistenceConfig> = {}): Promise<{ server: PersistenceServer; url: string; close: () => Promise<void> }> {
  const config: PersistenceConfig = {
    port: 0,
    host: '127.0.0.1',
    dataDir: '/nonexistent',
    tokenSecret: SECRET,
    allowedOrigins: [],
    migrationsDir,
    maxUpdateBodyBytes: 1024 * 1024,
    store: { ...defaultStoreOptions, compactIdleMs: 0 },
    blobs: { gcIntervalMs: 0 },
    ...overrides,
  };
  if (engine === 'pglite') {
    const pglite = await PGlite.create();
    const server = await createPersistenceServer(config, { database: { kind: 'pglite-instance', pglite } });
    const url = await server.listen();
    return { server, url, close: async () => { await server.close(); await pglite.close(); } };
  }
  const pg = await createPgDatabase();
  const server = await createPersistenceServer({ ...config, databaseUrl: pg.url });
  const url = await server.listen();
  return { server, url, close: async () => { await server.close(); await pg.drop(); } };
}
