import { MeshboardError } from '@meshboard/protocol';
import { StoreUnreachableError } from './store-api';

/** The heading of the error screen for a failure of the board store (the body is `describeError`). */
export function errorScreenTitle(error: unknown): string {
  if (error instanceof StoreUnreachableError || (error instanceof MeshboardError && error.code === 'unavailable')) return 'Cannot reach the board store';
  if (error instanceof MeshboardError) {
    if (error.code === 'token_revoked') return 'This link was revoked';
    if (error.code === 'board_not_found' || error.code === 'not_found') return 'Board not found';
  }
  return 'Cannot open this board';
}

/** Whether trying again with the same link can help. */
export function isRetryable(error: unknown): boolean {
  return error instanceof StoreUnreachableError || !(error instanceof MeshboardError) || error.code === 'unavailable';
}
