import { z } from 'zod';
import { BoardId, base64UrlToBytes } from './ids.js';

/**
 * Capability tokens. A token grants one role on one board:
 *
 *   mb1.<base64url(JSON claims)>.<base64url(HMAC-SHA256(secret, "mb1." + claims part))>
 *
 * Signaling and persistence share the secret, so either verifies a token without a database round trip.
 * `g` is the board's token generation: rotating a board's links bumps it, and every token with an older
 * generation is refused (`token_revoked`). Signing and verifying live in `@meshboard/tokens` (server-only);
 * this module only describes the shape, so clients can read the role and board out of a link.
 */
/**
 * What a connection may do with the board's content: edit or only view. This is the role on the wire
 * (presence, join acks, `BoardMeta.role`): an owner link is an editor for realtime purposes.
 */
export const Role = z.enum(['edit', 'view']);
export type Role = z.infer<typeof Role>;

/**
 * The kind of link a token is (issue 13): `owner` manages the board (sees and rotates every link, sets expiries,
 * deletes the board) and edits; `edit` edits and may copy the edit and view links; `view` only sees the board.
 * Each kind has its own generation on the board, so one kind can be revoked without touching the others.
 */
export const LinkRole = z.enum(['owner', 'edit', 'view']);
export type LinkRole = z.infer<typeof LinkRole>;
export const LINK_ROLES: readonly LinkRole[] = LinkRole.options;

/** The content role a link grants: owner links edit. */
export function accessRoleOf(link: LinkRole): Role {
  return link === 'view' ? 'view' : 'edit';
}

export const TokenClaims = z.object({
  /** board id */
  b: BoardId,
  /** link role (tokens issued before issue 13 only carry 'edit' or 'view') */
  r: LinkRole,
  /** generation of this link role on the board when the token was issued (pre-issue-13 boards: one generation for all) */
  g: z.number().int().nonnegative(),
  /** optional expiry, Unix seconds: refused from then on, by every service, without asking the store */
  x: z.number().int().positive().optional(),
});
export type TokenClaims = z.infer<typeof TokenClaims>;

export const TOKEN_PREFIX = 'mb1';
/** Upper bound on a token's length; anything longer is refused before any parsing. */
export const MAX_TOKEN_LENGTH = 256;
export const TokenString = z
  .string()
  .max(MAX_TOKEN_LENGTH)
  .regex(/^mb1\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/, 'not a Meshboard token');

/**
 * Reads the claims of a token WITHOUT verifying it. For clients only (to show "view only" before joining);
 * a server must call `verifyToken` from `@meshboard/tokens` instead.
 */
export function peekTokenClaims(token: string): TokenClaims | null {
  if (!TokenString.safeParse(token).success) return null;
  const claimsPart = token.split('.')[1] ?? '';
  try {
    const json = new TextDecoder().decode(base64UrlToBytes(claimsPart));
    const parsed = TokenClaims.safeParse(JSON.parse(json));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}
