import { convertIndexedToRgb, decode, encode, hasPngSignature, type DecodedPng } from 'fast-png';
import { imageSize } from 'image-size';
import { InteropError } from './errors.js';
import { limits } from './limits.js';

/**
 * PNG reading and the text chunk that carries a board, through fast-png (a maintained PNG codec): the header's
 * size is checked first, so a PNG promising a gigapixel is refused before it is inflated.
 */
export function decodePng(bytes: Uint8Array): DecodedPng {
  if (!hasPngSignature(bytes)) throw new InteropError('unsupported_format', 'the file is not a PNG image');
  if (bytes.byteLength > limits.maxFileBytes) throw new InteropError('too_large', `the PNG is larger than ${limits.maxFileBytes / 1024 / 1024} MB`);
  let size: { width?: number; height?: number };
  try {
    size = imageSize(bytes);
  } catch {
    throw new InteropError('truncated', 'the PNG is cut short (its header could not be read)');
  }
  const width = size.width ?? 0;
  const height = size.height ?? 0;
  if (Math.max(width, height) > limits.maxImageSide || width * height > limits.maxImagePixels) {
    throw new InteropError('bad_image', `the PNG claims ${width} x ${height} pixels (at most ${limits.maxImageSide} on a side)`);
  }
  try {
    return decode(bytes);
  } catch (error) {
    throw new InteropError('truncated', `the PNG is damaged or cut short (${(error as Error).message})`);
  }
}

/** The PNG re-encoded with `text` (keyword -> Latin-1 text) in tEXt chunks, pixels unchanged. */
export function withPngText(bytes: Uint8Array, text: Record<string, string>): Uint8Array {
  const png = decodePng(bytes);
  const rgb = png.palette ? { data: convertIndexedToRgb(png), channels: png.palette[0]?.length ?? 3, depth: 8 as const } : { data: png.data, channels: png.channels, depth: png.depth };
  return encode({ width: png.width, height: png.height, data: rgb.data, channels: rgb.channels, depth: rgb.depth, text: { ...png.text, ...text } });
}

/** RGBA pixels as a PNG (used where pixels come from a canvas or renderer). */
export function encodeRgbaPng(width: number, height: number, rgba: Uint8Array | Uint8ClampedArray, text?: Record<string, string>): Uint8Array {
  return encode({ width, height, data: rgba, channels: 4, depth: 8, ...(text ? { text } : {}) });
}
