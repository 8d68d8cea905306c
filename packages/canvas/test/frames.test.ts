import * as Y from 'yjs';
import { Board } from '@meshboard/board';
import { describe, expect, it } from 'vitest';
import { drag, newEditor, pointer } from './helpers.js';

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

  it("double-clicking a frame's title renames it in place (one undo step); the name reaches another peer", () => {
    const docA = new Y.Doc();
    const docB = new Y.Doc();
    docA.on('update', (update: Uint8Array) => Y.applyUpdate(docB, update));
    const a = newEditor(new Board(docA, { userId: 'a' }));
    const b = newEditor(new Board(docB, { userId: 'b' }));
    const frame = a.board.addShape({ type: 'frame', x: 100, y: 100, w: 300, h: 200, name: 'Frame 1' });
    const versionB = b.editor.getState().framesVersion;
    // the title is drawn just above the top-left corner (13 px high at zoom 1): double-click it
    expect(a.editor.frameTitleAt({ x: 110, y: 90 })?.id).toBe(frame.id);
    expect(a.editor.frameTitleAt({ x: 110, y: 110 })).toBeNull(); // inside the frame is not its title
    a.editor.doubleClick(pointer(110, 90));
    expect(a.editor.textEdit).toMatchObject({ id: frame.id, type: 'name', text: 'Frame 1', x: 100 });
    expect(a.editor.textEdit!.y + a.editor.textEdit!.h).toBeLessThanOrEqual(100);
    a.editor.commitTextEdit('Onboarding  ');
    expect(a.board.getShape(frame.id)).toMatchObject({ name: 'Onboarding' });
    expect(a.editor.frames()).toEqual([{ id: frame.id, name: 'Onboarding' }]);
    // the other peer's frames list is told to re-read, and reads the new name
    expect(b.editor.getState().framesVersion).toBeGreaterThan(versionB);
    expect(b.editor.frames()).toEqual([{ id: frame.id, name: 'Onboarding' }]);
    // renaming from the frames list: the same, and each rename is one undo step
    a.editor.renameFrame(frame.id, 'Launch');
    expect(b.board.getShape(frame.id)).toMatchObject({ name: 'Launch' });
    a.editor.undo();
    expect(b.board.getShape(frame.id)).toMatchObject({ name: 'Onboarding' });
  });

  it('a locked frame or a read-only board keeps its name', () => {
    const { editor, board } = newEditor();
    const frame = board.addShape({ type: 'frame', x: 0, y: 0, w: 100, h: 100, name: 'Kept', locked: true });
    editor.renameFrame(frame.id, 'Changed');
    editor.editFrameName(frame.id);
    expect(editor.textEdit).toBeNull();
    board.updateShape(frame.id, { locked: false });
    editor.setReadOnly(true);
    editor.renameFrame(frame.id, 'Changed');
    expect(board.getShape(frame.id)).toMatchObject({ name: 'Kept' });
  });
});
