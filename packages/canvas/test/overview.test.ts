import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Renderer, type FrameInput } from '../src/index.js';
import { OVERVIEW_MIN_SHAPES } from '../src/overview.js';
import { newEditor, RecordingContext } from './helpers.js';

// Node has no ImageData or OffscreenCanvas: minimal stand-ins, enough to build and "upload" a pixel buffer.
class FakeImageData {
  readonly data: Uint8ClampedArray;
  constructor(
    readonly width: number,
    readonly height: number,
  ) {
    this.data = new Uint8ClampedArray(width * height * 4);
  }
}
class FakeOffscreenCanvas {
  uploaded: FakeImageData | null = null;
  constructor(
    readonly width: number,
    readonly height: number,
  ) {}
  getContext() {
    return { putImageData: (image: FakeImageData) => (this.uploaded = image) };
  }
}
const globals = globalThis as Record<string, unknown>;
beforeAll(() => {
  globals.ImageData = FakeImageData;
  globals.OffscreenCanvas = FakeOffscreenCanvas;
});
afterAll(() => {
  delete globals.ImageData;
  delete globals.OffscreenCanvas;
});

/** A board with enough shapes for overview images: a 100-wide grid of small boxes, 40 world px apart. */
function bigBoard(count = OVERVIEW_MIN_SHAPES + 100) {
  const setup = newEditor();
  setup.board.addShapes(Array.from({ length: count }, (_, i) => ({ type: 'rectangle' as const, x: (i % 100) * 40, y: Math.floor(i / 100) * 40, w: 20, h: 20, fillColor: '#a5d8ff' })));
  return setup;
}

function frame(renderer: Renderer, setup: ReturnType<typeof newEditor>, zoom: number) {
  setup.editor.camera.x = -10;
  setup.editor.camera.y = -10;
  setup.editor.camera.zoom = zoom;
  // a canvas-backed context (the overview is used only on a real canvas)
  const ctx = Object.assign(new RecordingContext(), { canvas: { width: 1000, height: 800 }, imageSmoothingEnabled: false });
  const input: FrameInput = { ctx: ctx.asContext(), camera: setup.editor.camera, viewport: setup.editor.viewport, dpr: 1, theme: 'light', scene: setup.editor.scene, overlay: setup.editor.overlay(), getImage: () => null };
  const stats = renderer.draw(input);
  return { stats, ctx, input, images: ctx.calls.filter((call) => call.name === 'drawImage').map((call) => call.args) };
}

function buildAll(renderer: Renderer, input: FrameInput): number {
  let slices = 1;
  while (renderer.buildOverview(input, 0) !== 'idle') slices++;
  return slices;
}

describe('overview images for zoomed-out frames', () => {
  it('draws a big board zoomed far out from one scaled image once it is built, in slices', () => {
    const setup = bigBoard();
    const renderer = new Renderer();
    const first = frame(renderer, setup, 0.05);
    expect(first.images).toHaveLength(0); // not built yet: drawn directly
    expect(renderer.overviewWanted).toBe(true);
    expect(buildAll(renderer, first.input)).toBeGreaterThan(1); // a zero budget still builds a slice at a time
    expect(renderer.overviewWanted).toBe(false);
    // the other levels were built too, so zooming in further is served at once, from a larger image
    const closer = frame(renderer, setup, 0.2);
    expect(closer.images).toHaveLength(1);
    expect((closer.images[0]![0] as FakeOffscreenCanvas).width).toBeGreaterThan((frame(renderer, setup, 0.05).images[0]![0] as FakeOffscreenCanvas).width);

    const next = frame(renderer, setup, 0.05);
    expect(next.images).toHaveLength(1);
    const [image, x, y, width, height] = next.images[0] as [FakeOffscreenCanvas, number, number, number, number];
    expect(image.uploaded).toBeInstanceOf(FakeImageData);
    // the level was drawn at a zoom between the frame's and twice it, and is scaled down onto the screen
    const scale = width / image.width;
    expect(scale).toBeGreaterThan(0.5);
    expect(scale).toBeLessThanOrEqual(1);
    expect(height / image.height).toBeCloseTo(scale);
    // the board's top-left corner (0, 0) lands where the camera puts it, 10 world px right and down, less the
    // image's one-pixel margin and the boxes' half stroke width (1 world px)
    expect(Math.abs(x + scale - (10 - 1) * 0.05)).toBeLessThan(0.01);
    expect(Math.abs(y + scale - (10 - 1) * 0.05)).toBeLessThan(0.01);
    expect(next.stats.simplified).toBe(setup.board.size);
  });

  it('never draws an image of an older board: after a change, frames are drawn directly until it is rebuilt', () => {
    const setup = bigBoard();
    const renderer = new Renderer();
    buildAll(renderer, frame(renderer, setup, 0.05).input);
    expect(frame(renderer, setup, 0.05).images).toHaveLength(1);
    setup.board.addShape({ type: 'rectangle', x: 0, y: 0, w: 20, h: 20 });
    const after = frame(renderer, setup, 0.05);
    expect(after.images).toHaveLength(0);
    expect(renderer.overviewWanted).toBe(true);
    // a change in the middle of a build abandons it
    expect(renderer.buildOverview(after.input, 0)).toBe('working');
    setup.board.addShape({ type: 'rectangle', x: 40, y: 0, w: 20, h: 20 });
    expect(renderer.buildOverview(after.input, 0)).toBe('idle');
    expect(frame(renderer, setup, 0.05).images).toHaveLength(0);
  });

  it('draws the few big shapes in full under the image, so one big frame around a section does not rule it out', () => {
    const setup = bigBoard();
    setup.board.addShape({ type: 'rectangle', x: -100, y: -100, w: 4200, h: 2300, z: 'a0' }); // a frame under everything
    const renderer = new Renderer();
    buildAll(renderer, frame(renderer, setup, 0.05).input);
    const drawn = frame(renderer, setup, 0.05);
    expect(drawn.images).toHaveLength(1);
    expect(drawn.stats).toMatchObject({ drawn: 1, simplified: setup.board.size - 1 });
    // the big shape is drawn before (under) the image of the small ones
    const names = drawn.ctx.calls.map((call) => call.name);
    expect(names.indexOf('stroke')).toBeGreaterThanOrEqual(0);
    expect(names.indexOf('stroke')).toBeLessThan(names.indexOf('drawImage'));
  });

  it('is not used for small boards, close-up zooms, or while something is selected', () => {
    const small = bigBoard(OVERVIEW_MIN_SHAPES - 1);
    const renderer = new Renderer();
    frame(renderer, small, 0.05);
    expect(renderer.overviewWanted).toBe(false);

    const setup = bigBoard();
    frame(renderer, setup, 0.5);
    expect(renderer.overviewWanted).toBe(false);
    buildAll(renderer, frame(renderer, setup, 0.05).input);
    setup.editor.selectAll();
    expect(frame(renderer, setup, 0.05).images).toHaveLength(0);
  });
});
