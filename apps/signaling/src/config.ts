import { ConfigError, allowedOriginsFrom, envInt, envOptional, envPort, envString } from '@meshboard/service-kit';
import { limits } from '@meshboard/protocol';
import { assertUsableSecret } from '@meshboard/tokens';
import { loadTurnConfig, type TurnConfig } from './turn.js';

export interface RateLimit {
  /** sustained messages per second per connection */
  messagesPerSecond: number;
  burstMessages: number;
  /** sustained bytes per second per connection */
  bytesPerSecond: number;
  burstBytes: number;
}

export interface SignalingConfig {
  port: number;
  host: string;
  tokenSecret: string;
  /** where the board's current token generation is learned (GET /v1/boards/:id with the token) */
  persistenceUrl: string;
  redisUrl?: string;
  /** prefix of every Redis key and channel of this deployment (adapter, cluster presence) */
  redisKey: string;
  /** empty: allow every origin (dev) */
  allowedOrigins: string[];
  maxFrameBytes: number;
  /** a connection that has not joined a board within this is closed */
  handshakeTimeoutMs: number;
  /** plain-WebSocket (y-webrtc) connections silent for this long are closed (stock clients ping every 15 s) */
  idleTimeoutMs: number;
  /** Socket.IO heartbeat: a dead tab is removed after at most pingInterval + pingTimeout */
  pingIntervalMs: number;
  pingTimeoutMs: number;
  /** cursor moves on a board are sent to it together, once per this many ms (cursor-batches.ts) */
  cursorBatchMs: number;
  rate: RateLimit;
  /** how long a persistence answer about a token generation is trusted */
  generationCacheMs: number;
  /** how often live connections are re-checked for revoked tokens */
  revalidateIntervalMs: number;
  /**
   * Persistence unreachable: a valid signature is still admitted (fail open) for at most this long after the
   * store last answered; past that, joins are refused with `unavailable` until it answers again.
   */
  failOpenMs: number;
  /** concurrent Socket.IO + stock connections per client IP, per node */
  maxConnectionsPerIp: number;
  /** new connections per client IP per minute (cluster-wide through Redis when REDIS_URL is set) */
  connectionsPerIpPerMinute: number;
  /** take the client IP from the last X-Forwarded-For hop (set behind the compose proxy) */
  trustProxy: boolean;
  version: string;
  /** time-limited TURN credentials minted at GET /rtc/ice-servers (turn.ts); null/absent: none configured */
  turn?: TurnConfig | null;
}

export const defaultRate: RateLimit = {
  messagesPerSecond: 300,
  burstMessages: 600,
  bytesPerSecond: 8 * 1024 * 1024,
  burstBytes: 24 * 1024 * 1024,
};

export function loadConfig(env: Record<string, string | undefined> = process.env): SignalingConfig {
  const tokenSecret = envOptional(env, 'MESHBOARD_TOKEN_SECRET');
  if (!tokenSecret) throw new ConfigError('MESHBOARD_TOKEN_SECRET is required (at least 32 bytes)');
  try {
    assertUsableSecret(tokenSecret);
  } catch (error) {
    throw new ConfigError((error as Error).message);
  }
  const redisUrl = envOptional(env, 'REDIS_URL');
  return {
    port: envPort(env, 'SIGNALING_PORT', 4000),
    host: envString(env, 'SIGNALING_HOST', '127.0.0.1'),
    tokenSecret,
    persistenceUrl: envString(env, 'PERSISTENCE_URL', 'http://127.0.0.1:4100').replace(/\/+$/, ''),
    ...(redisUrl ? { redisUrl } : {}),
    redisKey: envString(env, 'SIGNALING_REDIS_KEY', 'meshboard-signaling'),
    allowedOrigins: allowedOriginsFrom(env),
    maxFrameBytes: envInt(env, 'SIGNALING_MAX_FRAME_BYTES', limits.maxFrameBytes, { min: 64 * 1024, max: 64 * 1024 * 1024 }),
    handshakeTimeoutMs: envInt(env, 'SIGNALING_HANDSHAKE_TIMEOUT_MS', 10_000, { min: 100 }),
    idleTimeoutMs: envInt(env, 'SIGNALING_IDLE_TIMEOUT_MS', 60_000, { min: 1000 }),
    pingIntervalMs: envInt(env, 'SIGNALING_PING_INTERVAL_MS', 5_000, { min: 100 }),
    pingTimeoutMs: envInt(env, 'SIGNALING_PING_TIMEOUT_MS', 5_000, { min: 100 }),
    // one slot of the client's own cursor throttle (packages/sync LiveAwareness): a move waits at most this long
    cursorBatchMs: envInt(env, 'SIGNALING_CURSOR_BATCH_MS', 50, { min: 5, max: 1000 }),
    rate: {
      messagesPerSecond: envInt(env, 'SIGNALING_RATE_MESSAGES', defaultRate.messagesPerSecond, { min: 1 }),
      burstMessages: envInt(env, 'SIGNALING_BURST_MESSAGES', defaultRate.burstMessages, { min: 1 }),
      bytesPerSecond: envInt(env, 'SIGNALING_RATE_BYTES', defaultRate.bytesPerSecond, { min: 1024 }),
      burstBytes: envInt(env, 'SIGNALING_BURST_BYTES', defaultRate.burstBytes, { min: 1024 }),
    },
    generationCacheMs: envInt(env, 'SIGNALING_GENERATION_CACHE_MS', 5_000, { min: 0 }),
    revalidateIntervalMs: envInt(env, 'SIGNALING_REVALIDATE_MS', 30_000, { min: 100 }),
    failOpenMs: envInt(env, 'SIGNALING_FAIL_OPEN_MS', 5 * 60_000, { min: 0 }),
    // 256: a class or workshop of 100 people behind one school or office NAT address, some with two tabs, must
    // all get in (64 refused the 65th); 256 idle connections cost a node about 5 MB, so floods stay bounded.
    maxConnectionsPerIp: envInt(env, 'SIGNALING_MAX_CONNECTIONS_PER_IP', 256, { min: 1 }),
    connectionsPerIpPerMinute: envInt(env, 'SIGNALING_CONNECTIONS_PER_IP_PER_MINUTE', 600, { min: 1 }),
    trustProxy: envBool(env, 'SIGNALING_TRUST_PROXY', false),
    version: envString(env, 'MESHBOARD_VERSION', '0.1.0'),
    turn: loadTurnConfig(env),
  };
}

function envBool(env: Record<string, string | undefined>, name: string, fallback: boolean): boolean {
  const raw = envOptional(env, name)?.trim().toLowerCase();
  if (raw === undefined || raw === '') return fallback;
  if (['1', 'true', 'yes', 'on'].includes(raw)) return true;
  if (['0', 'false', 'no', 'off'].includes(raw)) return false;
  throw new ConfigError(`${name} must be true or false (got "${raw}")`);
}
