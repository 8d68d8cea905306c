import { describe, expect, it } from 'vitest';
import { arrowheadGeometry, flattenPath } from '../src/index.js';

// Moved from packages/canvas/test/style-geometry.test.ts with the arrowhead geometry itself.
describe('arrowheads', () => {
  it('gives each arrowhead its geometry at the tip, pointing along the line', () => {
    expect(arrowheadGeometry('none', 0, 0, 0, 2)).toBeNull();
    const arrow = arrowheadGeometry('arrow', 100, 0, 0, 2)!;
    expect(arrow.filled).toBe(false);
    expect(arrow.path[1]).toEqual({ op: 'L', x: 100, y: 0 });
    // both barbs lie behind the tip (smaller x), one either side
    const [a, , b] = arrow.path as Array<{ x: number; y: number }>;
    expect(a!.x).toBeLessThan(100);
    expect(Math.sign(a!.y)).toBe(-Math.sign(b!.y));
    expect(arrowheadGeometry('triangle', 100, 0, 0, 2)!.filled).toBe(true);
    const bar = arrowheadGeometry('bar', 100, 0, 0, 2)!.path as Array<{ x: number; y: number }>;
    expect(bar.map((p) => Math.round(p.x))).toEqual([100, 100]);
    const dot = flattenPath(arrowheadGeometry('dot', 100, 0, 0, 2)!.path);
    expect(Math.max(...dot.filter((_, i) => i % 2 === 0))).toBeCloseTo(100);
  });
});
