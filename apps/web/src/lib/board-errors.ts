import { MeshboardError, peekTokenClaims } from '@meshboard/protocol';
import { getRecentBoard } from './recent-boards';
import { StoreUnreachableError } from './store-api';

/** The heading of the error screen for a failure of the board store (the body is `describeError`). */
export function errorScreenTitle(error: unknown): string {
  if (error instanceof StoreUnreachableError || (error instanceof MeshboardError && error.code === 'unavailable')) return 'Cannot reach the board store';
  if (error instanceof MeshboardError) {
    if (error.code === 'token_revoked') return 'This link was revoked';
    if (error.code === 'board_not_found' || error.code === 'not_found') return 'Board not found';
    if (error.code === 'rate_limited') return 'Too many requests';
    if (error.code === 'payload_too_large') return 'This board is full';
  }
  return 'Cannot open this board';
}

/** Whether trying again with the same link can help. */
export function isRetryable(error: unknown): boolean {
  return error instanceof StoreUnreachableError || !(error instanceof MeshboardError) || error.code === 'unavailable' || error.code === 'rate_limited';
}

/**
 * A newer link to the same board that this browser already knows (its recent-boards entry, updated when a tab
 * here revoked the links), preferring the edit link; null if none. Lets a revoked tab offer to switch.
 */
export function newerKnownToken(boardId: string, token: string): string | null {
  const current = peekTokenClaims(token);
  if (!current) return null;
  const known = getRecentBoard(boardId);
  // each kind of link has its own generation (issue 13): only a newer link of the SAME kind replaces this one
  for (const candidate of [known?.ownerToken, known?.editToken, known?.viewToken]) {
    const claims = candidate ? peekTokenClaims(candidate) : null;
    if (candidate && claims && claims.b === boardId && claims.r === current.r && claims.g > current.g) return candidate;
  }
  return null;
}

export const SWITCH_TO_NEWER_LINK =
  'This browser already has the board’s new link (the links were changed from this browser). Press “Try again” to open the board with it.';
