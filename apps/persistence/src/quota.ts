import { MeshboardError } from '@meshboard/protocol';

/**
 * Per-board caps, answered `413 payload_too_large` with a sentence a person can act on. The store uses it for
 * the board's stored bytes (`MESHBOARD_MAX_BOARD_BYTES`, checked in the write path); other counted things of a
 * board (blob count and bytes) call the same function so every cap answers alike.
 */
export function assertWithinQuota(what: string, current: number, adding: number, max: number, unit = ''): void {
  if (current + adding <= max) return;
  throw new MeshboardError('payload_too_large', `this board is full: at most ${max}${unit} of ${what} (it has ${current}${unit}); delete some or start a new board`);
}
