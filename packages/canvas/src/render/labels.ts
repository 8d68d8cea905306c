import { ARROW_LABEL_GAP, arrowLabelPlacement, type ArrowRoute, type Shape } from '@meshboard/board';
import { arrowLabelBox, labelBox, layoutLabel, type LabelLayout } from '../style/label-layout.js';
import type { Theme } from '../types.js';
import type { RenderContext } from './context.js';
import { TEXT_GREEK_PX } from './lod.js';
import { THEMES } from './theme.js';

/**
 * Labels of boxes and arrows, painted from the pure layout in style/label-layout.ts. Layouts are cached per
 * shape record and label box (measuring text is the costly part), and thrown away when fonts finish loading.
 */

type Labelled = Extract<Shape, { type: 'rectangle' | 'ellipse' | 'diamond' | 'arrow' }>;

export class LabelPainter {
  private labels = new WeakMap<Shape, { key: string; layout: LabelLayout }>();
  private measureCtx: RenderContext | null = null;

  fontsChanged(): void {
    this.labels = new WeakMap();
  }

  /** A box's label, centred (per its alignment) in the box's label area, in the shape's own coordinates. */
  drawBoxLabel(ctx: RenderContext, shape: Extract<Shape, { type: 'rectangle' | 'ellipse' | 'diamond' }>, color: string, zoom: number): void {
    this.fillLabel(ctx, this.layout(ctx, shape, labelBox(shape.type, shape.w, shape.h)), color, zoom);
  }

  /**
   * An arrow's label on the middle of its course, turned along the line when it reads upright there
   * (arrowLabelPlacement), with the board's background knocked out behind it so the line stops short of the
   * text. Laid out around (0, 0) and placed by the transform, so moving the arrow reuses the layout.
   * `a, e, f` are the camera's transform (scale, offsets), put back afterwards.
   */
  drawArrowLabel(ctx: RenderContext, shape: Extract<Shape, { type: 'arrow' }>, route: ArrowRoute, color: string, theme: Theme, zoom: number, a: number, e: number, f: number): void {
    const box = arrowLabelBox(shape.text, { x: 0, y: 0 }, { fontSize: shape.fontSize, fontFamily: shape.fontFamily, textAlign: 'center', verticalAlign: 'middle' }, this.measureWith(ctx));
    const layout = this.layout(ctx, shape, box);
    const pad = shape.fontSize * ARROW_LABEL_GAP;
    const place = arrowLabelPlacement(route, layout.bounds.w, pad);
    const cos = Math.cos(place.angle);
    const sin = Math.sin(place.angle);
    ctx.setTransform(a * cos, a * sin, -a * sin, a * cos, a * place.x + e, a * place.y + f);
    ctx.fillStyle = THEMES[theme].background;
    ctx.fillRect(layout.bounds.x - pad, layout.bounds.y - pad, layout.bounds.w + pad * 2, layout.bounds.h + pad * 2);
    this.fillLabel(ctx, layout, color, zoom);
    ctx.setTransform(a, 0, 0, a, e, f);
  }

  private measureWith(ctx: RenderContext): (text: string, font: string) => number {
    this.measureCtx = ctx;
    return (text, font) => {
      const c = this.measureCtx!;
      c.font = font;
      return c.measureText(text).width;
    };
  }

  private layout(ctx: RenderContext, shape: Labelled, box: { x: number; y: number; w: number; h: number }): LabelLayout {
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
}
