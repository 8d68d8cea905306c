import { describe, expect, it } from 'vitest';
import { resolveArrowPoints } from '../src/index.js';
import { click, drag, newEditor } from './helpers.js';

describe('shape tools', () => {
  it('draws a rectangle by dragging, with the current style, as one undo step', () => {
    const { editor, board } = newEditor();
    editor.setStyle({ strokeColor: '#e03131', strokeWidth: 4 });
    editor.setTool('rectangle');
    drag(editor, [[100, 100], [150, 130], [300, 250]]);
    const [rect] = board.listShapes();
    expect(rect).toMatchObject({ type: 'rectangle', x: 100, y: 100, w: 200, h: 150, strokeColor: '#e03131', strokeWidth: 4 });
    expect(editor.selection).toEqual([rect!.id]);
    editor.undo();
    expect(board.size).toBe(0);
    editor.redo();
    expect(board.size).toBe(1);
  });

  it('draws ellipse, diamond and line; dragging backwards normalises the box', () => {
    const { editor, board } = newEditor();
    editor.setTool('ellipse');
    drag(editor, [[300, 300], [200, 250]]);
    editor.setTool('diamond');
    drag(editor, [[0, 0], [40, 40]]);
    editor.setTool('line');
    drag(editor, [[500, 500], [600, 450]]);
    const [ellipse, diamond, line] = board.listShapes();
    expect(ellipse).toMatchObject({ type: 'ellipse', x: 200, y: 250, w: 100, h: 50 });
    expect(diamond).toMatchObject({ type: 'diamond', w: 40, h: 40 });
    expect(line).toMatchObject({ type: 'line', x: 500, y: 450, points: [0, 50, 100, 0] });
  });

  it('draws a freehand stroke with pen pressure, relative to its origin', () => {
    const { editor, board } = newEditor();
    editor.setTool('pen');
    drag(editor, [[10, 10], [20, 15], [30, 30], [50, 20]], { pointerType: 'pen', pressure: 0.8 });
    const [stroke] = board.listShapes();
    expect(stroke).toMatchObject({ type: 'freehand', variant: 'pen', x: 10, y: 10, w: 40, h: 20 });
    if (stroke?.type !== 'freehand') throw new Error('not a stroke');
    expect(stroke.points.slice(0, 3)).toEqual([0, 0, 0.8]);
    expect(stroke.points.length).toBe(12);
  });

  it('draws a highlighter stroke in a highlighter colour by default', () => {
    const { editor, board } = newEditor();
    editor.setTool('highlighter');
    drag(editor, [[10, 10], [80, 10]]);
    expect(board.listShapes()[0]).toMatchObject({ type: 'freehand', variant: 'highlighter', strokeColor: '#fab005' });
  });
});

describe('select tool', () => {
  it('moves the selection by dragging, and the whole drag undoes as one step', () => {
    const { editor, board } = newEditor();
    const shape = board.addShape({ type: 'rectangle', x: 100, y: 100, w: 100, h: 100, fillColor: '#fff' });
    board.stopCapturing();
    editor.setTool('select');
    drag(editor, [[150, 150], [160, 150], [170, 160], [190, 170], [250, 200]]);
    expect(board.getShape(shape.id)).toMatchObject({ x: 200, y: 150 });
    expect(editor.selection).toEqual([shape.id]);
    editor.undo();
    expect(board.getShape(shape.id)).toMatchObject({ x: 100, y: 100 });
    expect(board.size).toBe(1);
  });

  it('clicks select the top-most shape; shift-click adds and removes', () => {
    const { editor, board } = newEditor();
    const bottom = board.addShape({ type: 'rectangle', x: 0, y: 0, w: 100, h: 100, fillColor: '#fff' });
    const top = board.addShape({ type: 'rectangle', x: 50, y: 50, w: 100, h: 100, fillColor: '#fff' });
    const other = board.addShape({ type: 'ellipse', x: 300, y: 0, w: 100, h: 100, fillColor: '#fff' });
    click(editor, 75, 75);
    expect(editor.selection).toEqual([top.id]);
    click(editor, 350, 50, { shiftKey: true });
    expect(editor.selection).toEqual([top.id, other.id]);
    click(editor, 350, 50, { shiftKey: true });
    expect(editor.selection).toEqual([top.id]);
    click(editor, 10, 10);
    expect(editor.selection).toEqual([bottom.id]);
    click(editor, 700, 700);
    expect(editor.selection).toEqual([]);
  });

  it('marquee selects shapes fully inside the box, expanding groups', () => {
    const { editor, board } = newEditor();
    const a = board.addShape({ type: 'rectangle', x: 10, y: 10, w: 50, h: 50 });
    const b = board.addShape({ type: 'rectangle', x: 100, y: 10, w: 50, h: 50 });
    const outside = board.addShape({ type: 'rectangle', x: 600, y: 600, w: 50, h: 50 });
    const partly = board.addShape({ type: 'rectangle', x: 180, y: 180, w: 100, h: 100 });
    board.group([b.id, outside.id]);
    drag(editor, [[0, 0], [100, 100], [200, 200]]);
    expect(new Set(editor.selection)).toEqual(new Set([a.id, b.id, outside.id]));
    expect(editor.selection).not.toContain(partly.id);
  });

  it('resizes with a corner handle, keeping the opposite corner fixed', () => {
    const { editor, board } = newEditor();
    const shape = board.addShape({ type: 'rectangle', x: 100, y: 100, w: 100, h: 50, fillColor: '#fff' });
    click(editor, 150, 125);
    drag(editor, [[200, 150], [250, 180], [300, 250]]);
    expect(board.getShape(shape.id)).toMatchObject({ x: 100, y: 100, w: 200, h: 150 });
    editor.undo();
    expect(board.getShape(shape.id)).toMatchObject({ w: 100, h: 50 });
  });

  it('resizes a freehand stroke by scaling its points', () => {
    const { editor, board } = newEditor();
    const stroke = board.addShape({ type: 'freehand', x: 100, y: 100, w: 100, h: 100, points: [0, 0, 0.5, 100, 100, 0.5] });
    editor.setSelection([stroke.id]);
    drag(editor, [[200, 200], [300, 300]]);
    const resized = board.getShape(stroke.id);
    expect(resized).toMatchObject({ x: 100, y: 100, w: 200, h: 200, points: [0, 0, 0.5, 200, 200, 0.5] });
  });

  it('rotates with the rotate handle about the centre', () => {
    const { editor, board } = newEditor();
    const shape = board.addShape({ type: 'rectangle', x: 100, y: 100, w: 100, h: 100, fillColor: '#fff' });
    editor.setSelection([shape.id]);
    // The rotate handle sits 24 px above the top edge's middle; drag it to the right of the centre.
    drag(editor, [[150, 76], [200, 100], [250, 150]]);
    const rotated = board.getShape(shape.id)!;
    expect(rotated.rotation).toBeCloseTo(Math.PI / 2);
    expect(rotated).toMatchObject({ x: 100, y: 100 });
    editor.undo();
    expect(board.getShape(shape.id)!.rotation).toBe(0);
  });
});

describe('eraser', () => {
  it('deletes every shape the drag passes over, as one undo step', () => {
    const { editor, board } = newEditor();
    const a = board.addShape({ type: 'rectangle', x: 0, y: 0, w: 100, h: 100, fillColor: '#fff' });
    const b = board.addShape({ type: 'freehand', x: 200, y: 0, w: 0, h: 100, points: [0, 0, 0.5, 0, 100, 0.5] });
    const kept = board.addShape({ type: 'rectangle', x: 0, y: 400, w: 100, h: 100, fillColor: '#fff' });
    board.stopCapturing();
    editor.setTool('eraser');
    drag(editor, [[50, 50], [150, 50], [250, 50]]);
    expect(board.has(a.id)).toBe(false);
    expect(board.has(b.id)).toBe(false);
    expect(board.has(kept.id)).toBe(true);
    editor.undo();
    expect(board.size).toBe(3);
  });
});

describe('arrows', () => {
  it('binds both ends to the shapes under them, and the bound end follows a moved shape', () => {
    const { editor, board } = newEditor();
    const a = board.addShape({ type: 'rectangle', x: 0, y: 0, w: 100, h: 100 });
    const b = board.addShape({ type: 'rectangle', x: 400, y: 0, w: 100, h: 100 });
    editor.setTool('arrow');
    drag(editor, [[50, 50], [300, 50], [450, 50]]);
    const arrow = board.listShapes().find((s) => s.type === 'arrow');
    if (arrow?.type !== 'arrow') throw new Error('no arrow');
    expect(arrow.startBinding).toBe(a.id);
    expect(arrow.endBinding).toBe(b.id);
    const before = resolveArrowPoints(arrow, (id) => board.getShape(id));
    // Ends sit just outside the facing sides (x = 100 and x = 400), not at the centres.
    expect(before[0]).toBeGreaterThan(100);
    expect(before[0]).toBeLessThan(110);
    expect(before[2]).toBeLessThan(400);
    expect(before[2]).toBeGreaterThan(390);

    editor.setTool('select');
    click(editor, 402, 80);
    expect(editor.selection).toEqual([b.id]);
    drag(editor, [[402, 80], [402, 380]]);
    const after = resolveArrowPoints(board.getShape(arrow.id) as typeof arrow, (id) => board.getShape(id));
    // The end now points at the moved shape's new place (its centre is at 450, 350).
    expect(after[3]).toBeGreaterThan(250);
    expect(Math.hypot(after[2]! - 450, after[3]! - 350)).toBeLessThan(80);
    // The scene re-indexed the arrow, so the renderer's culling sees its new extent.
    expect(editor.scene.get(arrow.id)!.maxY).toBeGreaterThan(250);
  });

  it('leaves ends unbound over empty space', () => {
    const { editor, board } = newEditor();
    editor.setTool('arrow');
    drag(editor, [[50, 50], [250, 80]]);
    expect(board.listShapes()[0]).toMatchObject({ type: 'arrow', startBinding: null, endBinding: null });
  });
});
