import { describe, expect, it } from 'vitest';
import { Shape } from '@meshboard/board';
import {
  dashPattern,
  labelBox,
  layoutLabel,
  roughArrowPaths,
  roughBoxPaths,
  roughSeed,
  routeArrow,
  wrapLines,
} from '../src/style/index.js';
import { hitShape, insideShape } from '../src/geometry.js';

/** A monospace stand-in for text measuring: every character is 10 px wide. */
const mono = (text: string) => text.length * 10;
type BoxShape = Extract<Shape, { type: 'rectangle' | 'ellipse' | 'diamond' }>;
type ArrowShape = Extract<Shape, { type: 'arrow' }>;
function shape(input: Record<string, unknown>): Shape {
  return Shape.parse({ id: 's1', z: 'a0', x: 0, y: 0, w: 100, h: 100, ...input });
}

describe('label layout', () => {
  it('wraps inside the box and centres each line and the block', () => {
    const layout = layoutLabel('hello big world', { x: 0, y: 0, w: 100, h: 200 }, { fontSize: 20, fontFamily: 'sans', textAlign: 'center', verticalAlign: 'middle' }, mono);
    expect(layout.lines.map((l) => l.text)).toEqual(['hello big', 'world']);
    expect(layout.lines.every((l) => l.x === 50)).toBe(true);
    // two lines of 25 px in 200: the block starts at 75, each glyph top 2.5 px into its line
    expect(layout.lines.map((l) => l.y)).toEqual([77.5, 102.5]);
    expect(layout.bounds).toEqual({ x: 5, y: 75, w: 90, h: 50 });
  });

  it('aligns left / right and top / bottom', () => {
    const box = { x: 10, y: 10, w: 100, h: 100 };
    const left = layoutLabel('ab', box, { fontSize: 20, fontFamily: 'hand', textAlign: 'left', verticalAlign: 'top' }, mono);
    expect(left.lines[0]).toMatchObject({ x: 10, y: 12.5 });
    expect(left.font).toContain('Caveat');
    const right = layoutLabel('ab', box, { fontSize: 20, fontFamily: 'mono', textAlign: 'right', verticalAlign: 'bottom' }, mono);
    expect(right.lines[0]).toMatchObject({ x: 110, y: 110 - 25 + 2.5 });
    expect(right.bounds.x).toBe(110 - 20);
  });

  it('breaks a word longer than the line by character and keeps explicit newlines', () => {
    expect(wrapLines('abcdefghij', 40, mono)).toEqual(['abcd', 'efgh', 'ij']);
    expect(wrapLines('a\nb c', 100, mono)).toEqual(['a', 'b c']);
  });

  it('keeps labels inside ellipses and diamonds (inscribed areas)', () => {
    const ellipse = labelBox('ellipse', 200, 100);
    // every corner of the ellipse's label box lies inside the ellipse
    for (const [x, y] of [[ellipse.x, ellipse.y], [ellipse.x + ellipse.w, ellipse.y + ellipse.h]]) expect(((x! - 100) / 100) ** 2 + ((y! - 50) / 50) ** 2).toBeLessThanOrEqual(1);
    const diamond = labelBox('diamond', 200, 100);
    for (const [x, y] of [[diamond.x, diamond.y], [diamond.x + diamond.w, diamond.y + diamond.h]]) expect(Math.abs(x! - 100) / 100 + Math.abs(y! - 50) / 50).toBeLessThanOrEqual(1);
    expect(labelBox('rectangle', 200, 100)).toEqual({ x: 8, y: 8, w: 184, h: 84 });
  });
});

describe('arrow routing', () => {
  it('hit-tests curved arrows along the curve, not the chord', () => {
    const arrow = shape({ type: 'arrow', w: 100, h: 0, points: [0, 0, 100, 0], arrowType: 'curved' });
    const middle = routeArrow([0, 0, 100, 0], 'curved').middle;
    expect(hitShape(arrow, middle, 2, () => undefined)).toBe(true);
    expect(hitShape(arrow, { x: 50, y: 0 }, 2, () => undefined)).toBe(false);
  });
});

// arrowhead geometry is pure and shared with the exporters: its test moved to packages/board/test/geometry-arrowheads.test.ts
describe('arrowheads and strokes', () => {
  it('dash patterns grow with the stroke width; solid has none', () => {
    expect(dashPattern('solid', 2)).toEqual([]);
    expect(dashPattern('dashed', 2)).toEqual([12, 10]);
    expect(dashPattern('dashed', 4)[0]).toBeGreaterThan(12);
    expect(dashPattern('dotted', 2)[1]).toBe(8);
  });
});

describe('hand-drawn style', () => {
  it('derives a stable seed from the id, and the same shape draws the same paths on every peer', () => {
    expect(roughSeed({ id: 'abc', seed: 0 })).toBe(roughSeed({ id: 'abc', seed: 0 }));
    expect(roughSeed({ id: 'abc', seed: 0 })).not.toBe(roughSeed({ id: 'abd', seed: 0 }));
    expect(roughSeed({ id: 'abc', seed: 77 })).toBe(77);
    const box = shape({ type: 'rectangle', roughness: 1, fillColor: '#ffc9c9' }) as BoxShape;
    const first = roughBoxPaths(box);
    const again = roughBoxPaths(Shape.parse({ ...box }) as BoxShape);
    expect(again).toEqual(first);
    expect(first.some((p) => p.stroke === '#ffc9c9' && !p.dashed)).toBe(true); // hachure fill
    expect(roughBoxPaths({ ...box, id: 'other' })).not.toEqual(first);
    const arrow = shape({ type: 'arrow', points: [0, 0, 100, 100], roughness: 2, strokeStyle: 'dashed', endArrowhead: 'triangle' }) as ArrowShape;
    const paths = roughArrowPaths(arrow, routeArrow([0, 0, 100, 100], 'straight'));
    expect(paths[0]!.dashed).toBe(true);
    expect(paths.some((p) => p.fill === arrow.strokeColor)).toBe(true); // the filled triangle head
  });
});

describe('hollow shapes', () => {
  it('are inside-hit anywhere in their area (ellipse and diamond by their outline), never outside', () => {
    const rect = shape({ type: 'rectangle' });
    expect(hitShape(rect, { x: 50, y: 50 }, 2, () => undefined)).toBe(false); // the strict test: only the stroke
    expect(insideShape(rect, { x: 50, y: 50 })).toBe(true);
    expect(insideShape(rect, { x: 150, y: 50 })).toBe(false);
    const ellipse = shape({ type: 'ellipse' });
    expect(insideShape(ellipse, { x: 50, y: 50 })).toBe(true);
    expect(insideShape(ellipse, { x: 5, y: 5 })).toBe(false);
    const diamond = shape({ type: 'diamond' });
    expect(insideShape(diamond, { x: 50, y: 10 })).toBe(true);
    expect(insideShape(diamond, { x: 10, y: 10 })).toBe(false);
    expect(insideShape(shape({ type: 'text', text: 'x' }), { x: 50, y: 50 })).toBe(false);
  });
});
