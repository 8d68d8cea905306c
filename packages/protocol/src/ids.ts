import { z } from 'zod';
import { base64ToBytes, bytesToBase64 } from './base64.js';

/**
 * A board id is 16 random bytes (128 bits) in base64url: 22 characters. Ids are the only names boards have
 * on the wire (topics, rooms, URLs): titles never travel outside the board's own document and metadata.
 */
export const BOARD_ID_BYTES = 16;
export const BoardId = z
  .string()
  .regex(/^[A-Za-z0-9_-]{22}$/, 'a board id is 22 base64url characters (128 random bits)');
export type BoardId = z.infer<typeof BoardId>;

export function isBoardId(value: unknown): value is BoardId {
  return BoardId.safeParse(value).success;
}

/** A new random board id; uses Web Crypto, which Node 20 and every browser have. */
export function newBoardId(): BoardId {
  const bytes = new Uint8Array(BOARD_ID_BYTES);
  globalThis.crypto.getRandomValues(bytes);
  return bytesToBase64Url(bytes);
}

export function bytesToBase64Url(bytes: Uint8Array): string {
  return bytesToBase64(bytes).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

export function base64UrlToBytes(text: string): Uint8Array {
  const standard = text.replace(/-/g, '+').replace(/_/g, '/');
  return base64ToBytes(standard.padEnd(Math.ceil(standard.length / 4) * 4, '='));
}
