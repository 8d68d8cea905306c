// Runs inside headless Chromium (bundled by bench/run.mjs): builds a big board and drives the engine.
import * as Y from 'yjs';
import { Board } from '@meshboard/board';
import { CanvasEngine } from '../src/index.js';
import { generateShapes } from './shapes.js';


interface Sample {
  name: string;
  frames: number[];
}

const frame = () => new Promise<number>((resolve) => requestAnimationFrame(resolve));

declare global {
  interface Window {
    meshboardBench: typeof api;
  }
}

let state: Uint8Array | null = null;
let engine: CanvasEngine | null = null;
let board: Board | null = null;

const api = {
  /** Builds the board once and keeps its encoded state (what a page load receives from the store). */
  generate(count: number, styled = false): { ms: number; bytes: number } {
    const t0 = performance.now();
    const doc = new Y.Doc();
    const board = new Board(doc, { userId: 'bench' });
    const shapes = generateShapes(count, 42, styled);
    for (let i = 0; i < shapes.length; i += 5000) board.addShapes(shapes.slice(i, i + 5000));
    state = Y.encodeStateAsUpdate(doc);
    board.destroy();
    doc.destroy();
    return { ms: performance.now() - t0, bytes: state.byteLength };
  },

  /**
   * Time to first full render, part 1: decode the board state (Yjs) and read the board (validated shapes):
   * what any client of `@meshboard/board` pays before it can draw anything.
   */
  loadBoard(): { decodeMs: number; readMs: number } {
    if (!state) throw new Error('generate first');
    const t0 = performance.now();
    const doc = new Y.Doc();
    Y.applyUpdate(doc, state);
    const t1 = performance.now();
    board = new Board(doc, { userId: 'viewer' });
    board.listShapes();
    return { decodeMs: t1 - t0, readMs: performance.now() - t1 };
  },

  /**
   * Part 2: create the engine (index + first frame, zoomed to fit: every shape on screen) and wait until the
   * frame is rasterised.
   */
  async openEngine(mode: 'optimized' | 'naive'): Promise<{ engineMs: number; drawn: number; simplified: number }> {
    const container = document.getElementById('board')!;
    const t0 = performance.now();
    engine = new CanvasEngine({ container, board: board!, renderMode: mode });
    // Reading one pixel forces the canvas to finish rasterising what was drawn.
    engine.canvas.getContext('2d')!.getImageData(0, 0, 1, 1);
    const engineMs = performance.now() - t0;
    await frame();
    const stats = engine.lastFrame!;
    return { engineMs, drawn: stats.drawn, simplified: stats.simplified };
  },

  /**
   * The web app's order: the engine opens on an empty board, then the board's state arrives from the store
   * and is applied as one update. Time from the update to the first full frame, rasterised.
   */
  async arriveIntoOpenEngine(mode: 'optimized' | 'naive'): Promise<{ arriveMs: number; drawn: number; simplified: number }> {
    if (!state) throw new Error('generate first');
    const container = document.getElementById('board')!;
    const doc = new Y.Doc();
    board = new Board(doc, { userId: 'viewer' });
    engine = new CanvasEngine({ container, board, renderMode: mode });
    await frame();
    const t0 = performance.now();
    Y.applyUpdate(doc, state);
    const stats = engine.renderNow();
    engine.canvas.getContext('2d')!.getImageData(0, 0, 1, 1);
    return { arriveMs: performance.now() - t0, drawn: stats.drawn, simplified: stats.simplified };
  },

  /**
   * Pan and zoom like a user: each step moves the camera and draws one frame, timed until rasterised.
   * `framesPerPhase` keeps the naive baseline's run bounded.
   */
  async panZoom(framesPerPhase: number): Promise<Sample[]> {
    const e = engine!;
    const editor = e.editor;
    const { width, height } = editor.viewport;
    const center = { x: width / 2, y: height / 2 };
    const ctx = e.canvas.getContext('2d')!;
    const timed = async (name: string, step: (i: number) => void): Promise<Sample> => {
      const frames: number[] = [];
      for (let i = 0; i < framesPerPhase; i++) {
        await frame();
        const t0 = performance.now();
        step(i);
        e.renderNow();
        ctx.getImageData(0, 0, 1, 1);
        frames.push(performance.now() - t0);
      }
      return { name, frames };
    };
    editor.zoomToFit();
    const fitZoom = editor.camera.zoom;
    const samples: Sample[] = [];
    samples.push(await timed('pan, whole board', (i) => editor.camera.panBy(Math.cos(i / 10) * 12, Math.sin(i / 10) * 12)));
    const zoomInFactor = Math.pow(1 / fitZoom, 1 / framesPerPhase);
    samples.push(await timed('zoom in to 100%', () => editor.camera.zoomAt(center, editor.camera.zoom * zoomInFactor)));
    samples.push(await timed('pan at 100%', (i) => editor.camera.panBy(Math.cos(i / 10) * 25, Math.sin(i / 10) * 25)));
    samples.push(await timed('zoom out to fit', () => editor.camera.zoomAt(center, editor.camera.zoom / zoomInFactor)));
    samples.push(await timed('wheel zoom at 30%', (i) => editor.camera.zoomAt(center, 0.3 * (1 + 0.2 * Math.sin(i / 8)))));
    return samples;
  },

  /**
   * Correctness of the pan fast path: a frame reached by panning (buffer shifted, strips redrawn) must equal
   * a full redraw at the same camera. Returns the fraction of pixels that differ.
   */
  checkPanMatchesRedraw(): number {
    const e = engine!;
    const editor = e.editor;
    const ctx = e.canvas.getContext('2d')!;
    editor.zoomToFit();
    editor.camera.zoomAt({ x: editor.viewport.width / 2, y: editor.viewport.height / 2 }, editor.camera.zoom * 1.5);
    e.renderNow();
    for (let i = 0; i < 10; i++) {
      editor.camera.panBy(37 - i * 9, 23 - i * 5); // whole pixels at DPR 1
      e.renderNow();
    }
    const panned = ctx.getImageData(0, 0, e.canvas.width, e.canvas.height).data;
    // a theme round trip forces full redraws at the same camera
    e.setTheme('dark');
    e.renderNow();
    e.setTheme('light');
    e.renderNow();
    const full = ctx.getImageData(0, 0, e.canvas.width, e.canvas.height).data;
    let differ = 0;
    for (let i = 0; i < full.length; i += 4) if (full[i] !== panned[i] || full[i + 1] !== panned[i + 1] || full[i + 2] !== panned[i + 2]) differ++;
    return differ / (full.length / 4);
  },

  /** Per zoom level: median ms of the engine's JS (draw calls issued) and of rasterising them (--breakdown). */
  breakdown(zooms: number[]): Array<{ zoom: number; jsMs: number; rasterMs: number; queryMs: number; drawn: number; simplified: number }> {
    const e = engine!;
    const editor = e.editor;
    const ctx = e.canvas.getContext('2d')!;
    const median = (v: number[]) => [...v].sort((a, b) => a - b)[Math.floor(v.length / 2)]!;
    return zooms.map((zoom) => {
      editor.zoomToFit();
      editor.camera.zoomAt({ x: editor.viewport.width / 2, y: editor.viewport.height / 2 }, zoom);
      for (let i = 0; i < 200 && e.renderNow().deferred > 0; i++);
      const js: number[] = [];
      const raster: number[] = [];
      let stats = e.lastFrame!;
      for (let i = 0; i < 15; i++) {
        editor.camera.zoomAt({ x: editor.viewport.width / 2, y: editor.viewport.height / 2 }, zoom * (1 + (i % 2) * 0.01));
        const t0 = performance.now();
        stats = e.renderNow();
        const t1 = performance.now();
        ctx.getImageData(0, 0, 1, 1);
        js.push(t1 - t0);
        raster.push(performance.now() - t1);
      }
      const q: number[] = [];
      for (let i = 0; i < 15; i++) {
        const t0 = performance.now();
        editor.scene.query(editor.camera.visibleBounds(editor.viewport));
        q.push(performance.now() - t0);
      }
      return { zoom, jsMs: median(js), rasterMs: median(raster), queryMs: median(q), drawn: stats.drawn, simplified: stats.simplified };
    });
  },

  /** Shows the board zoomed to fit or at a zoom level around its centre (for --screenshots). */
  view(zoom: 'fit' | number): void {
    const editor = engine!.editor;
    editor.zoomToFit();
    if (zoom !== 'fit') editor.camera.zoomAt({ x: editor.viewport.width / 2, y: editor.viewport.height / 2 }, zoom);
    // Strokes deferred by the outline budget are refined over the next frames: draw until none is left.
    for (let i = 0; i < 200 && engine!.renderNow().deferred > 0; i++);
  },

  /**
   * Draws a frame now and describes it (for the browser test): whether it came from an overview image, the
   * share of pixels that are not background, and where their centre is (fractions of the canvas size).
   */
  look(): { overview: boolean; ink: number; cx: number; cy: number } {
    const e = engine!;
    const stats = e.renderNow();
    const { width, height } = e.canvas;
    const data = e.canvas.getContext('2d')!.getImageData(0, 0, width, height).data;
    let ink = 0;
    let sx = 0;
    let sy = 0;
    for (let i = 0; i < data.length; i += 4) {
      if (data[i]! > 245 && data[i + 1]! > 245 && data[i + 2]! > 245) continue;
      const p = i / 4;
      ink++;
      sx += p % width;
      sy += Math.floor(p / width);
    }
    return { overview: stats.overview, ink: ink / (width * height), cx: sx / ink / width, cy: sy / ink / height };
  },

  /** Adds one shape, as an edit from elsewhere would (for the browser test). */
  edit(): void {
    board!.addShape({ type: 'rectangle', x: 0, y: 0, w: 50, h: 50 });
  },

  overviewBytes(): number {
    return engine!.overviewBytes;
  },

  close(): void {
    engine?.destroy();
    engine = null;
    board?.destroy();
    board = null;
  },
};

window.meshboardBench = api;
