import type { Point, Shape } from '@meshboard/board';
import { hitShape, insideShape, toLocal } from './geometry.js';
import type { SceneIndex } from './scene.js';

/**
 * Which shape a point means, for each purpose the editor and its tools have: picking (click, hover,
 * double-click), binding an arrow end, and adopting into a frame. All ask the scene's R-tree first and then
 * test the candidates top-most first, so the answer is what the person sees on top.
 */

/**
 * Top-most shape under a world point (`tolerance` in world units). When nothing is hit, the top-most hollow
 * box or frame the point is inside (an unfilled rectangle is selected by clicking inside it, yet shapes drawn
 * inside it stay clickable because they are hit first).
 */
export function shapeAtPoint(scene: SceneIndex, world: Point, tolerance: number, filter?: (shape: Shape) => boolean): Shape | null {
  const candidates = scene.query({ minX: world.x - tolerance, minY: world.y - tolerance, maxX: world.x + tolerance, maxY: world.y + tolerance });
  for (let i = candidates.length - 1; i >= 0; i--) {
    const shape = candidates[i]!.shape;
    if (filter && !filter(shape)) continue;
    if (hitShape(shape, world, tolerance, scene.lookup)) return shape;
  }
  for (let i = candidates.length - 1; i >= 0; i--) {
    const shape = candidates[i]!.shape;
    if (filter && !filter(shape)) continue;
    if (insideShape(shape, world)) return shape;
  }
  return null;
}

/** Top-most shape an arrow end at `world` binds to: anything but lines and arrows, hit anywhere in its box. */
export function bindableAtPoint(scene: SceneIndex, world: Point, exclude?: string): Shape | null {
  const candidates = scene.query({ minX: world.x, minY: world.y, maxX: world.x, maxY: world.y });
  for (let i = candidates.length - 1; i >= 0; i--) {
    const shape = candidates[i]!.shape;
    if (shape.type === 'line' || shape.type === 'arrow' || shape.id === exclude) continue;
    const local = toLocal(shape, world);
    if (local.x >= 0 && local.y >= 0 && local.x <= shape.w && local.y <= shape.h) return shape;
  }
  return null;
}

/** The top-most frame whose area holds `world` (not `exclude`), for adopting shapes dropped or drawn there. */
export function frameAtPoint(scene: SceneIndex, world: Point, exclude?: ReadonlySet<string>): Shape | null {
  const candidates = scene.query({ minX: world.x, minY: world.y, maxX: world.x, maxY: world.y });
  for (let i = candidates.length - 1; i >= 0; i--) {
    const shape = candidates[i]!.shape;
    if (shape.type === 'frame' && !exclude?.has(shape.id) && insideShape(shape, world)) return shape;
  }
  return null;
}
