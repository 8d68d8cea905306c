import { describe, expect, it } from 'vitest';
import { boxOutline, ellipsePath, flattenPath, mapPath, roundedPolygon } from '../src/index.js';

describe('shape outlines', () => {
  it('rounds corners by at most half a side', () => {
    const path = roundedPolygon([0, 0, 20, 0, 20, 100, 0, 100], 50);
    expect(path[0]).toEqual({ op: 'M', x: 0, y: 10 });
    expect(roundedPolygon([0, 0, 10, 0, 10, 10], 0).map((s) => s.op)).toEqual(['M', 'L', 'L', 'Z']);
  });

  it('sharp boxes are their corners; a rounded diamond is rounded like a rectangle', () => {
    expect(boxOutline('rectangle', 100, 50, 0)).toEqual([
      { op: 'M', x: 0, y: 0 },
      { op: 'L', x: 100, y: 0 },
      { op: 'L', x: 100, y: 50 },
      { op: 'L', x: 0, y: 50 },
      { op: 'Z' },
    ]);
    expect(boxOutline('diamond', 100, 50, 0)[0]).toEqual({ op: 'M', x: 50, y: 0 });
    expect(boxOutline('diamond', 100, 50, 8).filter((s) => s.op === 'Q')).toHaveLength(4);
  });

  it('an ellipse passes through the middles of its box sides and stays inside the box', () => {
    const flat = flattenPath(ellipsePath(200, 100), 32);
    const xs = flat.filter((_, i) => i % 2 === 0);
    const ys = flat.filter((_, i) => i % 2 === 1);
    expect(Math.min(...xs)).toBeCloseTo(0);
    expect(Math.max(...xs)).toBeCloseTo(200);
    expect(Math.min(...ys)).toBeCloseTo(0);
    expect(Math.max(...ys)).toBeCloseTo(100);
    for (let i = 0; i < flat.length; i += 2) expect(((flat[i]! - 100) / 100) ** 2 + ((flat[i + 1]! - 50) / 50) ** 2).toBeCloseTo(1, 2);
  });

  it('mapPath moves every point of a path, control points included', () => {
    const moved = mapPath(boxOutline('rectangle', 20, 20, 5), (p) => ({ x: p.x + 10, y: p.y - 10 }));
    const q = moved.find((s) => s.op === 'Q')!;
    // the first corner rounded: the top-left (0, 0) as control point, ending 5 along the top side
    expect(q).toEqual({ op: 'Q', cx: 10, cy: -10, x: 15, y: -10 });
  });
});
