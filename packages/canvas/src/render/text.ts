import type { FontFamily, Shape } from '@meshboard/board';
import { cssFont } from '../style/stroke.js';
import type { RenderContext } from './context.js';
import { TEXT_GREEK_PX } from './lod.js';

/**
 * Text shapes and sticky notes: their lines (sticky notes wrap, cached per record), and the bars drawn in
 * place of glyphs when text is too small to read. Labels of boxes and arrows are labels.ts.
 */

export const FONT_FAMILY = 'system-ui, -apple-system, "Segoe UI", Roboto, Helvetica, Arial, sans-serif';
export const LINE_HEIGHT = 1.25;
export const STICKY_PADDING = 12;

type TextShape = Extract<Shape, { type: 'text' | 'sticky' }>;

export class TextPainter {
  private wrapped = new WeakMap<Shape, string[]>();

  /** A font finished loading: lines wrapped with its fallback's widths are wrapped again. */
  fontsChanged(): void {
    this.wrapped = new WeakMap();
  }

  draw(ctx: RenderContext, shape: TextShape, color: string, wrap: boolean, zoom: number): void {
    const pad = wrap ? STICKY_PADDING : 0;
    if (shape.fontSize * zoom < TEXT_GREEK_PX) {
      greekText(ctx, shape, color, pad);
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

  private wrappedLines(ctx: RenderContext, shape: TextShape, width: number): string[] {
    let lines = this.wrapped.get(shape);
    if (!lines) {
      lines = wrapText(shape.text, width, (s) => ctx.measureText(s).width);
      this.wrapped.set(shape, lines);
    }
    return lines;
  }
}

/**
 * Text too small to read (a few pixels tall) is drawn as faint bars where its lines are: glyph rasterising
 * is the most expensive thing on a zoomed-out board and shows nothing legible anyway.
 */
function greekText(ctx: RenderContext, shape: TextShape, color: string, pad: number): void {
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
