import { describe, expect, it } from 'vitest';
import { click, newEditor, pointer } from './helpers.js';

describe('labels', () => {
  it('double-clicking a rectangle opens its label, centred, and typing stores it with the current text style', () => {
    const { editor, board } = newEditor();
    const box = board.addShape({ type: 'rectangle', x: 100, y: 100, w: 200, h: 100 });
    editor.setStyle({ fontFamily: 'hand' });
    editor.doubleClick(pointer(200, 150));
    expect(editor.textEdit).toMatchObject({ id: box.id, type: 'label', textAlign: 'center', fontFamily: 'hand', x: 108, y: 108, w: 184, h: 84 });
    editor.commitTextEdit('Hello');
    expect(board.getShape(box.id)).toMatchObject({ text: 'Hello', textAlign: 'center', fontFamily: 'hand', fontSize: 20 });
    // editing again changes only the text; emptying it removes the label, not the shape
    editor.doubleClick(pointer(200, 150));
    editor.commitTextEdit('');
    expect(board.getShape(box.id)).toMatchObject({ text: '', fontFamily: 'hand' });
  });

  it('double-clicking an arrow opens a label on the middle of its course', () => {
    const { editor, board } = newEditor();
    const arrow = board.addShape({ type: 'arrow', x: 100, y: 100, w: 200, h: 0, points: [0, 0, 200, 0] });
    editor.doubleClick(pointer(150, 100));
    expect(editor.textEdit?.type).toBe('label');
    const session = editor.textEdit!;
    expect(session.x + session.w / 2).toBe(200);
    expect(session.y + session.h / 2).toBe(100);
    editor.commitTextEdit('yes');
    expect(board.getShape(arrow.id)).toMatchObject({ text: 'yes' });
  });
});

describe('hollow shapes', () => {
  it('a click inside an unfilled box selects it, but a shape drawn inside it is hit first', () => {
    const { editor, board } = newEditor();
    const outer = board.addShape({ type: 'rectangle', x: 0, y: 0, w: 400, h: 400 });
    const inner = board.addShape({ type: 'ellipse', x: 300, y: 300, w: 50, h: 50, fillColor: '#ffc9c9' });
    click(editor, 100, 100);
    expect(editor.selection).toEqual([outer.id]);
    click(editor, 325, 325);
    expect(editor.selection).toEqual([inner.id]);
    click(editor, 600, 600);
    expect(editor.selection).toEqual([]);
  });
});

describe('styles', () => {
  it('new shapes take the style; changing it restyles the selection where the field applies', () => {
    const { editor, board } = newEditor();
    editor.setStyle({ strokeStyle: 'dashed', roughness: 1, cornerRadius: 16, endArrowhead: 'dot', startArrowhead: 'bar', arrowType: 'elbow' });
    editor.setTool('rectangle');
    click(editor, 10, 10);
    editor.setTool('arrow');
    editor.pointerDown(pointer(300, 300));
    editor.pointerMove(pointer(400, 350));
    editor.pointerUp(pointer(400, 350));
    const [rect, arrow] = board.listShapes();
    expect(rect).toMatchObject({ type: 'rectangle', strokeStyle: 'dashed', roughness: 1, cornerRadius: 16 });
    expect(arrow).toMatchObject({ type: 'arrow', strokeStyle: 'dashed', startArrowhead: 'bar', endArrowhead: 'dot', arrowType: 'elbow' });
    editor.setSelection([rect!.id, arrow!.id]);
    editor.setStyle({ strokeStyle: 'dotted', arrowType: 'curved', cornerRadius: 0 });
    expect(board.getShape(rect!.id)).toMatchObject({ strokeStyle: 'dotted', cornerRadius: 0 });
    expect(board.getShape(rect!.id)).not.toHaveProperty('arrowType');
    expect(board.getShape(arrow!.id)).toMatchObject({ strokeStyle: 'dotted', arrowType: 'curved' });
  });
});
