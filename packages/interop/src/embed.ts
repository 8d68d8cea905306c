import { BOARD_FILE_MIME } from '@meshboard/board';
import { base64ToBytes, bytesToBase64 } from './base64.js';

/**
 * How a board file rides inside an exported image: UTF-8 JSON, base64 (ASCII, so it is safe in an SVG text
 * node and in a PNG tEXt chunk, which holds Latin-1 only).
 */
export const EMBED_KEYWORD = BOARD_FILE_MIME;
export const SVG_NAMESPACE = 'https://meshboard.dev/ns/board';

export function encodeEmbedded(json: string): string {
  return bytesToBase64(new TextEncoder().encode(json));
}

export function decodeEmbedded(text: string): string {
  return new TextDecoder().decode(base64ToBytes(text));
}
