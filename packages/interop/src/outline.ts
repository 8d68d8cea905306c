import { getStroke } from 'perfect-freehand';
import { pointsBounds, rotatePoint, shapeBounds, shapeCenter, unionBounds, type Bounds, type Point, type Shape } from '@meshboard/board';

/**
 * Geometry for the exporters (SVG and PDF draw the same outlines): each shape as path commands, arrows with
 * bound ends resolved, and the painted bounds. It mirrors what packages/canvas draws on screen, which this
 * package may not import (imports only go down to @meshboard/board).
 */
export type PathCommand = { op: 'M' | 'L'; p: Point } | { op: 'C'; c1: Point; c2: Point; p: Point } | { op: 'Z' };
export type Lookup = (id: string) => Shape | undefined;

/** Keep in step with packages/canvas (renderer.ts / geometry.ts): what the board shows is what exports. */
export const FONT_FAMILY = 'system-ui, -apple-system, "Segoe UI", Roboto, Helvetica, Arial, sans-serif';
export const LINE_HEIGHT = 1.25;
export const STICKY_PADDING = 12;
export const STICKY_TEXT_COLOR = '#1e1e1e';
export const DEFAULT_STICKY_FILL = '#ffec99';
const BINDING_GAP = 6;
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

/** Maps a point in the shape's own frame (relative to x/y, before rotation) into the board. */
export function toWorld(shape: Pick<Shape, 'x' | 'y' | 'w' | 'h' | 'rotation'>, local: Point): Point {
  const p = { x: shape.x + local.x, y: shape.y + local.y };
  return shape.rotation ? rotatePoint(p, shapeCenter(shape), shape.rotation) : p;
}

const KAPPA = 0.5522847498;

/** Outline of a box, freehand or sticky in the shape's own frame; null for text, image, line and arrow. */
export function localPath(shape: Shape): PathCommand[] | null {
  const { w, h } = shape;
  switch (shape.type) {
    case 'rectangle':
      if (shape.cornerRadius > 0) return roundedRect(w, h, Math.min(shape.cornerRadius, w / 2, h / 2));
      return [{ op: 'M', p: { x: 0, y: 0 } }, { op: 'L', p: { x: w, y: 0 } }, { op: 'L', p: { x: w, y: h } }, { op: 'L', p: { x: 0, y: h } }, { op: 'Z' }];
    case 'sticky':
    case 'image':
    case 'frame':
      return [{ op: 'M', p: { x: 0, y: 0 } }, { op: 'L', p: { x: w, y: 0 } }, { op: 'L', p: { x: w, y: h } }, { op: 'L', p: { x: 0, y: h } }, { op: 'Z' }];
    case 'diamond':
      return [{ op: 'M', p: { x: w / 2, y: 0 } }, { op: 'L', p: { x: w, y: h / 2 } }, { op: 'L', p: { x: w / 2, y: h } }, { op: 'L', p: { x: 0, y: h / 2 } }, { op: 'Z' }];
    case 'ellipse': {
      // Four cubic arcs: an affine map of them stays exact, so rotation can be applied to the points (PDF).
      const rx = w / 2;
      const ry = h / 2;
      const cx = rx;
      const cy = ry;
      const kx = rx * KAPPA;
      const ky = ry * KAPPA;
      return [
        { op: 'M', p: { x: cx + rx, y: cy } },
        { op: 'C', c1: { x: cx + rx, y: cy + ky }, c2: { x: cx + kx, y: cy + ry }, p: { x: cx, y: cy + ry } },
        { op: 'C', c1: { x: cx - kx, y: cy + ry }, c2: { x: cx - rx, y: cy + ky }, p: { x: cx - rx, y: cy } },
        { op: 'C', c1: { x: cx - rx, y: cy - ky }, c2: { x: cx - kx, y: cy - ry }, p: { x: cx, y: cy - ry } },
        { op: 'C', c1: { x: cx + kx, y: cy - ry }, c2: { x: cx + rx, y: cy - ky }, p: { x: cx + rx, y: cy } },
        { op: 'Z' },
      ];
    }
    case 'freehand': {
      const outline = freehandOutline(shape);
      if (outline.length === 0) return null;
      return [...outline.map((p, i) => ({ op: i === 0 ? ('M' as const) : ('L' as const), p })), { op: 'Z' as const }];
    }
    default:
      return null;
  }
}

/** A rectangle with corners of radius r, each a cubic quarter-circle (so an affine map keeps it exact). */
function roundedRect(w: number, h: number, r: number): PathCommand[] {
  const k = r * (1 - KAPPA);
  return [
    { op: 'M', p: { x: r, y: 0 } },
    { op: 'L', p: { x: w - r, y: 0 } },
    { op: 'C', c1: { x: w - k, y: 0 }, c2: { x: w, y: k }, p: { x: w, y: r } },
    { op: 'L', p: { x: w, y: h - r } },
    { op: 'C', c1: { x: w, y: h - k }, c2: { x: w - k, y: h }, p: { x: w - r, y: h } },
    { op: 'L', p: { x: r, y: h } },
    { op: 'C', c1: { x: k, y: h }, c2: { x: 0, y: h - k }, p: { x: 0, y: h - r } },
    { op: 'L', p: { x: 0, y: r } },
    { op: 'C', c1: { x: 0, y: k }, c2: { x: k, y: 0 }, p: { x: r, y: 0 } },
    { op: 'Z' },
  ];
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

export function mapPath(path: PathCommand[], map: (p: Point) => Point): PathCommand[] {
  return path.map((cmd) => {
    if (cmd.op === 'Z') return cmd;
    if (cmd.op === 'C') return { op: 'C', c1: map(cmd.c1), c2: map(cmd.c2), p: map(cmd.p) };
    return { op: cmd.op, p: map(cmd.p) };
  });
}

const n = (value: number) => String(Math.round(value * 100) / 100);

export function pathData(path: PathCommand[]): string {
  return path
    .map((cmd) => {
      if (cmd.op === 'Z') return 'Z';
      if (cmd.op === 'C') return `C${n(cmd.c1.x)} ${n(cmd.c1.y)} ${n(cmd.c2.x)} ${n(cmd.c2.y)} ${n(cmd.p.x)} ${n(cmd.p.y)}`;
      return `${cmd.op}${n(cmd.p.x)} ${n(cmd.p.y)}`;
    })
    .join('');
}

/** Where a ray from the shape's centre toward `toward` leaves its outline, plus a small gap (as on screen). */
function outlinePoint(shape: Shape, toward: Point): Point {
  const center = shapeCenter(shape);
  const local = shape.rotation ? rotatePoint(toward, center, -shape.rotation) : toward;
  const dx = local.x - center.x;
  const dy = local.y - center.y;
  const rx = shape.w / 2;
  const ry = shape.h / 2;
  if ((dx === 0 && dy === 0) || rx === 0 || ry === 0) return center;
  let t: number;
  if (shape.type === 'ellipse') t = 1 / Math.sqrt((dx / rx) ** 2 + (dy / ry) ** 2);
  else if (shape.type === 'diamond') t = 1 / (Math.abs(dx) / rx + Math.abs(dy) / ry);
  else t = Math.min(dx === 0 ? Infinity : rx / Math.abs(dx), dy === 0 ? Infinity : ry / Math.abs(dy));
  const length = Math.hypot(dx, dy);
  const scale = Math.min((Math.min(t, 1) * length + BINDING_GAP) / length, 1);
  const hit = { x: center.x + dx * scale, y: center.y + dy * scale };
  return shape.rotation ? rotatePoint(hit, center, shape.rotation) : hit;
}

/** World points of a line or arrow, bound ends resolved from the bound shapes (as the canvas resolves them). */
export function linePoints(shape: Extract<Shape, { type: 'line' | 'arrow' }>, lookup: Lookup): Point[] {
  const points: Point[] = [];
  for (let i = 0; i + 1 < shape.points.length; i += 2) points.push(toWorld(shape, { x: shape.points[i]!, y: shape.points[i + 1]! }));
  if (shape.type !== 'arrow' || points.length < 2) return points;
  const start = shape.startBinding ? lookup(shape.startBinding) : undefined;
  const end = shape.endBinding ? lookup(shape.endBinding) : undefined;
  const last = points.length - 1;
  const startAim = start ? shapeCenter(start) : points[0]!;
  const endAim = end ? shapeCenter(end) : points[last]!;
  const afterStart = points.length > 2 ? points[1]! : endAim;
  const beforeEnd = points.length > 2 ? points[last - 1]! : startAim;
  if (start) points[0] = outlinePoint(start, afterStart);
  if (end) points[last] = outlinePoint(end, beforeEnd);
  return points;
}

export type ArrowheadKind = 'none' | 'arrow' | 'triangle' | 'bar' | 'dot';

/** An arrowhead as drawing instructions: an open polyline (arrow, bar), a closed filled polygon (triangle) or a dot. */
export type ArrowheadMark = { kind: 'polyline' | 'polygon'; points: Point[] } | { kind: 'dot'; center: Point; radius: number };

export function arrowheadMark(kind: ArrowheadKind, from: Point, tip: Point, strokeWidth: number): ArrowheadMark | null {
  if (kind === 'none') return null;
  const angle = Math.atan2(tip.y - from.y, tip.x - from.x);
  const length = 10 + strokeWidth * 2;
  if (kind === 'dot') return { kind: 'dot', center: tip, radius: 3 + strokeWidth };
  if (kind === 'bar') {
    const half = length * 0.6;
    return { kind: 'polyline', points: [{ x: tip.x + half * Math.sin(angle), y: tip.y - half * Math.cos(angle) }, { x: tip.x - half * Math.sin(angle), y: tip.y + half * Math.cos(angle) }] };
  }
  const [a, b, c] = arrowheadPoints(from, tip, strokeWidth);
  return kind === 'triangle' ? { kind: 'polygon', points: [a, b, c] } : { kind: 'polyline', points: [a, b, c] };
}

/** The two strokes of an arrowhead at `tip`, pointing away from `from` (the canvas's proportions). */
export function arrowheadPoints(from: Point, tip: Point, strokeWidth: number): [Point, Point, Point] {
  const angle = Math.atan2(tip.y - from.y, tip.x - from.x);
  const length = 10 + strokeWidth * 2;
  const spread = Math.PI / 7;
  return [
    { x: tip.x - length * Math.cos(angle - spread), y: tip.y - length * Math.sin(angle - spread) },
    tip,
    { x: tip.x - length * Math.cos(angle + spread), y: tip.y - length * Math.sin(angle + spread) },
  ];
}

/** Everything a shape paints, in board coordinates. */
export function paintedBounds(shape: Shape, lookup: Lookup): Bounds {
  if (shape.type === 'line' || shape.type === 'arrow') {
    const points = linePoints(shape, lookup);
    const flat = points.flatMap((p) => [p.x, p.y]);
    const b = pointsBounds(flat, 2);
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
 * wrapped inside its padding, a box's label wrapped and placed by its vertical alignment. Arrows' labels are
 * placed by `arrowLabelCenter` (they sit on the line, not in a box).
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

/** The middle of a polyline by length: where an arrow's label sits. */
export function polylineMiddle(points: Point[]): Point {
  let total = 0;
  for (let i = 1; i < points.length; i++) total += Math.hypot(points[i]!.x - points[i - 1]!.x, points[i]!.y - points[i - 1]!.y);
  let left = total / 2;
  for (let i = 1; i < points.length; i++) {
    const a = points[i - 1]!;
    const b = points[i]!;
    const length = Math.hypot(b.x - a.x, b.y - a.y);
    if (length >= left && length > 0) return { x: a.x + ((b.x - a.x) * left) / length, y: a.y + ((b.y - a.y) * left) / length };
    left -= length;
  }
  return points[0] ?? { x: 0, y: 0 };
}

/** Width estimate for text when no font metrics are at hand (close to the system sans at 1 em = 0.55). */
export function approximateWidth(fontSize: number): (s: string) => number {
  return (s) => s.length * fontSize * 0.55;
}

/** Drawing order: frames first (a frame is drawn beneath its children), then everything else bottom to top. */
export function drawingOrder(shapes: readonly Shape[]): Shape[] {
  return [...shapes.filter((shape) => shape.type === 'frame'), ...shapes.filter((shape) => shape.type !== 'frame')];
}
