import { shapeBounds, unionBounds, type Bounds, type Shape, type ShapePatch } from '@meshboard/board';

export type AlignOp = 'left' | 'centerX' | 'right' | 'top' | 'centerY' | 'bottom';

/** Patches that line shapes up on one edge or centre of their common bounds (by each shape's bounds). */
export function alignPatches(shapes: readonly Shape[], op: AlignOp): Array<[string, ShapePatch]> {
  const all = unionBounds(shapes.map((s) => shapeBounds(s)));
  if (!all || shapes.length < 2) return [];
  return shapes.map((shape) => {
    const b = shapeBounds(shape);
    let dx = 0;
    let dy = 0;
    if (op === 'left') dx = all.minX - b.minX;
    else if (op === 'right') dx = all.maxX - b.maxX;
    else if (op === 'centerX') dx = (all.minX + all.maxX) / 2 - (b.minX + b.maxX) / 2;
    else if (op === 'top') dy = all.minY - b.minY;
    else if (op === 'bottom') dy = all.maxY - b.maxY;
    else dy = (all.minY + all.maxY) / 2 - (b.minY + b.maxY) / 2;
    return [shape.id, { x: shape.x + dx, y: shape.y + dy }];
  });
}

/**
 * Patches that space shapes evenly along an axis: the first and last (by position) stay, the ones between
 * move so the gaps between neighbours are equal (as Excalidraw / Figma distribute).
 */
export function distributePatches(shapes: readonly Shape[], axis: 'horizontal' | 'vertical'): Array<[string, ShapePatch]> {
  if (shapes.length < 3) return [];
  const lo = (b: Bounds) => (axis === 'horizontal' ? b.minX : b.minY);
  const hi = (b: Bounds) => (axis === 'horizontal' ? b.maxX : b.maxY);
  const items = shapes.map((shape) => ({ shape, b: shapeBounds(shape) })).sort((a, b) => lo(a.b) - lo(b.b));
  const span = hi(items[items.length - 1]!.b) - lo(items[0]!.b);
  const used = items.reduce((sum, item) => sum + hi(item.b) - lo(item.b), 0);
  const gap = (span - used) / (items.length - 1);
  let at = lo(items[0]!.b);
  return items.map(({ shape, b }) => {
    const d = at - lo(b);
    at += hi(b) - lo(b) + gap;
    return [shape.id, axis === 'horizontal' ? { x: shape.x + d } : { y: shape.y + d }];
  });
}
