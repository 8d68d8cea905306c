/**
 * A path as plain data, so the canvas renderer and an SVG exporter draw exactly the same geometry:
 * `tracePath` replays it on a canvas context, `pathToSvg` writes it as an SVG `d` attribute.
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

/** A closed polygon through flat [x0, y0, x1, y1, ...] points with every corner rounded by up to `radius`. */
export function roundedPolygon(points: readonly number[], radius: number): PathSegment[] {
  const count = points.length / 2;
  if (radius <= 0 || count < 3) {
    const path: PathSegment[] = [];
    for (let i = 0; i < count; i++) path.push({ op: i === 0 ? 'M' : 'L', x: points[i * 2]!, y: points[i * 2 + 1]! });
    path.push({ op: 'Z' });
    return path;
  }
  const at = (i: number) => ({ x: points[((i + count) % count) * 2]!, y: points[((i + count) % count) * 2 + 1]! });
  const path: PathSegment[] = [];
  for (let i = 0; i < count; i++) {
    const prev = at(i - 1);
    const corner = at(i);
    const next = at(i + 1);
    const lenIn = Math.hypot(corner.x - prev.x, corner.y - prev.y);
    const lenOut = Math.hypot(next.x - corner.x, next.y - corner.y);
    // never more than half of either side, so neighbouring corners never overlap
    const r = Math.min(radius, lenIn / 2, lenOut / 2);
    const a = lenIn > 0 ? { x: corner.x - ((corner.x - prev.x) / lenIn) * r, y: corner.y - ((corner.y - prev.y) / lenIn) * r } : corner;
    const b = lenOut > 0 ? { x: corner.x + ((next.x - corner.x) / lenOut) * r, y: corner.y + ((next.y - corner.y) / lenOut) * r } : corner;
    path.push({ op: i === 0 ? 'M' : 'L', x: a.x, y: a.y });
    path.push({ op: 'Q', cx: corner.x, cy: corner.y, x: b.x, y: b.y });
  }
  path.push({ op: 'Z' });
  return path;
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
