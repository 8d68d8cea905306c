import { describe, expect, it } from 'vitest';
import { Shape, shapeBounds } from '@meshboard/board';
import { alignPatches, distributePatches, flipPatches, snapBounds, snapToGrid } from '../src/index.js';
import { click, drag, newEditor } from './helpers.js';

const parse = (input: Record<string, unknown>) => Shape.parse({ z: 'a0', ...input });

describe('resize through the opposite edge', () => {
  it('flips a line instead of collapsing it, mirrored about the fixed edge', () => {
    const { editor, board } = newEditor();
    const stroke = board.addShape({ type: 'freehand', x: 100, y: 100, w: 100, h: 100, points: [0, 0, 0.5, 100, 100, 0.5] });
    editor.setSelection([stroke.id]);
    // the south-east handle, dragged 50 px past the west edge
    drag(editor, [[200, 200], [120, 200], [50, 200]]);
    expect(board.getShape(stroke.id)).toMatchObject({ x: 50, y: 100, w: 50, h: 100, points: [50, 0, 0.5, 0, 100, 0.5] });
  });

  it('flips a box vertically through its top edge and keeps at least a pixel while passing it', () => {
    const { editor, board } = newEditor();
    const box = board.addShape({ type: 'rectangle', x: 100, y: 100, w: 100, h: 50, fillColor: '#fff' });
    click(editor, 150, 125);
    drag(editor, [[200, 150], [200, 100]]);
    expect(board.getShape(box.id)!.h).toBeGreaterThanOrEqual(1);
    drag(editor, [[200, 101], [200, 40]]);
    // flipped: the old top edge (100) is now the bottom; the grab offset of the drawn handle is within 2 px
    const flipped = board.getShape(box.id)!;
    expect(Math.abs(flipped.y + flipped.h - 100)).toBeLessThanOrEqual(1);
    expect(Math.abs(flipped.h - 60)).toBeLessThanOrEqual(2);
  });
});

describe('flip, align, distribute', () => {
  it('flips horizontally across the selection centre: positions and points mirror', () => {
    const a = parse({ id: 'a', type: 'rectangle', x: 0, y: 0, w: 10, h: 10 });
    const b = parse({ id: 'b', type: 'arrow', x: 90, y: 0, w: 10, h: 20, points: [0, 0, 10, 20] });
    const patches = Object.fromEntries(flipPatches([a, b], { minX: 0, minY: 0, maxX: 100, maxY: 20 }, 'horizontal'));
    expect(patches.a).toMatchObject({ x: 90, y: 0 });
    expect(patches.b).toMatchObject({ x: 0, y: 0, points: [10, 0, 0, 20] });
    const vertical = Object.fromEntries(flipPatches([b], { minX: 90, minY: 0, maxX: 100, maxY: 20 }, 'vertical'));
    expect(vertical.b).toMatchObject({ x: 90, y: 0, points: [0, 20, 10, 0] });
  });

  it('aligns edges and centres, and distributes with equal gaps (ends stay)', () => {
    const shapes = [
      parse({ id: 'a', type: 'rectangle', x: 0, y: 0, w: 10, h: 10 }),
      parse({ id: 'b', type: 'rectangle', x: 20, y: 30, w: 30, h: 10 }),
      parse({ id: 'c', type: 'rectangle', x: 90, y: 5, w: 10, h: 40 }),
    ];
    expect(Object.fromEntries(alignPatches(shapes, 'left'))).toEqual({ a: { x: 0, y: 0 }, b: { x: 0, y: 30 }, c: { x: 0, y: 5 } });
    expect(Object.fromEntries(alignPatches(shapes, 'bottom'))).toMatchObject({ a: { y: 35 }, b: { y: 35 }, c: { y: 5 } });
    expect(Object.fromEntries(alignPatches(shapes, 'centerX'))).toMatchObject({ a: { x: 45 }, b: { x: 35 }, c: { x: 45 } });
    // span 0..100 holds 50 of shapes: two gaps of 25
    expect(Object.fromEntries(distributePatches(shapes, 'horizontal'))).toEqual({ a: { x: 0 }, b: { x: 35 }, c: { x: 90 } });
  });

  it('the editor flips, aligns and locks the selection; locked shapes do not move, restyle or delete', () => {
    const { editor, board } = newEditor();
    const a = board.addShape({ type: 'rectangle', x: 0, y: 0, w: 10, h: 10 });
    const b = board.addShape({ type: 'rectangle', x: 50, y: 20, w: 10, h: 10 });
    editor.setSelection([a.id, b.id]);
    editor.alignSelection('top');
    expect(board.getShape(b.id)).toMatchObject({ y: 0 });
    editor.flipSelection('horizontal');
    expect(board.getShape(a.id)).toMatchObject({ x: 50 });
    editor.undo();
    expect(board.getShape(a.id)).toMatchObject({ x: 0 });
    editor.setSelection([a.id]);
    editor.toggleLockSelection();
    expect(board.getShape(a.id)?.locked).toBe(true);
    expect(editor.getState().locked).toBe(true);
    editor.nudgeSelection(5, 5);
    editor.setStyle({ strokeColor: '#e03131' });
    editor.deleteSelection();
    expect(board.getShape(a.id)).toMatchObject({ x: 0, y: 0, strokeColor: '#1e1e1e' });
    expect(editor.overlay().showHandles).toBe(false);
    editor.toggleLockSelection();
    expect(board.getShape(a.id)?.locked).toBe(false);
  });
});

describe('snapping', () => {
  it('snaps the nearest edge or centre within reach, with guides through what lines up', () => {
    const moving = { minX: 103, minY: 50, maxX: 153, maxY: 80 };
    const target = { minX: 0, minY: 0, maxX: 100, maxY: 40 };
    const snap = snapBounds(moving, [target], 6);
    expect(snap.dx).toBe(-3); // left edge onto the target's right edge
    expect(snap.dy).toBe(0); // nothing within 6 px vertically (50 vs 40)
    expect(snap.guides).toEqual([{ x1: 100, y1: 0, x2: 100, y2: 80 }]);
    expect(snapBounds(moving, [target], 2)).toEqual({ dx: 0, dy: 0, guides: [] });
    // centres snap too
    expect(snapBounds({ minX: 22, minY: 200, maxX: 82, maxY: 220 }, [target], 6).dx).toBe(-2);
    expect(snapToGrid(27, 20)).toBe(-7);
  });

  it('a dragged shape snaps to another shape and shows guides; Ctrl turns it off; grid snap on demand', () => {
    const { editor, board } = newEditor();
    const target = board.addShape({ type: 'rectangle', x: 0, y: 0, w: 100, h: 100, fillColor: '#fff' });
    const moved = board.addShape({ type: 'rectangle', x: 300, y: 300, w: 50, h: 50, fillColor: '#fff' });
    let guides = 0;
    const { pointer } = { pointer: (x: number, y: number, ctrlKey = false) => ({ x, y, pointerId: 1, pointerType: 'mouse', pressure: 0.5, button: 0, shiftKey: false, altKey: false, ctrlKey, metaKey: false }) };
    editor.pointerDown(pointer(320, 320));
    editor.pointerMove(pointer(300, 310));
    // left edge 280 → 300-20... move so the left edge lands 3 px right of the target's right edge (100)
    editor.pointerMove(pointer(123, 200));
    guides = editor.overlay().guides?.length ?? 0;
    editor.pointerUp(pointer(123, 200));
    // the painted edges meet (the stroke's half width included): 3 px away snapped to touching
    expect(shapeBounds(board.getShape(moved.id)!).minX).toBe(shapeBounds(board.getShape(target.id)!).maxX);
    expect(guides).toBeGreaterThan(0);
    expect(editor.overlay().guides).toEqual([]);
    drag(editor, [[120, 200], [125, 200], [140, 200]], { ctrlKey: true });
    expect(board.getShape(moved.id)).toMatchObject({ x: 122 }); // no snapping with Ctrl
    editor.setGridSnap(true);
    drag(editor, [[140, 200], [150, 210], [157, 213]]);
    expect(board.getShape(moved.id)).toMatchObject({ x: 140, y: 200 });
    expect(editor.overlay().grid).toBe(20);
  });
});
