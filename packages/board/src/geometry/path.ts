/**
 * A path as plain data, so the canvas renderer and the exporters (SVG, PDF) draw exactly the same geometry:
 * `tracePath` replays it on anything with the canvas path methods (a 2D context; nothing here names a DOM
 * type), `pathToSvg` writes it as an SVG `d` attribute, `mapPath` moves it into another frame (a shape's
 * rotation, a PDF page) without approximation, since every segment kind stays exact under an affine map.
 */
export type PathSegment =
  | { op: 'M'; x: number; y: number }
  | { op: 'L'; x: number; y: number }
  | { op: 'Q'; cx: number; cy: number; x: number; y: number }
  | { op: 'C'; c1x: number; c1y: number; c2x: number; c2y: number; x: number; y: number }
  | { op: 'Z' };

export interface PathSink {
  moveTo(x: number, y: number): void;
  lineTo(x: number, y: number): void;
  quadraticCurveTo(cx: number, cy: number, x: number, y: number): void;
  bezierCurveTo(c1x: number, c1y: number, c2x: number, c2y: number, x: number, y: number): void;
  closePath(): void;
}

export function tracePath(sink: PathSink, path: readonly PathSegment[]): void {
  for (const s of path) {
    if (s.op === 'M') sink.moveTo(s.x, s.y);
    else if (s.op === 'L') sink.lineTo(s.x, s.y);
    else if (s.op === 'Q') sink.quadraticCurveTo(s.cx, s.cy, s.x, s.y);
    else if (s.op === 'C') sink.bezierCurveTo(s.c1x, s.c1y, s.c2x, s.c2y, s.x, s.y);
    else sink.closePath();
  }
}

const n = (v: number) => String(Math.round(v * 100) / 100);

/** Every point of a path (end and control points) through `map`; exact for affine maps (rotate, translate). */
export function mapPath(path: readonly PathSegment[], map: (p: { x: number; y: number }) => { x: number; y: number }): PathSegment[] {
  return path.map((s): PathSegment => {
    if (s.op === 'Z') return s;
    const p = map(s);
    if (s.op === 'M' || s.op === 'L') return { op: s.op, x: p.x, y: p.y };
    if (s.op === 'Q') {
      const c = map({ x: s.cx, y: s.cy });
      return { op: 'Q', cx: c.x, cy: c.y, x: p.x, y: p.y };
    }
    const c1 = map({ x: s.c1x, y: s.c1y });
    const c2 = map({ x: s.c2x, y: s.c2y });
    return { op: 'C', c1x: c1.x, c1y: c1.y, c2x: c2.x, c2y: c2.y, x: p.x, y: p.y };
  });
}

export function pathToSvg(path: readonly PathSegment[]): string {
  return path
    .map((s) => {
      if (s.op === 'M' || s.op === 'L') return `${s.op}${n(s.x)} ${n(s.y)}`;
      if (s.op === 'Q') return `Q${n(s.cx)} ${n(s.cy)} ${n(s.x)} ${n(s.y)}`;
      if (s.op === 'C') return `C${n(s.c1x)} ${n(s.c1y)} ${n(s.c2x)} ${n(s.c2y)} ${n(s.x)} ${n(s.y)}`;
      return 'Z';
    })
    .join(' ');
}

/** A path's course as flat [x, y, ...] points (curves sampled), for hit testing and bounds. */
export function flattenPath(path: readonly PathSegment[], steps = 16): number[] {
  const out: number[] = [];
  let x = 0;
  let y = 0;
  for (const s of path) {
    if (s.op === 'M' || s.op === 'L') {
      out.push(s.x, s.y);
      x = s.x;
      y = s.y;
    } else if (s.op === 'Q') {
      for (let i = 1; i <= steps; i++) {
        const t = i / steps;
        const u = 1 - t;
        out.push(u * u * x + 2 * u * t * s.cx + t * t * s.x, u * u * y + 2 * u * t * s.cy + t * t * s.y);
      }
      x = s.x;
      y = s.y;
    } else if (s.op === 'C') {
      for (let i = 1; i <= steps; i++) {
        const t = i / steps;
        const u = 1 - t;
        out.push(
          u * u * u * x + 3 * u * u * t * s.c1x + 3 * u * t * t * s.c2x + t * t * t * s.x,
          u * u * u * y + 3 * u * u * t * s.c1y + 3 * u * t * t * s.c2y + t * t * t * s.y,
        );
      }
      x = s.x;
      y = s.y;
    }
  }
  return out;
}
