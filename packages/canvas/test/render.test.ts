import { describe, expect, it } from 'vitest';
import { Renderer, type RenderContext } from '../src/index.js';
import { newEditor, RecordingContext } from './helpers.js';

function drawAt(zoom: number, add: (editor: ReturnType<typeof newEditor>) => void) {
  const setup = newEditor();
  add(setup);
  setup.editor.camera.zoom = zoom;
  const ctx = new RecordingContext();
  const stats = new Renderer().draw({
    ctx: ctx as unknown as RenderContext,
    camera: setup.editor.camera,
    viewport: setup.editor.viewport,
    dpr: 1,
    theme: 'light',
    scene: setup.editor.scene,
    overlay: setup.editor.overlay(),
    getImage: () => null,
  });
  return { stats, ctx };
}

describe('renderer', () => {
  it('indexes a board that arrives in one change (from the store) in bulk, then keeps patching it', () => {
    const { editor, board } = newEditor();
    board.addShape({ type: 'rectangle', x: -500, y: -500, w: 10, h: 10 });
    const arriving = Array.from({ length: 1500 }, (_, i) => ({ type: 'rectangle' as const, x: (i % 50) * 30, y: Math.floor(i / 50) * 30, w: 20, h: 20 }));
    const added = board.addShapes(arriving);
    expect(editor.scene.size).toBe(1501);
    const inView = editor.scene.query({ minX: 0, minY: 0, maxX: 200, maxY: 200 });
    expect(inView.map((item) => item.id)).toEqual(board.listShapes().filter((shape) => shape.x >= 0 && shape.x <= 200 && shape.y >= 0 && shape.y <= 200).map((shape) => shape.id));
    // later changes are applied one by one on the bulk-built index
    board.translateShapes([added[0]!.id], 5000, 0);
    expect(editor.scene.query({ minX: 4990, minY: -10, maxX: 5030, maxY: 30 }).map((item) => item.id)).toEqual([added[0]!.id]);
    expect(editor.scene.query({ minX: 0, minY: 0, maxX: 10, maxY: 10 })).toHaveLength(0);
  });

  it('culls what is off screen', () => {
    const { stats } = drawAt(1, ({ board }) => {
      board.addShapes([
        { type: 'rectangle', x: 10, y: 10, w: 100, h: 100 },
        { type: 'rectangle', x: 5000, y: 5000, w: 100, h: 100 },
      ]);
    });
    expect(stats).toMatchObject({ drawn: 1, culled: 1 });
  });

  it('draws a shape that is small in itself (a pen dot) in full at normal zoom, and simplifies tiny shapes only when zoomed out', () => {
    const dot = ({ board }: ReturnType<typeof newEditor>) => {
      board.addShape({ type: 'freehand', x: 40, y: 40, w: 3, h: 2, points: [0, 0, 0.5, 3, 2, 0.5], strokeWidth: 4 });
    };
    expect(drawAt(1, dot).stats).toMatchObject({ drawn: 1, simplified: 0 });
    expect(drawAt(0.3, dot).stats).toMatchObject({ drawn: 0, simplified: 1 });
  });
});
