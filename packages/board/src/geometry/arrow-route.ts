import type { ArrowType } from '../schema.js';
import type { Bounds, Point } from './bounds.js';
import { routeElbow } from './elbow-route.js';
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
  /** the direction of travel at the middle (radians), which a label follows */
  middleAngle: number;
  /** how far the course runs straight on from the middle, the shorter way (a longer label would overhang a bend) */
  middleRun: number;
  /** the course's approximate length */
  length: number;
  /** for elbow arrows, the corner points (start, bends..., end); otherwise the stored points */
  points: number[];
}

/** How far a curved two-point arrow bows out, as a share of its length. */
export const CURVE_BOW = 0.2;

/** The bounds of the shapes an elbow arrow's ends are bound to, and the gap its ends keep from them. */
export interface ElbowBindings {
  start?: Bounds | null;
  end?: Bounds | null;
  gap: number;
}

/**
 * Routes an arrow through its world points [x0, y0, x1, y1, ...] (ends already resolved to their bound shapes):
 * - straight: the polyline itself;
 * - curved: two points bow out to the left of the travel direction by CURVE_BOW of the length (one quadratic);
 *   more points give a smooth curve through them (quadratics between midpoints);
 * - elbow: only horizontal and vertical segments. With an end bound to a shape (`bindings`), the course
 *   leaves and enters the shapes perpendicular to their sides and goes around them (elbow-route.ts); between
 *   free points, start and end leave along the axis where they are farther apart, turning once halfway
 *   (Z-shape: three segments), or straight when already aligned.
 */
export function routeArrow(points: readonly number[], type: ArrowType, bindings?: ElbowBindings): ArrowRoute {
  const n = points.length;
  const sx = points[0]!;
  const sy = points[1]!;
  const ex = points[n - 2]!;
  const ey = points[n - 1]!;
  if (type === 'elbow') {
    if (bindings && (bindings.start || bindings.end)) {
      return polylineRoute(routeElbow({ point: { x: sx, y: sy }, box: bindings.start }, { point: { x: ex, y: ey }, box: bindings.end }, bindings.gap));
    }
    return polylineRoute(elbowPoints(sx, sy, ex, ey));
  }
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
        // a symmetric quadratic's tangent at its middle is parallel to its chord; near the middle it is
        // nearly straight for about a quarter of its length each way
        middleAngle: Math.atan2(ey - sy, ex - sx),
        middleRun: len / 4,
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
    ...pointAlong(points, length / 2),
    length,
    points,
  };
}

/** The point `distance` along a polyline, the direction of its segment there and the straight run left each way. */
function pointAlong(points: readonly number[], distance: number): { middle: Point; middleAngle: number; middleRun: number } {
  let left = distance;
  for (let i = 2; i + 1 < points.length; i += 2) {
    const x0 = points[i - 2]!;
    const y0 = points[i - 1]!;
    const seg = Math.hypot(points[i]! - x0, points[i + 1]! - y0);
    if (seg >= left && seg > 0) {
      return {
        middle: { x: x0 + ((points[i]! - x0) * left) / seg, y: y0 + ((points[i + 1]! - y0) * left) / seg },
        middleAngle: Math.atan2(points[i + 1]! - y0, points[i]! - x0),
        middleRun: Math.min(left, seg - left),
      };
    }
    left -= seg;
  }
  const n = points.length;
  return { middle: { x: points[n - 2]!, y: points[n - 1]! }, middleAngle: n >= 4 ? Math.atan2(points[n - 1]! - points[n - 3]!, points[n - 2]! - points[n - 4]!) : 0, middleRun: 0 };
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
