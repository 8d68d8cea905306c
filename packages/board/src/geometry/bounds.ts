import type { Shape } from '../schema.js';

export interface Point {
  x: number;
  y: number;
}
export interface Bounds {
  minX: number;
  minY: number;
  maxX: number;
  maxY: number;
}

export function shapeCenter(shape: Pick<Shape, 'x' | 'y' | 'w' | 'h'>): Point {
  return { x: shape.x + shape.w / 2, y: shape.y + shape.h / 2 };
}

export function rotatePoint(point: Point, center: Point, angle: number): Point {
  if (angle === 0) return point;
  const cos = Math.cos(angle);
  const sin = Math.sin(angle);
  const dx = point.x - center.x;
  const dy = point.y - center.y;
  return { x: center.x + dx * cos - dy * sin, y: center.y + dx * sin + dy * cos };
}

/** Axis-aligned bounds of a shape after its rotation (what culling and marquee selection use). */
export function shapeBounds(shape: Pick<Shape, 'x' | 'y' | 'w' | 'h' | 'rotation' | 'strokeWidth'>): Bounds {
  const pad = shape.strokeWidth / 2;
  const center = shapeCenter(shape);
  const corners: Point[] = [
    { x: shape.x - pad, y: shape.y - pad },
    { x: shape.x + shape.w + pad, y: shape.y - pad },
    { x: shape.x + shape.w + pad, y: shape.y + shape.h + pad },
    { x: shape.x - pad, y: shape.y + shape.h + pad },
  ].map((corner) => rotatePoint(corner, center, shape.rotation));
  return {
    minX: Math.min(...corners.map((c) => c.x)),
    minY: Math.min(...corners.map((c) => c.y)),
    maxX: Math.max(...corners.map((c) => c.x)),
    maxY: Math.max(...corners.map((c) => c.y)),
  };
}

export function unionBounds(all: Bounds[]): Bounds | null {
  if (all.length === 0) return null;
  return all.reduce((acc, b) => ({
    minX: Math.min(acc.minX, b.minX),
    minY: Math.min(acc.minY, b.minY),
    maxX: Math.max(acc.maxX, b.maxX),
    maxY: Math.max(acc.maxY, b.maxY),
  }));
}

/** Bounds of a flat [x, y, (pressure,)...] list with `stride` values per point. */
export function pointsBounds(points: readonly number[], stride: 2 | 3): Bounds {
  let minX = Infinity;
  let minY = Infinity;
  let maxX = -Infinity;
  let maxY = -Infinity;
  for (let i = 0; i + 1 < points.length; i += stride) {
    const x = points[i]!;
    const y = points[i + 1]!;
    if (x < minX) minX = x;
    if (y < minY) minY = y;
    if (x > maxX) maxX = x;
    if (y > maxY) maxY = y;
  }
  return minX === Infinity ? { minX: 0, minY: 0, maxX: 0, maxY: 0 } : { minX, minY, maxX, maxY };
}
