import { rotatePoint, shapeCenter, type Point, type Shape, type ShapePatch } from '@meshboard/board';

/** A box in its own axes: x, y, w, h before `rotation` (radians) about its centre. */
export interface AxisFrame {
  x: number;
  y: number;
  w: number;
  h: number;
  rotation: number;
}

/**
 * The patch that scales one shape by (sx, sy) about `anchor`, both in the axes of `frame` (a selection's
 * frame). A negative factor flips the shape through the anchor: its position mirrors, its points (strokes,
 * lines, arrows) mirror inside its box, and a shape rotated against the frame mirrors its angle. Pure, so
 * resizing past the opposite edge, flip horizontal/vertical and tests all share it.
 */
export function scaleShapePatch(shape: Shape, frame: AxisFrame, anchor: Point, sx: number, sy: number): ShapePatch {
  const center = { x: frame.x + frame.w / 2, y: frame.y + frame.h / 2 };
  const c = rotatePoint(shapeCenter(shape), center, -frame.rotation);
  const moved = rotatePoint({ x: anchor.x + (c.x - anchor.x) * sx, y: anchor.y + (c.y - anchor.y) * sy }, center, frame.rotation);
  const ax = Math.abs(sx);
  const ay = Math.abs(sy);
  const w = shape.w * ax;
  const h = shape.h * ay;
  const patch: Record<string, unknown> = { x: moved.x - w / 2, y: moved.y - h / 2, w, h };
  const flipX = sx < 0;
  const flipY = sy < 0;
  if (shape.type === 'freehand' || shape.type === 'line' || shape.type === 'arrow') {
    const stride = shape.type === 'freehand' ? 3 : 2;
    patch.points = shape.points.map((v, i) => {
      const k = i % stride;
      if (k === 0) return flipX ? w - v * ax : v * ax;
      if (k === 1) return flipY ? h - v * ay : v * ay;
      return v;
    });
  }
  if (flipX !== flipY && shape.rotation !== frame.rotation) patch.rotation = normalize(2 * frame.rotation - shape.rotation);
  // Text scales its font with the box; sticky notes and labels keep theirs and reflow.
  if (shape.type === 'text') patch.fontSize = Math.min(1000, Math.max(1, shape.fontSize * Math.min(ax, ay)));
  return patch as ShapePatch;
}

function normalize(angle: number): number {
  const full = Math.PI * 2;
  return ((angle % full) + full) % full;
}

/** Patches that mirror shapes across the centre of their common bounds (flip horizontal / vertical). */
export function flipPatches(shapes: readonly Shape[], bounds: { minX: number; minY: number; maxX: number; maxY: number }, axis: 'horizontal' | 'vertical'): Array<[string, ShapePatch]> {
  const frame = { x: bounds.minX, y: bounds.minY, w: bounds.maxX - bounds.minX, h: bounds.maxY - bounds.minY, rotation: 0 };
  const anchor = { x: frame.x + frame.w / 2, y: frame.y + frame.h / 2 };
  return shapes.map((shape) => {
    // a lone rotated shape flips in its own axes
    const own = shapes.length === 1 && shape.rotation ? { x: shape.x, y: shape.y, w: shape.w, h: shape.h, rotation: shape.rotation } : frame;
    const at = own === frame ? anchor : { x: shape.x + shape.w / 2, y: shape.y + shape.h / 2 };
    return [shape.id, scaleShapePatch(shape, own, at, axis === 'horizontal' ? -1 : 1, axis === 'vertical' ? -1 : 1)];
  });
}
