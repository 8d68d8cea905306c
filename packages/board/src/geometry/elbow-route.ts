import type { Bounds, Point } from './bounds.js';

/**
 * Elbow arrows between shapes: every segment horizontal or vertical, leaving the start shape and entering the
 * end shape perpendicular to the side each end is attached to, and never running back through either shape.
 *
 * The router is deliberately small and deterministic (the same board gives every peer the same course, with
 * no search state to agree on):
 * 1. Sides. For a bound end, the side facing the other end along the axis on which the two are farther apart
 *    (the gap between their boxes, so a wide shape next to a tall one still faces it). The end sits at the
 *    middle of that side, `gap` outside it. A free end has no side: the course may reach it from anywhere.
 * 2. Stubs. From each bound end the course first goes STUB straight out of its side, so the arrowhead and the
 *    first bend are never flush against the shape.
 * 3. Candidates. Between the two stub tips it tries a fixed list of courses with at most two bends: the
 *    straight line, Z-shapes through the middle between the tips, both L-shapes, and Z-shapes through the
 *    middle of the gap between the shapes and just outside the two shapes on each side.
 * 4. Choice. A candidate that crosses a shape's (slightly grown) box, or turns straight back on a stub, is
 *    ruled out (a huge cost, so overlapping shapes still get a course); of the rest the shortest wins, each
 *    bend counting as BEND_COST of length. Ties go to the earlier candidate in the list.
 * Shapes are taken by their axis-aligned bounds (a rotated shape by the box around it).
 */

/** How far a course runs straight out of a shape before its first bend (world units). */
export const ELBOW_STUB = 24;
/** The length one bend costs when courses are compared: fewer bends win over slightly shorter courses. */
const BEND_COST = 40;
const BLOCKED = 1e6;

export type Side = 'left' | 'right' | 'top' | 'bottom';

export interface ElbowEnd {
  /** the point, used when the end is free (no box) */
  point: Point;
  /** the bounds of the shape the end is bound to, if it is */
  box?: Bounds | null;
}

const DIRECTION: Record<Side, Point> = { left: { x: -1, y: 0 }, right: { x: 1, y: 0 }, top: { x: 0, y: -1 }, bottom: { x: 0, y: 1 } };

/** The side of `box` that faces `other` (a box or a point): on the axis where they are farther apart. */
export function facingSide(box: Bounds, other: Bounds): Side {
  const gapX = Math.max(other.minX - box.maxX, box.minX - other.maxX);
  const gapY = Math.max(other.minY - box.maxY, box.minY - other.maxY);
  const cx = (box.minX + box.maxX) / 2;
  const cy = (box.minY + box.maxY) / 2;
  const ox = (other.minX + other.maxX) / 2;
  const oy = (other.minY + other.maxY) / 2;
  if (gapX > gapY || (gapX === gapY && Math.abs(ox - cx) >= Math.abs(oy - cy))) return ox >= cx ? 'right' : 'left';
  return oy >= cy ? 'bottom' : 'top';
}

/** The middle of a side of `box`, `gap` outside it. */
export function sidePoint(box: Bounds, side: Side, gap: number): Point {
  const cx = (box.minX + box.maxX) / 2;
  const cy = (box.minY + box.maxY) / 2;
  if (side === 'left') return { x: box.minX - gap, y: cy };
  if (side === 'right') return { x: box.maxX + gap, y: cy };
  if (side === 'top') return { x: cx, y: box.minY - gap };
  return { x: cx, y: box.maxY + gap };
}

const pointBox = (p: Point): Bounds => ({ minX: p.x, minY: p.y, maxX: p.x, maxY: p.y });

/**
 * The corners [x0, y0, x1, y1, ...] of an elbow course from `start` to `end` (see the file comment), first
 * and last point included, with no repeated or collinear points.
 */
export function routeElbow(start: ElbowEnd, end: ElbowEnd, gap: number): number[] {
  const startBox = start.box ?? null;
  const endBox = end.box ?? null;
  const startSide = startBox ? facingSide(startBox, endBox ?? pointBox(end.point)) : null;
  const endSide = endBox ? facingSide(endBox, startBox ?? pointBox(start.point)) : null;
  const s = startBox && startSide ? sidePoint(startBox, startSide, gap) : start.point;
  const e = endBox && endSide ? sidePoint(endBox, endSide, gap) : end.point;
  const sDir = startSide ? DIRECTION[startSide] : null;
  const eDir = endSide ? DIRECTION[endSide] : null;
  // stub tips: where the course is free to turn
  const s1 = sDir ? { x: s.x + sDir.x * ELBOW_STUB, y: s.y + sDir.y * ELBOW_STUB } : s;
  const e1 = eDir ? { x: e.x + eDir.x * ELBOW_STUB, y: e.y + eDir.y * ELBOW_STUB } : e;
  // obstacles: the shapes grown by half a stub, so stub tips lie outside them and courses keep clear
  const grow = ELBOW_STUB / 2;
  const obstacles = [startBox, endBox].filter((b): b is Bounds => !!b).map((b) => ({ minX: b.minX - grow, minY: b.minY - grow, maxX: b.maxX + grow, maxY: b.maxY + grow }));

  let best: Point[] | null = null;
  let bestCost = Infinity;
  for (const middle of candidates(s1, e1, obstacles)) {
    const course = simplify([s, s1, ...middle, e1, e]);
    const cost = courseCost(course, middle, s1, e1, sDir, eDir, obstacles);
    if (cost < bestCost) {
      best = course;
      bestCost = cost;
    }
  }
  const out: number[] = [];
  for (const p of best!) out.push(p.x, p.y);
  return out;
}

/** The bends between the two stub tips of each candidate course (the tips themselves excluded). */
function candidates(a: Point, b: Point, obstacles: Bounds[]): Point[][] {
  // Z-shapes through the middle come before the L-shapes: where both are as short with as many bends, the
  // symmetric one wins
  const mx = (a.x + b.x) / 2;
  const my = (a.y + b.y) / 2;
  const list: Point[][] = [[], [{ x: mx, y: a.y }, { x: mx, y: b.y }], [{ x: a.x, y: my }, { x: b.x, y: my }], [{ x: b.x, y: a.y }], [{ x: a.x, y: b.y }]];
  const xs: number[] = [];
  const ys: number[] = [];
  if (obstacles.length === 2) {
    const [p, q] = obstacles as [Bounds, Bounds];
    // the middle of the gap between the two shapes, when there is one
    if (p.maxX < q.minX) xs.push((p.maxX + q.minX) / 2);
    if (q.maxX < p.minX) xs.push((q.maxX + p.minX) / 2);
    if (p.maxY < q.minY) ys.push((p.maxY + q.minY) / 2);
    if (q.maxY < p.minY) ys.push((q.maxY + p.minY) / 2);
  }
  if (obstacles.length > 0) {
    // just outside everything, on each side: always a way around
    const minX = Math.min(a.x, b.x, ...obstacles.map((o) => o.minX)) - ELBOW_STUB / 2;
    const maxX = Math.max(a.x, b.x, ...obstacles.map((o) => o.maxX)) + ELBOW_STUB / 2;
    const minY = Math.min(a.y, b.y, ...obstacles.map((o) => o.minY)) - ELBOW_STUB / 2;
    const maxY = Math.max(a.y, b.y, ...obstacles.map((o) => o.maxY)) + ELBOW_STUB / 2;
    xs.push(minX, maxX);
    ys.push(minY, maxY);
  }
  for (const x of xs) list.push([{ x, y: a.y }, { x, y: b.y }]);
  for (const y of ys) list.push([{ x: a.x, y }, { x: b.x, y }]);
  return list;
}

function courseCost(course: Point[], middle: Point[], s1: Point, e1: Point, sDir: Point | null, eDir: Point | null, obstacles: Bounds[]): number {
  let cost = 0;
  // the part that must keep clear of both shapes: from the start stub's tip to the end stub's tip
  const free = [s1, ...middle, e1];
  for (let i = 1; i < free.length; i++) {
    const p = free[i - 1]!;
    const q = free[i]!;
    if (p.x !== q.x && p.y !== q.y) cost += BLOCKED; // not orthogonal (cannot happen for the candidates above)
    for (const o of obstacles) if (crosses(p, q, o)) cost += BLOCKED;
  }
  // no turning straight back onto a stub: leaving the start tip against the stub, or arriving at the end tip
  // heading away from the end shape's side (and then reversing into it)
  const first = firstMove(free);
  if (sDir && first && first.x === -sDir.x && first.y === -sDir.y) cost += BLOCKED;
  const last = firstMove([...free].reverse());
  if (eDir && last && last.x === -eDir.x && last.y === -eDir.y) cost += BLOCKED;
  for (let i = 1; i < course.length; i++) cost += Math.abs(course[i]!.x - course[i - 1]!.x) + Math.abs(course[i]!.y - course[i - 1]!.y);
  cost += (course.length - 2) * BEND_COST;
  return cost;
}

/** The unit axis direction of the first non-empty step of a course (null if it never moves). */
function firstMove(points: Point[]): Point | null {
  for (let i = 1; i < points.length; i++) {
    const dx = points[i]!.x - points[0]!.x;
    const dy = points[i]!.y - points[0]!.y;
    if (dx !== 0 || dy !== 0) return { x: Math.sign(dx), y: Math.sign(dy) };
  }
  return null;
}

/** Does the axis-parallel segment p–q pass through the inside of `box` (touching its edge is fine)? */
function crosses(p: Point, q: Point, box: Bounds): boolean {
  const minX = Math.min(p.x, q.x);
  const maxX = Math.max(p.x, q.x);
  const minY = Math.min(p.y, q.y);
  const maxY = Math.max(p.y, q.y);
  return maxX > box.minX && minX < box.maxX && maxY > box.minY && minY < box.maxY;
}

/** Drops repeated points and the middle one of three collinear points. */
function simplify(points: Point[]): Point[] {
  const out: Point[] = [];
  for (const p of points) {
    const last = out[out.length - 1];
    if (last && last.x === p.x && last.y === p.y) continue;
    const prev = out[out.length - 2];
    if (prev && last && ((prev.x === last.x && last.x === p.x) || (prev.y === last.y && last.y === p.y))) out.pop();
    out.push(p);
  }
  return out;
}
