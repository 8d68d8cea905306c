import { readFile, readdir } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import {
  bindMigrationAwareSqlAdapterFactory,
  type SqlDriverAdapter,
  type SqlMigrationAwareDriverAdapterFactory,
} from '@prisma/driver-adapter-utils';
import type { MigrationList, SchemaEngine } from '@prisma/schema-engine-wasm';
import type * as BindgenModule from '@prisma/schema-engine-wasm/schema_engine_bg';

/**
 * Prisma's schema engine compiled to WebAssembly, driven through the same driver adapter the service uses.
 * This replaces `prisma migrate deploy` / `migrate dev --create-only`, whose native engine binary cannot be
 * downloaded on every machine (see the platform notes). Same `_prisma_migrations` table and checksums, so the
 * native CLI keeps working on the same folder where it is available.
 */

type WasmExports = Record<string, unknown>;
type Bindgen = typeof BindgenModule & {
  __wbg_set_wasm(exports: WasmExports): void;
};
/** The slice of the WebAssembly global used here (the Node typings in use do not declare it). */
declare const WebAssembly: {
  instantiate(bytes: Uint8Array, imports: Record<string, unknown>): Promise<{ instance: { exports: WasmExports } }>;
};

let loading: Promise<typeof SchemaEngine> | null = null;

/** The package's own entry imports the .wasm as an ES module, which Node 20 cannot; instantiate it by hand, once. */
function loadSchemaEngine(): Promise<typeof SchemaEngine> {
  loading ??= (async () => {
    const require = createRequire(import.meta.url);
    const pkgDir = path.dirname(require.resolve('@prisma/schema-engine-wasm'));
    const bindgen = (await import('@prisma/schema-engine-wasm/schema_engine_bg')) as unknown as Bindgen;
    const bytes = await readFile(path.join(pkgDir, 'schema_engine_bg.wasm'));
    const { instance } = await WebAssembly.instantiate(bytes, {
      './schema_engine_bg.js': bindgen,
    });
    bindgen.__wbg_set_wasm(instance.exports);
    (instance.exports.__wbindgen_start as () => void)();
    return bindgen.SchemaEngine;
  })();
  return loading;
}

/** Reads a migrations folder the way the Prisma CLI does (directories sorted by name, each with migration.sql). */
export async function readMigrationsList(migrationsDir: string): Promise<MigrationList> {
  const lockPath = 'migration_lock.toml';
  const lockContent = await readFile(path.join(migrationsDir, lockPath), 'utf8').catch(() => null);
  const entries = await readdir(migrationsDir, { withFileTypes: true }).catch(() => []);
  const dirs = entries.filter((entry) => entry.isDirectory()).map((entry) => entry.name).sort((a, b) => a.localeCompare(b));
  const migrationDirectories = await Promise.all(
    dirs.map(async (dir) => {
      const content = await readFile(path.join(migrationsDir, dir, 'migration.sql'), 'utf8')
        .then((value) => ({ tag: 'ok' as const, value }))
        .catch((error: Error) => ({ tag: 'error' as const, value: error.message }));
      return { path: dir, migrationFile: { path: 'migration.sql', content } };
    }),
  );
  return {
    baseDir: migrationsDir,
    lockfile: { path: lockPath, content: lockContent },
    shadowDbInitScript: '',
    migrationDirectories,
  };
}

export const noFilter = { externalTables: [], externalEnums: [] };

/**
 * Runs `fn` with a schema engine bound to `factory`. Every adapter connection the engine opens is disposed
 * afterwards (`engine.free()` does not do it).
 */
export async function withSchemaEngine<T>(
  factory: SqlMigrationAwareDriverAdapterFactory,
  datamodels: [string, string][] | undefined,
  fn: (engine: SchemaEngine) => Promise<T>,
  log: (message: string) => void = () => {},
): Promise<T> {
  const Engine = await loadSchemaEngine();
  const opened: SqlDriverAdapter[] = [];
  const tracking: SqlMigrationAwareDriverAdapterFactory = {
    provider: factory.provider,
    adapterName: factory.adapterName,
    connect: async () => {
      const adapter = await factory.connect();
      opened.push(adapter);
      return adapter;
    },
    connectToShadowDb: async () => {
      const adapter = await factory.connectToShadowDb();
      opened.push(adapter);
      return adapter;
    },
  };
  const engine = await Engine.new({ datamodels }, (message: string) => log(message), bindMigrationAwareSqlAdapterFactory(tracking));
  try {
    return await fn(engine);
  } finally {
    engine.free();
    await Promise.allSettled(opened.map((adapter) => adapter.dispose()));
  }
}
