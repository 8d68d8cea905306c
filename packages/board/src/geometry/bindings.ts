import type { Shape } from '../schema.js';
import { routeArrow, type ArrowRoute } from './arrow-route.js';
import { rotatePoint, shapeBounds, shapeCenter, type Point } from './bounds.js';

/**
 * Arrows bound to shapes: where a bound end meets its shape and the course that follows. Bound ends are
 * resolved from the shapes' current geometry whenever an arrow is drawn or exported (never stored), so the
 * canvas, the SVG/PDF exporters and every peer compute the same line from the same board.
 */

export type ShapeLookup = (id: string) => Shape | undefined;

/** Gap between a bound arrow end and the outline of the shape it is bound to (world units). */
export const BINDING_GAP = 6;

/** A point in the shape's own unrotated frame (relative to its x/y) mapped into the board. */
export function toWorld(shape: Pick<Shape, 'x' | 'y' | 'w' | 'h' | 'rotation'>, local: Point): Point {
  const p = { x: shape.x + local.x, y: shape.y + local.y };
  return shape.rotation ? rotatePoint(p, shapeCenter(shape), shape.rotation) : p;
}

/** Where a ray from the shape's centre toward `toward` leaves the shape's outline (plus a small gap). */
export function outlinePoint(shape: Shape, toward: Point, gap = BINDING_GAP): Point {
  const center = shapeCenter(shape);
  const local = shape.rotation ? rotatePoint(toward, center, -shape.rotation) : toward;
  const dx = local.x - center.x;
  const dy = local.y - center.y;
  const rx = shape.w / 2;
  const ry = shape.h / 2;
  if ((dx === 0 && dy === 0) || rx === 0 || ry === 0) return center;
  let t: number;
  if (shape.type === 'ellipse') t = 1 / Math.sqrt((dx / rx) ** 2 + (dy / ry) ** 2);
  else if (shape.type === 'diamond') t = 1 / (Math.abs(dx) / rx + Math.abs(dy) / ry);
  else t = Math.min(dx === 0 ? Infinity : rx / Math.abs(dx), dy === 0 ? Infinity : ry / Math.abs(dy));
  const length = Math.hypot(dx, dy);
  const reach = Math.min(t, 1) * length + gap;
  const scale = Math.min(reach / length, 1);
  const hit = { x: center.x + dx * scale, y: center.y + dy * scale };
  return shape.rotation ? rotatePoint(hit, center, shape.rotation) : hit;
}

/** World-space points of a line or arrow; stored points, with the two ends of the arrow rotated into world. */
export function linePointsWorld(shape: Extract<Shape, { type: 'line' | 'arrow' }>): number[] {
  const out: number[] = [];
  for (let i = 0; i + 1 < shape.points.length; i += 2) {
    const p = toWorld(shape, { x: shape.points[i]!, y: shape.points[i + 1]! });
    out.push(p.x, p.y);
  }
  return out;
}

/**
 * World-space points of an arrow with its bound ends resolved from the bound shapes' current geometry.
 * Resolving at render time (not storing) means a bound end follows its shape however the shape moves —
 * locally, by a collaborator, or by undo.
 */
export function resolveArrowPoints(shape: Extract<Shape, { type: 'arrow' | 'line' }>, lookup: ShapeLookup): number[] {
  const points = linePointsWorld(shape);
  if (shape.type !== 'arrow') return points;
  const start = shape.startBinding ? lookup(shape.startBinding) : undefined;
  const end = shape.endBinding ? lookup(shape.endBinding) : undefined;
  if (!start && !end) return points;
  const n = points.length;
  // Each bound end aims at the other end: the other shape's centre if bound too, else the stored point.
  const startAim = start ? shapeCenter(start) : { x: points[0]!, y: points[1]! };
  const endAim = end ? shapeCenter(end) : { x: points[n - 2]!, y: points[n - 1]! };
  const nextAfterStart = n > 4 ? { x: points[2]!, y: points[3]! } : endAim;
  const beforeEnd = n > 4 ? { x: points[n - 4]!, y: points[n - 3]! } : startAim;
  if (start) {
    const p = outlinePoint(start, nextAfterStart);
    points[0] = p.x;
    points[1] = p.y;
  }
  if (end) {
    const p = outlinePoint(end, beforeEnd);
    points[n - 2] = p.x;
    points[n - 1] = p.y;
  }
  return points;
}

/**
 * The drawn course of a line or arrow, bound ends resolved. Elbow arrows also need the bounds of the shapes
 * they are bound to: they route around them and attach perpendicular to a side (elbow-route.ts).
 */
export function arrowRoute(shape: Extract<Shape, { type: 'arrow' | 'line' }>, lookup: ShapeLookup): ArrowRoute {
  if (shape.type === 'line') return routeArrow(linePointsWorld(shape), 'straight');
  const points = resolveArrowPoints(shape, lookup);
  if (shape.arrowType !== 'elbow' || (!shape.startBinding && !shape.endBinding)) return routeArrow(points, shape.arrowType);
  const start = shape.startBinding ? lookup(shape.startBinding) : undefined;
  const end = shape.endBinding ? lookup(shape.endBinding) : undefined;
  return routeArrow(points, 'elbow', { start: start ? shapeBounds(start) : null, end: end ? shapeBounds(end) : null, gap: BINDING_GAP });
}

