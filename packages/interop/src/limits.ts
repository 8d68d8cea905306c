import { MAX_FILE_SHAPES } from '@meshboard/board';

/** Limits on what an import may bring in. A file over any of them is refused whole, before the board changes. */
export const limits = {
  /** bytes of one imported file (JSON, SVG, PNG) */
  maxFileBytes: 50 * 1024 * 1024,
  /** shapes one import may add */
  maxShapes: MAX_FILE_SHAPES,
  /** bytes of one embedded image (the board's own asset limit) */
  maxImageBytes: 10 * 1024 * 1024,
  /** pixels on the longer side of an embedded image; larger ones are decompression bombs in waiting */
  maxImageSide: 16_384,
  /** total pixels of an embedded image */
  maxImagePixels: 64 * 1024 * 1024,
  /** characters of one text */
  maxTextLength: 100_000,
  /** points of one stroke (the board's own limit is 20,000) */
  maxPoints: 20_000,
} as const;
