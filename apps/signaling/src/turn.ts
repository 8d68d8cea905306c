import { createHmac } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { ConfigError, envInt, envList, envOptional, pathOnly, type Logger } from '@meshboard/service-kit';
import { ICE_SERVERS_PATH, MeshboardError, errorBody, type IceServer, type IceServersResponse } from '@meshboard/protocol';
import type { TokenAuthority } from './auth.js';

/**
 * Time-limited TURN credentials (the TURN REST API scheme; coturn: `use-auth-secret` + `static-auth-secret`).
 *
 * Signaling and coturn share one secret and never talk to each other: signaling mints
 * username = `<unix expiry>:<board id>`, password = base64(HMAC-SHA1(secret, username)); coturn recomputes the
 * HMAC and refuses a username whose expiry has passed. So a visitor only ever holds a credential that stops
 * working within `ttlSeconds`, and only after showing a valid token of that board — replacing one static
 * user/password handed to every visitor forever.
 */
export interface TurnConfig {
  secret: string;
  /** turn:/turns: URLs handed to browsers, e.g. turn:turn.example.com:3478?transport=udp */
  urls: string[];
  /** STUN URLs handed out alongside (no credential needed) */
  stunUrls: string[];
  ttlSeconds: number;
}

/** Credentials live for hours, never days: a leaked one is worthless by the end of the working day. */
export const DEFAULT_TURN_TTL_SECONDS = 4 * 3600;
export const MAX_TURN_TTL_SECONDS = 12 * 3600;

export function loadTurnConfig(env: Record<string, string | undefined>): TurnConfig | null {
  const secret = envOptional(env, 'MESHBOARD_TURN_SECRET');
  const urls = envList(env, 'MESHBOARD_TURN_URLS');
  const stunUrls = envList(env, 'MESHBOARD_STUN_URLS');
  if (!secret && urls.length === 0 && stunUrls.length === 0) return null;
  if (urls.length > 0 && !secret) throw new ConfigError('MESHBOARD_TURN_URLS is set but MESHBOARD_TURN_SECRET (coturn static-auth-secret) is not');
  if (secret && Buffer.byteLength(secret) < 16) throw new ConfigError('MESHBOARD_TURN_SECRET must be at least 16 bytes');
  if (secret && urls.length === 0) throw new ConfigError('MESHBOARD_TURN_SECRET is set but MESHBOARD_TURN_URLS (turn: URLs for browsers) is not');
  for (const url of urls) if (!/^turns?:/.test(url)) throw new ConfigError(`MESHBOARD_TURN_URLS: "${url}" is not a turn: or turns: URL`);
  for (const url of stunUrls) if (!/^stuns?:/.test(url)) throw new ConfigError(`MESHBOARD_STUN_URLS: "${url}" is not a stun: URL`);
  return {
    secret: secret ?? '',
    urls,
    stunUrls,
    ttlSeconds: envInt(env, 'MESHBOARD_TURN_TTL_SECONDS', DEFAULT_TURN_TTL_SECONDS, { min: 60, max: MAX_TURN_TTL_SECONDS }),
  };
}

export interface TurnCredential {
  username: string;
  credential: string;
  /** unix seconds */
  expires: number;
}

export function mintTurnCredential(secret: string, boardId: string, ttlSeconds: number, nowMs = Date.now()): TurnCredential {
  const expires = Math.floor(nowMs / 1000) + ttlSeconds;
  const username = `${expires}:${boardId}`;
  const credential = createHmac('sha1', secret).update(username).digest('base64');
  return { username, credential, expires };
}

/**
 * `GET /rtc/ice-servers` on the signaling HTTP server. Returns false for every other path, so the server's
 * request handler hooks it in with one line. CORS: the web app may live on another origin in development.
 */
export function createIceServersRoute(deps: {
  turn: TurnConfig | null;
  authority: TokenAuthority;
  originAllowed: (origin: string | undefined) => boolean;
  logger: Logger;
}): (req: IncomingMessage, res: ServerResponse) => boolean {
  const { turn, authority, originAllowed, logger } = deps;
  const send = (res: ServerResponse, status: number, body: unknown, origin: string | undefined) => {
    const headers: Record<string, string> = { 'content-type': 'application/json', 'cache-control': 'no-store' };
    if (origin && originAllowed(origin)) Object.assign(headers, { 'access-control-allow-origin': origin, vary: 'Origin' });
    res.writeHead(status, headers).end(JSON.stringify(body));
  };
  const fail = (res: ServerResponse, error: MeshboardError, origin: string | undefined) => send(res, error.status, error.toBody(), origin);

  return (req, res) => {
    if (pathOnly(req.url) !== ICE_SERVERS_PATH) return false;
    const origin = req.headers.origin;
    if (!originAllowed(origin)) {
      res.writeHead(403, { 'content-type': 'application/json' }).end(JSON.stringify(errorBody('origin_not_allowed', 'origin not allowed')));
      return true;
    }
    if (req.method === 'OPTIONS') {
      res
        .writeHead(204, {
          ...(origin ? { 'access-control-allow-origin': origin, vary: 'Origin' } : {}),
          'access-control-allow-methods': 'GET',
          'access-control-allow-headers': 'authorization',
          'access-control-max-age': '600',
        })
        .end();
      return true;
    }
    if (req.method !== 'GET') {
      fail(res, new MeshboardError('not_found', 'GET only'), origin);
      return true;
    }
    // The token only in a header: URLs end up in proxy logs.
    const header = req.headers.authorization;
    const token = header?.startsWith('Bearer ') ? header.slice('Bearer '.length).trim() : undefined;
    if (!token) {
      fail(res, new MeshboardError('unauthorized', 'send the board token as Authorization: Bearer <token>'), origin);
      return true;
    }
    authority
      .check(token)
      .then((result) => {
        if (!result.ok) return fail(res, result.error, origin);
        const iceServers: IceServer[] = [];
        if (turn?.stunUrls.length) iceServers.push({ urls: turn.stunUrls });
        let expiresAt: string | null = null;
        if (turn && turn.urls.length > 0) {
          const minted = mintTurnCredential(turn.secret, result.claims.b, turn.ttlSeconds);
          iceServers.push({ urls: turn.urls, username: minted.username, credential: minted.credential });
          expiresAt = new Date(minted.expires * 1000).toISOString();
        }
        const body: IceServersResponse = { iceServers, expiresAt };
        send(res, 200, body, origin);
      })
      .catch((error: unknown) => {
        logger.error({ err: error }, 'minting ICE servers failed');
        fail(res, new MeshboardError('internal', 'could not mint ICE servers'), origin);
      });
    return true;
  };
}
