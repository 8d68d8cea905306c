import type { Shape } from '@meshboard/board';
import type { SceneItem } from './scene.js';
import { Overview, type OverviewBuild, type OverviewInput } from './overview.js';
import { PixelLayer, splatShape } from './splat.js';
import type { Theme } from './types.js';
import type { FrameInput, FrameStats, RenderContext } from './render/context.js';
import { LOD_DOT_PX, LOD_MAX_ZOOM, LOD_SIMPLE_PX, OUTLINE_BUDGET_MS, SPLAT_MIN_ITEMS, lodColor, traceSimplified } from './render/lod.js';
import { drawOverlay } from './render/overlay.js';
import { ShapePainter } from './render/shapes.js';
import { THEMES, stickyFill, strokeFor } from './render/theme.js';

// The renderer's parts live in render/: this file keeps the frame itself (what is visible, at which level of
// detail, from which cache); the names below are re-exported so importers of the renderer keep one entry point.
export type { FrameInput, FrameStats, Overlay, RenderContext } from './render/context.js';
export { LOD_DOT_PX, LOD_MAX_ZOOM, LOD_SIMPLE_PX, OUTLINE_BUDGET_MS, ROUND_JOIN_MIN_PX, SPLAT_MIN_ITEMS, TEXT_GREEK_PX } from './render/lod.js';
export { DEFAULT_STICKY_FILL, GUIDE_COLOR, STICKY_TEXT_COLOR, THEMES, strokeFor } from './render/theme.js';
export { FONT_FAMILY, LINE_HEIGHT, STICKY_PADDING, measureTextBlock, wrapText } from './render/text.js';
export { outlinePolygon } from './render/freehand.js';

/**
 * Draws the board. The optimized mode draws only what the R-tree says is visible, caches each freehand
 * outline per shape record (records are replaced on change, so a WeakMap keyed by record never goes stale),
 * and draws shapes smaller than a few pixels as batched simplified geometry. The naive mode exists only as
 * the benchmark's baseline. How each kind of shape looks is render/shapes.ts; the overlay is render/overlay.ts.
 */
export class Renderer {
  private readonly painter: ShapePainter;
  private readonly pixels = new PixelLayer();
  private layer: { canvas: HTMLCanvasElement | OffscreenCanvas; ctx: CanvasRenderingContext2D | OffscreenCanvasRenderingContext2D } | null = null;
  private readonly fullItems: SceneItem[] = [];
  /** what the pixel buffer shows when the last frame was drawn entirely as pixels */
  private pixelFrame: { version: number; zoom: number; dpr: number; theme: Theme; x: number; y: number; count: number } | null = null;
  private readonly smallItems: SceneItem[] = [];
  /** pre-rendered images of the whole board for zoomed-far-out frames (overview.ts) */
  private readonly overview = new Overview((...args) => this.splat(...args), LOD_SIMPLE_PX, LOD_MAX_ZOOM);

  constructor(readonly mode: 'optimized' | 'naive' = 'optimized') {
    this.painter = new ShapePainter(mode === 'naive');
  }

  /** A font finished loading: text measured with its fallback is laid out again. */
  fontsChanged(): void {
    this.painter.fontsChanged();
  }

  /** Bytes held by overview images (outside the JS heap). */
  get overviewBytes(): number {
    return this.overview.bytes;
  }

  /** Whether a frame wanted an overview image that is not built yet: call `buildOverview` when idle. */
  get overviewWanted(): boolean {
    return this.overview.wanted !== null;
  }

  /** Builds wanted overview images for about `budgetMs`; after 'level-ready', draw a frame to use it. */
  buildOverview(input: OverviewInput, budgetMs: number): OverviewBuild {
    return this.overview.build(input, budgetMs);
  }

  draw(input: FrameInput): FrameStats {
    const { ctx, camera, viewport, dpr, theme, scene, overlay } = input;
    const colors = THEMES[theme];
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    ctx.globalAlpha = 1;
    ctx.fillStyle = colors.background;
    ctx.fillRect(0, 0, viewport.width, viewport.height);
    ctx.setTransform(dpr * camera.zoom, 0, 0, dpr * camera.zoom, -camera.x * camera.zoom * dpr, -camera.y * camera.zoom * dpr);

    const stats: FrameStats = { drawn: 0, simplified: 0, culled: 0, deferred: 0, overview: false };
    const freehand = this.painter.freehand;
    freehand.budgetEnd = performance.now() + OUTLINE_BUDGET_MS;
    freehand.deferred = 0;
    if (this.mode === 'naive') {
      for (const item of scene.all()) {
        this.drawShape(ctx, item.shape, input, false);
        stats.drawn++;
      }
    } else if (this.drawOverview(input, stats)) {
      this.pixelFrame = null;
    } else {
      if (!this.panPixelFrame(input, stats)) {
        const visible = scene.query(camera.visibleBounds(viewport));
        stats.culled = scene.size - visible.length;
        this.drawItems(visible, input, stats);
      }
    }
    // Drafts are what the user is drawing right now: never deferred.
    freehand.budgetEnd = Infinity;
    for (const draft of overlay.drafts) this.drawShape(ctx, draft, input, false);
    drawOverlay(input);
    stats.deferred = freehand.deferred;
    return stats;
  }

  /** A zoomed-far-out frame of a big board, from an overview image (nothing selected: selected shapes are drawn in full). */
  private drawOverview(input: FrameInput, stats: FrameStats): boolean {
    const { ctx, overlay, scene } = input;
    if (overlay.selection.size > 0 || overlay.erasing.size > 0 || !(ctx as Partial<CanvasRenderingContext2D>).canvas) return false;
    const drawn = this.overview.draw(ctx as CanvasRenderingContext2D, input, (items) => {
      for (const item of items) this.drawShape(ctx, item.shape, input, false);
    });
    if (!drawn) return false;
    stats.drawn = drawn.big;
    stats.simplified = scene.size - drawn.big;
    stats.overview = true;
    return true;
  }

  private drawItems(items: readonly SceneItem[], input: FrameInput, stats: FrameStats): void {
    const { ctx, camera, overlay } = input;
    const zoom = camera.zoom;
    // Shapes a few pixels wide get a simplified look; selected / erased ones are always drawn in full.
    const full = this.fullItems;
    const small = this.smallItems;
    full.length = 0;
    small.length = 0;
    const limit = zoom < LOD_MAX_ZOOM ? LOD_SIMPLE_PX / zoom : 0;
    const marked = overlay.selection.size > 0 || overlay.erasing.size > 0;
    for (let i = 0; i < items.length; i++) {
      const item = items[i]!;
      const wide = item.maxX - item.minX;
      const tall = item.maxY - item.minY;
      if ((wide > tall ? wide : tall) < limit && !(marked && (overlay.selection.has(item.id) || overlay.erasing.has(item.id)))) small.push(item);
      else full.push(item);
    }
    stats.simplified = small.length;
    stats.drawn = full.length;
    const canvas = (ctx as Partial<CanvasRenderingContext2D>).canvas;
    const pixels = small.length >= SPLAT_MIN_ITEMS && canvas && typeof ImageData === 'function' && typeof (ctx as Partial<CanvasRenderingContext2D>).putImageData === 'function';
    if (pixels && full.length === 0) {
      // Only tiny shapes on screen (a big board zoomed out): the whole frame is one pixel buffer.
      this.drawPixelFrame(small, input, canvas.width, canvas.height);
      (ctx as CanvasRenderingContext2D).putImageData(this.pixels.imageData, 0, 0);
      return;
    }
    this.pixelFrame = null;
    for (const item of full) this.drawShape(ctx, item.shape, input, overlay.erasing.has(item.id));
    if (small.length === 0) return;
    if (pixels) {
      // Tiny shapes stay on top of the big ones, as a transparent pixel layer composited once.
      this.pixels.begin(canvas.width, canvas.height, 0);
      this.splat(this.pixels, small, input, camera.x, camera.y, camera.zoom * input.dpr);
      const layer = this.layerCanvas(canvas.width, canvas.height);
      layer.ctx.putImageData(this.pixels.imageData, 0, 0);
      ctx.save();
      ctx.setTransform(1, 0, 0, 1, 0, 0);
      ctx.globalAlpha = 1;
      ctx.drawImage(layer.canvas, 0, 0);
      ctx.restore();
      return;
    }
    // Few tiny shapes (or no pixel access, e.g. unit tests): batched paths, one per colour.
    const dots = new Map<string, number[]>();
    const outlines = new Map<string, SceneItem[]>();
    for (const item of small) {
      const size = Math.max(item.maxX - item.minX, item.maxY - item.minY) * zoom;
      const color = lodColor(item.shape, input.theme);
      if (size < LOD_DOT_PX) push(dots, color, item.minX, item.minY, item.maxX - item.minX, item.maxY - item.minY);
      else {
        let list = outlines.get(color);
        if (!list) outlines.set(color, (list = []));
        list.push(item);
      }
    }
    ctx.globalAlpha = 1;
    const minPx = 1 / zoom;
    for (const [color, rects] of dots) {
      ctx.fillStyle = color;
      ctx.beginPath();
      for (let i = 0; i < rects.length; i += 4) ctx.rect(rects[i]!, rects[i + 1]!, Math.max(rects[i + 2]!, minPx), Math.max(rects[i + 3]!, minPx));
      ctx.fill();
    }
    ctx.lineWidth = minPx;
    for (const [color, list] of outlines) {
      ctx.strokeStyle = color;
      ctx.beginPath();
      for (const item of list) traceSimplified(ctx, item.shape, input.scene.lookup);
      ctx.stroke();
    }
  }

  /** A frame of only tiny shapes, as pixels: the whole frame is one pixel buffer. */
  private drawPixelFrame(items: readonly SceneItem[], input: FrameInput, width: number, height: number): void {
    const layer = this.pixels;
    const { camera, dpr, theme, scene } = input;
    layer.begin(width, height, layer.color(THEMES[theme].background));
    this.splat(layer, items, input, camera.x, camera.y, camera.zoom * dpr);
    this.pixelFrame = { version: scene.version, zoom: camera.zoom, dpr, theme, x: camera.x, y: camera.y, count: items.length };
  }

  /**
   * Panning over a pixel frame (unchanged scene, zoom and theme, nothing selected): the previous picture moves
   * by whole device pixels and only the uncovered strips are rasterised, looking only at the shapes in them.
   * Returns false (having changed nothing) when a full frame is needed, e.g. a big shape comes into view.
   */
  private panPixelFrame(input: FrameInput, stats: FrameStats): boolean {
    const last = this.pixelFrame;
    const { ctx, camera, dpr, theme, scene, overlay } = input;
    const canvas = (ctx as Partial<CanvasRenderingContext2D>).canvas;
    const layer = this.pixels;
    if (!last || !canvas || overlay.selection.size > 0 || overlay.erasing.size > 0) return false;
    if (last.version !== scene.version || last.zoom !== camera.zoom || last.dpr !== dpr || last.theme !== theme) return false;
    const width = canvas.width;
    const height = canvas.height;
    if (layer.width !== width || layer.height !== height) return false;
    const s = camera.zoom * dpr;
    const dx = Math.round((last.x - camera.x) * s);
    const dy = Math.round((last.y - camera.y) * s);
    if (Math.abs(dx) >= width / 2 || Math.abs(dy) >= height / 2) return false;
    // the buffer will show the camera moved by exactly (dx, dy) pixels (within half a pixel of the real one)
    const x = last.x - dx / s;
    const y = last.y - dy / s;
    const strips: Array<{ box: { x0: number; y0: number; x1: number; y1: number }; items: readonly SceneItem[] }> = [];
    const boxes: Array<{ x0: number; y0: number; x1: number; y1: number }> = [];
    if (dx > 0) boxes.push({ x0: 0, y0: 0, x1: dx, y1: height });
    if (dx < 0) boxes.push({ x0: width + dx, y0: 0, x1: width, y1: height });
    if (dy > 0) boxes.push({ x0: 0, y0: 0, x1: width, y1: dy });
    if (dy < 0) boxes.push({ x0: 0, y0: height + dy, x1: width, y1: height });
    const limit = LOD_SIMPLE_PX / camera.zoom;
    for (const box of boxes) {
      const items = scene.query({ minX: x + box.x0 / s, minY: y + box.y0 / s, maxX: x + box.x1 / s, maxY: y + box.y1 / s });
      for (const item of items) if (Math.max(item.maxX - item.minX, item.maxY - item.minY) >= limit) return false;
      strips.push({ box, items });
    }
    if (dx !== 0 || dy !== 0) {
      layer.shift(dx, dy, layer.color(THEMES[theme].background));
      for (const strip of strips) {
        layer.clip(strip.box);
        this.splat(layer, strip.items, input, x, y, s);
      }
      layer.clip(null);
      last.x = x;
      last.y = y;
    }
    (ctx as CanvasRenderingContext2D).putImageData(layer.imageData, 0, 0);
    stats.simplified = last.count;
    stats.drawn = 0;
    return true;
  }

  /**
   * Rasterises tiny shapes into a pixel layer (device pixels at `s` per world unit), bottom to top, as seen
   * from (x, y).
   */
  private splat(layer: PixelLayer, items: readonly SceneItem[], input: Pick<FrameInput, 'dpr' | 'theme' | 'scene'>, x: number, y: number, s: number, from = 0, to = items.length): void {
    const { dpr, theme } = input;
    const lookup = input.scene.lookup;
    const dotWorld = (LOD_DOT_PX * dpr) / s;
    for (let i = from; i < to; i++) {
      const item = items[i]!;
      const shape = item.shape;
      if (item.lodShape !== shape || item.lodTheme !== theme) {
        if (shape.type === 'sticky') {
          item.lodFill = layer.color(stickyFill(shape.fillColor));
          item.lodStroke = 0;
        } else if (shape.type === 'image') {
          item.lodFill = layer.color('#adb5bd');
          item.lodStroke = 0;
        } else {
          item.lodStroke = layer.color(strokeFor(shape.strokeColor, theme));
          item.lodFill = shape.type !== 'freehand' && shape.type !== 'line' && shape.type !== 'arrow' && shape.fillColor !== 'transparent' ? layer.color(shape.fillColor) : 0;
        }
        item.lodShape = shape;
        item.lodTheme = theme;
      }
      const wide = item.maxX - item.minX;
      const tall = item.maxY - item.minY;
      if ((wide > tall ? wide : tall) < dotWorld) {
        // the commonest case on a zoomed-out board: a dot, without looking at the shape
        layer.fillRect((item.minX - x) * s, (item.minY - y) * s, (item.maxX - x) * s, (item.maxY - y) * s, item.lodFill || item.lodStroke);
        continue;
      }
      splatShape(layer, shape, item, x, y, s, item.lodStroke, item.lodFill, false, lookup);
    }
  }

  private layerCanvas(width: number, height: number): { canvas: HTMLCanvasElement | OffscreenCanvas; ctx: CanvasRenderingContext2D | OffscreenCanvasRenderingContext2D } {
    let layer = this.layer;
    if (!layer || layer.canvas.width !== width || layer.canvas.height !== height) {
      const canvas = typeof OffscreenCanvas === 'function' ? new OffscreenCanvas(width, height) : Object.assign(document.createElement('canvas'), { width, height });
      const ctx = canvas.getContext('2d') as CanvasRenderingContext2D | OffscreenCanvasRenderingContext2D;
      layer = this.layer = { canvas, ctx };
    }
    return layer;
  }

  /** One shape in full (render/shapes.ts), clipped to its frame when it is in one. */
  drawShape(ctx: RenderContext, shape: Shape, input: FrameInput, faded: boolean): void {
    this.painter.draw(ctx, shape, input, faded);
  }
}

function push(map: Map<string, number[]>, key: string, ...values: number[]): void {
  let list = map.get(key);
  if (!list) map.set(key, (list = []));
  list.push(...values);
}
