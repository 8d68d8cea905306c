import type { FontFamily, StrokeStyle } from '@meshboard/board';

/**
 * Dash pattern (canvas `setLineDash` / SVG `stroke-dasharray`) of a stroke style, in world units; [] is solid.
 * Gaps grow with the width so thick dashed lines stay readable (as Excalidraw's); dotted lines need round caps.
 */
export function dashPattern(style: StrokeStyle, strokeWidth: number): number[] {
  if (style === 'dashed') return [8 + strokeWidth * 2, 6 + strokeWidth * 2];
  if (style === 'dotted') return [0.01, 4 + strokeWidth * 2];
  return [];
}

/**
 * CSS font stacks of the font families. 'sans' is the system stack text always had (old boards look as they
 * did); the others name fonts the web app bundles (@fontsource, OFL): Caveat (hand-drawn), IBM Plex Serif and
 * IBM Plex Mono, each with a generic fallback.
 */
export const FONT_STACKS: Readonly<Record<FontFamily, string>> = {
  sans: 'system-ui, -apple-system, "Segoe UI", Roboto, Helvetica, Arial, sans-serif',
  hand: '"Caveat", "Comic Sans MS", cursive',
  serif: '"IBM Plex Serif", Georgia, serif',
  mono: '"IBM Plex Mono", ui-monospace, Menlo, monospace',
};

/** The CSS font shorthand for a size and family (canvas `font`, SVG font attributes). */
export function cssFont(fontSize: number, family: FontFamily = 'sans'): string {
  return `${fontSize}px ${FONT_STACKS[family]}`;
}

/** Font size presets (S, M, L, XL) the style panel offers. */
export const FONT_SIZE_PRESETS = [16, 20, 28, 36] as const;

/**
 * The seed of a shape's hand-drawn lines: its stored `seed`, or (0) one derived from its id with FNV-1a, so
 * every peer, reload and exporter draws the same wobble without anyone storing it.
 */
export function roughSeed(shape: { id: string; seed: number }): number {
  if (shape.seed > 0) return shape.seed;
  let hash = 0x811c9dc5;
  for (let i = 0; i < shape.id.length; i++) {
    hash ^= shape.id.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return ((hash >>> 0) % 2147483646) + 1;
}
