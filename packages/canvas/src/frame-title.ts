import type { Point, Shape } from '@meshboard/board';
import { toLocal } from './geometry.js';

/**
 * A frame's title: its name drawn just above its top-left corner at a constant screen size (so it stays
 * readable at any zoom). The painter, the double-click that renames it and the overlay it is typed in all
 * place it from here, so what you double-click is where it is drawn.
 */

/** The title's font size in screen pixels. */
export const FRAME_TITLE_PX = 13;
/** Screen pixels between the title's baseline area and the frame's top edge. */
export const FRAME_TITLE_GAP_PX = 4;
/** The shortest title area that can be hit (an empty or one-letter name is still easy to double-click). */
const MIN_TITLE_WIDTH_PX = 48;

type Frame = Extract<Shape, { type: 'frame' }>;

export function frameTitle(frame: Frame): string {
  return frame.name || 'Frame';
}

/**
 * The title's area in the frame's own (unrotated) coordinates, in world units at `zoom`; `widthPx` is the
 * title's measured width in screen pixels.
 */
export function frameTitleBox(zoom: number, widthPx: number): { x: number; y: number; w: number; h: number } {
  const h = (FRAME_TITLE_PX * 1.25) / zoom;
  return { x: 0, y: -FRAME_TITLE_GAP_PX / zoom - h, w: Math.max(widthPx, MIN_TITLE_WIDTH_PX) / zoom, h };
}

/** Is `world` on the frame's title? */
export function hitFrameTitle(frame: Frame, world: Point, zoom: number, widthPx: number): boolean {
  const local = toLocal(frame, world);
  const box = frameTitleBox(zoom, widthPx);
  return local.x >= box.x && local.x <= box.x + box.w && local.y >= box.y && local.y <= box.y + box.h;
}
