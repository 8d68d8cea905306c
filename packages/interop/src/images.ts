import { imageSize } from 'image-size';
import type { Asset } from '@meshboard/board';
import { InteropError } from './errors.js';
import { limits } from './limits.js';
import { svgHazard } from './svg-safety.js';

export type ImageMime = Asset['mimeType'];

/** An image ready to become a board asset: bytes checked against what they claim to be. */
export interface CheckedImage {
  mimeType: ImageMime;
  data: Uint8Array;
  width: number;
  height: number;
}

const TYPE_TO_MIME: Record<string, ImageMime> = { png: 'image/png', jpg: 'image/jpeg', gif: 'image/gif', webp: 'image/webp', svg: 'image/svg+xml' };

/**
 * Checks image bytes before they reach a board: the size limit, the real type read from the bytes (never the
 * name or declared type: a file that says PNG but is something else is refused), the real pixel size read from
 * the header (a header promising 100,000 x 100,000 pixels is refused before anyone decodes it), and SVG safety.
 */
export function checkImage(data: Uint8Array, declaredMime?: string): CheckedImage {
  if (data.byteLength === 0) throw new InteropError('bad_image', 'the image is empty');
  if (data.byteLength > limits.maxImageBytes) {
    throw new InteropError('too_large', `the image is ${(data.byteLength / 1024 / 1024).toFixed(1)} MB (at most ${limits.maxImageBytes / 1024 / 1024} MB)`);
  }
  // SVG is text: its safety is checked before anything else reads it.
  const head = new TextDecoder().decode(data.subarray(0, 512)).trimStart();
  const looksSvg = head.startsWith('<');
  if (looksSvg) {
    const hazard = svgHazard(new TextDecoder().decode(data));
    if (hazard) throw new InteropError('bad_image', `the SVG image was refused because ${hazard}`);
  }
  let info: { width?: number; height?: number; type?: string };
  try {
    info = imageSize(data);
  } catch (error) {
    // An SVG without width/height or viewBox still draws; it gets a default size.
    if (looksSvg) info = { type: 'svg' };
    else throw new InteropError('bad_image', `the image could not be read (${(error as Error).message})`);
  }
  const mimeType = info.type ? TYPE_TO_MIME[info.type] : undefined;
  if (!mimeType) throw new InteropError('bad_image', `images of type ${info.type ?? 'unknown'} are not supported (PNG, JPEG, GIF, WebP or SVG)`);
  const declared = declaredMime?.toLowerCase().replace('image/jpg', 'image/jpeg');
  if (declared && declared !== mimeType && declared !== 'application/octet-stream') {
    throw new InteropError('bad_image', `the image says it is ${declared} but its bytes are ${mimeType}`);
  }
  const width = info.width ?? 0;
  const height = info.height ?? 0;
  if (mimeType !== 'image/svg+xml') {
    if (!(width > 0 && height > 0)) throw new InteropError('bad_image', 'the image has no size');
    if (Math.max(width, height) > limits.maxImageSide || width * height > limits.maxImagePixels) {
      throw new InteropError('bad_image', `the image claims ${width} x ${height} pixels (at most ${limits.maxImageSide} on a side)`);
    }
  }
  return { mimeType, data, width: width || 100, height: height || 100 };
}
