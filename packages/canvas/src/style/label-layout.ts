import type { FontFamily, Point, Shape } from '@meshboard/board';
import { cssFont } from './stroke.js';

export const LABEL_LINE_HEIGHT = 1.25;
/** Space between a box's outline and its label. */
export const LABEL_PADDING = 8;

export interface LabelBox {
  x: number;
  y: number;
  w: number;
  h: number;
}

export interface LabelLine {
  text: string;
  /** the line's anchor: its left edge, centre or right edge (per `align`), in the label's coordinates */
  x: number;
  /** the top of the line's glyphs (text baseline 'top') */
  y: number;
  width: number;
}

export interface LabelLayout {
  font: string;
  fontSize: number;
  lineHeight: number;
  align: 'left' | 'center' | 'right';
  lines: LabelLine[];
  /** the box the text occupies (for an arrow label: what is knocked out of the line behind it) */
  bounds: LabelBox;
}

export interface LabelStyle {
  fontSize: number;
  fontFamily: FontFamily;
  textAlign: 'left' | 'center' | 'right';
  verticalAlign: 'top' | 'middle' | 'bottom';
}

/**
 * Where a box shape's label may go, in the shape's own (unrotated, origin top-left) coordinates: the box
 * inset by the padding; for an ellipse the inscribed rectangle, for a diamond the rectangle between the
 * midpoints of its sides, so a label never spills over the outline.
 */
export function labelBox(type: 'rectangle' | 'ellipse' | 'diamond', w: number, h: number): LabelBox {
  let box: LabelBox;
  if (type === 'ellipse') {
    const iw = w / Math.SQRT2;
    const ih = h / Math.SQRT2;
    box = { x: (w - iw) / 2, y: (h - ih) / 2, w: iw, h: ih };
  } else if (type === 'diamond') box = { x: w / 4, y: h / 4, w: w / 2, h: h / 2 };
  else box = { x: 0, y: 0, w, h };
  const pad = Math.min(LABEL_PADDING, box.w / 4, box.h / 4);
  return { x: box.x + pad, y: box.y + pad, w: Math.max(box.w - pad * 2, 1), h: Math.max(box.h - pad * 2, 1) };
}

/**
 * Lays out a label inside `box`: greedy word wrap at the box width (words longer than a line are broken by
 * character), lines placed by the horizontal alignment, the block by the vertical one. A block taller than
 * the box overflows evenly (middle) or downwards (top) rather than being cut: the text is never lost.
 */
export function layoutLabel(text: string, box: LabelBox, style: LabelStyle, measure: (text: string, font: string) => number): LabelLayout {
  const font = cssFont(style.fontSize, style.fontFamily);
  const lineHeight = style.fontSize * LABEL_LINE_HEIGHT;
  const width = (s: string) => measure(s, font);
  const wrapped = wrapLines(text, box.w, width);
  const blockHeight = wrapped.length * lineHeight;
  const top = style.verticalAlign === 'top' ? box.y : style.verticalAlign === 'bottom' ? box.y + box.h - blockHeight : box.y + (box.h - blockHeight) / 2;
  const anchor = style.textAlign === 'left' ? box.x : style.textAlign === 'right' ? box.x + box.w : box.x + box.w / 2;
  let widest = 0;
  const lines = wrapped.map((line, i) => {
    const w = width(line);
    widest = Math.max(widest, w);
    return { text: line, x: anchor, y: top + i * lineHeight + (lineHeight - style.fontSize) / 2, width: w };
  });
  const left = style.textAlign === 'left' ? box.x : style.textAlign === 'right' ? box.x + box.w - widest : box.x + (box.w - widest) / 2;
  return { font, fontSize: style.fontSize, lineHeight, align: style.textAlign, lines, bounds: { x: left, y: top, w: widest, h: blockHeight } };
}

/** An arrow label's box: centred on the course's middle, as wide as the text up to 20 em (then it wraps). */
export function arrowLabelBox(text: string, middle: Point, style: LabelStyle, measure: (text: string, font: string) => number): LabelBox {
  const font = cssFont(style.fontSize, style.fontFamily);
  const widest = Math.max(...text.split('\n').map((line) => measure(line, font)), style.fontSize);
  const w = Math.min(widest, style.fontSize * 20);
  const lines = wrapLines(text, w, (s) => measure(s, font)).length;
  const h = lines * style.fontSize * LABEL_LINE_HEIGHT;
  return { x: middle.x - w / 2, y: middle.y - h / 2, w, h };
}

/** The label of any shape that has one (boxes and arrows), in the shape's local coordinates for boxes. */
export function hasLabel(shape: Shape): shape is Extract<Shape, { type: 'rectangle' | 'ellipse' | 'diamond' | 'arrow' }> {
  return (shape.type === 'rectangle' || shape.type === 'ellipse' || shape.type === 'diamond' || shape.type === 'arrow') && shape.text.length > 0;
}

/** Greedy word wrap by measured width; explicit newlines kept; a word wider than the line is split by character. */
export function wrapLines(text: string, width: number, measure: (s: string) => number): string[] {
  const out: string[] = [];
  for (const paragraph of text.split('\n')) {
    let line = '';
    for (const word of paragraph.split(/(\s+)/)) {
      if (!word) continue;
      const candidate = line + word;
      if (measure(candidate.trimEnd()) <= width || !line.trim()) {
        if (measure(candidate.trimEnd()) > width && !/^\s+$/.test(word)) {
          // a single word wider than the line: break it by character
          for (const ch of word) {
            if (line && measure(line + ch) > width) {
              out.push(line);
              line = ch;
            } else line += ch;
          }
        } else line = candidate;
      } else {
        out.push(line.trimEnd());
        line = word.trimStart();
        if (measure(line) > width) {
          let part = '';
          for (const ch of line) {
            if (part && measure(part + ch) > width) {
              out.push(part);
              part = ch;
            } else part += ch;
          }
          line = part;
        }
      }
    }
    out.push(line.trimEnd());
  }
  return out;
}
