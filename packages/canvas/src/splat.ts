import type { Shape } from '@meshboard/board';
import { linePointsWorld, resolveArrowPoints, type ShapeLookup } from './geometry.js';

/**
 * Level of detail for big boards: shapes only a few device pixels wide are rasterised straight into a pixel
 * buffer (a filled box, a box outline, or a line / polyline of single pixels) instead of being turned into
 * canvas paths. At "zoom to fit" on a 50,000-shape board almost every shape is this small, and writing a few
 * pixels each in JS costs far less than building and filling tens of thousands of sub-paths in Canvas 2D.
 *
 * Coordinates given to the drawing methods are device pixels of the target canvas.
 */
export class PixelLayer {
  width = 0;
  height = 0;
  private image: ImageData | null = null;
  private pixels: Uint32Array = new Uint32Array(0);
  private readonly colors = new Map<string, number>();
  private probe: CanvasRenderingContext2D | OffscreenCanvasRenderingContext2D | null = null;
  /** drawing is limited to this device-pixel box (the whole buffer unless `clip` is called) */
  private cx0 = 0;
  private cy0 = 0;
  private cx1 = 0;
  private cy1 = 0;

  /** Starts a frame: every pixel set to `background` (a packed colour; 0 = transparent). */
  begin(width: number, height: number, background: number): void {
    if (!this.image || this.width !== width || this.height !== height) {
      this.width = width;
      this.height = height;
      this.image = new ImageData(width, height);
      this.pixels = new Uint32Array(this.image.data.buffer);
    }
    this.pixels.fill(background);
    this.clip(null);
  }

  /** Frees the buffer (it is allocated again by the next `begin`). */
  release(): void {
    this.image = null;
    this.pixels = new Uint32Array(0);
    this.width = 0;
    this.height = 0;
  }

  clip(box: { x0: number; y0: number; x1: number; y1: number } | null): void {
    this.cx0 = box ? Math.max(0, box.x0) : 0;
    this.cy0 = box ? Math.max(0, box.y0) : 0;
    this.cx1 = box ? Math.min(this.width, box.x1) : this.width;
    this.cy1 = box ? Math.min(this.height, box.y1) : this.height;
  }

  /**
   * Moves the picture by whole device pixels (a pan at an unchanged zoom) and fills what was uncovered with
   * `background`; the caller redraws only the uncovered strips.
   */
  shift(dx: number, dy: number, background: number): void {
    const w = this.width;
    const h = this.height;
    const px = this.pixels;
    const rowLen = w - Math.abs(dx);
    const dstX = Math.max(dx, 0);
    const srcX = Math.max(-dx, 0);
    if (dy >= 0) for (let y = h - 1; y >= dy; y--) px.copyWithin(y * w + dstX, (y - dy) * w + srcX, (y - dy) * w + srcX + rowLen);
    else for (let y = 0; y < h + dy; y++) px.copyWithin(y * w + dstX, (y - dy) * w + srcX, (y - dy) * w + srcX + rowLen);
    if (dy > 0) px.fill(background, 0, dy * w);
    else if (dy < 0) px.fill(background, (h + dy) * w, h * w);
    if (dx !== 0) {
      const x0 = dx > 0 ? 0 : w + dx;
      const x1 = dx > 0 ? dx : w;
      for (let y = 0; y < h; y++) px.fill(background, y * w + x0, y * w + x1);
    }
  }

  get imageData(): ImageData {
    return this.image!;
  }

  /** A CSS colour as the packed little-endian RGBA value the buffer holds (cached per string). */
  color(css: string): number {
    let packed = this.colors.get(css);
    if (packed === undefined) {
      packed = parseColor(css) ?? this.resolve(css);
      this.colors.set(css, packed);
    }
    return packed;
  }

  fillRect(x0: number, y0: number, x1: number, y1: number, color: number): void {
    const w = this.width;
    let ax = Math.floor(x0);
    let ay = Math.floor(y0);
    let bx = Math.ceil(x1);
    let by = Math.ceil(y1);
    if (bx <= ax) bx = ax + 1;
    if (by <= ay) by = ay + 1;
    if (ax < this.cx0) ax = this.cx0;
    if (ay < this.cy0) ay = this.cy0;
    if (bx > this.cx1) bx = this.cx1;
    if (by > this.cy1) by = this.cy1;
    const px = this.pixels;
    for (let y = ay; y < by; y++) {
      const row = y * w;
      for (let x = ax; x < bx; x++) px[row + x] = color;
    }
  }

  strokeRect(x0: number, y0: number, x1: number, y1: number, color: number): void {
    const ax = Math.floor(x0);
    const ay = Math.floor(y0);
    const bx = Math.max(Math.ceil(x1) - 1, ax);
    const by = Math.max(Math.ceil(y1) - 1, ay);
    this.fillRect(ax, ay, bx + 1, ay + 1, color);
    this.fillRect(ax, by, bx + 1, by + 1, color);
    this.fillRect(ax, ay, ax + 1, by + 1, color);
    this.fillRect(bx, ay, bx + 1, by + 1, color);
  }

  /** A one-pixel line (Bresenham), clipped per pixel. */
  line(x0: number, y0: number, x1: number, y1: number, color: number): void {
    let x = Math.floor(x0);
    let y = Math.floor(y0);
    const ex = Math.floor(x1);
    const ey = Math.floor(y1);
    const dx = Math.abs(ex - x);
    const dy = -Math.abs(ey - y);
    const sx = x < ex ? 1 : -1;
    const sy = y < ey ? 1 : -1;
    let err = dx + dy;
    const w = this.width;
    const { cx0, cy0, cx1, cy1 } = this;
    const px = this.pixels;
    // Bounded: LOD shapes are a few pixels long, but never loop forever on odd input.
    for (let n = 0; n < 4096; n++) {
      if (x >= cx0 && y >= cy0 && x < cx1 && y < cy1) px[y * w + x] = color;
      if (x === ex && y === ey) break;
      const e2 = 2 * err;
      if (e2 >= dy) {
        err += dy;
        x += sx;
      }
      if (e2 <= dx) {
        err += dx;
        y += sy;
      }
    }
  }

  private resolve(css: string): number {
    if (!this.probe) {
      const canvas = typeof OffscreenCanvas === 'function' ? new OffscreenCanvas(1, 1) : document.createElement('canvas');
      this.probe = canvas.getContext('2d') as CanvasRenderingContext2D | OffscreenCanvasRenderingContext2D | null;
    }
    const probe = this.probe;
    if (!probe) return pack(128, 128, 128, 255);
    probe.clearRect(0, 0, 1, 1);
    probe.fillStyle = css;
    probe.fillRect(0, 0, 1, 1);
    const [r, g, b, a] = probe.getImageData(0, 0, 1, 1).data;
    return pack(r!, g!, b!, a!);
  }
}

/** cos/sin of 4, 8 and 12 points around the unit circle (ellipses and diamonds at pixel level of detail) */
const UNIT_CIRCLE: Record<number, Float64Array> = Object.fromEntries(
  [4, 8, 12].map((n) => [n, Float64Array.from({ length: n * 2 }, (_, k) => (k % 2 === 0 ? Math.cos : Math.sin)((Math.floor(k / 2) / n) * Math.PI * 2))]),
);

export function pack(r: number, g: number, b: number, a: number): number {
  // ImageData is RGBA in memory; every platform browsers run on is little-endian. Kept as a signed 32-bit
  // value: opaque colours then fit V8's small integers (no boxed numbers in the hot loops); a Uint32Array
  // store wraps it back to the same bits.
  return (a << 24) | (b << 16) | (g << 8) | r;
}

/** #rgb / #rrggbb / #rrggbbaa without touching the DOM; null for anything else. */
export function parseColor(css: string): number | null {
  const m = /^#([0-9a-f]{3}|[0-9a-f]{6}|[0-9a-f]{8})$/i.exec(css.trim());
  if (!m) return css === 'transparent' ? 0 : null;
  let hex = m[1]!;
  if (hex.length === 3) hex = hex.replace(/./g, (c) => c + c);
  const r = parseInt(hex.slice(0, 2), 16);
  const g = parseInt(hex.slice(2, 4), 16);
  const b = parseInt(hex.slice(4, 6), 16);
  const a = hex.length === 8 ? parseInt(hex.slice(6, 8), 16) : 255;
  return pack(r, g, b, a);
}

/**
 * Rasterises one small shape. `tx`, `ty`, `s` map world to device pixels: X = (x - tx) * s.
 * `fill` / `stroke` are packed colours (0 = none).
 */
export function splatShape(layer: PixelLayer, shape: Shape, bounds: { minX: number; minY: number; maxX: number; maxY: number }, tx: number, ty: number, s: number, stroke: number, fill: number, dot: boolean, lookup: ShapeLookup): void {
  const x0 = (bounds.minX - tx) * s;
  const y0 = (bounds.minY - ty) * s;
  const x1 = (bounds.maxX - tx) * s;
  const y1 = (bounds.maxY - ty) * s;
  if (dot) {
    layer.fillRect(x0, y0, x1, y1, fill || stroke);
    return;
  }
  switch (shape.type) {
    case 'line':
    case 'arrow': {
      const pts = shape.type === 'arrow' ? resolveArrowPoints(shape, lookup) : linePointsWorld(shape);
      for (let i = 2; i + 1 < pts.length; i += 2) layer.line((pts[i - 2]! - tx) * s, (pts[i - 1]! - ty) * s, (pts[i]! - tx) * s, (pts[i + 1]! - ty) * s, stroke);
      return;
    }
    case 'freehand': {
      const pts = shape.points;
      const n = pts.length / 3;
      // about one segment per 3 px of the stroke's size, at most 8
      const segments = Math.max(1, Math.min(8, Math.round(Math.max(x1 - x0, y1 - y0) / 3)));
      const step = Math.max(1, Math.floor(n / segments)) * 3;
      let px = (shape.x + pts[0]! - tx) * s;
      let py = (shape.y + pts[1]! - ty) * s;
      for (let i = step; ; i += step) {
        const last = i >= pts.length - 3;
        const j = last ? pts.length - 3 : i;
        const qx = (shape.x + pts[j]! - tx) * s;
        const qy = (shape.y + pts[j + 1]! - ty) * s;
        layer.line(px, py, qx, qy, stroke);
        px = qx;
        py = qy;
        if (last) break;
      }
      return;
    }
    case 'text': {
      // Unreadable at this size: a "greeked" bar where the text is.
      const mid = (y0 + y1) / 2;
      layer.fillRect(x0, mid, x1, mid + 1, stroke);
      return;
    }
    case 'ellipse':
    case 'diamond': {
      const cx = (shape.x + shape.w / 2 - tx) * s;
      const cy = (shape.y + shape.h / 2 - ty) * s;
      const rx = (shape.w / 2) * s;
      const ry = (shape.h / 2) * s;
      if (fill) layer.fillRect(cx - rx * 0.7, cy - ry * 0.7, cx + rx * 0.7, cy + ry * 0.7, fill);
      if (!stroke || (shape.strokeWidth <= 0 && fill)) return;
      // a few pixels across: fewer sides are indistinguishable and much cheaper
      const steps = shape.type === 'diamond' || rx + ry < 6 ? 4 : rx + ry < 12 ? 8 : 12;
      const unit = UNIT_CIRCLE[steps]!;
      const cos = shape.rotation ? Math.cos(shape.rotation) : 1;
      const sin = shape.rotation ? Math.sin(shape.rotation) : 0;
      let px = 0;
      let py = 0;
      for (let i = 0; i <= steps; i++) {
        const ux = unit[(i % steps) * 2]! * rx;
        const uy = unit[(i % steps) * 2 + 1]! * ry;
        const qx = cx + ux * cos - uy * sin;
        const qy = cy + ux * sin + uy * cos;
        if (i > 0) layer.line(px, py, qx, qy, stroke);
        px = qx;
        py = qy;
      }
      return;
    }
    default: {
      if (shape.rotation !== 0 && !dot) {
        // A rotated box: its four sides (the fill as the box's inner part).
        const cx = (shape.x + shape.w / 2 - tx) * s;
        const cy = (shape.y + shape.h / 2 - ty) * s;
        const cos = Math.cos(shape.rotation);
        const sin = Math.sin(shape.rotation);
        const hw = (shape.w / 2) * s;
        const hh = (shape.h / 2) * s;
        const r = Math.min(hw, hh) * 0.7;
        if (fill) layer.fillRect(cx - r, cy - r, cx + r, cy + r, fill);
        const color = stroke && (shape.strokeWidth > 0 || !fill) ? stroke : fill;
        const corners = [-hw, -hh, hw, -hh, hw, hh, -hw, hh];
        for (let i = 0; i < 4; i++) {
          const ax = corners[i * 2]!;
          const ay = corners[i * 2 + 1]!;
          const bx = corners[((i + 1) % 4) * 2]!;
          const by = corners[((i + 1) % 4) * 2 + 1]!;
          layer.line(cx + ax * cos - ay * sin, cy + ax * sin + ay * cos, cx + bx * cos - by * sin, cy + bx * sin + by * cos, color);
        }
        return;
      }
      if (fill) layer.fillRect(x0, y0, x1, y1, fill);
      if (stroke && (shape.strokeWidth > 0 || !fill)) layer.strokeRect(x0, y0, x1, y1, stroke);
    }
  }
}
