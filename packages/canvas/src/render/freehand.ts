import { getStroke } from 'perfect-freehand';
import type { Shape } from '@meshboard/board';
import { freehandSize } from '../geometry.js';
import { hasPath2D, type RenderContext } from './context.js';

/**
 * Pen and highlighter strokes: perfect-freehand outlines, cached per shape record (records are replaced on
 * change, so a WeakMap keyed by record never goes stale) and built within a per-frame time budget.
 */

type Outline = Path2D | number[];
type Freehand = Extract<Shape, { type: 'freehand' }>;

export class FreehandPainter {
  private readonly outlines = new WeakMap<Shape, Outline>();
  /** `performance.now()` past which no new outline is built this frame (set by the renderer per frame) */
  budgetEnd = Infinity;
  /** strokes drawn with a stand-in since the renderer last reset this */
  deferred = 0;

  constructor(private readonly cached: boolean) {}

  draw(ctx: RenderContext, shape: Freehand, color: string): void {
    ctx.fillStyle = color;
    if (shape.variant === 'highlighter') ctx.globalAlpha *= 0.35;
    const outline = this.cached ? this.cachedOutline(shape) : buildOutline(shape);
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
  private cachedOutline(shape: Freehand): Outline | null {
    let outline = this.outlines.get(shape);
    if (!outline) {
      if (performance.now() > this.budgetEnd) {
        this.deferred++;
        return null;
      }
      outline = buildOutline(shape);
      this.outlines.set(shape, outline);
    }
    return outline;
  }
}

/** perfect-freehand outline of a stroke in the shape's local coordinates. */
export function outlinePolygon(shape: Freehand): number[] {
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

function buildOutline(shape: Freehand): Outline {
  const flat = outlinePolygon(shape);
  if (!hasPath2D) return flat;
  const path = new Path2D();
  for (let i = 0; i + 1 < flat.length; i += 2) (i === 0 ? path.moveTo : path.lineTo).call(path, flat[i]!, flat[i + 1]!);
  path.closePath();
  return path;
}
