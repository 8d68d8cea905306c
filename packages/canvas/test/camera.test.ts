import { describe, expect, it } from 'vitest';
import { Camera, MAX_ZOOM, MIN_ZOOM, nextZoomStep } from '../src/index.js';
import { newEditor } from './helpers.js';

describe('camera', () => {
  it('round-trips screen and world coordinates at any pan and zoom', () => {
    const camera = new Camera();
    camera.x = -120;
    camera.y = 40;
    camera.zoom = 2.5;
    const world = camera.screenToWorld({ x: 300, y: 200 });
    expect(world).toEqual({ x: -120 + 300 / 2.5, y: 40 + 200 / 2.5 });
    const back = camera.worldToScreen(world);
    expect(back.x).toBeCloseTo(300);
    expect(back.y).toBeCloseTo(200);
  });

  it('zooms about a screen point, keeping the world point under it fixed', () => {
    const camera = new Camera();
    camera.x = 100;
    camera.y = 50;
    const anchor = { x: 400, y: 300 };
    const before = camera.screenToWorld(anchor);
    camera.zoomAt(anchor, 3);
    expect(camera.zoom).toBe(3);
    const after = camera.screenToWorld(anchor);
    expect(after.x).toBeCloseTo(before.x);
    expect(after.y).toBeCloseTo(before.y);
  });

  it('clamps zoom and steps through round levels', () => {
    const camera = new Camera();
    camera.zoomAt({ x: 0, y: 0 }, 1000);
    expect(camera.zoom).toBe(MAX_ZOOM);
    camera.zoomAt({ x: 0, y: 0 }, 0);
    expect(camera.zoom).toBe(MIN_ZOOM);
    expect(nextZoomStep(1, 1)).toBe(1.25);
    expect(nextZoomStep(1, -1)).toBe(0.75);
    expect(nextZoomStep(1.1, -1)).toBe(1);
  });

  it('pans so content follows the pointer', () => {
    const camera = new Camera();
    camera.zoom = 2;
    const p = camera.screenToWorld({ x: 10, y: 10 });
    camera.panBy(50, -20);
    const moved = camera.worldToScreen(p);
    expect(moved).toEqual({ x: 60, y: -10 });
  });

  it('zooms to fit: bounds centred with padding, never zoomed in past 100%', () => {
    const camera = new Camera();
    const viewport = { width: 1000, height: 800 };
    camera.fitBounds({ minX: 0, minY: 0, maxX: 4000, maxY: 1000 }, viewport, 50);
    expect(camera.zoom).toBeCloseTo(900 / 4000);
    const visible = camera.visibleBounds(viewport);
    expect((visible.minX + visible.maxX) / 2).toBeCloseTo(2000);
    expect((visible.minY + visible.maxY) / 2).toBeCloseTo(500);
    expect(visible.minX).toBeLessThan(0);
    camera.fitBounds({ minX: 10, minY: 10, maxX: 20, maxY: 20 }, viewport, 50);
    expect(camera.zoom).toBe(1);
  });
});

describe('opening a board whose content arrives later', () => {
  it('brings the first content into view when all of it lands off-screen (a phone, or a board far from the origin)', () => {
    const { editor, board } = newEditor();
    board.addShape({ type: 'rectangle', x: 5000, y: 4000, w: 200, h: 100 });
    const view = editor.camera.visibleBounds(editor.viewport);
    expect(view.minX).toBeLessThanOrEqual(5000);
    expect(view.maxX).toBeGreaterThanOrEqual(5200);
    expect(view.minY).toBeLessThanOrEqual(4000);
    expect(view.maxY).toBeGreaterThanOrEqual(4100);
  });

  it('keeps the camera when some content is already on screen, or once the person has moved it', () => {
    const visible = newEditor();
    visible.board.addShapes([{ type: 'rectangle', x: 100, y: 100, w: 50, h: 50 }, { type: 'rectangle', x: 5000, y: 5000, w: 50, h: 50 }]);
    expect(visible.editor.camera).toMatchObject({ x: 0, y: 0, zoom: 1 });

    const moved = newEditor();
    moved.editor.wheel({ x: 10, y: 10, deltaX: 0, deltaY: 40, ctrlKey: false, metaKey: false, shiftKey: false });
    const before = { ...moved.editor.camera };
    moved.board.addShape({ type: 'rectangle', x: 5000, y: 4000, w: 200, h: 100 });
    expect(moved.editor.camera).toMatchObject(before);
  });
});
