import type { Bounds } from '@meshboard/board';

/** A guide line drawn while a move snaps (world coordinates). */
export interface Guide {
  x1: number;
  y1: number;
  x2: number;
  y2: number;
}

export interface SnapResult {
  /** the offset to add to the move so an edge or centre lines up (0 when nothing is within reach) */
  dx: number;
  dy: number;
  guides: Guide[];
}

const xs = (b: Bounds) => [b.minX, (b.minX + b.maxX) / 2, b.maxX];
const ys = (b: Bounds) => [b.minY, (b.minY + b.maxY) / 2, b.maxY];

/**
 * Snaps a moving box to other shapes' edges and centres: on each axis, the closest pair among the moving
 * box's left / centre / right (top / middle / bottom) and every target's, if within `threshold`, wins; the
 * guides run through every target that lines up after the snap, from the moving box to it.
 */
export function snapBounds(moving: Bounds, targets: readonly Bounds[], threshold: number): SnapResult {
  const best = (of: (b: Bounds) => number[]): number | null => {
    let found: number | null = null;
    for (const t of targets)
      for (const a of of(moving))
        for (const b of of(t)) {
          const d = b - a;
          if (Math.abs(d) <= threshold && (found === null || Math.abs(d) < Math.abs(found))) found = d;
        }
    return found;
  };
  const bestX = best(xs);
  const bestY = best(ys);
  const dx = bestX ?? 0;
  const dy = bestY ?? 0;
  const moved = { minX: moving.minX + dx, minY: moving.minY + dy, maxX: moving.maxX + dx, maxY: moving.maxY + dy };
  const guides: Guide[] = [];
  const eps = 1e-6;
  for (const t of targets) {
    if (bestX !== null)
      for (const a of xs(moved))
        if (xs(t).some((b) => Math.abs(b - a) < eps)) guides.push({ x1: a, y1: Math.min(moved.minY, t.minY), x2: a, y2: Math.max(moved.maxY, t.maxY) });
    if (bestY !== null)
      for (const a of ys(moved))
        if (ys(t).some((b) => Math.abs(b - a) < eps)) guides.push({ x1: Math.min(moved.minX, t.minX), y1: a, x2: Math.max(moved.maxX, t.maxX), y2: a });
  }
  return { dx, dy, guides };
}

/** Grid snapping (on demand): the offset that puts `value` on the nearest multiple of `size`. */
export function snapToGrid(value: number, size: number): number {
  return Math.round(value / size) * size - value;
}
