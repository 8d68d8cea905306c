import { timingSafeEqual, createHash } from 'node:crypto';
import { BoardId, MeshboardError, accessRoleOf, type LinkRole, type Role, type TokenClaims } from '@meshboard/protocol';
import { canManage, checkExpiry, checkGeneration, verifyToken } from '@meshboard/tokens';
import type { FastifyRequest } from 'fastify';
import type { BoardRecord } from '../store.js';

/**
 * Who may use a route, decided in `onRequest`: before fastify reads a single byte of the body, so a forged or
 * revoked token costs the store one HMAC and (for a well-signed token) one primary-key read, never a 64 MiB
 * buffer. Routes declare what they need in `config.access`.
 */
/** `admin`: the instance admin token (`MESHBOARD_ADMIN_TOKEN`, routes/admin.ts), no board token. */
export type Access = 'view' | 'edit' | 'owner' | 'create' | 'open' | 'admin';

declare module 'fastify' {
  interface FastifyContextConfig {
    access?: Access;
  }
  interface FastifyRequest {
    /** the board and role the token grants, set by the access hook on board routes */
    grant: Grant | null;
  }
}

/** Header that carries the instance's board-creation secret when `MESHBOARD_CREATE_SECRET` is set. */
export const CREATE_SECRET_HEADER = 'x-meshboard-create-secret';

export function tokenOf(request: FastifyRequest): string | undefined {
  const header = request.headers.authorization;
  if (header) {
    const match = /^Bearer\s+(\S+)$/i.exec(header);
    if (!match) throw new MeshboardError('unauthorized', 'use "Authorization: Bearer <token>"');
    return match[1];
  }
  const query = request.query as Record<string, unknown> | undefined;
  const token = query?.token;
  return typeof token === 'string' ? token : undefined;
}

/** A short, irreversible name for a token (rate-limit keys; never logged or stored as the token itself). */
export function tokenKey(token: string): string {
  return createHash('sha256').update(token).digest('base64url').slice(0, 22);
}

export interface AccessOptions {
  tokenSecret: string;
  createSecret?: string;
  getBoard(id: string): Promise<BoardRecord | null>;
}

/** What a request may do: `role` on the content (owner links edit), `link` the kind of link presented. */
export interface Grant {
  board: BoardRecord;
  role: Role;
  link: LinkRole;
}

/**
 * The kind of link a verified token is on this board. Pre-issue-13 boards (`legacyOwner`) never had an owner link,
 * so their edit links act as one until an owner rotates the edit link (see the owner_links migration).
 */
export function linkRoleOf(claims: TokenClaims, board: BoardRecord): LinkRole {
  return claims.r === 'edit' && board.legacyOwner ? 'owner' : claims.r;
}

/**
 * Whether a verified token is still current on this board: its kind's generation, the expiry in the token (`x`,
 * already checked by verifyToken) and the board's expiry for that kind. Signaling asks this same question through
 * `GET /v1/boards/:id`, so store and relay agree.
 */
export function checkCurrent(claims: TokenClaims, board: BoardRecord, now: number = Date.now()): MeshboardError | null {
  const state = board.links[claims.r];
  const revoked = checkGeneration(claims, state.generation);
  if (revoked) return revoked;
  return checkExpiry(state.expiresAt ? Math.ceil(state.expiresAt.getTime() / 1000) : null, now);
}

/** Verifies the token for this board, its generation and expiry, and the role the route needs. */
export async function authorizeBoard(request: FastifyRequest, need: 'view' | 'edit' | 'owner', options: AccessOptions): Promise<Grant> {
  const { id } = request.params as { id: string };
  if (!BoardId.safeParse(id).success) throw new MeshboardError('board_not_found', 'no such board');
  const check = verifyToken(options.tokenSecret, tokenOf(request), id);
  if (!check.ok) throw check.error;
  const board = await options.getBoard(id);
  if (!board) throw new MeshboardError('board_not_found', 'no such board');
  const stale = checkCurrent(check.claims, board);
  if (stale) throw stale;
  const link = linkRoleOf(check.claims, board);
  const role = accessRoleOf(link);
  if (need === 'edit' && role !== 'edit') throw new MeshboardError('forbidden', 'this link is view-only');
  if (need === 'owner' && !canManage(link)) throw new MeshboardError('forbidden', 'only the board owner link can do this');
  return { board, role, link };
}

/** When the instance restricts board creation, the request must present its secret (compared in constant time). */
export function checkCreateSecret(request: FastifyRequest, createSecret: string | undefined): void {
  if (!createSecret) return;
  const given = request.headers[CREATE_SECRET_HEADER];
  const expected = createHash('sha256').update(createSecret).digest();
  const actual = createHash('sha256').update(typeof given === 'string' ? given : '').digest();
  if (typeof given !== 'string' || !timingSafeEqual(expected, actual)) {
    throw new MeshboardError('forbidden', 'creating boards on this instance needs its creation password');
  }
}
