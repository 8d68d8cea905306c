import { rotatePoint, unionBounds, type Point, type Shape } from '@meshboard/board';
import { paintBounds, type ShapeLookup } from './geometry.js';

/** The box a selection is transformed by: a shape's own rotated box, or the axis-aligned union of several. */
export interface Frame {
  x: number;
  y: number;
  w: number;
  h: number;
  rotation: number;
}

export type HandleId = 'nw' | 'n' | 'ne' | 'e' | 'se' | 's' | 'sw' | 'w' | 'rotate';

/** Handle positions in the frame's unit square (0..1), and which edges each one moves. */
export const HANDLES: ReadonlyArray<{ id: Exclude<HandleId, 'rotate'>; u: number; v: number }> = [
  { id: 'nw', u: 0, v: 0 },
  { id: 'n', u: 0.5, v: 0 },
  { id: 'ne', u: 1, v: 0 },
  { id: 'e', u: 1, v: 0.5 },
  { id: 'se', u: 1, v: 1 },
  { id: 's', u: 0.5, v: 1 },
  { id: 'sw', u: 0, v: 1 },
  { id: 'w', u: 0, v: 0.5 },
];

/** Screen pixels between the frame's top edge and the rotate handle. */
export const ROTATE_HANDLE_OFFSET = 24;
/** Screen pixels: half the size of a square handle, and the touch-friendly radius they are hit within. */
export const HANDLE_SIZE = 4;
export const HANDLE_HIT_RADIUS = 10;

export function selectionFrame(shapes: readonly Shape[], lookup: ShapeLookup): Frame | null {
  if (shapes.length === 0) return null;
  if (shapes.length === 1) {
    const s = shapes[0]!;
    if (s.type !== 'arrow' && s.type !== 'line') return { x: s.x, y: s.y, w: s.w, h: s.h, rotation: s.rotation };
  }
  const b = unionBounds(shapes.map((s) => paintBounds(s, lookup)))!;
  return { x: b.minX, y: b.minY, w: b.maxX - b.minX, h: b.maxY - b.minY, rotation: 0 };
}

export function frameCenter(frame: Frame): Point {
  return { x: frame.x + frame.w / 2, y: frame.y + frame.h / 2 };
}

/** World point at (u, v) of the frame's unit square, rotation applied. */
export function framePoint(frame: Frame, u: number, v: number): Point {
  return rotatePoint({ x: frame.x + frame.w * u, y: frame.y + frame.h * v }, frameCenter(frame), frame.rotation);
}

export function rotateHandlePosition(frame: Frame, zoom: number): Point {
  const top = { x: frame.x + frame.w / 2, y: frame.y - ROTATE_HANDLE_OFFSET / zoom };
  return rotatePoint(top, frameCenter(frame), frame.rotation);
}

/** Which handle (if any) is under the world point `p`. */
export function hitHandle(frame: Frame, p: Point, zoom: number, withRotate = true): HandleId | null {
  const radius = HANDLE_HIT_RADIUS / zoom;
  if (withRotate) {
    const r = rotateHandlePosition(frame, zoom);
    if (Math.hypot(p.x - r.x, p.y - r.y) <= radius) return 'rotate';
  }
  // Tiny frames: only corners, so the edge handles do not cover the shape.
  const small = Math.min(frame.w, frame.h) * zoom < 24;
  for (const handle of HANDLES) {
    if (small && handle.id.length === 1) continue;
    const h = framePoint(frame, handle.u, handle.v);
    if (Math.hypot(p.x - h.x, p.y - h.y) <= radius) return handle.id;
  }
  return null;
}
