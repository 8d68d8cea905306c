import { routeArrow, type ArrowRoute } from './style/arrow-route.js';
import { ARROW_LABEL_GAP, LABEL_LINE_HEIGHT, arrowLabelPlacement } from './style/label-layout.js';
import { flattenPath } from './style/path.js';
import { pointsBounds, rotatePoint, shapeBounds, shapeCenter, type Bounds, type Point, type Shape } from '@meshboard/board';

export type ShapeLookup = (id: string) => Shape | undefined;

/** Diameter of a freehand stroke's outline for a given stroke width (pen) — the highlighter is wider. */
export function freehandSize(shape: { strokeWidth: number; variant?: 'pen' | 'highlighter' }): number {
  const base = Math.max(shape.strokeWidth, 1);
  return shape.variant === 'highlighter' ? base * 8 : base * 2.5;
}

/** Gap between a bound arrow end and the outline of the shape it is bound to (world units). */
const BINDING_GAP = 6;

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
 * they are bound to: they route around them and attach perpendicular to a side (style/elbow-route.ts).
 */
export function arrowRoute(shape: Extract<Shape, { type: 'arrow' | 'line' }>, lookup: ShapeLookup): ArrowRoute {
  if (shape.type === 'line') return routeArrow(linePointsWorld(shape), 'straight');
  const points = resolveArrowPoints(shape, lookup);
  if (shape.arrowType !== 'elbow' || (!shape.startBinding && !shape.endBinding)) return routeArrow(points, shape.arrowType);
  const start = shape.startBinding ? lookup(shape.startBinding) : undefined;
  const end = shape.endBinding ? lookup(shape.endBinding) : undefined;
  return routeArrow(points, 'elbow', { start: start ? shapeBounds(start) : null, end: end ? shapeBounds(end) : null, gap: BINDING_GAP });
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
