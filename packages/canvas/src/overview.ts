import type { Bounds } from '@meshboard/board';
import type { Camera, Viewport } from './camera.js';
import { boundsIntersect } from './geometry.js';
import type { SceneIndex, SceneItem } from './scene.js';
import { PixelLayer } from './splat.js';
import type { Theme } from './types.js';

/**
 * Zoomed far out, every shape on a big board is a few pixels, and a frame is a pixel splat of tens of
 * thousands of them: ~20 ms for 50,000, more than a frame. So the whole board is splatted once, in slices
 * while the page is idle, into an overview image per power-of-two zoom level; such frames then draw the
 * level at or just above their zoom, scaled down by the canvas (a few ms, and smoother than a splat at the
 * frame's own zoom). The level a frame asked for is built first, then the others, nearest first, so a zoom
 * gesture finds its next levels ready. A level shows one scene version: after any change frames are
 * splatted directly again until the board has been still for a moment and the levels are rebuilt (see
 * CanvasEngine).
 */

/** What a call to `Overview.build` left: still working, a level just became ready (draw a frame), or nothing to do. */
export type OverviewBuild = 'working' | 'level-ready' | 'idle';

/**
 * The largest overview image, in device pixels (36 MB as RGBA, plus as much while it is built); the top
 * level's zoom is capped to fit it. The benchmark's 50,000 shapes fit at zoom 0.086.
 */
export const OVERVIEW_MAX_PIXELS = 3072 * 3072;
const OVERVIEW_MAX_SIDE = 6144;
/** Below this many shapes a zoomed-out frame is cheap enough to splat directly. */
export const OVERVIEW_MIN_SHAPES = 5000;
/** Deepest level: the top level's zoom / 2^12. */
const MAX_LEVEL = 12;
/** Levels are built down to the first whose image is at most this many pixels on its longer side. */
const MIN_LEVEL_SIDE = 256;
/** Shapes splatted between two looks at the clock while building. */
const SLICE = 1000;

export type SplatFn = (layer: PixelLayer, items: readonly SceneItem[], input: OverviewInput, x: number, y: number, s: number, from: number, to: number) => void;
/** Draws shapes in full (vectors) with the frame's world transform. */
export type DrawFullFn = (items: readonly SceneItem[]) => void;

export interface OverviewInput {
  camera: Camera;
  dpr: number;
  theme: Theme;
  scene: SceneIndex;
}

interface Level {
  version: number;
  dpr: number;
  /** zoom the level was drawn at */
  zoom: number;
  /** world position of its top-left pixel */
  x: number;
  y: number;
  width: number;
  height: number;
  canvas: OffscreenCanvas | HTMLCanvasElement;
  /** shapes too big to be a few pixels at this level's zoom: not in the image, drawn in full by each frame */
  big: readonly SceneItem[];
}

interface Wanted {
  key: string;
  level: number;
  theme: Theme;
  dpr: number;
  version: number;
}

interface Job extends Wanted {
  zoom: number;
  x: number;
  y: number;
  width: number;
  height: number;
  /** the shapes splatted into the image, bottom to top */
  items: readonly SceneItem[];
  big: readonly SceneItem[];
  next: number;
}

/** The largest zoom at which the whole board fits one overview image, below the renderer's level-of-detail zoom. */
function topZoom(bounds: Bounds, dpr: number, maxSimpleZoom: number): number {
  const w = Math.max(bounds.maxX - bounds.minX, 1);
  const h = Math.max(bounds.maxY - bounds.minY, 1);
  const zoom = Math.min(maxSimpleZoom, Math.sqrt(OVERVIEW_MAX_PIXELS / (w * h)) / dpr, OVERVIEW_MAX_SIDE / (w * dpr), OVERVIEW_MAX_SIDE / (h * dpr));
  return zoom * 0.999;
}

export class Overview {
  private readonly levels = new Map<string, Level>();
  private readonly layer = new PixelLayer();
  private top: { version: number; dpr: number; zoom: number; bounds: Bounds } | null = null;
  private job: Job | null = null;
  /** a level a recent frame could have used but is missing or stale; `build` makes it */
  wanted: Wanted | null = null;

  constructor(
    private readonly splat: SplatFn,
    /** the renderer's level-of-detail limits: shapes under `simplePx` screen pixels, below `maxSimpleZoom` */
    private readonly simplePx: number,
    private readonly maxSimpleZoom: number,
  ) {}

  /** Memory the level images hold (canvas backing stores, outside the JS heap), plus a build in progress. */
  get bytes(): number {
    let pixels = this.layer.width * this.layer.height;
    for (const level of this.levels.values()) pixels += level.width * level.height;
    return pixels * 4;
  }

  /**
   * Draws the shapes of a frame from a level, when a fresh one serves this zoom, and says how many were
   * drawn in full. Null when the caller must draw them itself (and then, if a level would serve, it is
   * marked as wanted).
   */
  draw(ctx: CanvasRenderingContext2D, input: OverviewInput & { viewport: Viewport }, drawFull: DrawFullFn): { big: number } | null {
    const { camera, dpr, theme, scene } = input;
    if (scene.size < OVERVIEW_MIN_SHAPES) return null;
    const top = this.topFor(scene, dpr);
    if (!top || camera.zoom > top.zoom) return null;
    const level = Math.min(MAX_LEVEL, Math.floor(Math.log2(top.zoom / camera.zoom)));
    const key = `${theme} ${dpr} ${level}`;
    const image = this.levels.get(key);
    if (!image || image.version !== scene.version) {
      this.wanted = { key, level, theme, dpr, version: scene.version };
      return null;
    }
    // A few big shapes (a frame around a section, a large image) would rule out every level if they had to
    // be pixels too: they are drawn in full, under the image, as the renderer draws tiny shapes over big ones.
    const view = camera.visibleBounds(input.viewport);
    const big = image.big.filter((item) => boundsIntersect(item, view));
    if (big.length > 0) drawFull(big);
    const scale = camera.zoom / image.zoom;
    ctx.save();
    ctx.setTransform(1, 0, 0, 1, 0, 0);
    ctx.globalAlpha = 1;
    ctx.imageSmoothingEnabled = true;
    ctx.drawImage(image.canvas, (image.x - camera.x) * camera.zoom * dpr, (image.y - camera.y) * camera.zoom * dpr, image.width * scale, image.height * scale);
    ctx.restore();
    return { big: big.length };
  }

  /**
   * Builds the wanted level, then the others, for about `budgetMs` (at least one slice). Stops, idle, when
   * every level is ready or the board changed meanwhile (a later frame will ask again).
   */
  build(input: OverviewInput, budgetMs: number): OverviewBuild {
    const want = this.wanted;
    const { scene } = input;
    if (!want || want.version !== scene.version || want.theme !== input.theme || want.dpr !== input.dpr) {
      this.wanted = null;
      this.job = null;
      this.layer.release();
      return 'idle';
    }
    let job = this.job;
    if (job && job.version !== want.version) {
      // the board changed while a level was being built: wait until it has been still again
      this.job = null;
      return 'idle';
    }
    if (!job || job.key !== want.key) {
      const top = this.topFor(scene, want.dpr);
      if (!top) return 'idle';
      const zoom = top.zoom / 2 ** want.level;
      const s = zoom * want.dpr;
      // one pixel of margin, so nothing on the board's edge is cut
      const x = top.bounds.minX - 1 / s;
      const y = top.bounds.minY - 1 / s;
      const width = Math.ceil((top.bounds.maxX - top.bounds.minX) * s) + 2;
      const height = Math.ceil((top.bounds.maxY - top.bounds.minY) * s) + 2;
      const limit = this.simplePx / zoom;
      const items: SceneItem[] = [];
      const big: SceneItem[] = [];
      for (const item of scene.all()) {
        const wide = item.maxX - item.minX;
        const tall = item.maxY - item.minY;
        ((wide > tall ? wide : tall) < limit ? items : big).push(item);
      }
      job = this.job = { ...want, zoom, x, y, width, height, items, big, next: 0 };
      this.layer.begin(width, height, 0);
    }
    const end = performance.now() + budgetMs;
    const s = job.zoom * job.dpr;
    do {
      const to = Math.min(job.next + SLICE, job.items.length);
      this.splat(this.layer, job.items, input, job.x, job.y, s, job.next, to);
      job.next = to;
    } while (job.next < job.items.length && performance.now() < end);
    if (job.next < job.items.length) return 'working';
    const canvas = typeof OffscreenCanvas === 'function' ? new OffscreenCanvas(job.width, job.height) : Object.assign(document.createElement('canvas'), { width: job.width, height: job.height });
    (canvas.getContext('2d') as CanvasRenderingContext2D | OffscreenCanvasRenderingContext2D).putImageData(this.layer.imageData, 0, 0);
    // levels of older versions, or for another screen's pixel ratio, are never drawn again
    for (const [key, level] of this.levels) if (level.version !== job.version || level.dpr !== job.dpr) this.levels.delete(key);
    this.levels.set(job.key, { version: job.version, dpr: job.dpr, zoom: job.zoom, x: job.x, y: job.y, width: job.width, height: job.height, canvas, big: job.big });
    this.job = null;
    this.wanted = this.nextMissing(job);
    if (!this.wanted) this.layer.release();
    return 'level-ready';
  }

  /** The missing level nearest to the one just built (same scene, theme and pixel ratio), if any. */
  private nextMissing(built: Job): Wanted | null {
    let deepest = 0;
    while (deepest < MAX_LEVEL && Math.max(built.width, built.height) / 2 ** (deepest - built.level) > MIN_LEVEL_SIDE) deepest++;
    for (let distance = 1; distance <= MAX_LEVEL; distance++) {
      for (const level of [built.level - distance, built.level + distance]) {
        if (level < 0 || level > deepest) continue;
        const key = `${built.theme} ${built.dpr} ${level}`;
        if (this.levels.get(key)?.version !== built.version) return { key, level, theme: built.theme, dpr: built.dpr, version: built.version };
      }
    }
    return null;
  }

  private topFor(scene: SceneIndex, dpr: number): { zoom: number; bounds: Bounds } | null {
    if (this.top && this.top.version === scene.version && this.top.dpr === dpr) return this.top;
    const bounds = scene.contentBounds();
    this.top = bounds ? { version: scene.version, dpr, zoom: topZoom(bounds, dpr, this.maxSimpleZoom), bounds } : null;
    return this.top;
  }
}
