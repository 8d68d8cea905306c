import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { limits } from '@meshboard/protocol';
import { ConfigError, allowedOriginsFrom, envInt, envOptional, envPort, envString } from '@meshboard/service-kit';
import { MIN_SECRET_BYTES } from '@meshboard/tokens';
import { loadBlobOptions, type BlobOptions } from './blob-config.js';

export interface StoreOptions {
  /** compact a board once its log holds this many rows… */
  compactAfterUpdates: number;
  /** …or this many bytes… */
  compactAfterBytes: number;
  /** …or after this long without writes (ms; 0 disables the idle trigger) */
  compactIdleMs: number;
  /** keep at most one compaction restore point per this many ms of activity */
  historyIntervalMs: number;
  /** drop restore points older than this (ms) */
  historyRetentionMs: number;
  /** and keep at most this many per board */
  historyMaxEntries: number;
  /** boards whose Y.Doc stays in memory (LRU) */
  cachedBoards: number;
}

export interface PersistenceConfig {
  port: number;
  host: string;
  /** PostgreSQL when set, embedded PGlite otherwise */
  databaseUrl?: string;
  dataDir: string;
  tokenSecret: string;
  allowedOrigins: string[];
  migrationsDir: string;
  maxUpdateBodyBytes: number;
  store: StoreOptions;
  /** content-addressed blobs (src/blob-config.ts); tests may pass only the fields they change */
  blobs?: Partial<BlobOptions>;
}

export const defaultStoreOptions: StoreOptions = {
  compactAfterUpdates: 500,
  compactAfterBytes: 4 * 1024 * 1024,
  compactIdleMs: 30_000,
  historyIntervalMs: 10 * 60_000,
  historyRetentionMs: 30 * 24 * 3_600_000,
  historyMaxEntries: 200,
  cachedBoards: 64,
};

/** prisma/migrations at the repo root; this file sits at apps/persistence/{src,dist}/config.{ts,js}. */
export function defaultMigrationsDir(): string {
  return path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../prisma/migrations');
}

export function loadConfig(env: Record<string, string | undefined> = process.env): PersistenceConfig {
  const tokenSecret = envOptional(env, 'MESHBOARD_TOKEN_SECRET');
  if (!tokenSecret) throw new ConfigError('MESHBOARD_TOKEN_SECRET is required (at least 32 bytes, shared with signaling)');
  if (Buffer.byteLength(tokenSecret) < MIN_SECRET_BYTES) {
    throw new ConfigError(`MESHBOARD_TOKEN_SECRET must be at least ${MIN_SECRET_BYTES} bytes`);
  }
  const dataDir = path.resolve(envString(env, 'MESHBOARD_DATA_DIR', '.meshboard'));
  return {
    port: envPort(env, 'PERSISTENCE_PORT', 4100),
    host: envString(env, 'PERSISTENCE_HOST', '127.0.0.1'),
    databaseUrl: envOptional(env, 'DATABASE_URL'),
    dataDir,
    tokenSecret,
    allowedOrigins: allowedOriginsFrom(env),
    migrationsDir: path.resolve(envString(env, 'MESHBOARD_MIGRATIONS_DIR', defaultMigrationsDir())),
    maxUpdateBodyBytes: envInt(env, 'MESHBOARD_MAX_UPDATE_BYTES', limits.maxUpdateBodyBytes, { min: 1024, max: 1024 * 1024 * 1024 }),
    store: {
      compactAfterUpdates: envInt(env, 'MESHBOARD_COMPACT_AFTER_UPDATES', defaultStoreOptions.compactAfterUpdates, { min: 1 }),
      compactAfterBytes: envInt(env, 'MESHBOARD_COMPACT_AFTER_BYTES', defaultStoreOptions.compactAfterBytes, { min: 1 }),
      compactIdleMs: envInt(env, 'MESHBOARD_COMPACT_IDLE_SECONDS', defaultStoreOptions.compactIdleMs / 1000, { min: 0 }) * 1000,
      historyIntervalMs: envInt(env, 'MESHBOARD_HISTORY_INTERVAL_SECONDS', defaultStoreOptions.historyIntervalMs / 1000, { min: 0 }) * 1000,
      historyRetentionMs: envInt(env, 'MESHBOARD_HISTORY_RETENTION_DAYS', defaultStoreOptions.historyRetentionMs / 86_400_000, { min: 1 }) * 86_400_000,
      historyMaxEntries: envInt(env, 'MESHBOARD_HISTORY_MAX_ENTRIES', defaultStoreOptions.historyMaxEntries, { min: 1 }),
      cachedBoards: envInt(env, 'MESHBOARD_CACHED_BOARDS', defaultStoreOptions.cachedBoards, { min: 1 }),
    },
    blobs: loadBlobOptions(env),
  };
}
