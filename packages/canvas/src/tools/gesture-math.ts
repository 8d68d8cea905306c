import { Shape, type NewShape, type Point } from '@meshboard/board';
import type { PointerInput } from '../input.js';

/** Screen pixels a pointer may travel before a press becomes a drag. */
export const DRAG_THRESHOLD = 3;

export function dist(a: Point, b: Point): number {
  return Math.hypot(a.x - b.x, a.y - b.y);
}

export function pressureOf(input: PointerInput): number {
  // Mice report 0 (or 0.5 while pressed); only pens and touch carry real pressure.
  if (input.pointerType === 'pen' && input.pressure > 0) return input.pressure;
  return 0.5;
}

/** The corner that makes a square with `a`, on the side of `b` (shift while drawing a box). */
export function squareFrom(a: Point, b: Point): Point {
  const size = Math.max(Math.abs(b.x - a.x), Math.abs(b.y - a.y));
  return { x: a.x + Math.sign(b.x - a.x || 1) * size, y: a.y + Math.sign(b.y - a.y || 1) * size };
}

/** `b` moved onto the nearest 15° ray from `a` (shift while drawing a line). */
export function snapAngle(a: Point, b: Point): Point {
  const step = Math.PI / 12;
  const angle = Math.round(Math.atan2(b.y - a.y, b.x - a.x) / step) * step;
  const length = dist(a, b);
  return { x: a.x + Math.cos(angle) * length, y: a.y + Math.sin(angle) * length };
}

export function normalizeAngle(angle: number): number {
  const full = Math.PI * 2;
  return ((angle % full) + full) % full;
}

/** A full shape record for something being drawn (never stored: drafts are drawn by the renderer only). */
export function draftShape(input: NewShape): Shape {
  return Shape.parse({ ...input, id: 'draft', z: 'draft' });
}
