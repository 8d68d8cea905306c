import type { Arrowhead } from '../schema.js';
import type { PathSegment } from './path.js';

/**
 * One arrowhead as geometry: a path and whether it is filled (with the stroke colour) or only stroked.
 * `tip` is the line's end, `angle` the direction the line travels into the tip.
 */
export interface ArrowheadGeometry {
  path: PathSegment[];
  filled: boolean;
}

export function arrowheadSize(strokeWidth: number): number {
  return 10 + strokeWidth * 2;
}

export function arrowheadGeometry(head: Arrowhead, tipX: number, tipY: number, angle: number, strokeWidth: number): ArrowheadGeometry | null {
  const length = arrowheadSize(strokeWidth);
  const cos = Math.cos(angle);
  const sin = Math.sin(angle);
  // a point `back` behind the tip along the line and `side` to its left
  const at = (back: number, side: number) => ({ x: tipX - cos * back - sin * side, y: tipY - sin * back + cos * side });
  switch (head) {
    case 'none':
      return null;
    case 'arrow': {
      const spread = Math.tan(Math.PI / 7) * length;
      const a = at(length, spread);
      const b = at(length, -spread);
      return { path: [{ op: 'M', ...a }, { op: 'L', x: tipX, y: tipY }, { op: 'L', ...b }], filled: false };
    }
    case 'triangle': {
      const spread = Math.tan(Math.PI / 8) * length;
      const a = at(length, spread);
      const b = at(length, -spread);
      return { path: [{ op: 'M', x: tipX, y: tipY }, { op: 'L', ...a }, { op: 'L', ...b }, { op: 'Z' }], filled: true };
    }
    case 'bar': {
      const half = length / 2;
      const a = at(0, half);
      const b = at(0, -half);
      return { path: [{ op: 'M', ...a }, { op: 'L', ...b }], filled: false };
    }
    case 'dot': {
      // a circle whose edge touches the tip, as four cubic arcs (SVG and canvas draw it the same)
      const r = length / 3;
      const c = at(r, 0);
      const k = 0.5522847498 * r;
      return {
        path: [
          { op: 'M', x: c.x + r, y: c.y },
          { op: 'C', c1x: c.x + r, c1y: c.y + k, c2x: c.x + k, c2y: c.y + r, x: c.x, y: c.y + r },
          { op: 'C', c1x: c.x - k, c1y: c.y + r, c2x: c.x - r, c2y: c.y + k, x: c.x - r, y: c.y },
          { op: 'C', c1x: c.x - r, c1y: c.y - k, c2x: c.x - k, c2y: c.y - r, x: c.x, y: c.y - r },
          { op: 'C', c1x: c.x + k, c1y: c.y - r, c2x: c.x + r, c2y: c.y - k, x: c.x + r, y: c.y },
          { op: 'Z' },
        ],
        filled: true,
      };
    }
  }
}
