import { BlockList, isIP } from 'node:net';
import rateLimit from '@fastify/rate-limit';
import { MeshboardError } from '@meshboard/protocol';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { Redis } from 'ioredis';
import type { HttpLimits } from '../config.js';
import { RETRY_AFTER_SECONDS } from './errors.js';

/**
 * Rate limits on the store's door, with `@fastify/rate-limit` (counters in Redis when `REDIS_URL` is set, so
 * several store processes share them; per process otherwise). Three budgets, each keyed on its own prefix:
 * per client IP (every route, checked first, before any token work), per board token (after the token
 * verified), and board creations per IP. Plus a process-wide cap on large bodies being read at once.
 *
 * `limitHook(name, ...)` is the reusable piece for routes other sessions add (blobs): one call gives an
 * `onRequest`-style check with its own budget and key.
 */
export interface RequestLimiter {
  /** throws `rate_limited` (429, with Retry-After) once `key(request)` used up its budget */
  check(request: FastifyRequest, reply: FastifyReply): Promise<void>;
}

export interface StoreLimits {
  perIp: RequestLimiter;
  perToken: RequestLimiter;
  creates: RequestLimiter;
  /** makes another budget (e.g. blob uploads per token per hour) on the same counter store */
  limitHook(name: string, max: number, timeWindowMs: number, key: (request: FastifyRequest) => string | undefined): RequestLimiter;
  /** admits a large body, or throws `unavailable` (503, Retry-After) when `maxLargeBodies` are already being read */
  admitBody(request: FastifyRequest, reply: FastifyReply): void;
  largeBodiesInFlight(): number;
  close(): Promise<void>;
}

type CreateRateLimit = (options: { max: number; timeWindow: number; keyGenerator: (request: FastifyRequest) => string }) => (
  request: FastifyRequest,
) => Promise<{ isAllowed: boolean; isExceeded?: boolean; ttlInSeconds?: number }>;

export async function installLimits(app: FastifyInstance, limits: HttpLimits, tokenKeyOf: (request: FastifyRequest) => string | undefined): Promise<StoreLimits> {
  const redis = limits.redisUrl ? new Redis(limits.redisUrl, { lazyConnect: false, maxRetriesPerRequest: 1, enableOfflineQueue: false, connectTimeout: 2_000 }) : null;
  // A Redis outage must not take the store down with it: counters fail open (skipOnError) and the error is logged once per reconnect by ioredis.
  redis?.on('error', () => {});
  await app.register(rateLimit, {
    global: false,
    skipOnError: true,
    ...(redis ? { redis, nameSpace: 'meshboard:store:rl:' } : {}),
  });
  const create = (app as unknown as { createRateLimit: CreateRateLimit }).createRateLimit;

  function limitHook(name: string, max: number, timeWindowMs: number, key: (request: FastifyRequest) => string | undefined): RequestLimiter {
    const limiter = create({ max, timeWindow: timeWindowMs, keyGenerator: (request) => `${name}:${key(request) ?? ''}` });
    return {
      async check(request, reply) {
        if (key(request) === undefined) return;
        const result = await limiter(request);
        if (result.isAllowed || !result.isExceeded) return;
        void reply.header('retry-after', String(Math.max(1, result.ttlInSeconds ?? 1)));
        throw new MeshboardError('rate_limited', `too many requests (${name}); retry in ${Math.max(1, result.ttlInSeconds ?? 1)} s`);
      },
    };
  }

  const exempt = exemptList(limits.rateLimitExempt);
  const clientIp = (request: FastifyRequest) => (exempt(request.ip) ? undefined : request.ip);
  let large = 0;
  return {
    perIp: limitHook('ip', limits.perIpPerMinute, 60_000, clientIp),
    perToken: limitHook('token', limits.perTokenPerMinute, 60_000, tokenKeyOf),
    creates: limitHook('create', limits.createsPerIpPerHour, 3_600_000, clientIp),
    limitHook,
    admitBody(request, reply) {
      const length = Number(request.headers['content-length'] ?? NaN);
      const chunked = Number.isNaN(length) && /chunked/i.test(String(request.headers['transfer-encoding'] ?? ''));
      if (!chunked && !(length > limits.largeBodyBytes)) return;
      if (large >= limits.maxLargeBodies) {
        void reply.header('retry-after', String(RETRY_AFTER_SECONDS));
        throw new MeshboardError('unavailable', 'too many large uploads at once; retry shortly');
      }
      large += 1;
      let released = false;
      // 'close' fires once the response is done or the connection dropped, whichever comes first.
      reply.raw.once('close', () => {
        if (!released) {
          released = true;
          large -= 1;
        }
      });
    },
    largeBodiesInFlight: () => large,
    async close() {
      if (redis) await redis.quit().catch(() => redis.disconnect());
    },
  };
}

/** `MESHBOARD_RATE_LIMIT_EXEMPT` entries (addresses or CIDRs, IPv4 or IPv6) as a membership test. */
export function exemptList(entries: string[]): (ip: string) => boolean {
  if (entries.length === 0) return () => false;
  const list = new BlockList();
  for (const entry of entries) {
    const [address, prefix] = entry.split('/') as [string, string | undefined];
    const family = isIP(address);
    if (family === 0) throw new Error(`MESHBOARD_RATE_LIMIT_EXEMPT: "${entry}" is not an address or CIDR`);
    const type = family === 6 ? 'ipv6' : 'ipv4';
    if (prefix === undefined) list.addAddress(address, type);
    else list.addSubnet(address, Number(prefix), type);
  }
  return (ip) => {
    const family = isIP(ip);
    if (family === 0) return false;
    if (list.check(ip, family === 6 ? 'ipv6' : 'ipv4')) return true;
    // an IPv4 client seen on a dual-stack socket as ::ffff:a.b.c.d
    const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(ip);
    return mapped ? list.check(mapped[1]!, 'ipv4') : false;
  };
}
