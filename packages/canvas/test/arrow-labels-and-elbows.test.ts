import { describe, expect, it } from 'vitest';
import type { Point } from '@meshboard/board';
import { Renderer, type RenderContext } from '../src/index.js';
import { arrowRoute, hitShape } from '../src/geometry.js';
import { newEditor, RecordingContext } from './helpers.js';

// The router and the label placement rule are pure geometry in @meshboard/board (their unit tests moved to
// packages/board/test/geometry-*.test.ts); what stays here is how the engine draws and hits them.
const GAP = 6;

function corners(flat: number[]): Point[] {
  const out: Point[] = [];
  for (let i = 0; i + 1 < flat.length; i += 2) out.push({ x: flat[i]!, y: flat[i + 1]! });
  return out;
}

describe('elbow routing between shapes', () => {
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
