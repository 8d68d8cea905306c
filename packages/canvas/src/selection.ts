import { rotatePoint, unionBounds, type Point, type Shape } from '@meshboard/board';
import { arrowRoute, boundsOfFlat, freehandSize, linePointsWorld, paintBounds, resolveArrowPoints, type ShapeLookup } from './geometry.js';

/** The box a selection is transformed by: a shape's own rotated box, or the axis-aligned union of several. */
export interface Frame {
  x: number;
  y: number;
  w: number;
  h: number;
  rotation: number;
  /**
   * World units the selected shapes' ink reaches beyond the box (half a stroke width): the frame is drawn
   * that much plus SELECTION_GAP screen pixels outside it, so it never covers the shape's own stroke.
   */
  pad?: number;
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
/**
 * Screen pixels of clear space between a shape's ink and any selection outline drawn around it (the local
 * frame, multi-selection outlines, collaborators' selections), so a selected shape's own colours stay visible.
 */
export const SELECTION_GAP = 4;

export function selectionFrame(shapes: readonly Shape[], lookup: ShapeLookup): Frame | null {
  if (shapes.length === 0) return null;
  if (shapes.length === 1) {
    const s = shapes[0]!;
    if (s.type !== 'arrow' && s.type !== 'line') return { x: s.x, y: s.y, w: s.w, h: s.h, rotation: s.rotation, pad: inkPad(s) };
  }
  // Painted bounds already include every stroke, freehand ink and arrowhead.
  const b = unionBounds(shapes.map((s) => paintBounds(s, lookup)))!;
  return { x: b.minX, y: b.minY, w: b.maxX - b.minX, h: b.maxY - b.minY, rotation: 0, pad: 0 };
}

function strokeHalf(shape: Shape): number {
  return Math.max(shape.strokeWidth, 0) / 2;
}

/** How far (world units) a shape's ink reaches beyond its x/y/w/h box. */
export function inkPad(shape: Shape): number {
  if (shape.type === 'freehand') return freehandSize(shape) / 2;
  if (shape.type === 'sticky' || shape.type === 'image') return 0;
  return strokeHalf(shape);
}

/** The frame as drawn and hit-tested: grown by the ink pad plus SELECTION_GAP screen pixels on every side. */
export function displayFrame(frame: Frame, zoom: number): Frame {
  const p = (frame.pad ?? 0) + SELECTION_GAP / zoom;
  return { x: frame.x - p, y: frame.y - p, w: frame.w + 2 * p, h: frame.h + 2 * p, rotation: frame.rotation, pad: 0 };
}

/**
 * The closed outline drawn around one selected shape (multi-selections, collaborators' selections): its
 * rotated box, or for lines and arrows their axis-aligned extent, grown so it clears the shape's ink.
 */
export function selectionOutline(shape: Shape, lookup: ShapeLookup, zoom: number): Point[] {
  const gap = SELECTION_GAP / zoom;
  if (shape.type === 'line' || shape.type === 'arrow') {
    // an elbow arrow's corners, which may go around the shapes it joins; otherwise its resolved points
    const pts = shape.type === 'arrow' ? (shape.arrowType === 'elbow' ? arrowRoute(shape, lookup).points : resolveArrowPoints(shape, lookup)) : linePointsWorld(shape);
    const b = boundsOfFlat(pts, strokeHalf(shape) + (shape.type === 'arrow' ? 10 + shape.strokeWidth * 2 : 0) + gap);
    return [
      { x: b.minX, y: b.minY },
      { x: b.maxX, y: b.minY },
      { x: b.maxX, y: b.maxY },
      { x: b.minX, y: b.maxY },
    ];
  }
  const f = displayFrame({ x: shape.x, y: shape.y, w: shape.w, h: shape.h, rotation: shape.rotation, pad: inkPad(shape) }, zoom);
  return [framePoint(f, 0, 0), framePoint(f, 1, 0), framePoint(f, 1, 1), framePoint(f, 0, 1)];
}

export function frameCenter(frame: Frame): Point {
  return { x: frame.x + frame.w / 2, y: frame.y + frame.h / 2 };
}

/** World point at (u, v) of the frame's unit square, rotation applied. */
export function framePoint(frame: Frame, u: number, v: number): Point {
  return rotatePoint({ x: frame.x + frame.w * u, y: frame.y + frame.h * v }, frameCenter(frame), frame.rotation);
}

/** Where the rotate handle is drawn for a displayed (already grown) frame. */
export function rotateHandlePosition(frame: Frame, zoom: number): Point {
  const top = { x: frame.x + frame.w / 2, y: frame.y - ROTATE_HANDLE_OFFSET / zoom };
  return rotatePoint(top, frameCenter(frame), frame.rotation);
}

/** Which handle (if any) is under the world point `p`. */
export function hitHandle(selected: Frame, p: Point, zoom: number, withRotate = true): HandleId | null {
  const frame = displayFrame(selected, zoom);
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
