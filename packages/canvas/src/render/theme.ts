import { DEFAULT_STYLE } from '@meshboard/board';
import type { Theme } from '../types.js';

/**
 * The colours the renderer adds of its own (background, selection, sticky defaults). Stored shape colours are
 * never rewritten: the theme only decides how the default ink is shown.
 */
export const THEMES = {
  light: { background: '#ffffff', defaultStroke: DEFAULT_STYLE.strokeColor, selection: '#4263eb', marquee: 'rgba(66, 99, 235, 0.08)', handleFill: '#ffffff' },
  dark: { background: '#121212', defaultStroke: '#e3e3e3', selection: '#748ffc', marquee: 'rgba(116, 143, 252, 0.12)', handleFill: '#1e1e1e' },
} as const;

/** Colour of snapping guides (as Excalidraw's and tldraw's: a loud red that no shape is likely to be). */
export const GUIDE_COLOR = '#ff2d75';

export const STICKY_TEXT_COLOR = '#1e1e1e';
export const DEFAULT_STICKY_FILL = '#ffec99';

/** Stored colours are never rewritten for dark mode: only the default ink is shown light on dark. */
export function strokeFor(color: string, theme: Theme): string {
  if (theme === 'dark' && (color === DEFAULT_STYLE.strokeColor || color === '#000000' || color === '#000')) return THEMES.dark.defaultStroke;
  return color;
}

/** The colour of frame titles (the text overlay takes it too while one is renamed). */
export function frameTitleColor(theme: Theme): string {
  return theme === 'dark' ? '#c1c2c5' : '#495057';
}

/** A sticky note stored without a fill shows the default yellow. */
export function stickyFill(color: string): string {
  return color === 'transparent' ? DEFAULT_STICKY_FILL : color;
}
