import { describe, expect, it } from 'vitest';
import type { Bounds, Point } from '@meshboard/board';
import { Renderer, type RenderContext } from '../src/index.js';
import { arrowRoute, hitShape } from '../src/geometry.js';
import { ELBOW_STUB, arrowLabelPlacement, facingSide, readableAngle, routeArrow, routeElbow } from '../src/style/index.js';
import { newEditor, RecordingContext } from './helpers.js';

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

  it('an elbow arrow bound to two shapes on a board follows them when they move', () => {
    const { board, editor } = newEditor();
    const a = board.addShape({ type: 'rectangle', x: 0, y: 0, w: 100, h: 100 });
    const b = board.addShape({ type: 'rectangle', x: 400, y: 200, w: 100, h: 100 });
    const arrow = board.addShape({ type: 'arrow', x: 50, y: 50, w: 400, h: 200, points: [0, 0, 400, 200], arrowType: 'elbow', startBinding: a.id, endBinding: b.id });
    const lookup = editor.scene.lookup;
    const before = corners(arrowRoute(board.getShape(arrow.id) as Extract<typeof arrow, { type: 'arrow' }>, lookup).points);
    // the gap is kept from the outside of the shapes' 2-unit strokes
    expect(before[0]).toEqual({ x: 101 + GAP, y: 50 });
    expect(before[before.length - 1]).toEqual({ x: 399 - GAP, y: 250 });
    board.translateShapes([b.id], 0, 300);
    const after = corners(arrowRoute(board.getShape(arrow.id) as Extract<typeof arrow, { type: 'arrow' }>, lookup).points);
    // now farther apart vertically: bottom of A to top of B
    expect(after[0]).toEqual({ x: 50, y: 101 + GAP });
    expect(after[after.length - 1]).toEqual({ x: 450, y: 499 - GAP });
  });
});

describe('arrow label placement', () => {
  it('turns any direction of travel into one that reads upright', () => {
    expect(readableAngle(0)).toBe(0);
    expect(readableAngle(Math.PI)).toBe(0);
    expect(readableAngle(-Math.PI)).toBe(0);
    expect(readableAngle(Math.PI / 2)).toBeCloseTo(-Math.PI / 2);
    expect(readableAngle(-Math.PI / 2)).toBeCloseTo(-Math.PI / 2);
    expect(readableAngle((3 * Math.PI) / 4)).toBeCloseTo(-Math.PI / 4);
    expect(readableAngle((-3 * Math.PI) / 4)).toBeCloseTo(Math.PI / 4);
    for (let a = -10; a <= 10; a += 0.1) {
      const r = readableAngle(a);
      expect(r).toBeGreaterThanOrEqual(-Math.PI / 2 - 1e-9);
      expect(r).toBeLessThan(Math.PI / 2);
      // the same line either way: r differs from a by a whole number of half turns
      expect(Math.abs(Math.sin(r - a))).toBeLessThan(1e-9);
    }
  });

  it('sits on the middle of a straight arrow, along it, whichever way it was drawn', () => {
    const down = arrowLabelPlacement(routeArrow([0, 0, 200, 200], 'straight'), 60, 5);
    expect(down.x).toBeCloseTo(100);
    expect(down.y).toBeCloseTo(100);
    expect(down.angle).toBeCloseTo(Math.PI / 4);
    // drawn the other way: same line, same (upright) angle, never upside down
    expect(arrowLabelPlacement(routeArrow([200, 200, 0, 0], 'straight'), 60, 5).angle).toBeCloseTo(Math.PI / 4);
    expect(arrowLabelPlacement(routeArrow([200, 0, 0, 0], 'straight'), 60, 5).angle).toBe(0);
  });

  it('stays level when the label is longer than the straight run it would sit on', () => {
    const route = routeArrow([0, 0, 100, 100], 'straight'); // 141 long: 70 each way from the middle
    expect(arrowLabelPlacement(route, 120, 5).angle).toBeCloseTo(Math.PI / 4);
    expect(arrowLabelPlacement(route, 150, 5).angle).toBe(0);
  });

  it('on an elbow arrow it sits on the path\'s middle, turned along that segment', () => {
    const route = routeArrow([0, 0, 40, 300], 'elbow'); // down 150, right 40, down 150: middle on the bend
    expect(route.middle).toEqual({ x: 20, y: 150 });
    const place = arrowLabelPlacement(route, 30, 4);
    expect(place.angle).toBe(0); // a horizontal segment
    const tall = routeArrow([0, 0, 300, 40], 'elbow'); // right, down 40, right: middle on the vertical segment
    expect(tall.middle).toEqual({ x: 150, y: 20 });
    expect(arrowLabelPlacement(tall, 20, 4).angle).toBeCloseTo(-Math.PI / 2); // reads bottom to top
    expect(arrowLabelPlacement(tall, 60, 4).angle).toBe(0); // longer than the 40-unit segment: level
  });

  it('on a curved arrow it sits on the curve, not on the chord, along the curve\'s tangent there', () => {
    const route = routeArrow([0, 0, 200, 0], 'curved');
    const place = arrowLabelPlacement(route, 40, 5);
    expect(place.x).toBeCloseTo(100);
    expect(Math.abs(place.y)).toBeCloseTo(40);
    expect(place.angle).toBe(0);
  });

  it('is drawn turned on the line, with the background knocked out behind the text, and follows the arrow when it moves', () => {
    const draw = (dx: number) => {
      const setup = newEditor();
      setup.board.addShape({ type: 'arrow', x: 100 + dx, y: 100, w: 300, h: 300, points: [0, 0, 300, 300], text: 'yes' });
      const ctx = new RecordingContext();
      new Renderer().draw({ ctx: ctx as unknown as RenderContext, camera: setup.editor.camera, viewport: setup.editor.viewport, dpr: 1, theme: 'light', scene: setup.editor.scene, overlay: setup.editor.overlay(), getImage: () => null });
      const text = ctx.calls.findIndex((c) => c.name === 'fillText' && c.args[0] === 'yes');
      expect(text).toBeGreaterThan(0);
      // the transform in force for the text: the last setTransform before it
      const transform = ctx.calls.slice(0, text).reverse().find((c) => c.name === 'setTransform')!.args as number[];
      const knockout = ctx.calls.slice(0, text).reverse().find((c) => c.name === 'fillRect')!.args as number[];
      return { transform, knockout, ctx, text };
    };
    const { transform, knockout, ctx, text } = draw(0);
    const [a, b, c, d, e, f] = transform;
    // turned by 45°, centred on the arrow's middle (250, 250) at zoom 1 with the camera at the origin
    expect(Math.atan2(b!, a!)).toBeCloseTo(Math.PI / 4);
    expect(c).toBeCloseTo(-b!);
    expect(d).toBeCloseTo(a!);
    const camera = newEditor().editor.camera;
    expect(e).toBeCloseTo(250 - camera.x);
    expect(f).toBeCloseTo(250 - camera.y);
    // the knock-out box surrounds the text (3 characters of 10 px) around the middle, with a gap
    const [kx, ky, kw, kh] = knockout;
    expect(kx! + kw! / 2).toBeCloseTo(0);
    expect(ky! + kh! / 2).toBeCloseTo(0);
    expect(kw).toBeGreaterThan(30);
    // the camera's transform is back after the label
    const after = ctx.calls.slice(text).find((call) => call.name === 'setTransform')!.args as number[];
    expect(after.slice(0, 4)).toEqual([1, 0, 0, 1]);
    // moved 50 to the right: the label moves with it
    expect(draw(50).transform[4]).toBeCloseTo(300 - camera.x);
  });

  it('a click on the label (off the line itself) hits the arrow, where the label is drawn', () => {
    const { board, editor } = newEditor();
    const arrow = board.addShape({ type: 'arrow', x: 0, y: 0, w: 300, h: 300, points: [0, 0, 300, 300], text: 'a long label' });
    const shape = board.getShape(arrow.id)!;
    // 9 px off the line at the middle, across it: on the turned text, not on the line
    const off = { x: 150 + 9 / Math.SQRT2, y: 150 - 9 / Math.SQRT2 };
    expect(hitShape(shape, off, 2, editor.scene.lookup)).toBe(true);
    expect(editor.shapeAt(off)?.id).toBe(arrow.id);
    // the same distance off the line far from the label is empty canvas
    expect(hitShape(shape, { x: 40 + 9 / Math.SQRT2, y: 40 - 9 / Math.SQRT2 }, 2, editor.scene.lookup)).toBe(false);
    // without a label, the point by the middle is not the arrow
    board.updateShape(arrow.id, { text: '' });
    expect(hitShape(board.getShape(arrow.id)!, off, 2, editor.scene.lookup)).toBe(false);
  });
});
