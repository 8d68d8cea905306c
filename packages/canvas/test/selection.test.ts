import { describe, expect, it } from 'vitest';
import { displayFrame, selectionFrame, selectionOutline, SELECTION_GAP } from '../src/index.js';
import { drag, newEditor } from './helpers.js';

describe('selection outlines', () => {
  it('are drawn clear of the shape ink, so a selected shape keeps its own stroke colour visible', () => {
    const { board } = newEditor();
    const rect = board.addShape({ type: 'rectangle', x: 100, y: 100, w: 200, h: 100, strokeWidth: 2 });
    for (const zoom of [0.5, 1, 2]) {
      const outline = selectionOutline(rect, () => undefined, zoom);
      const xs = outline.map((p) => p.x);
      const ys = outline.map((p) => p.y);
      const gap = 1 + SELECTION_GAP / zoom; // half the stroke plus the screen gap
      expect(Math.min(...xs)).toBeCloseTo(100 - gap);
      expect(Math.max(...xs)).toBeCloseTo(300 + gap);
      expect(Math.min(...ys)).toBeCloseTo(100 - gap);
      expect(Math.max(...ys)).toBeCloseTo(200 + gap);
    }
    const frame = displayFrame(selectionFrame([rect], () => undefined)!, 1);
    expect(frame).toMatchObject({ x: 100 - 1 - SELECTION_GAP, w: 200 + 2 * (1 + SELECTION_GAP) });
  });

  it('resizing from the drawn handle moves the edge by exactly the pointer travel (no jump)', () => {
    const { editor, board } = newEditor();
    const shape = board.addShape({ type: 'rectangle', x: 100, y: 100, w: 100, h: 50, strokeWidth: 2, fillColor: '#fff' });
    editor.setSelection([shape.id]);
    const handle = 200 + 1 + SELECTION_GAP; // the south-east handle as drawn
    drag(editor, [[handle, 150 + 1 + SELECTION_GAP], [handle + 50, 180], [handle + 100, 150 + 1 + SELECTION_GAP + 100]]);
    expect(board.getShape(shape.id)).toMatchObject({ x: 100, y: 100, w: 200, h: 150 });
  });
});
