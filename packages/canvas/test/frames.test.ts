import { describe, expect, it } from 'vitest';
import { drag, newEditor } from './helpers.js';

describe('frames', () => {
  it('the frame tool adopts the shapes wholly inside, goes beneath them, and is named', () => {
    const { editor, board } = newEditor();
    const inside = board.addShape({ type: 'rectangle', x: 120, y: 120, w: 50, h: 50, fillColor: '#fff' });
    const across = board.addShape({ type: 'rectangle', x: 380, y: 120, w: 50, h: 50, fillColor: '#fff' });
    editor.setTool('frame');
    drag(editor, [[100, 100], [250, 200], [400, 300]]);
    const frame = board.listShapes().find((shape) => shape.type === 'frame')!;
    expect(frame).toMatchObject({ x: 100, y: 100, w: 300, h: 200, name: 'Frame 1' });
    expect(board.getShape(inside.id)?.frameId).toBe(frame.id);
    expect(board.getShape(across.id)?.frameId).toBeNull();
    expect(editor.scene.all()[0]!.id).toBe(frame.id); // beneath everything (stacking order)
    expect(editor.frames()).toEqual([{ id: frame.id, name: 'Frame 1' }]);
    editor.undo();
    expect(board.size).toBe(2);
    expect(board.getShape(inside.id)?.frameId).toBeNull();
  });

  it('moving a frame moves its children; a shape dragged out leaves it, dragged in joins it', () => {
    const { editor, board } = newEditor();
    const frame = board.addShape({ type: 'frame', x: 100, y: 100, w: 300, h: 200, name: 'A' });
    const child = board.addShape({ type: 'rectangle', x: 150, y: 150, w: 50, h: 50, fillColor: '#fff', frameId: frame.id });
    const outside = board.addShape({ type: 'ellipse', x: 600, y: 150, w: 40, h: 40, fillColor: '#fff' });
    editor.setSelection([frame.id]);
    // press on the frame's empty inside (the hollow rule selects it), drag 100 right; Ctrl: no snapping
    drag(editor, [[300, 250], [350, 250], [400, 250]], { ctrlKey: true });
    expect(board.getShape(frame.id)).toMatchObject({ x: 200 });
    expect(board.getShape(child.id)).toMatchObject({ x: 250, frameId: frame.id });
    editor.undo();
    expect(board.getShape(child.id)).toMatchObject({ x: 150 });
    // the child dragged out of the frame
    editor.setSelection([child.id]);
    drag(editor, [[175, 175], [400, 175], [700, 175]], { ctrlKey: true });
    expect(board.getShape(child.id)?.frameId).toBeNull();
    // the ellipse dragged into it
    editor.setSelection([outside.id]);
    drag(editor, [[620, 170], [400, 170], [220, 170]], { ctrlKey: true });
    expect(board.getShape(outside.id)?.frameId).toBe(frame.id);
  });

  it('a shape drawn inside a frame belongs to it; zoomToShape brings a frame into view', () => {
    const { editor, board } = newEditor();
    const frame = board.addShape({ type: 'frame', x: 3000, y: 3000, w: 400, h: 300, name: 'Far' });
    editor.zoomToShape(frame.id);
    const view = editor.camera.visibleBounds(editor.viewport);
    expect(view.minX).toBeLessThanOrEqual(3000);
    expect(view.maxX).toBeGreaterThanOrEqual(3400);
    expect(editor.selection).toEqual([frame.id]);
    editor.setTool('rectangle');
    const at = editor.camera.worldToScreen({ x: 3100, y: 3100 });
    const to = editor.camera.worldToScreen({ x: 3200, y: 3200 });
    drag(editor, [[at.x, at.y], [to.x, to.y]]);
    const rect = board.listShapes().find((shape) => shape.type === 'rectangle')!;
    expect(rect.frameId).toBe(frame.id);
  });
});
