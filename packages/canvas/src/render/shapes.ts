import { arrowRoute, shapeCorners } from '../geometry.js';
import { arrowheadGeometry, boxCorners, roundedPolygon, tracePath, type Shape } from '@meshboard/board';
import { roughArrowPaths, roughBoxPaths, type RoughPath } from '../style/rough.js';
import { cssFont, dashPattern } from '../style/stroke.js';
import type { Theme } from '../types.js';
import { FRAME_TITLE_GAP_PX, FRAME_TITLE_PX, frameTitle } from '../frame-title.js';
import { hasPath2D, type FrameInput, type RenderContext } from './context.js';
import { FreehandPainter } from './freehand.js';
import { LabelPainter } from './labels.js';
import { ROUND_JOIN_MIN_PX, TEXT_GREEK_PX } from './lod.js';
import { TextPainter } from './text.js';
import { STICKY_TEXT_COLOR, frameTitleColor, stickyFill, strokeFor } from './theme.js';

/**
 * Draws one shape in full, per kind (boxes, lines and arrows, freehand, frames, text, sticky notes, images),
 * with its stroke style, hand-drawn look and label. Which shapes get drawn, and at what level of detail, is
 * the renderer's decision; this file only knows how each kind looks.
 */
export class ShapePainter {
  /** hand-drawn paths per shape record (records are replaced on change); arrows keyed by their resolved points too */
  private readonly roughCache = new WeakMap<Shape, { key: string; paths: Array<{ path: Path2D | null; info: RoughPath }> }>();
  readonly freehand: FreehandPainter;
  readonly labels = new LabelPainter();
  readonly text = new TextPainter();

  /** `naive`: the benchmark's baseline (no outline cache, no hand-drawn paths) */
  constructor(private readonly naive: boolean) {
    this.freehand = new FreehandPainter(!naive);
  }

  /** A font finished loading: text measured with its fallback is laid out again. */
  fontsChanged(): void {
    this.text.fontsChanged();
    this.labels.fontsChanged();
  }

  /** A shape inside a frame is clipped to the frame (the only shapes that pay for a save/restore). */
  draw(ctx: RenderContext, shape: Shape, input: FrameInput, faded: boolean): void {
    const frame = shape.frameId ? input.scene.lookup(shape.frameId) : undefined;
    if (frame?.type !== 'frame') {
      this.drawBody(ctx, shape, input, faded);
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
    this.drawBody(ctx, shape, input, faded);
    ctx.restore();
  }

  private drawBody(ctx: RenderContext, shape: Shape, input: FrameInput, faded: boolean): void {
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
      const route = arrowRoute(shape, input.scene.lookup);
      // keyed by the course's corners: a bound end's shape moving changes them (and an elbow's bends)
      if (shape.roughness > 0 && !this.naive) this.drawRough(ctx, shape, theme, route.points.join(','), () => roughArrowPaths(shape, route));
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
      if (shape.type === 'arrow' && shape.text && input.overlay.editingId !== shape.id) this.labels.drawArrowLabel(ctx, shape, route, stroke, theme, input.camera.zoom, a, e, f);
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
        if (shape.roughness > 0 && !this.naive) this.drawRough(ctx, shape, theme, '', () => roughBoxPaths(shape));
        else {
          ctx.beginPath();
          if (shape.type === 'ellipse') ctx.ellipse(w / 2, h / 2, w / 2, h / 2, 0, 0, Math.PI * 2);
          else if (shape.type === 'rectangle' && shape.cornerRadius <= 0) ctx.rect(0, 0, w, h);
          else tracePath(ctx, roundedPolygon(boxCorners(shape.type, w, h), shape.cornerRadius));
          paint(ctx, shape, filled);
        }
        if (dashed) ctx.setLineDash([]);
        if (shape.text && input.overlay.editingId !== shape.id) this.labels.drawBoxLabel(ctx, shape, stroke, input.camera.zoom);
        break;
      case 'freehand':
        this.freehand.draw(ctx, shape, stroke);
        break;
      case 'frame':
        drawFrame(ctx, shape, theme, input.camera.zoom, input.overlay.editingId !== shape.id);
        break;
      case 'text':
        if (input.overlay.editingId !== shape.id) this.text.draw(ctx, shape, stroke, false, input.camera.zoom);
        break;
      case 'sticky':
        ctx.fillStyle = stickyFill(shape.fillColor);
        ctx.fillRect(0, 0, w, h);
        if (input.overlay.editingId !== shape.id) this.text.draw(ctx, shape, STICKY_TEXT_COLOR, true, input.camera.zoom);
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
}

/**
 * A frame: a faint panel with a thin border, its name above its top-left corner at a constant screen size
 * (frame-title.ts; hidden while it is being renamed in the text overlay).
 */
function drawFrame(ctx: RenderContext, shape: Extract<Shape, { type: 'frame' }>, theme: Theme, zoom: number, title: boolean): void {
  ctx.fillStyle = theme === 'dark' ? 'rgba(255,255,255,0.03)' : 'rgba(0,0,0,0.02)';
  ctx.fillRect(0, 0, shape.w, shape.h);
  ctx.strokeStyle = theme === 'dark' ? '#5c5f66' : '#adb5bd';
  ctx.lineWidth = 1 / zoom;
  ctx.setLineDash([]);
  ctx.strokeRect(0, 0, shape.w, shape.h);
  const size = FRAME_TITLE_PX / zoom;
  if (!title || size * zoom < TEXT_GREEK_PX) return;
  ctx.font = cssFont(size, 'sans');
  ctx.fillStyle = frameTitleColor(theme);
  ctx.textBaseline = 'bottom';
  ctx.textAlign = 'left';
  ctx.fillText(frameTitle(shape), 0, -FRAME_TITLE_GAP_PX / zoom);
}

function paint(ctx: RenderContext, shape: Shape, filled: boolean): void {
  if (filled) {
    ctx.fillStyle = shape.fillColor;
    ctx.fill();
  }
  if (shape.strokeWidth > 0) ctx.stroke();
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
