import type { Redis } from 'ioredis';
import { BurstyRateLimiter, RateLimiterMemory, RateLimiterRedis, RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible';
import type { RateLimit } from './config.js';

/**
 * Flood control, on `rate-limiter-flexible` (no hand-written buckets).
 *
 * Per connection (memory: a connection lives on one node, and a Redis round trip per relay frame would sit on
 * the live path): a message budget and a byte budget, each a sustained rate plus a burst allowance. Every
 * packet counts, unknown events included (they were an amplifier: answered, never counted). A refusal is a
 * strike; strikes expire on their own window and are NOT forgiven by the next accepted message, so a client
 * sending at a multiple of the rate is cut within seconds.
 */
export class ConnectionLimits {
  private readonly messages: BurstyRateLimiter;
  private readonly bytes: BurstyRateLimiter;
  private readonly strikes: RateLimiterMemory;
  private readonly awareness: RateLimiterMemory;

  constructor(rate: RateLimit, options: { strikes: number; strikeWindowSeconds: number; awarenessHz: number }) {
    // sustained rate per second, plus (burst - rate) extra within any 5 s window
    this.messages = new BurstyRateLimiter(
      new RateLimiterMemory({ keyPrefix: 'msg', points: rate.messagesPerSecond, duration: 1 }),
      new RateLimiterMemory({ keyPrefix: 'msg-burst', points: Math.max(1, rate.burstMessages - rate.messagesPerSecond), duration: 5 }),
    );
    this.bytes = new BurstyRateLimiter(
      new RateLimiterMemory({ keyPrefix: 'bytes', points: rate.bytesPerSecond, duration: 1 }),
      new RateLimiterMemory({ keyPrefix: 'bytes-burst', points: Math.max(1, rate.burstBytes - rate.bytesPerSecond), duration: 5 }),
    );
    this.strikes = new RateLimiterMemory({ keyPrefix: 'strikes', points: options.strikes, duration: options.strikeWindowSeconds });
    this.awareness = new RateLimiterMemory({ keyPrefix: 'awareness', points: options.awarenessHz, duration: 1 });
  }

  /** Whether one packet of `bytes` fits this connection's budget. */
  async take(key: string, bytes: number): Promise<boolean> {
    return (await allowed(this.messages, key, 1)) && (await allowed(this.bytes, key, Math.max(1, Math.ceil(bytes))));
  }

  /** Cursor frames: volatile, dropped past the rate (never an edit). */
  awarenessPass(key: string): Promise<boolean> {
    return allowed(this.awareness, key, 1);
  }

  /** Counts one refusal. True when the connection was refused too often within the window: cut it. */
  async strike(key: string): Promise<boolean> {
    return !(await allowed(this.strikes, key, 1));
  }

  forget(key: string): void {
    for (const limiter of [this.strikes, this.awareness]) void limiter.delete(key).catch(() => undefined);
  }
}

/**
 * Per client IP: new connections per minute (shared through Redis when REDIS_URL is set, so a client cannot
 * spread a storm over nodes; memory otherwise) and concurrent connections (per node: a concurrency count in
 * Redis would leak the slots of a node that dies).
 */
export class IpLimits {
  private readonly open = new Map<string, number>();
  private readonly memory: RateLimiterMemory;
  private attempts: RateLimiterAbstract;

  constructor(
    private readonly maxConcurrent: number,
    private readonly perMinute: number,
  ) {
    this.memory = new RateLimiterMemory({ keyPrefix: 'ip-connect', points: perMinute, duration: 60 });
    this.attempts = this.memory;
  }

  /**
   * share the connect rate across nodes (memory stays as the insurance when Redis fails); the key carries the
   * deployment's SIGNALING_REDIS_KEY, so two deployments (or parallel test clusters) on one Redis do not spend
   * each other's budget
   */
  useRedis(redis: Redis, keyPrefix: string): void {
    this.attempts = new RateLimiterRedis({
      storeClient: redis,
      keyPrefix,
      points: this.perMinute,
      duration: 60,
      insuranceLimiter: this.memory,
    });
  }

  /**
   * Whether `ip` may open one more connection (call `opened` once it is established and `release` when it
   * closes). Counting only established connections cannot leak a slot on a handshake that never completes;
   * handshakes racing from one IP may overshoot the cap by the few in flight.
   */
  async admit(ip: string): Promise<null | 'too_many_connections' | 'connecting_too_fast'> {
    if ((this.open.get(ip) ?? 0) >= this.maxConcurrent) return 'too_many_connections';
    if (!(await allowed(this.attempts, ip, 1))) return 'connecting_too_fast';
    return null;
  }

  opened(ip: string): void {
    this.open.set(ip, (this.open.get(ip) ?? 0) + 1);
  }

  release(ip: string): void {
    const count = (this.open.get(ip) ?? 1) - 1;
    if (count <= 0) this.open.delete(ip);
    else this.open.set(ip, count);
  }

  get tracked(): number {
    return this.open.size;
  }
}

async function allowed(limiter: { consume(key: string, points?: number): Promise<RateLimiterRes> }, key: string, points: number): Promise<boolean> {
  try {
    await limiter.consume(key, points);
    return true;
  } catch (error) {
    if (error instanceof RateLimiterRes) return false;
    // the limiter's store failed (Redis without insurance): do not take the service down over it
    return true;
  }
}

/** Approximate wire size of an event's arguments, measured iteratively (binary exactly, the rest as JSON). */
export function approxSize(value: unknown, cap = 64 * 1024 * 1024): number {
  const stack: unknown[] = [value];
  let total = 0;
  while (stack.length > 0 && total <= cap) {
    const item = stack.pop();
    if (item instanceof Uint8Array || item instanceof ArrayBuffer) total += item.byteLength;
    else if (item === null || item === undefined) total += 4;
    else if (typeof item === 'string') total += item.length;
    else if (typeof item === 'number' || typeof item === 'boolean') total += 8;
    else if (Array.isArray(item)) {
      total += 2 + item.length;
      for (let i = 0; i < item.length; i++) stack.push(item[i]);
    } else if (typeof item === 'object') {
      total += 2;
      for (const key of Object.keys(item)) {
        total += key.length + 3;
        stack.push((item as Record<string, unknown>)[key]);
      }
    }
  }
  return total;
}
