import type { ArrowType, Point } from '@meshboard/board';
import type { PathSegment } from './path.js';

/** The drawn course of an arrow (or line): its path, the directions into each end, and where its label sits. */
export interface ArrowRoute {
  path: PathSegment[];
  /** direction travelling into the start point (from the path's inside), for the start arrowhead */
  startAngle: number;
  /** direction travelling into the end point, for the end arrowhead */
  endAngle: number;
  /** the middle of the course (half its length), where a label is centred */
  middle: Point;
  /** the course's approximate length */
  length: number;
  /** for elbow arrows, the corner points (start, bends..., end); otherwise the stored points */
  points: number[];
}

/** How far a curved two-point arrow bows out, as a share of its length. */
export const CURVE_BOW = 0.2;

/**
 * Routes an arrow through its world points [x0, y0, x1, y1, ...] (ends already resolved to their bound shapes):
 * - straight: the polyline itself;
 * - curved: two points bow out to the left of the travel direction by CURVE_BOW of the length (one quadratic);
 *   more points give a smooth curve through them (quadratics between midpoints);
 * - elbow: only horizontal and vertical segments: start and end leave along the axis where they are farther
 *   apart, turning once halfway (Z-shape: three segments), or straight when already aligned.
 */
export function routeArrow(points: readonly number[], type: ArrowType): ArrowRoute {
  const n = points.length;
  const sx = points[0]!;
  const sy = points[1]!;
  const ex = points[n - 2]!;
  const ey = points[n - 1]!;
  if (type === 'elbow') return polylineRoute(elbowPoints(sx, sy, ex, ey));
  if (type === 'curved') {
    if (n === 4) {
      const len = Math.hypot(ex - sx, ey - sy);
      const mx = (sx + ex) / 2;
      const my = (sy + ey) / 2;
      // the control point sits twice the bow out, so the curve's own middle bows out by CURVE_BOW * length
      const nx = len > 0 ? (ey - sy) / len : 0;
      const ny = len > 0 ? -(ex - sx) / len : 0;
      const cx = mx + nx * len * CURVE_BOW * 2;
      const cy = my + ny * len * CURVE_BOW * 2;
      const middle = { x: 0.25 * sx + 0.5 * cx + 0.25 * ex, y: 0.25 * sy + 0.5 * cy + 0.25 * ey };
      return {
        path: [{ op: 'M', x: sx, y: sy }, { op: 'Q', cx, cy, x: ex, y: ey }],
        startAngle: Math.atan2(sy - cy, sx - cx),
        endAngle: Math.atan2(ey - cy, ex - cx),
        middle,
        length: quadLength(sx, sy, cx, cy, ex, ey),
        points: [...points],
      };
    }
    const path: PathSegment[] = [{ op: 'M', x: sx, y: sy }];
    for (let i = 2; i + 3 < n; i += 2) {
      const x = points[i]!;
      const y = points[i + 1]!;
      const last = i === n - 4;
      const tx = last ? points[i + 2]! : (x + points[i + 2]!) / 2;
      const ty = last ? points[i + 3]! : (y + points[i + 3]!) / 2;
      path.push({ op: 'Q', cx: x, cy: y, x: tx, y: ty });
    }
    const route = polylineRoute([...points]);
    return { ...route, path, startAngle: Math.atan2(sy - points[3]!, sx - points[2]!), endAngle: Math.atan2(ey - points[n - 3]!, ex - points[n - 4]!) };
  }
  return polylineRoute([...points]);
}

/** The corners of an elbow route from (sx, sy) to (ex, ey): every segment horizontal or vertical. */
export function elbowPoints(sx: number, sy: number, ex: number, ey: number): number[] {
  if (sx === ex || sy === ey) return [sx, sy, ex, ey];
  if (Math.abs(ex - sx) >= Math.abs(ey - sy)) {
    const mx = (sx + ex) / 2;
    return [sx, sy, mx, sy, mx, ey, ex, ey];
  }
  const my = (sy + ey) / 2;
  return [sx, sy, sx, my, ex, my, ex, ey];
}

function polylineRoute(points: number[]): ArrowRoute {
  const n = points.length;
  const path: PathSegment[] = [];
  let length = 0;
  for (let i = 0; i + 1 < n; i += 2) {
    path.push({ op: i === 0 ? 'M' : 'L', x: points[i]!, y: points[i + 1]! });
    if (i > 0) length += Math.hypot(points[i]! - points[i - 2]!, points[i + 1]! - points[i - 1]!);
  }
  return {
    path,
    startAngle: Math.atan2(points[1]! - points[3]!, points[0]! - points[2]!),
    endAngle: Math.atan2(points[n - 1]! - points[n - 3]!, points[n - 2]! - points[n - 4]!),
    middle: pointAlong(points, length / 2),
    length,
    points,
  };
}

/** The point `distance` along a polyline. */
function pointAlong(points: readonly number[], distance: number): Point {
  let left = distance;
  for (let i = 2; i + 1 < points.length; i += 2) {
    const x0 = points[i - 2]!;
    const y0 = points[i - 1]!;
    const seg = Math.hypot(points[i]! - x0, points[i + 1]! - y0);
    if (seg >= left && seg > 0) return { x: x0 + ((points[i]! - x0) * left) / seg, y: y0 + ((points[i + 1]! - y0) * left) / seg };
    left -= seg;
  }
  return { x: points[points.length - 2]!, y: points[points.length - 1]! };
}

function quadLength(x0: number, y0: number, cx: number, cy: number, x1: number, y1: number): number {
  let length = 0;
  let px = x0;
  let py = y0;
  for (let i = 1; i <= 16; i++) {
    const t = i / 16;
    const u = 1 - t;
    const x = u * u * x0 + 2 * u * t * cx + t * t * x1;
    const y = u * u * y0 + 2 * u * t * cy + t * t * y1;
    length += Math.hypot(x - px, y - py);
    px = x;
    py = y;
  }
  return length;
}
