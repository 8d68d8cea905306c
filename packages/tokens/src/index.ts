import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import {
  MeshboardError,
  TOKEN_PREFIX,
  TokenClaims,
  TokenString,
  bytesToBase64Url,
  type BoardId,
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
  const body = bytesToBase64Url(new TextEncoder().encode(JSON.stringify({ b: parsed.b, r: parsed.r, g: parsed.g })));
  const signedPart = `${TOKEN_PREFIX}.${body}`;
  return `${signedPart}.${sign(secret, signedPart).toString('base64url')}`;
}

export type TokenCheck =
  | { ok: true; claims: TokenClaims }
  | { ok: false; error: MeshboardError };

/**
 * Verifies signature and shape, and (when given) that the token is for `boardId`. Constant-time comparison.
 * Does not check the generation: see `checkGeneration`.
 */
export function verifyToken(secret: string, token: unknown, boardId?: BoardId): TokenCheck {
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
  return { ok: true, claims };
}

/** A token whose generation is older than the board's current one was revoked by a rotation. */
export function checkGeneration(claims: TokenClaims, currentGeneration: number): MeshboardError | null {
  return claims.g === currentGeneration
    ? null
    : new MeshboardError('token_revoked', 'this link was revoked; ask the board owner for a new one');
}

export function canEdit(role: Role): boolean {
  return role === 'edit';
}

/** Both links of a board at one generation. */
export function issueBoardTokens(secret: string, boardId: BoardId, generation: number): { editToken: string; viewToken: string } {
  return {
    editToken: issueToken(secret, { b: boardId, r: 'edit', g: generation }),
    viewToken: issueToken(secret, { b: boardId, r: 'view', g: generation }),
  };
}
