import { describe, expect, it } from 'vitest';
import { ELBOW_STUB, facingSide, routeElbow, type Bounds, type Point } from '../src/index.js';

// Moved from packages/canvas/test/arrow-labels-and-elbows.test.ts with the router itself.
const GAP = 6;
const box = (minX: number, minY: number, maxX: number, maxY: number): Bounds => ({ minX, minY, maxX, maxY });

function corners(flat: number[]): Point[] {
  const out: Point[] = [];
  for (let i = 0; i + 1 < flat.length; i += 2) out.push({ x: flat[i]!, y: flat[i + 1]! });
  return out;
}

/** Does segment p–q (axis-parallel) go through the inside of b? */
function throughInside(p: Point, q: Point, b: Bounds): boolean {
  return Math.max(p.x, q.x) > b.minX && Math.min(p.x, q.x) < b.maxX && Math.max(p.y, q.y) > b.minY && Math.min(p.y, q.y) < b.maxY;
}

const direction = (p: Point, q: Point): Point => ({ x: Math.sign(q.x - p.x), y: Math.sign(q.y - p.y) });

/** A small seeded generator (the same cases on every run). */
function random(seed: number): () => number {
  let s = seed;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

describe('elbow routing between shapes', () => {
  it('leaves the start shape and enters the end shape perpendicular to the sides they face', () => {
    const a = box(0, 0, 100, 100);
    const b = box(300, 50, 400, 150);
    const pts = corners(routeElbow({ point: { x: 0, y: 0 }, box: a }, { point: { x: 0, y: 0 }, box: b }, GAP));
    // starts at the middle of A's right side, ends at the middle of B's left side, each `gap` outside
    expect(pts[0]).toEqual({ x: 100 + GAP, y: 50 });
    expect(pts[pts.length - 1]).toEqual({ x: 300 - GAP, y: 100 });
    expect(direction(pts[0]!, pts[1]!)).toEqual({ x: 1, y: 0 });
    expect(direction(pts[pts.length - 2]!, pts[pts.length - 1]!)).toEqual({ x: 1, y: 0 });
    // a Z: out, across in the gap between the shapes, in
    expect(pts).toHaveLength(4);
    expect(pts[1]!.x).toBe(200);
  });

  it('picks the side on the axis where the shapes are farther apart, using the gap between their boxes', () => {
    // wide shape above a narrow one, offset sideways less than the vertical gap: bottom to top
    expect(facingSide(box(0, 0, 400, 50), box(380, 150, 420, 190))).toBe('bottom');
    expect(facingSide(box(380, 150, 420, 190), box(0, 0, 400, 50))).toBe('top');
    expect(facingSide(box(0, 0, 100, 100), box(-300, 20, -200, 80))).toBe('left');
  });

  it('never runs back through either shape, has only right angles, and is the same every time (400 seeded cases)', () => {
    const next = random(7);
    for (let i = 0; i < 400; i++) {
      const a = box(0, 0, 40 + next() * 200, 40 + next() * 200);
      const w = 40 + next() * 200;
      const h = 40 + next() * 200;
      // the second shape anywhere around the first, clear of it by at least two stubs on one axis
      const angle = next() * Math.PI * 2;
      const distance = 2 * ELBOW_STUB + 300 + next() * 300;
      const cx = (a.maxX - a.minX) / 2 + Math.cos(angle) * distance;
      const cy = (a.maxY - a.minY) / 2 + Math.sin(angle) * distance;
      const b = box(cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2);
      const gapX = Math.max(b.minX - a.maxX, a.minX - b.maxX);
      const gapY = Math.max(b.minY - a.maxY, a.minY - b.maxY);
      if (Math.max(gapX, gapY) < 2 * ELBOW_STUB + GAP * 2) continue;
      const flat = routeElbow({ point: { x: 0, y: 0 }, box: a }, { point: { x: 0, y: 0 }, box: b }, GAP);
      expect(routeElbow({ point: { x: 0, y: 0 }, box: a }, { point: { x: 0, y: 0 }, box: b }, GAP)).toEqual(flat);
      const pts = corners(flat);
      for (let j = 1; j < pts.length; j++) {
        const p = pts[j - 1]!;
        const q = pts[j]!;
        expect(p.x === q.x || p.y === q.y, `case ${i}: segment ${j} is not orthogonal`).toBe(true);
        expect(throughInside(p, q, a), `case ${i}: segment ${j} crosses the start shape`).toBe(false);
        expect(throughInside(p, q, b), `case ${i}: segment ${j} crosses the end shape`).toBe(false);
      }
      // perpendicular at both ends: the first segment leaves straight out of the side the start sits on
      const startSide = facingSide(a, b);
      const out = { left: { x: -1, y: 0 }, right: { x: 1, y: 0 }, top: { x: 0, y: -1 }, bottom: { x: 0, y: 1 } };
      expect(direction(pts[0]!, pts[1]!), `case ${i}`).toEqual(out[startSide]);
      const endSide = facingSide(b, a);
      const into = out[endSide];
      expect(direction(pts[pts.length - 2]!, pts[pts.length - 1]!), `case ${i}`).toEqual({ x: -into.x || 0, y: -into.y || 0 });
    }
  });

  it('goes around the start shape when the end lies behind the side it must leave from', () => {
    // B sits above A but its left edge is far to the right, and A is very wide: the course leaves A's top
    // and must not cut through A to reach B's bottom
    const a = box(0, 200, 600, 260);
    const b = box(560, 0, 640, 60);
    const pts = corners(routeElbow({ point: { x: 0, y: 0 }, box: a }, { point: { x: 0, y: 0 }, box: b }, GAP));
    for (let j = 1; j < pts.length; j++) {
      expect(throughInside(pts[j - 1]!, pts[j]!, a)).toBe(false);
      expect(throughInside(pts[j - 1]!, pts[j]!, b)).toBe(false);
    }
    expect(pts[0]).toEqual({ x: 300, y: 200 - GAP });
    expect(pts[pts.length - 1]).toEqual({ x: 600, y: 60 + GAP });
  });

  it('a free end is reached from anywhere; the bound end still leaves perpendicular', () => {
    const pts = corners(routeElbow({ point: { x: 0, y: 0 }, box: box(0, 0, 100, 100) }, { point: { x: 400, y: 300 } }, GAP));
    expect(pts[0]).toEqual({ x: 100 + GAP, y: 50 });
    expect(direction(pts[0]!, pts[1]!)).toEqual({ x: 1, y: 0 });
    expect(pts[pts.length - 1]).toEqual({ x: 400, y: 300 });
  });
});
