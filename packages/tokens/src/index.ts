import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import {
  MeshboardError,
  TOKEN_PREFIX,
  TokenClaims,
  TokenString,
  bytesToBase64Url,
  accessRoleOf,
  type BoardId,
  type LinkRole,
  type Role,
} from '@meshboard/protocol';

/**
 * Issues and verifies capability tokens (format in `@meshboard/protocol` token.ts). Server-only: the secret
 * never leaves signaling and persistence. Verification needs no database; only the generation check does,
 * and that is the caller's (it knows where the board's current generation lives).
 */

/** Minimum secret length: 32 bytes of entropy, as HMAC-SHA256 wants. */
export const MIN_SECRET_BYTES = 32;

export function generateSecret(): string {
  return randomBytes(MIN_SECRET_BYTES).toString('base64url');
}

export function assertUsableSecret(secret: string): void {
  if (Buffer.byteLength(secret) < MIN_SECRET_BYTES) {
    throw new Error(`MESHBOARD_TOKEN_SECRET must be at least ${MIN_SECRET_BYTES} bytes`);
  }
}

function sign(secret: string, signedPart: string): Buffer {
  return createHmac('sha256', secret).update(signedPart).digest();
}

export function issueToken(secret: string, claims: TokenClaims): string {
  const parsed = TokenClaims.parse(claims);
  // fixed key order; `x` only when set, so a token without expiry is byte-for-byte what older versions issued
  const claimsJson = parsed.x === undefined ? { b: parsed.b, r: parsed.r, g: parsed.g } : { b: parsed.b, r: parsed.r, g: parsed.g, x: parsed.x };
  const body = bytesToBase64Url(new TextEncoder().encode(JSON.stringify(claimsJson)));
  const signedPart = `${TOKEN_PREFIX}.${body}`;
  return `${signedPart}.${sign(secret, signedPart).toString('base64url')}`;
}

export type TokenCheck =
  | { ok: true; claims: TokenClaims }
  | { ok: false; error: MeshboardError };

/**
 * Verifies signature and shape, expiry (claim `x`, against `now`), and (when given) that the token is for
 * `boardId`. Constant-time comparison. Does not check the generation: see `checkGeneration`.
 */
export function verifyToken(secret: string, token: unknown, boardId?: BoardId, now: number = Date.now()): TokenCheck {
  if (token === undefined || token === null || token === '') {
    return { ok: false, error: new MeshboardError('unauthorized', 'a board token is required') };
  }
  if (!TokenString.safeParse(token).success) {
    return { ok: false, error: new MeshboardError('unauthorized', 'malformed board token') };
  }
  const [prefix, body, signature] = (token as string).split('.') as [string, string, string];
  const expected = sign(secret, `${prefix}.${body}`);
  // Buffer's base64url decoder never throws on junk (atob would), so bad input is just a mismatch.
  const given = Buffer.from(signature, 'base64url');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
    return { ok: false, error: new MeshboardError('unauthorized', 'board token signature does not verify') };
  }
  let claims: TokenClaims;
  try {
    claims = TokenClaims.parse(JSON.parse(Buffer.from(body, 'base64url').toString('utf8')));
  } catch {
    return { ok: false, error: new MeshboardError('unauthorized', 'malformed board token claims') };
  }
  if (boardId !== undefined && claims.b !== boardId) {
    return { ok: false, error: new MeshboardError('forbidden', 'this token is for another board') };
  }
  const expired = checkExpiry(claims.x, now);
  if (expired) return { ok: false, error: expired };
  return { ok: true, claims };
}

/** A token whose generation is older than the board's current one was revoked by a rotation. */
export function checkGeneration(claims: TokenClaims, currentGeneration: number): MeshboardError | null {
  return claims.g === currentGeneration
    ? null
    : new MeshboardError('token_revoked', 'this link was revoked; ask the board owner for a new one');
}

/**
 * An expiry (Unix seconds, from a claim or the board's setting) that has passed. Same code as a rotation
 * (`token_revoked`): every client already treats it as final, and the message says which it was.
 */
export function checkExpiry(expiresAtSeconds: number | null | undefined, now: number = Date.now()): MeshboardError | null {
  if (expiresAtSeconds === undefined || expiresAtSeconds === null || now < expiresAtSeconds * 1000) return null;
  return new MeshboardError('token_revoked', `this link expired at ${new Date(expiresAtSeconds * 1000).toISOString()}; ask the board owner for a new one`);
}

/** Whether a content role (or link role: owner edits) may change the board. */
export function canEdit(role: Role | LinkRole): boolean {
  return role === 'edit' || role === 'owner';
}

/** Whether a link role manages the board's links and may delete it. */
export function canManage(role: LinkRole): boolean {
  return role === 'owner';
}

/** Which links a holder of `role` may see (and copy): owner all; edit the edit and view links; view none. */
export function visibleLinks(role: LinkRole): LinkRole[] {
  if (role === 'owner') return ['owner', 'edit', 'view'];
  if (role === 'edit') return ['edit', 'view'];
  return [];
}

/**
 * A stable key for "the same grant": tokens with equal keys are revoked or expired together, so a verdict about
 * one holds for all (signaling caches per key). Includes the role, since each role has its own generation.
 */
export function grantKey(claims: TokenClaims): string {
  return `${claims.b}:${claims.r}:${claims.g}:${claims.x ?? ''}`;
}

export { accessRoleOf };

/** Every link of a board; `generations` per role (pre-issue-13 callers pass one number for all). */
export function issueBoardTokens(
  secret: string,
  boardId: BoardId,
  generations: number | Partial<Record<LinkRole, number>>,
  expiries: Partial<Record<LinkRole, number | null>> = {},
): { editToken: string; viewToken: string; ownerToken: string } {
  const generationOf = (role: LinkRole) => (typeof generations === 'number' ? generations : (generations[role] ?? 0));
  const tokenOf = (role: LinkRole) => {
    const x = expiries[role];
    return issueToken(secret, { b: boardId, r: role, g: generationOf(role), ...(x ? { x } : {}) });
  };
  return { editToken: tokenOf('edit'), viewToken: tokenOf('view'), ownerToken: tokenOf('owner') };
}
