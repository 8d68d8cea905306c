import { LABEL_LINE_HEIGHT } from './style/label-layout.js';
import { ARROW_LABEL_GAP, arrowLabelPlacement, arrowRoute, flattenPath, linePointsWorld, pointsBounds, resolveArrowPoints, rotatePoint, shapeBounds, shapeCenter, toWorld, type Bounds, type Point, type Shape, type ShapeLookup } from '@meshboard/board';

// Arrow courses, bound ends and the shape frame are pure geometry shared with the exporters: they live in
// @meshboard/board (geometry/bindings.ts) and are re-exported here for the engine's own modules.
export { arrowRoute, linePointsWorld, outlinePoint, resolveArrowPoints, toWorld, type ShapeLookup } from '@meshboard/board';

/** Diameter of a freehand stroke's outline for a given stroke width (pen) — the highlighter is wider. */
export function freehandSize(shape: { strokeWidth: number; variant?: 'pen' | 'highlighter' }): number {
  const base = Math.max(shape.strokeWidth, 1);
  return shape.variant === 'highlighter' ? base * 8 : base * 2.5;
}

export function distanceToSegment(p: Point, ax: number, ay: number, bx: number, by: number): number {
  const dx = bx - ax;
  const dy = by - ay;
  const lengthSq = dx * dx + dy * dy;
  let t = lengthSq === 0 ? 0 : ((p.x - ax) * dx + (p.y - ay) * dy) / lengthSq;
  t = Math.max(0, Math.min(1, t));
  const cx = ax + t * dx - p.x;
  const cy = ay + t * dy - p.y;
  return Math.sqrt(cx * cx + cy * cy);
}

/** Distance from `p` to a polyline given as flat points with `stride` values per point. */
export function distanceToPolyline(p: Point, points: ArrayLike<number>, stride: number): number {
  if (points.length < 2) return Infinity;
  if (points.length < stride * 2) return Math.hypot(p.x - points[0]!, p.y - points[1]!);
  let best = Infinity;
  for (let i = 0; i + stride + 1 < points.length; i += stride) {
    const d = distanceToSegment(p, points[i]!, points[i + 1]!, points[i + stride]!, points[i + stride + 1]!);
    if (d < best) best = d;
  }
  return best;
}

/** Point in the shape's own unrotated frame, relative to its x/y. */
export function toLocal(shape: Pick<Shape, 'x' | 'y' | 'w' | 'h' | 'rotation'>, p: Point): Point {
  const q = shape.rotation ? rotatePoint(p, shapeCenter(shape), -shape.rotation) : p;
  return { x: q.x - shape.x, y: q.y - shape.y };
}

/** Bounds of a flat [x, y, ...] list grown by `pad` on every side. */
export function boundsOfFlat(points: readonly number[], pad: number): Bounds {
  const b = pointsBounds(points, 2);
  return { minX: b.minX - pad, minY: b.minY - pad, maxX: b.maxX + pad, maxY: b.maxY + pad };
}

/** Bounds used by the spatial index: everything the shape paints (stroke outline, arrowheads, bound ends). */
export function paintBounds(shape: Shape, lookup: ShapeLookup): Bounds {
  if (shape.type === 'arrow' && (shape.startBinding || shape.endBinding || shape.arrowType !== 'straight' || shape.text)) {
    const route = arrowRoute(shape, lookup);
    const b = boundsOfFlat(flattenPath(route.path, 8), shape.strokeWidth * 2 + 12);
    if (!shape.text) return b;
    // the label is centred on the course's middle, at most 20 em wide (label-layout.ts; lines estimated) and
    // may be turned along the line: it can reach as far in any direction
    const half = shape.fontSize * 10;
    const tall = shape.fontSize * LABEL_LINE_HEIGHT * (shape.text.split('\n').length + Math.ceil(shape.text.length / 40));
    const reach = Math.max(half, tall);
    return { minX: Math.min(b.minX, route.middle.x - reach), minY: Math.min(b.minY, route.middle.y - reach), maxX: Math.max(b.maxX, route.middle.x + reach), maxY: Math.max(b.maxY, route.middle.y + reach) };
  }
  const b = shapeBounds(shape);
  let pad = 0;
  if (shape.type === 'freehand') pad = freehandSize(shape) / 2;
  else if (shape.type === 'arrow' || shape.type === 'line') pad = shape.strokeWidth * 2 + 12; // arrowheads stick out
  else if (shape.roughness > 0) pad = shape.strokeWidth + 4 * shape.roughness; // hand-drawn lines wander past the box
  return pad ? { minX: b.minX - pad, minY: b.minY - pad, maxX: b.maxX + pad, maxY: b.maxY + pad } : b;
}

export function boundsIntersect(a: Bounds, b: Bounds): boolean {
  return a.minX <= b.maxX && a.maxX >= b.minX && a.minY <= b.maxY && a.maxY >= b.minY;
}

export function boundsContain(outer: Bounds, inner: Bounds): boolean {
  return inner.minX >= outer.minX && inner.maxX <= outer.maxX && inner.minY >= outer.minY && inner.maxY <= outer.maxY;
}

export function normalizeRect(a: Point, b: Point): Bounds {
  return { minX: Math.min(a.x, b.x), minY: Math.min(a.y, b.y), maxX: Math.max(a.x, b.x), maxY: Math.max(a.y, b.y) };
}

function isFilled(color: string): boolean {
  return color !== 'transparent' && color !== '' && color !== 'none';
}

/**
 * Is `p` on an arrow's label (so clicking its text selects the arrow and a double-click edits it)? Hit
 * testing has no text measurer, so the label's size is estimated (0.6 em per character, as the exporters
 * do), then placed and turned as it is drawn (arrowLabelPlacement).
 */
function hitArrowLabel(shape: Extract<Shape, { type: 'arrow' }>, p: Point, tolerance: number, lookup: ShapeLookup): boolean {
  const lines = shape.text.split('\n');
  const w = Math.min(Math.max(...lines.map((line) => line.length)) * shape.fontSize * 0.6, shape.fontSize * 20);
  const h = lines.length * shape.fontSize * LABEL_LINE_HEIGHT;
  const gap = shape.fontSize * ARROW_LABEL_GAP;
  const place = arrowLabelPlacement(arrowRoute(shape, lookup), w, gap);
  const local = rotatePoint(p, place, -place.angle);
  return Math.abs(local.x - place.x) <= w / 2 + tolerance && Math.abs(local.y - place.y) <= h / 2 + tolerance;
}

/**
 * Does `p` (world) hit the shape? `tolerance` is in world units (a few screen pixels / zoom).
 * Outlines of unfilled boxes are hit only near their stroke, so shapes inside a big empty frame stay clickable.
 */
export function hitShape(shape: Shape, p: Point, tolerance: number, lookup: ShapeLookup): boolean {
  const reach = tolerance + shape.strokeWidth / 2;
  if (shape.type === 'arrow' || shape.type === 'line') {
    const course = shape.type === 'arrow' && shape.arrowType !== 'straight' ? flattenPath(arrowRoute(shape, lookup).path) : shape.type === 'arrow' ? resolveArrowPoints(shape, lookup) : linePointsWorld(shape);
    if (distanceToPolyline(p, course, 2) <= reach) return true;
    return shape.type === 'arrow' && shape.text.length > 0 && hitArrowLabel(shape, p, tolerance, lookup);
  }
  const local = toLocal(shape, p);
  const { w, h } = shape;
  if (shape.type === 'freehand') {
    if (local.x < -reach - freehandSize(shape) || local.y < -reach - freehandSize(shape)) return false;
    if (local.x > w + reach + freehandSize(shape) || local.y > h + reach + freehandSize(shape)) return false;
    return distanceToPolyline(local, shape.points, 3) <= tolerance + freehandSize(shape) / 2;
  }
  const solid = shape.type === 'text' || shape.type === 'sticky' || shape.type === 'image' || isFilled(shape.fillColor);
  if (shape.type === 'ellipse') {
    const rx = w / 2;
    const ry = h / 2;
    if (rx <= 0 || ry <= 0) return distanceToSegment(local, 0, 0, w, h) <= reach;
    const dx = local.x - rx;
    const dy = local.y - ry;
    const d = Math.sqrt((dx / rx) ** 2 + (dy / ry) ** 2);
    if (solid && d <= 1) return true;
    return Math.abs(d - 1) * Math.min(rx, ry) <= reach;
  }
  if (shape.type === 'diamond') {
    const rx = w / 2;
    const ry = h / 2;
    const inside = rx > 0 && ry > 0 && Math.abs(local.x - rx) / rx + Math.abs(local.y - ry) / ry <= 1;
    if (solid && inside) return true;
    const poly = [rx, 0, w, ry, rx, h, 0, ry, rx, 0];
    return distanceToPolyline(local, poly, 2) <= reach;
  }
  const inside = local.x >= -reach && local.y >= -reach && local.x <= w + reach && local.y <= h + reach;
  if (!inside) return false;
  if (solid) return true;
  const innerReach = local.x > reach && local.y > reach && local.x < w - reach && local.y < h - reach;
  return !innerReach;
}

/**
 * Is `p` (world) inside a box shape's area (rectangle, ellipse, diamond, frame), stroke or not? Used to select
 * a hollow shape by clicking inside it when nothing else is under the pointer.
 */
export function insideShape(shape: Shape, p: Point): boolean {
  if (shape.type !== 'rectangle' && shape.type !== 'ellipse' && shape.type !== 'diamond' && shape.type !== 'frame') return false;
  const local = toLocal(shape, p);
  const { w, h } = shape;
  if (local.x < 0 || local.y < 0 || local.x > w || local.y > h) return false;
  if (shape.type === 'ellipse') return w > 0 && h > 0 && ((local.x - w / 2) / (w / 2)) ** 2 + ((local.y - h / 2) / (h / 2)) ** 2 <= 1;
  if (shape.type === 'diamond') return w > 0 && h > 0 && Math.abs(local.x - w / 2) / (w / 2) + Math.abs(local.y - h / 2) / (h / 2) <= 1;
  return true;
}

/** Corners of a shape's rotated box in world coordinates (for selection outlines and handles). */
export function shapeCorners(shape: Pick<Shape, 'x' | 'y' | 'w' | 'h' | 'rotation'>): Point[] {
  return [
    { x: 0, y: 0 },
    { x: shape.w, y: 0 },
    { x: shape.w, y: shape.h },
    { x: 0, y: shape.h },
  ].map((c) => toWorld(shape, c));
}
