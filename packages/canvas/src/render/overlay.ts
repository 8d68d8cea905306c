import type { Shape } from '@meshboard/board';
import type { ShapeLookup } from '../geometry.js';
import { HANDLES, HANDLE_SIZE, displayFrame, framePoint, rotateHandlePosition, selectionOutline } from '../selection.js';
import type { FrameInput, RenderContext } from './context.js';
import { FONT_FAMILY } from './text.js';
import { GUIDE_COLOR, THEMES } from './theme.js';

/**
 * What is drawn over the board in world coordinates: the selection (frame, handles, outlines of a
 * multi-selection), the snapping grid and guides, the marquee, and collaborators' cursors and selections.
 * Painted last, so it is never hidden by shapes.
 */
export function drawOverlay(input: FrameInput): void {
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

/** A selection outline around (never on top of) a shape: its own stroke stays visible under a selection. */
function outlineShape(ctx: RenderContext, shape: Shape, lookup: ShapeLookup, zoom: number): void {
  const c = selectionOutline(shape, lookup, zoom);
  ctx.beginPath();
  ctx.moveTo(c[0]!.x, c[0]!.y);
  for (let i = 1; i < c.length; i++) ctx.lineTo(c[i]!.x, c[i]!.y);
  ctx.closePath();
  ctx.stroke();
}
