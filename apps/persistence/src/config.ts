import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { limits } from '@meshboard/protocol';
import { ConfigError, allowedOriginsFrom, envInt, envList, envOptional, envPort, envString } from '@meshboard/service-kit';
import { MIN_SECRET_BYTES } from '@meshboard/tokens';
import { loadBlobOptions, type BlobOptions } from './blob-config.js';

export interface StoreOptions {
  /** compact a board once its log holds this many rows… */
  compactAfterUpdates: number;
  /** …or this many bytes… */
  compactAfterBytes: number;
  /** …or after this long without writes (ms; 0 disables the idle trigger) */
  compactIdleMs: number;
  /**
   * …and at the latest this long after its first uncompacted write, even while edits keep coming (the idle
   * timer alone never fires during a long session, so no restore point was taken: issue 13 item 7). 0 = off;
   * only applies while the idle trigger is on.
   */
  compactMaxWaitMs: number;
  /** keep at most one compaction restore point per this many ms of activity */
  historyIntervalMs: number;
  /** drop restore points older than this (ms) */
  historyRetentionMs: number;
  /** and keep at most this many per board */
  historyMaxEntries: number;
  /** boards whose Y.Doc stays in memory (LRU) */
  cachedBoards: number;
  /** a board's stored bytes (snapshot + log) may not grow past this: appends beyond it get `413` */
  maxBoardBytes: number;
}

/** Limits on the HTTP door (see README, "Limits"). */
export interface HttpLimits {
  /** requests per minute from one client IP (every route) */
  perIpPerMinute: number;
  /** requests per minute carrying one board token */
  perTokenPerMinute: number;
  /** boards one client IP may create per hour */
  createsPerIpPerHour: number;
  /** when set, `POST /v1/boards` needs `x-meshboard-create-secret: <this>` */
  createSecret?: string;
  /** whole request (headers and body) must arrive within this (ms): a slow sender is cut */
  requestTimeoutMs: number;
  /** headers must arrive within this (ms) */
  headersTimeoutMs: number;
  /** bodies above `largeBodyBytes` (or of unknown length) read at once, process-wide; more wait with `503` */
  maxLargeBodies: number;
  largeBodyBytes: number;
  /** Redis shared by several store processes for rate-limit counters; per-process counters when unset */
  redisUrl?: string;
  /** client addresses (IPs or CIDRs) exempt from the per-IP budgets: e.g. the signaling service, a load generator */
  rateLimitExempt: string[];
  /** fastify `trustProxy`: set it behind a reverse proxy so limits see client addresses, not the proxy's */
  trustProxy: boolean | string | number;
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
  /** HTTP limits; each one missing takes its default (`defaultHttpLimits`) */
  limits?: Partial<HttpLimits>;
  /** `MESHBOARD_ADMIN_TOKEN`: enables `/v1/admin/*` (every board, sizes, delete); unset = no admin routes */
  adminToken?: string;
  /** content-addressed blobs (src/blob-config.ts); tests may pass only the fields they change */
  blobs?: Partial<BlobOptions>;
}

export const defaultStoreOptions: StoreOptions = {
  compactAfterUpdates: 500,
  compactAfterBytes: 4 * 1024 * 1024,
  compactIdleMs: 30_000,
  compactMaxWaitMs: 60_000,
  historyIntervalMs: 10 * 60_000,
  historyRetentionMs: 30 * 24 * 3_600_000,
  historyMaxEntries: 200,
  cachedBoards: 64,
  maxBoardBytes: 256 * 1024 * 1024,
};

export const defaultHttpLimits: HttpLimits = {
  // Generous on purpose: these stop floods, not use. One office behind one NAT address shares the per-IP budget,
  // and everyone holding a board's edit link shares that token's.
  perIpPerMinute: 6000,
  perTokenPerMinute: 3000,
  createsPerIpPerHour: 300,
  requestTimeoutMs: 60_000,
  headersTimeoutMs: 10_000,
  maxLargeBodies: 4,
  largeBodyBytes: 1024 * 1024,
  rateLimitExempt: [],
  trustProxy: false,
};

/** `MESHBOARD_TRUST_PROXY`: unset/false, true, a hop count, or addresses/CIDRs (fastify's `trustProxy`). */
function trustProxyFrom(raw: string | undefined): boolean | string | number {
  if (raw === undefined || raw === '' || raw === 'false') return false;
  if (raw === 'true') return true;
  if (/^\d+$/.test(raw)) return Number(raw);
  return raw;
}

/** `MESHBOARD_ADMIN_TOKEN`: optional; when set, long enough that guessing it is hopeless. */
function adminTokenFrom(env: Record<string, string | undefined>): string | undefined {
  const token = envOptional(env, 'MESHBOARD_ADMIN_TOKEN');
  if (token !== undefined && Buffer.byteLength(token) < 16) throw new ConfigError('MESHBOARD_ADMIN_TOKEN must be at least 16 bytes (e.g. `openssl rand -base64 32`)');
  return token;
}

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
      compactMaxWaitMs: envInt(env, 'MESHBOARD_COMPACT_MAX_WAIT_SECONDS', defaultStoreOptions.compactMaxWaitMs / 1000, { min: 0 }) * 1000,
      historyIntervalMs: envInt(env, 'MESHBOARD_HISTORY_INTERVAL_SECONDS', defaultStoreOptions.historyIntervalMs / 1000, { min: 0 }) * 1000,
      historyRetentionMs: envInt(env, 'MESHBOARD_HISTORY_RETENTION_DAYS', defaultStoreOptions.historyRetentionMs / 86_400_000, { min: 1 }) * 86_400_000,
      historyMaxEntries: envInt(env, 'MESHBOARD_HISTORY_MAX_ENTRIES', defaultStoreOptions.historyMaxEntries, { min: 1 }),
      cachedBoards: envInt(env, 'MESHBOARD_CACHED_BOARDS', defaultStoreOptions.cachedBoards, { min: 1 }),
      maxBoardBytes: envInt(env, 'MESHBOARD_MAX_BOARD_BYTES', defaultStoreOptions.maxBoardBytes, { min: 1024 }),
    },
    limits: {
      perIpPerMinute: envInt(env, 'MESHBOARD_RATE_LIMIT_PER_IP', defaultHttpLimits.perIpPerMinute, { min: 1 }),
      perTokenPerMinute: envInt(env, 'MESHBOARD_RATE_LIMIT_PER_TOKEN', defaultHttpLimits.perTokenPerMinute, { min: 1 }),
      createsPerIpPerHour: envInt(env, 'MESHBOARD_CREATE_LIMIT_PER_IP', defaultHttpLimits.createsPerIpPerHour, { min: 1 }),
      createSecret: envOptional(env, 'MESHBOARD_CREATE_SECRET'),
      requestTimeoutMs: envInt(env, 'MESHBOARD_REQUEST_TIMEOUT_SECONDS', defaultHttpLimits.requestTimeoutMs / 1000, { min: 1 }) * 1000,
      headersTimeoutMs: envInt(env, 'MESHBOARD_HEADERS_TIMEOUT_SECONDS', defaultHttpLimits.headersTimeoutMs / 1000, { min: 1 }) * 1000,
      maxLargeBodies: envInt(env, 'MESHBOARD_MAX_LARGE_BODIES', defaultHttpLimits.maxLargeBodies, { min: 1 }),
      largeBodyBytes: defaultHttpLimits.largeBodyBytes,
      redisUrl: envOptional(env, 'REDIS_URL'),
      rateLimitExempt: envList(env, 'MESHBOARD_RATE_LIMIT_EXEMPT'),
      trustProxy: trustProxyFrom(envOptional(env, 'MESHBOARD_TRUST_PROXY')),
    },
    adminToken: adminTokenFrom(env),
    blobs: loadBlobOptions(env),
  };
}
