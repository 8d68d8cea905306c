import { getStroke } from 'perfect-freehand';
import { DEFAULT_STYLE, type Bounds, type FontFamily, type Shape } from '@meshboard/board';
import type { Camera, Viewport } from './camera.js';
import { freehandSize, linePointsWorld, resolveArrowPoints, shapeCorners, type ShapeLookup } from './geometry.js';
import type { SceneIndex, SceneItem } from './scene.js';
import { Overview, type OverviewBuild, type OverviewInput } from './overview.js';
import { PixelLayer, splatShape } from './splat.js';
import { HANDLES, HANDLE_SIZE, displayFrame, framePoint, rotateHandlePosition, selectionOutline, type Frame } from './selection.js';
import type { RemoteCursor, Theme } from './types.js';
import { arrowheadGeometry } from './style/arrowheads.js';
import { routeArrow, type ArrowRoute } from './style/arrow-route.js';
import { arrowLabelBox, labelBox, layoutLabel, type LabelLayout } from './style/label-layout.js';
import { roundedPolygon, tracePath } from './style/path.js';
import { roughArrowPaths, roughBoxPaths, type RoughPath } from './style/rough.js';
import { cssFont, dashPattern } from './style/stroke.js';

/** The part of CanvasRenderingContext2D the renderer uses: tests pass a recording stub. */
export type RenderContext = Pick<
  CanvasRenderingContext2D,
  | 'save'
  | 'restore'
  | 'setTransform'
  | 'translate'
  | 'rotate'
  | 'clearRect'
  | 'fillRect'
  | 'strokeRect'
  | 'beginPath'
  | 'closePath'
  | 'moveTo'
  | 'lineTo'
  | 'rect'
  | 'ellipse'
  | 'arc'
  | 'stroke'
  | 'fill'
  | 'fillText'
  | 'measureText'
  | 'drawImage'
  | 'setLineDash'
  | 'fillStyle'
  | 'strokeStyle'
  | 'lineWidth'
  | 'globalAlpha'
  | 'font'
  | 'textAlign'
  | 'textBaseline'
  | 'lineCap'
  | 'lineJoin'
  | 'quadraticCurveTo'
  | 'bezierCurveTo'
  | 'clip'
>;

export const THEMES = {
  light: { background: '#ffffff', defaultStroke: DEFAULT_STYLE.strokeColor, selection: '#4263eb', marquee: 'rgba(66, 99, 235, 0.08)', handleFill: '#ffffff' },
  dark: { background: '#121212', defaultStroke: '#e3e3e3', selection: '#748ffc', marquee: 'rgba(116, 143, 252, 0.12)', handleFill: '#1e1e1e' },
} as const;

export const FONT_FAMILY = 'system-ui, -apple-system, "Segoe UI", Roboto, Helvetica, Arial, sans-serif';
export const LINE_HEIGHT = 1.25;
export const STICKY_PADDING = 12;
export const STICKY_TEXT_COLOR = '#1e1e1e';

/**
 * Below this many screen pixels a shape gets the simplified look (pixels, or batched outlines), but only when
 * zoomed out below LOD_MAX_ZOOM: a shape that is small in itself (a pen dot, a tiny box) is always drawn in full.
 */
export const LOD_SIMPLE_PX = 24;
export const LOD_MAX_ZOOM = 0.5;
/** Below this many screen pixels a shape is a single filled square, batched by colour. */
export const LOD_DOT_PX = 4;
/** From this many tiny shapes on screen, they are rasterised into a pixel buffer instead of canvas paths. */
export const SPLAT_MIN_ITEMS = 400;
/**
 * Milliseconds per frame spent building new freehand outlines (perfect-freehand): zooming into a dense area
 * reveals thousands of strokes at once; past the budget they are drawn as plain polylines and refined on the
 * next frames, so the zoom itself stays smooth.
 */
export const OUTLINE_BUDGET_MS = 4;
/** Strokes thinner than this many screen pixels get miter joins and butt caps (cheaper, same look). */
export const ROUND_JOIN_MIN_PX = 1.5;
/** Text whose font is smaller than this many screen pixels is drawn as bars, not glyphs. */
export const TEXT_GREEK_PX = 5;

export interface Overlay {
  selection: ReadonlySet<string>;
  frame: Frame | null;
  showHandles: boolean;
  marquee: Bounds | null;
  /** shapes being drawn but not committed yet (pen stroke, rectangle being dragged) */
  drafts: readonly Shape[];
  /** shapes the eraser is about to delete (drawn faded) */
  erasing: ReadonlySet<string>;
  /** the shape being edited in the text overlay: its text is hidden on the canvas */
  editingId: string | null;
  remoteCursors: readonly RemoteCursor[];
  /** alignment guides of a snapping move */
  guides?: ReadonlyArray<{ x1: number; y1: number; x2: number; y2: number }>;
  /** grid spacing in world units when grid snapping is on (0: no grid) */
  grid?: number;
}

/** Colour of snapping guides (as Excalidraw's and tldraw's: a loud red that no shape is likely to be). */
export const GUIDE_COLOR = '#ff2d75';

export interface FrameInput {
  ctx: RenderContext;
  camera: Camera;
  viewport: Viewport;
  dpr: number;
  theme: Theme;
  scene: SceneIndex;
  overlay: Overlay;
  getImage: (assetId: string) => CanvasImageSource | null;
}

export interface FrameStats {
  drawn: number;
  simplified: number;
  culled: number;
  /** freehand strokes drawn with a stand-in this frame (their smooth outline is built on a later frame) */
  deferred: number;
  /** the tiny shapes came from an overview image (overview.ts) */
  overview: boolean;
}

type Outline = Path2D | number[];

const hasPath2D = typeof Path2D === 'function';

/**
 * Draws the board. The optimized mode draws only what the R-tree says is visible, caches each freehand
 * outline per shape record (records are replaced on change, so a WeakMap keyed by record never goes stale),
 * and draws shapes smaller than a few pixels as batched simplified geometry. The naive mode exists only as
 * the benchmark's baseline.
 */
export class Renderer {
  private readonly outlines = new WeakMap<Shape, Outline>();
  private wrapped = new WeakMap<Shape, string[]>();
  /** hand-drawn paths per shape record (records are replaced on change); arrows keyed by their resolved points too */
  private readonly roughCache = new WeakMap<Shape, { key: string; paths: Array<{ path: Path2D | null; info: RoughPath }> }>();
  private labels = new WeakMap<Shape, { key: string; layout: LabelLayout }>();
  private measureCtx: RenderContext | null = null;
  private readonly pixels = new PixelLayer();
  private layer: { canvas: HTMLCanvasElement | OffscreenCanvas; ctx: CanvasRenderingContext2D | OffscreenCanvasRenderingContext2D } | null = null;
  private readonly fullItems: SceneItem[] = [];
  private outlineBudgetEnd = Infinity;
  private deferred = 0;
  /** what the pixel buffer shows when the last frame was drawn entirely as pixels */
  private pixelFrame: { version: number; zoom: number; dpr: number; theme: Theme; x: number; y: number; count: number } | null = null;
  private readonly smallItems: SceneItem[] = [];
  /** pre-rendered images of the whole board for zoomed-far-out frames (overview.ts) */
  private readonly overview = new Overview((...args) => this.splat(...args), LOD_SIMPLE_PX, LOD_MAX_ZOOM);

  constructor(readonly mode: 'optimized' | 'naive' = 'optimized') {}

  /** A font finished loading: text measured with its fallback is laid out again. */
  fontsChanged(): void {
    this.wrapped = new WeakMap();
    this.labels = new WeakMap();
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
    this.outlineBudgetEnd = performance.now() + OUTLINE_BUDGET_MS;
    this.deferred = 0;
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
    this.outlineBudgetEnd = Infinity;
    for (const draft of overlay.drafts) this.drawShape(ctx, draft, input, false);
    this.drawOverlay(input);
    stats.deferred = this.deferred;
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
      const color = this.lodColor(item.shape, input.theme);
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
      for (const item of list) this.traceSimplified(ctx, item.shape, input.scene.lookup);
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

  /** A cheap outline of a shape for the simplified level of detail (added to the current path). */
  private traceSimplified(ctx: RenderContext, shape: Shape, lookup: ShapeLookup): void {
    if (shape.type === 'line' || shape.type === 'arrow') {
      const pts = shape.type === 'arrow' ? resolveArrowPoints(shape, lookup) : linePointsWorld(shape);
      ctx.moveTo(pts[0]!, pts[1]!);
      ctx.lineTo(pts[pts.length - 2]!, pts[pts.length - 1]!);
      return;
    }
    if (shape.type === 'freehand' && shape.rotation === 0) {
      const pts = shape.points;
      const step = Math.max(3, Math.floor(pts.length / 3 / 6) * 3);
      ctx.moveTo(shape.x + pts[0]!, shape.y + pts[1]!);
      for (let i = step; i < pts.length; i += step) ctx.lineTo(shape.x + pts[i]!, shape.y + pts[i + 1]!);
      ctx.lineTo(shape.x + pts[pts.length - 3]!, shape.y + pts[pts.length - 2]!);
      return;
    }
    if (shape.rotation === 0) {
      ctx.rect(shape.x, shape.y, shape.w, shape.h);
      return;
    }
    const c = shapeCorners(shape);
    ctx.moveTo(c[0]!.x, c[0]!.y);
    for (let i = 1; i < 4; i++) ctx.lineTo(c[i]!.x, c[i]!.y);
    ctx.closePath();
  }

  private lodColor(shape: Shape, theme: Theme): string {
    if (shape.type === 'sticky' || shape.type === 'image') return shape.type === 'sticky' ? stickyFill(shape.fillColor) : '#adb5bd';
    if (shape.fillColor !== 'transparent' && shape.type !== 'freehand') return shape.fillColor;
    return strokeFor(shape.strokeColor, theme);
  }

  /** A shape inside a frame is clipped to the frame (the only shapes that pay for a save/restore). */
  drawShape(ctx: RenderContext, shape: Shape, input: FrameInput, faded: boolean): void {
    const frame = shape.frameId ? input.scene.lookup(shape.frameId) : undefined;
    if (frame?.type !== 'frame') {
      this.drawShapeBody(ctx, shape, input, faded);
      return;
    }
    const a = input.dpr * input.camera.zoom;
    ctx.save();
    ctx.setTransform(a, 0, 0, a, -input.camera.x * a, -input.camera.y * a);
    ctx.beginPath();
    if (frame.rotation) {
      const c = shapeCorners(frame);
      ctx.moveTo(c[0]!.x, c[0]!.y);
      for (let i = 1; i < 4; i++) ctx.lineTo(c[i]!.x, c[i]!.y);
      ctx.closePath();
    } else ctx.rect(frame.x, frame.y, frame.w, frame.h);
    ctx.clip();
    this.drawShapeBody(ctx, shape, input, faded);
    ctx.restore();
  }

  private drawShapeBody(ctx: RenderContext, shape: Shape, input: FrameInput, faded: boolean): void {
    const theme = input.theme;
    // No save()/restore() per shape (they were the most expensive calls on a busy frame): every piece of state
    // a shape uses is set here, and the transform is set outright and put back to the camera's at the end.
    const a = input.dpr * input.camera.zoom;
    const e = -input.camera.x * a;
    const f = -input.camera.y * a;
    ctx.setTransform(a, 0, 0, a, e, f);
    ctx.globalAlpha = shape.opacity * (faded ? 0.3 : 1);
    const stroke = strokeFor(shape.strokeColor, theme);
    ctx.lineWidth = shape.strokeWidth;
    // Round joins and caps cost several times more to rasterise and look the same on thin (on-screen) lines.
    const round = shape.strokeWidth * input.camera.zoom >= ROUND_JOIN_MIN_PX;
    ctx.lineCap = round ? 'round' : 'butt';
    ctx.lineJoin = round ? 'round' : 'miter';
    ctx.strokeStyle = stroke;
    const dashed = shape.strokeStyle !== 'solid';
    if (dashed) {
      ctx.setLineDash(dashPattern(shape.strokeStyle, shape.strokeWidth));
      // dots are zero-length dashes: only round caps make them visible
      if (shape.strokeStyle === 'dotted') ctx.lineCap = 'round';
    }
    if (shape.type === 'line' || shape.type === 'arrow') {
      const pts = shape.type === 'arrow' ? resolveArrowPoints(shape, input.scene.lookup) : linePointsWorld(shape);
      const route = routeArrow(pts, shape.type === 'arrow' ? shape.arrowType : 'straight');
      if (shape.roughness > 0 && this.mode !== 'naive') this.drawRough(ctx, shape, theme, pts.join(','), () => roughArrowPaths(shape, route));
      else {
        ctx.beginPath();
        tracePath(ctx, route.path);
        ctx.stroke();
        if (dashed) ctx.setLineDash([]);
        drawArrowhead(ctx, shape.startArrowhead, route.points[0]!, route.points[1]!, route.startAngle, shape.strokeWidth, stroke);
        const n = route.points.length;
        drawArrowhead(ctx, shape.endArrowhead, route.points[n - 2]!, route.points[n - 1]!, route.endAngle, shape.strokeWidth, stroke);
      }
      if (dashed) ctx.setLineDash([]);
      if (shape.type === 'arrow' && shape.text && input.overlay.editingId !== shape.id) this.drawArrowLabel(ctx, shape, route, stroke, input);
      return;
    }
    const { w, h } = shape;
    // The shape's own frame: translate to its centre, rotate, translate back by half its size.
    const cos = shape.rotation ? Math.cos(shape.rotation) : 1;
    const sin = shape.rotation ? Math.sin(shape.rotation) : 0;
    const ox = shape.x + w / 2 - (cos * w) / 2 + (sin * h) / 2;
    const oy = shape.y + h / 2 - (sin * w) / 2 - (cos * h) / 2;
    ctx.setTransform(a * cos, a * sin, -a * sin, a * cos, a * ox + e, a * oy + f);
    const filled = shape.fillColor !== 'transparent';
    switch (shape.type) {
      case 'rectangle':
      case 'ellipse':
      case 'diamond':
        if (shape.roughness > 0 && this.mode !== 'naive') this.drawRough(ctx, shape, theme, '', () => roughBoxPaths(shape));
        else {
          ctx.beginPath();
          if (shape.type === 'ellipse') ctx.ellipse(w / 2, h / 2, w / 2, h / 2, 0, 0, Math.PI * 2);
          else if (shape.type === 'rectangle' && shape.cornerRadius <= 0) ctx.rect(0, 0, w, h);
          else tracePath(ctx, roundedPolygon(shape.type === 'rectangle' ? [0, 0, w, 0, w, h, 0, h] : [w / 2, 0, w, h / 2, w / 2, h, 0, h / 2], shape.cornerRadius));
          this.paint(ctx, shape, filled);
        }
        if (dashed) ctx.setLineDash([]);
        if (shape.text && input.overlay.editingId !== shape.id) this.drawBoxLabel(ctx, shape, stroke, input.camera.zoom);
        break;
      case 'freehand':
        this.drawFreehand(ctx, shape, stroke);
        break;
      case 'frame':
        this.drawFrame(ctx, shape, theme, input.camera.zoom);
        break;
      case 'text':
        if (input.overlay.editingId !== shape.id) this.drawText(ctx, shape, stroke, false, input.camera.zoom);
        break;
      case 'sticky':
        ctx.fillStyle = stickyFill(shape.fillColor);
        ctx.fillRect(0, 0, w, h);
        if (input.overlay.editingId !== shape.id) this.drawText(ctx, shape, STICKY_TEXT_COLOR, true, input.camera.zoom);
        break;
      case 'image': {
        const image = input.getImage(shape.assetId);
        if (image) ctx.drawImage(image, 0, 0, w, h);
        else {
          ctx.fillStyle = theme === 'dark' ? '#2b2b2b' : '#f1f3f5';
          ctx.fillRect(0, 0, w, h);
        }
        break;
      }
    }
    if (dashed) ctx.setLineDash([]);
    ctx.setTransform(a, 0, 0, a, e, f);
  }

  /** A frame: a faint panel with a thin border, its name above its top-left corner at a constant screen size. */
  private drawFrame(ctx: RenderContext, shape: Extract<Shape, { type: 'frame' }>, theme: Theme, zoom: number): void {
    ctx.fillStyle = theme === 'dark' ? 'rgba(255,255,255,0.03)' : 'rgba(0,0,0,0.02)';
    ctx.fillRect(0, 0, shape.w, shape.h);
    ctx.strokeStyle = theme === 'dark' ? '#5c5f66' : '#adb5bd';
    ctx.lineWidth = 1 / zoom;
    ctx.setLineDash([]);
    ctx.strokeRect(0, 0, shape.w, shape.h);
    const size = 13 / zoom;
    if (size * zoom < TEXT_GREEK_PX) return;
    ctx.font = cssFont(size, 'sans');
    ctx.fillStyle = theme === 'dark' ? '#c1c2c5' : '#495057';
    ctx.textBaseline = 'bottom';
    ctx.textAlign = 'left';
    ctx.fillText(shape.name || 'Frame', 0, -4 / zoom);
  }

  /** Hand-drawn (roughjs) paths, built once per shape record and seed, then replayed from Path2D. */
  private drawRough(ctx: RenderContext, shape: Shape, theme: Theme, key: string, build: () => RoughPath[]): void {
    let cached = this.roughCache.get(shape);
    if (!cached || cached.key !== key) {
      cached = { key, paths: build().map((info) => ({ info, path: hasPath2D ? new Path2D(info.d) : null })) };
      this.roughCache.set(shape, cached);
    }
    const dash = dashPattern(shape.strokeStyle, shape.strokeWidth);
    for (const { info, path } of cached.paths) {
      if (!path) continue;
      if (info.fill) {
        ctx.fillStyle = strokeFor(info.fill, theme);
        (ctx as CanvasRenderingContext2D).fill(path);
      }
      if (info.stroke) {
        ctx.strokeStyle = strokeFor(info.stroke, theme);
        ctx.lineWidth = info.strokeWidth;
        ctx.setLineDash(info.dashed ? dash : []);
        (ctx as CanvasRenderingContext2D).stroke(path);
      }
    }
    ctx.setLineDash([]);
  }

  private measureWith(ctx: RenderContext): (text: string, font: string) => number {
    this.measureCtx = ctx;
    return (text, font) => {
      const c = this.measureCtx!;
      c.font = font;
      return c.measureText(text).width;
    };
  }

  private labelLayout(ctx: RenderContext, shape: Extract<Shape, { type: 'rectangle' | 'ellipse' | 'diamond' | 'arrow' }>, box: { x: number; y: number; w: number; h: number }): LabelLayout {
    const key = `${box.x},${box.y},${box.w},${box.h}`;
    const cached = this.labels.get(shape);
    if (cached && cached.key === key) return cached.layout;
    const align = shape.type === 'arrow' ? 'center' : shape.textAlign;
    const layout = layoutLabel(shape.text, box, { fontSize: shape.fontSize, fontFamily: shape.fontFamily, textAlign: align, verticalAlign: shape.type === 'arrow' ? 'middle' : shape.verticalAlign }, this.measureWith(ctx));
    this.labels.set(shape, { key, layout });
    return layout;
  }

  private fillLabel(ctx: RenderContext, layout: LabelLayout, color: string, zoom: number): void {
    ctx.fillStyle = color;
    if (layout.fontSize * zoom < TEXT_GREEK_PX) {
      ctx.globalAlpha *= 0.45;
      for (const line of layout.lines) {
        const x = layout.align === 'left' ? line.x : layout.align === 'center' ? line.x - line.width / 2 : line.x - line.width;
        ctx.fillRect(x, line.y + layout.fontSize * 0.2, line.width, layout.fontSize * 0.6);
      }
      return;
    }
    ctx.font = layout.font;
    ctx.textBaseline = 'top';
    ctx.textAlign = layout.align;
    for (const line of layout.lines) ctx.fillText(line.text, line.x, line.y);
  }

  /** A box's label, centred (per its alignment) in the box's label area, in the shape's own coordinates. */
  private drawBoxLabel(ctx: RenderContext, shape: Extract<Shape, { type: 'rectangle' | 'ellipse' | 'diamond' }>, color: string, zoom: number): void {
    this.fillLabel(ctx, this.labelLayout(ctx, shape, labelBox(shape.type, shape.w, shape.h)), color, zoom);
  }

  /** An arrow's label on the middle of its course, with the board's background knocked out behind it. */
  private drawArrowLabel(ctx: RenderContext, shape: Extract<Shape, { type: 'arrow' }>, route: ArrowRoute, color: string, input: FrameInput): void {
    const box = arrowLabelBox(shape.text, route.middle, { fontSize: shape.fontSize, fontFamily: shape.fontFamily, textAlign: 'center', verticalAlign: 'middle' }, this.measureWith(ctx));
    const layout = this.labelLayout(ctx, shape, box);
    const pad = shape.fontSize * 0.25;
    ctx.fillStyle = THEMES[input.theme].background;
    ctx.fillRect(layout.bounds.x - pad, layout.bounds.y - pad, layout.bounds.w + pad * 2, layout.bounds.h + pad * 2);
    this.fillLabel(ctx, layout, color, input.camera.zoom);
  }

  private paint(ctx: RenderContext, shape: Shape, filled: boolean): void {
    if (filled) {
      ctx.fillStyle = shape.fillColor;
      ctx.fill();
    }
    if (shape.strokeWidth > 0) ctx.stroke();
  }

  private drawFreehand(ctx: RenderContext, shape: Extract<Shape, { type: 'freehand' }>, color: string): void {
    ctx.fillStyle = color;
    if (shape.variant === 'highlighter') ctx.globalAlpha *= 0.35;
    const outline = this.mode === 'naive' ? buildOutline(shape) : this.cachedOutline(shape);
    if (!outline) {
      // Over this frame's budget for new outlines: a plain polyline now, the smooth outline on a later frame.
      ctx.strokeStyle = color;
      ctx.lineWidth = freehandSize(shape) * 0.6;
      ctx.beginPath();
      const pts = shape.points;
      ctx.moveTo(pts[0]!, pts[1]!);
      for (let i = 3; i + 1 < pts.length; i += 3) ctx.lineTo(pts[i]!, pts[i + 1]!);
      ctx.stroke();
      return;
    }
    if (Array.isArray(outline)) {
      ctx.beginPath();
      for (let i = 0; i + 1 < outline.length; i += 2) (i === 0 ? ctx.moveTo : ctx.lineTo).call(ctx, outline[i]!, outline[i + 1]!);
      ctx.closePath();
      ctx.fill();
    } else {
      ctx.fill(outline);
    }
  }

  /** The cached outline, or null when building it would overrun this frame's budget (see OUTLINE_BUDGET_MS). */
  private cachedOutline(shape: Extract<Shape, { type: 'freehand' }>): Outline | null {
    let outline = this.outlines.get(shape);
    if (!outline) {
      if (performance.now() > this.outlineBudgetEnd) {
        this.deferred++;
        return null;
      }
      outline = buildOutline(shape);
      this.outlines.set(shape, outline);
    }
    return outline;
  }

  private drawText(ctx: RenderContext, shape: Extract<Shape, { type: 'text' | 'sticky' }>, color: string, wrap: boolean, zoom: number): void {
    const pad = wrap ? STICKY_PADDING : 0;
    if (shape.fontSize * zoom < TEXT_GREEK_PX) {
      this.greekText(ctx, shape, color, pad);
      return;
    }
    ctx.font = cssFont(shape.fontSize, shape.fontFamily);
    ctx.fillStyle = color;
    ctx.textBaseline = 'top';
    ctx.textAlign = shape.textAlign;
    const lines = wrap ? this.wrappedLines(ctx, shape, shape.w - pad * 2) : shape.text.split('\n');
    const x = shape.textAlign === 'left' ? pad : shape.textAlign === 'center' ? shape.w / 2 : shape.w - pad;
    const lineHeight = shape.fontSize * LINE_HEIGHT;
    for (let i = 0; i < lines.length; i++) {
      const y = pad + i * lineHeight;
      if (wrap && y + lineHeight > shape.h - pad + lineHeight * 0.5) break;
      ctx.fillText(lines[i]!, x, y + (lineHeight - shape.fontSize) / 2);
    }
  }

  /**
   * Text too small to read (a few pixels tall) is drawn as faint bars where its lines are: glyph rasterising
   * is the most expensive thing on a zoomed-out board and shows nothing legible anyway.
   */
  private greekText(ctx: RenderContext, shape: Extract<Shape, { type: 'text' | 'sticky' }>, color: string, pad: number): void {
    const lineHeight = shape.fontSize * LINE_HEIGHT;
    const charWidth = shape.fontSize * 0.55;
    const room = Math.max(shape.w - pad * 2, charWidth);
    ctx.globalAlpha *= 0.45;
    ctx.fillStyle = color;
    let y = pad;
    for (const paragraph of shape.text.split('\n')) {
      let left = paragraph.trim().length * charWidth;
      do {
        if (y + lineHeight > shape.h - pad + lineHeight * 0.5 && shape.type === 'sticky') return;
        const width = Math.min(left, room);
        if (width > 0) {
          const x = shape.textAlign === 'left' ? pad : shape.textAlign === 'center' ? (shape.w - width) / 2 : shape.w - pad - width;
          ctx.fillRect(x, y + lineHeight * 0.3, width, lineHeight * 0.4);
        }
        left -= room;
        y += lineHeight;
      } while (left > 0 && shape.type === 'sticky');
    }
  }

  private wrappedLines(ctx: RenderContext, shape: Extract<Shape, { type: 'text' | 'sticky' }>, width: number): string[] {
    let lines = this.wrapped.get(shape);
    if (!lines) {
      lines = wrapText(shape.text, width, (s) => ctx.measureText(s).width);
      this.wrapped.set(shape, lines);
    }
    return lines;
  }

  private drawOverlay(input: FrameInput): void {
    const { ctx, camera, overlay, theme, scene } = input;
    const colors = THEMES[theme];
    const zoom = camera.zoom;
    ctx.globalAlpha = 1;
    ctx.setLineDash([]);
    ctx.strokeStyle = colors.selection;
    ctx.lineWidth = 1 / zoom;
    // Outline every selected shape (useful when a multi-selection's frame is the union box).
    if (overlay.selection.size > 1 || (overlay.frame && !overlay.showHandles)) {
      for (const id of overlay.selection) {
        const shape = scene.lookup(id);
        if (shape) outlineShape(ctx, shape, scene.lookup, zoom);
      }
    }
    if (overlay.frame) {
      // Drawn clear of the shapes' ink, so the selection never hides their own stroke colour.
      const f = displayFrame(overlay.frame, zoom);
      ctx.lineWidth = 1.5 / zoom;
      ctx.beginPath();
      const corners = [framePoint(f, 0, 0), framePoint(f, 1, 0), framePoint(f, 1, 1), framePoint(f, 0, 1)];
      ctx.moveTo(corners[0]!.x, corners[0]!.y);
      for (const c of corners.slice(1)) ctx.lineTo(c.x, c.y);
      ctx.closePath();
      ctx.stroke();
      if (overlay.showHandles) {
        const size = HANDLE_SIZE / zoom;
        const small = Math.min(f.w, f.h) * zoom < 24;
        ctx.fillStyle = colors.handleFill;
        for (const handle of HANDLES) {
          if (small && handle.id.length === 1) continue;
          const p = framePoint(f, handle.u, handle.v);
          ctx.beginPath();
          ctx.rect(p.x - size, p.y - size, size * 2, size * 2);
          ctx.fill();
          ctx.stroke();
        }
        const r = rotateHandlePosition(f, zoom);
        ctx.beginPath();
        ctx.arc(r.x, r.y, size * 1.2, 0, Math.PI * 2);
        ctx.fill();
        ctx.stroke();
      }
    }
    if (overlay.grid && overlay.grid * zoom >= 8) {
      // the grid moves snap to, drawn only while it is on and only when its lines are far enough apart
      const view = input.camera.visibleBounds(input.viewport);
      const g = overlay.grid;
      ctx.strokeStyle = theme === 'dark' ? 'rgba(255,255,255,0.08)' : 'rgba(0,0,0,0.07)';
      ctx.lineWidth = 1 / zoom;
      ctx.beginPath();
      for (let x = Math.floor(view.minX / g) * g; x <= view.maxX; x += g) {
        ctx.moveTo(x, view.minY);
        ctx.lineTo(x, view.maxY);
      }
      for (let y = Math.floor(view.minY / g) * g; y <= view.maxY; y += g) {
        ctx.moveTo(view.minX, y);
        ctx.lineTo(view.maxX, y);
      }
      ctx.stroke();
      ctx.strokeStyle = colors.selection;
    }
    if (overlay.guides && overlay.guides.length > 0) {
      ctx.strokeStyle = GUIDE_COLOR;
      ctx.lineWidth = 1 / zoom;
      ctx.beginPath();
      for (const guide of overlay.guides) {
        ctx.moveTo(guide.x1, guide.y1);
        ctx.lineTo(guide.x2, guide.y2);
      }
      ctx.stroke();
      ctx.strokeStyle = colors.selection;
    }
    if (overlay.marquee) {
      const m = overlay.marquee;
      ctx.fillStyle = colors.marquee;
      ctx.fillRect(m.minX, m.minY, m.maxX - m.minX, m.maxY - m.minY);
      ctx.lineWidth = 1 / zoom;
      ctx.strokeRect(m.minX, m.minY, m.maxX - m.minX, m.maxY - m.minY);
    }
    for (const cursor of overlay.remoteCursors) {
      ctx.strokeStyle = cursor.color;
      ctx.lineWidth = 2 / zoom;
      for (const id of cursor.selection ?? []) {
        const shape = scene.lookup(id);
        if (shape) outlineShape(ctx, shape, scene.lookup, zoom);
      }
      // Pointer arrow and name tag keep their screen size at any zoom.
      ctx.save();
      ctx.translate(cursor.x, cursor.y);
      ctx.rotate(0);
      const s = 1 / zoom;
      ctx.fillStyle = cursor.color;
      ctx.beginPath();
      ctx.moveTo(0, 0);
      ctx.lineTo(0, 16 * s);
      ctx.lineTo(4.5 * s, 12 * s);
      ctx.lineTo(11 * s, 12 * s);
      ctx.closePath();
      ctx.fill();
      ctx.font = `${12 * s}px ${FONT_FAMILY}`;
      ctx.textBaseline = 'top';
      ctx.textAlign = 'left';
      const label = cursor.name.slice(0, 40);
      const width = ctx.measureText(label).width;
      ctx.fillRect(10 * s, 16 * s, width + 8 * s, 18 * s);
      ctx.fillStyle = '#ffffff';
      ctx.fillText(label, 14 * s, 19 * s);
      ctx.restore();
    }
  }
}

function push(map: Map<string, number[]>, key: string, ...values: number[]): void {
  let list = map.get(key);
  if (!list) map.set(key, (list = []));
  list.push(...values);
}

/** A selection outline around (never on top of) a shape: its own stroke stays visible under a selection. */
function outlineShape(ctx: RenderContext, shape: Shape, lookup: ShapeLookup, zoom: number): void {
  const c = selectionOutline(shape, lookup, zoom);
  ctx.beginPath();
  ctx.moveTo(c[0]!.x, c[0]!.y);
  for (let i = 1; i < c.length; i++) ctx.lineTo(c[i]!.x, c[i]!.y);
  ctx.closePath();
  ctx.stroke();
}

function drawArrowhead(ctx: RenderContext, head: Parameters<typeof arrowheadGeometry>[0], x: number, y: number, angle: number, width: number, color: string): void {
  const geometry = arrowheadGeometry(head, x, y, angle, width);
  if (!geometry) return;
  ctx.beginPath();
  tracePath(ctx, geometry.path);
  if (geometry.filled) {
    ctx.fillStyle = color;
    ctx.fill();
  }
  ctx.stroke();
}

/** Stored colours are never rewritten for dark mode: only the default ink is shown light on dark. */
export function strokeFor(color: string, theme: Theme): string {
  if (theme === 'dark' && (color === DEFAULT_STYLE.strokeColor || color === '#000000' || color === '#000')) return THEMES.dark.defaultStroke;
  return color;
}

export const DEFAULT_STICKY_FILL = '#ffec99';

function stickyFill(color: string): string {
  return color === 'transparent' ? DEFAULT_STICKY_FILL : color;
}

/** perfect-freehand outline of a stroke in the shape's local coordinates. */
export function outlinePolygon(shape: Extract<Shape, { type: 'freehand' }>): number[] {
  const input: number[][] = [];
  let pressureVaries = false;
  const first = shape.points[2] ?? 0.5;
  for (let i = 0; i + 2 < shape.points.length; i += 3) {
    const pressure = shape.points[i + 2]!;
    if (pressure !== first) pressureVaries = true;
    input.push([shape.points[i]!, shape.points[i + 1]!, pressure]);
  }
  const highlighter = shape.variant === 'highlighter';
  const outline = getStroke(input, {
    size: freehandSize(shape),
    thinning: highlighter ? 0 : 0.6,
    smoothing: 0.5,
    streamline: 0.5,
    // A mouse reports constant pressure: simulate it from speed instead.
    simulatePressure: !pressureVaries && !highlighter,
    last: true,
  });
  const flat: number[] = [];
  for (const [x, y] of outline) flat.push(x!, y!);
  return flat;
}

function buildOutline(shape: Extract<Shape, { type: 'freehand' }>): Outline {
  const flat = outlinePolygon(shape);
  if (!hasPath2D) return flat;
  const path = new Path2D();
  for (let i = 0; i + 1 < flat.length; i += 2) (i === 0 ? path.moveTo : path.lineTo).call(path, flat[i]!, flat[i + 1]!);
  path.closePath();
  return path;
}

/** Greedy word wrap by measured width; explicit newlines are kept. */
export function wrapText(text: string, width: number, measure: (s: string) => number): string[] {
  const out: string[] = [];
  for (const paragraph of text.split('\n')) {
    const words = paragraph.split(/(\s+)/);
    let line = '';
    for (const word of words) {
      const candidate = line + word;
      if (line && measure(candidate.trimEnd()) > width) {
        out.push(line.trimEnd());
        line = word.trimStart();
      } else line = candidate;
    }
    out.push(line);
  }
  return out;
}

/** Size of a text block at a font size (the canvas's own measure when available). */
export function measureTextBlock(text: string, fontSize: number, measure?: (s: string, font: string) => number, family: FontFamily = 'sans'): { w: number; h: number } {
  const lines = text.split('\n');
  const font = cssFont(fontSize, family);
  const widths = lines.map((line) => (measure ? measure(line, font) : line.length * fontSize * 0.6));
  return { w: Math.max(Math.max(...widths), fontSize * 0.5), h: lines.length * fontSize * LINE_HEIGHT };
}

