import { getStroke } from 'perfect-freehand';
import { arrowRoute, boxOutline, flattenPath, pointsBounds, shapeBounds, unionBounds, type Bounds, type PathSegment, type Point, type Shape, type ShapeLookup } from '@meshboard/board';

/**
 * What the exporters (SVG and PDF) need beyond the shared drawing geometry: colours, fonts, text layout and
 * painted bounds. The geometry itself (box outlines, arrow courses with bound ends resolved, elbow routes,
 * arrowheads, label placement) comes from @meshboard/board (src/geometry/), the same code the canvas draws
 * with; this package may not import packages/canvas (imports only go down to @meshboard/board).
 */
export type Lookup = ShapeLookup;

/** Keep in step with packages/canvas (renderer.ts / geometry.ts): what the board shows is what exports. */
export const FONT_FAMILY = 'system-ui, -apple-system, "Segoe UI", Roboto, Helvetica, Arial, sans-serif';
export const LINE_HEIGHT = 1.25;
export const STICKY_PADDING = 12;
export const STICKY_TEXT_COLOR = '#1e1e1e';
export const DEFAULT_STICKY_FILL = '#ffec99';
export const THEMES = {
  light: { background: '#ffffff', defaultStroke: '#1e1e1e' },
  dark: { background: '#121212', defaultStroke: '#e3e3e3' },
} as const;
export type Theme = keyof typeof THEMES;

/** Stored colours are never rewritten for dark mode: only the default ink is shown light on dark (as on screen). */
export function inkFor(color: string, theme: Theme): string {
  if (theme === 'dark' && (color === '#1e1e1e' || color === '#000000' || color === '#000')) return THEMES.dark.defaultStroke;
  return color;
}

export function stickyFill(color: string): string {
  return color === 'transparent' ? DEFAULT_STICKY_FILL : color;
}

export function freehandSize(shape: { strokeWidth: number; variant?: 'pen' | 'highlighter' }): number {
  const base = Math.max(shape.strokeWidth, 1);
  return shape.variant === 'highlighter' ? base * 8 : base * 2.5;
}

/**
 * Outline of a box, freehand, sticky, image or frame in the shape's own frame; null for text, line and
 * arrow. Boxes are drawn as on the board (rounded corners on rectangles and diamonds, ellipses as cubics).
 */
export function localPath(shape: Shape): PathSegment[] | null {
  const { w, h } = shape;
  switch (shape.type) {
    case 'rectangle':
    case 'diamond':
      return boxOutline(shape.type, w, h, shape.cornerRadius);
    case 'ellipse':
      return boxOutline('ellipse', w, h, 0);
    case 'sticky':
    case 'image':
    case 'frame':
      return boxOutline('rectangle', w, h, 0);
    case 'freehand': {
      const outline = freehandOutline(shape);
      if (outline.length === 0) return null;
      return [...outline.map((p, i): PathSegment => ({ op: i === 0 ? 'M' : 'L', x: p.x, y: p.y })), { op: 'Z' }];
    }
    default:
      return null;
  }
}

/** perfect-freehand outline, with the same options as the canvas so strokes export as they look. */
export function freehandOutline(shape: Extract<Shape, { type: 'freehand' }>): Point[] {
  const input: number[][] = [];
  let pressureVaries = false;
  const first = shape.points[2] ?? 0.5;
  for (let i = 0; i + 2 < shape.points.length; i += 3) {
    if (shape.points[i + 2] !== first) pressureVaries = true;
    input.push([shape.points[i]!, shape.points[i + 1]!, shape.points[i + 2]!]);
  }
  const highlighter = shape.variant === 'highlighter';
  return getStroke(input, {
    size: freehandSize(shape),
    thinning: highlighter ? 0 : 0.6,
    smoothing: 0.5,
    streamline: 0.5,
    simulatePressure: !pressureVaries && !highlighter,
    last: true,
  }).map(([x, y]) => ({ x: x!, y: y! }));
}

/** Everything a shape paints, in board coordinates. */
export function paintedBounds(shape: Shape, lookup: Lookup): Bounds {
  if (shape.type === 'line' || shape.type === 'arrow') {
    // the drawn course (an elbow's route, a curve's bow), not just the stored points
    const b = pointsBounds(flattenPath(arrowRoute(shape, lookup).path, 8), 2);
    const pad = shape.type === 'arrow' ? shape.strokeWidth * 2 + 12 : shape.strokeWidth / 2;
    return { minX: b.minX - pad, minY: b.minY - pad, maxX: b.maxX + pad, maxY: b.maxY + pad };
  }
  const b = shapeBounds(shape);
  const pad = shape.type === 'freehand' ? freehandSize(shape) / 2 : 0;
  return { minX: b.minX - pad, minY: b.minY - pad, maxX: b.maxX + pad, maxY: b.maxY + pad };
}

export function boundsOf(shapes: readonly Shape[], lookup: Lookup): Bounds | null {
  return unionBounds(shapes.map((shape) => paintedBounds(shape, lookup)));
}

export const FONT_STACKS = {
  hand: '"Excalifont", "Virgil", "Comic Sans MS", "Segoe Print", cursive',
  sans: FONT_FAMILY,
  serif: 'Georgia, "Times New Roman", "DejaVu Serif", serif',
  mono: 'ui-monospace, "Cascadia Code", Menlo, Consolas, "DejaVu Sans Mono", monospace',
} as const;

/** SVG/PDF dash pattern of a stroke style at a stroke width (null = solid). */
export function dashPattern(style: 'solid' | 'dashed' | 'dotted', width: number): number[] | null {
  if (style === 'dashed') return [width * 4, width * 3];
  if (style === 'dotted') return [width * 0.01, width * 2.5];
  return null;
}

export type TextShapeLike = Extract<Shape, { text: string }>;
export interface TextLine {
  text: string;
  /** anchor position in the shape's own frame (baseline) */
  x: number;
  y: number;
  anchor: 'start' | 'middle' | 'end';
}

const LABEL_PADDING = 8;

/** Greedy word wrap by measured width; explicit newlines are kept. */
export function wrapLines(text: string, width: number, measure: (s: string) => number): string[] {
  const out: string[] = [];
  for (const paragraph of text.split('\n')) {
    let line = '';
    for (const word of paragraph.split(/(\s+)/)) {
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

/**
 * Where each line of a shape's text goes, in the shape's own frame: a text's lines from its top, a sticky's
 * wrapped inside its padding, a box's label wrapped and placed by its vertical alignment. An arrow's label is
 * laid out around (0, 0); the exporters then place and turn it on the line by `arrowLabelPlacement` from
 * @meshboard/board, as the canvas does.
 */
export function textLayout(shape: TextShapeLike, measure: (s: string) => number): TextLine[] {
  if (!shape.text) return [];
  const lineHeight = shape.fontSize * LINE_HEIGHT;
  const baseline = (lh: number) => (lh - shape.fontSize) / 2 + shape.fontSize * 0.8;
  let lines: string[];
  let pad = 0;
  let top = 0;
  let boxW = shape.w;
  let left = 0;
  if (shape.type === 'text') {
    lines = shape.text.split('\n');
  } else if (shape.type === 'sticky') {
    pad = STICKY_PADDING;
    boxW = shape.w - pad * 2;
    left = pad;
    lines = wrapLines(shape.text, boxW, measure);
    const maxLines = Math.max(1, Math.floor((shape.h - pad * 2) / lineHeight + 0.5));
    lines = lines.slice(0, maxLines);
    top = pad;
  } else {
    // A label: inside the box (an ellipse's and a diamond's usable width is narrower), or centred on an arrow.
    const inset = shape.type === 'ellipse' ? shape.w * 0.15 : shape.type === 'diamond' ? shape.w * 0.25 : 0;
    pad = LABEL_PADDING + inset;
    boxW = shape.type === 'arrow' ? Math.max(...shape.text.split('\n').map(measure)) : Math.max(shape.w - pad * 2, shape.fontSize);
    left = shape.type === 'arrow' ? 0 : pad;
    lines = shape.type === 'arrow' ? shape.text.split('\n') : wrapLines(shape.text, boxW, measure);
    const total = lines.length * lineHeight;
    const vInset = shape.type === 'ellipse' || shape.type === 'diamond' ? shape.h * 0.15 : 0;
    top =
      shape.type === 'arrow'
        ? -total / 2
        : shape.verticalAlign === 'top'
          ? LABEL_PADDING + vInset
          : shape.verticalAlign === 'bottom'
            ? shape.h - LABEL_PADDING - vInset - total
            : (shape.h - total) / 2;
  }
  const align = shape.type === 'arrow' ? 'center' : shape.textAlign;
  const anchor = align === 'left' ? 'start' : align === 'center' ? 'middle' : 'end';
  const x = shape.type === 'arrow' ? 0 : align === 'left' ? left : align === 'center' ? left + boxW / 2 : left + boxW;
  return lines.map((text, i) => ({ text, x, y: top + i * lineHeight + baseline(lineHeight), anchor }));
}

/** Width estimate for text when no font metrics are at hand (close to the system sans at 1 em = 0.55). */
export function approximateWidth(fontSize: number): (s: string) => number {
  return (s) => s.length * fontSize * 0.55;
}

/** Drawing order: frames first (a frame is drawn beneath its children), then everything else bottom to top. */
export function drawingOrder(shapes: readonly Shape[]): Shape[] {
  return [...shapes.filter((shape) => shape.type === 'frame'), ...shapes.filter((shape) => shape.type !== 'frame')];
}

/**
 * An arrow label's width for placement: its widest line, at most 20 em (the canvas wraps there), at least
 * 1 em. The placement rule (turn along the line only if the label fits its straight run) needs it.
 */
export function arrowLabelWidth(text: string, fontSize: number, measure: (s: string) => number): number {
  return Math.min(Math.max(...text.split('\n').map(measure), fontSize), fontSize * 20);
}
