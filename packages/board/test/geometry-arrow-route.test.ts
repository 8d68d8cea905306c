import { describe, expect, it } from 'vitest';
import { elbowPoints, flattenPath, pathToSvg, routeArrow } from '../src/index.js';

// Moved from packages/canvas/test/style-geometry.test.ts with the router itself.
describe('arrow routing', () => {
  it('elbow routes have only horizontal and vertical segments, from start to end', () => {
    for (const [sx, sy, ex, ey] of [[0, 0, 100, 40], [0, 0, 30, 200], [50, 50, -80, -10], [0, 0, 100, 0]]) {
      const pts = elbowPoints(sx!, sy!, ex!, ey!);
      expect(pts.slice(0, 2)).toEqual([sx, sy]);
      expect(pts.slice(-2)).toEqual([ex, ey]);
      for (let i = 2; i < pts.length; i += 2) expect(pts[i] === pts[i - 2] || pts[i + 1] === pts[i - 1]).toBe(true);
    }
    // wider than tall: leave horizontally, turn halfway
    expect(elbowPoints(0, 0, 100, 40)).toEqual([0, 0, 50, 0, 50, 40, 100, 40]);
    expect(elbowPoints(0, 0, 30, 200)).toEqual([0, 0, 0, 100, 30, 100, 30, 200]);
    const route = routeArrow([0, 0, 100, 40], 'elbow');
    expect(route.endAngle).toBe(0); // arrives travelling right
    expect(route.length).toBe(140);
    expect(route.middle).toEqual({ x: 50, y: 20 });
  });

  it('curved two-point arrows bow to one side by a fifth of their length', () => {
    const route = routeArrow([0, 0, 100, 0], 'curved');
    expect(route.middle.x).toBeCloseTo(50);
    expect(Math.abs(route.middle.y)).toBeCloseTo(20);
    const course = flattenPath(route.path);
    expect(course.slice(-2)).toEqual([100, 0]);
    expect(pathToSvg(route.path)).toMatch(/^M0 0 Q/);
  });
});
