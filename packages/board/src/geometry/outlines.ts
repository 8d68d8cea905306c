import type { PathSegment } from './path.js';

/**
 * Outlines of the box shapes (rectangle, diamond, ellipse) in the shape's own frame (origin top-left, before
 * rotation), as path data. The canvas traces them and the SVG/PDF exporters write them, so a rounded corner
 * or an ellipse exports exactly as it is drawn on the board.
 */

/** The magic number for a quarter circle as one cubic Bézier (control points at KAPPA of the radius). */
const KAPPA = 0.5522847498;

export type BoxShapeType = 'rectangle' | 'diamond' | 'ellipse';

/** A closed polygon through flat [x0, y0, x1, y1, ...] points with every corner rounded by up to `radius`. */
export function roundedPolygon(points: readonly number[], radius: number): PathSegment[] {
  const count = points.length / 2;
  if (radius <= 0 || count < 3) {
    const path: PathSegment[] = [];
    for (let i = 0; i < count; i++) path.push({ op: i === 0 ? 'M' : 'L', x: points[i * 2]!, y: points[i * 2 + 1]! });
    path.push({ op: 'Z' });
    return path;
  }
  const at = (i: number) => ({ x: points[((i + count) % count) * 2]!, y: points[((i + count) % count) * 2 + 1]! });
  const path: PathSegment[] = [];
  for (let i = 0; i < count; i++) {
    const prev = at(i - 1);
    const corner = at(i);
    const next = at(i + 1);
    const lenIn = Math.hypot(corner.x - prev.x, corner.y - prev.y);
    const lenOut = Math.hypot(next.x - corner.x, next.y - corner.y);
    // never more than half of either side, so neighbouring corners never overlap
    const r = Math.min(radius, lenIn / 2, lenOut / 2);
    const a = lenIn > 0 ? { x: corner.x - ((corner.x - prev.x) / lenIn) * r, y: corner.y - ((corner.y - prev.y) / lenIn) * r } : corner;
    const b = lenOut > 0 ? { x: corner.x + ((next.x - corner.x) / lenOut) * r, y: corner.y + ((next.y - corner.y) / lenOut) * r } : corner;
    path.push({ op: i === 0 ? 'M' : 'L', x: a.x, y: a.y });
    path.push({ op: 'Q', cx: corner.x, cy: corner.y, x: b.x, y: b.y });
  }
  path.push({ op: 'Z' });
  return path;
}

/** The corners [x0, y0, ...] of a rectangle or diamond of size w × h, clockwise from the top(-left). */
export function boxCorners(type: 'rectangle' | 'diamond', w: number, h: number): number[] {
  return type === 'rectangle' ? [0, 0, w, 0, w, h, 0, h] : [w / 2, 0, w, h / 2, w / 2, h, 0, h / 2];
}

/**
 * An ellipse filling the w × h box as four cubic arcs. Cubics (not an arc command) so that mapping the
 * points through a rotation or onto a PDF page keeps the curve exact.
 */
export function ellipsePath(w: number, h: number): PathSegment[] {
  const rx = w / 2;
  const ry = h / 2;
  const kx = rx * KAPPA;
  const ky = ry * KAPPA;
  return [
    { op: 'M', x: rx + rx, y: ry },
    { op: 'C', c1x: rx + rx, c1y: ry + ky, c2x: rx + kx, c2y: ry + ry, x: rx, y: ry + ry },
    { op: 'C', c1x: rx - kx, c1y: ry + ry, c2x: 0, c2y: ry + ky, x: 0, y: ry },
    { op: 'C', c1x: 0, c1y: ry - ky, c2x: rx - kx, c2y: 0, x: rx, y: 0 },
    { op: 'C', c1x: rx + kx, c1y: 0, c2x: rx + rx, c2y: ry - ky, x: rx + rx, y: ry },
    { op: 'Z' },
  ];
}

/**
 * The outline of a box shape as the canvas draws it: a rectangle or diamond with its corners rounded by
 * `cornerRadius` (roundedPolygon; 0 gives sharp corners), an ellipse as ellipsePath.
 */
export function boxOutline(type: BoxShapeType, w: number, h: number, cornerRadius: number): PathSegment[] {
  if (type === 'ellipse') return ellipsePath(w, h);
  return roundedPolygon(boxCorners(type, w, h), cornerRadius);
}
