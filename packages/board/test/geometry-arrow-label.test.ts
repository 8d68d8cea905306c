import { describe, expect, it } from 'vitest';
import { arrowLabelPlacement, readableAngle, routeArrow } from '../src/index.js';

// Moved from packages/canvas/test/arrow-labels-and-elbows.test.ts with the placement rule itself.
describe('arrow label placement', () => {
  it('turns any direction of travel into one that reads upright', () => {
    expect(readableAngle(0)).toBe(0);
    expect(readableAngle(Math.PI)).toBe(0);
    expect(readableAngle(-Math.PI)).toBe(0);
    expect(readableAngle(Math.PI / 2)).toBeCloseTo(-Math.PI / 2);
    expect(readableAngle(-Math.PI / 2)).toBeCloseTo(-Math.PI / 2);
    expect(readableAngle((3 * Math.PI) / 4)).toBeCloseTo(-Math.PI / 4);
    expect(readableAngle((-3 * Math.PI) / 4)).toBeCloseTo(Math.PI / 4);
    for (let a = -10; a <= 10; a += 0.1) {
      const r = readableAngle(a);
      expect(r).toBeGreaterThanOrEqual(-Math.PI / 2 - 1e-9);
      expect(r).toBeLessThan(Math.PI / 2);
      // the same line either way: r differs from a by a whole number of half turns
      expect(Math.abs(Math.sin(r - a))).toBeLessThan(1e-9);
    }
  });

  it('sits on the middle of a straight arrow, along it, whichever way it was drawn', () => {
    const down = arrowLabelPlacement(routeArrow([0, 0, 200, 200], 'straight'), 60, 5);
    expect(down.x).toBeCloseTo(100);
    expect(down.y).toBeCloseTo(100);
    expect(down.angle).toBeCloseTo(Math.PI / 4);
    // drawn the other way: same line, same (upright) angle, never upside down
    expect(arrowLabelPlacement(routeArrow([200, 200, 0, 0], 'straight'), 60, 5).angle).toBeCloseTo(Math.PI / 4);
    expect(arrowLabelPlacement(routeArrow([200, 0, 0, 0], 'straight'), 60, 5).angle).toBe(0);
  });

  it('stays level when the label is longer than the straight run it would sit on', () => {
    const route = routeArrow([0, 0, 100, 100], 'straight'); // 141 long: 70 each way from the middle
    expect(arrowLabelPlacement(route, 120, 5).angle).toBeCloseTo(Math.PI / 4);
    expect(arrowLabelPlacement(route, 150, 5).angle).toBe(0);
  });

  it('on an elbow arrow it sits on the path\'s middle, turned along that segment', () => {
    const route = routeArrow([0, 0, 40, 300], 'elbow'); // down 150, right 40, down 150: middle on the bend
    expect(route.middle).toEqual({ x: 20, y: 150 });
    const place = arrowLabelPlacement(route, 30, 4);
    expect(place.angle).toBe(0); // a horizontal segment
    const tall = routeArrow([0, 0, 300, 40], 'elbow'); // right, down 40, right: middle on the vertical segment
    expect(tall.middle).toEqual({ x: 150, y: 20 });
    expect(arrowLabelPlacement(tall, 20, 4).angle).toBeCloseTo(-Math.PI / 2); // reads bottom to top
    expect(arrowLabelPlacement(tall, 60, 4).angle).toBe(0); // longer than the 40-unit segment: level
  });

  it('on a curved arrow it sits on the curve, not on the chord, along the curve\'s tangent there', () => {
    const route = routeArrow([0, 0, 200, 0], 'curved');
    const place = arrowLabelPlacement(route, 40, 5);
    expect(place.x).toBeCloseTo(100);
    expect(Math.abs(place.y)).toBeCloseTo(40);
    expect(place.angle).toBe(0);
  });
});
