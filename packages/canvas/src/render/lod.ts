import type { Shape } from '@meshboard/board';
import { linePointsWorld, resolveArrowPoints, shapeCorners, type ShapeLookup } from '../geometry.js';
import type { Theme } from '../types.js';
import type { RenderContext } from './context.js';
import { stickyFill, strokeFor } from './theme.js';

/**
 * Level of detail: the thresholds that decide when a shape is too small on screen to be worth its full
 * drawing, and the cheap look it gets instead. Zoomed out on a big board, most of a frame's cost is here.
 */

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

/** A cheap outline of a shape for the simplified level of detail (added to the current path). */
export function traceSimplified(ctx: RenderContext, shape: Shape, lookup: ShapeLookup): void {
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

/** The one colour a tiny shape is drawn in: its fill when it has one, else its ink. */
export function lodColor(shape: Shape, theme: Theme): string {
  if (shape.type === 'sticky' || shape.type === 'image') return shape.type === 'sticky' ? stickyFill(shape.fillColor) : '#adb5bd';
  if (shape.fillColor !== 'transparent' && shape.type !== 'freehand') return shape.fillColor;
  return strokeFor(shape.strokeColor, theme);
}
