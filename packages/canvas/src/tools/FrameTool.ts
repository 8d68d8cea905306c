import { shapeBounds, zBetween, type Point } from '@meshboard/board';
import type { Editor } from '../editor.js';
import { boundsContain, normalizeRect } from '../geometry.js';
import type { PointerInput } from '../input.js';
import { DRAG_THRESHOLD, dist, draftShape } from './gesture-math.js';
import type { Tool } from './Tool.js';

/**
 * Frame: drag out a named area. The shapes lying wholly inside it become its children (moving the frame
 * moves them, it clips them), and it goes beneath everything so its children stay on top of it.
 */
export class FrameTool implements Tool {
  private gesture: { start: Point; startWorld: Point; current: Point } | null = null;

  constructor(private readonly editor: Editor) {}

  down(_input: PointerInput, screen: Point, world: Point): boolean {
    this.gesture = { start: screen, startWorld: world, current: world };
    return true;
  }

  move(_input: PointerInput, _screen: Point, world: Point): void {
    if (!this.gesture) return;
    this.gesture.current = world;
    const r = normalizeRect(this.gesture.startWorld, world);
    this.editor.drafts = [draftShape({ type: 'frame', x: r.minX, y: r.minY, w: r.maxX - r.minX, h: r.maxY - r.minY, name: '' })];
  }

  up(_input: PointerInput, screen: Point): void {
    const gesture = this.gesture;
    this.gesture = null;
    if (!gesture) return;
    const editor = this.editor;
    const zoom = editor.camera.zoom;
    const end = dist(screen, gesture.start) >= DRAG_THRESHOLD ? gesture.current : { x: gesture.startWorld.x + 320 / zoom, y: gesture.startWorld.y + 200 / zoom };
    const r = normalizeRect(gesture.startWorld, end);
    const name = `Frame ${editor.frames().length + 1}`;
    const id = editor.oneStep(() => {
      // beneath everything, so its children (and whatever is drawn later) stay on top of it
      const lowest = editor.scene.all()[0]?.shape.z ?? null;
      const frame = editor.board.addShape({ type: 'frame', x: r.minX, y: r.minY, w: r.maxX - r.minX, h: r.maxY - r.minY, name, strokeWidth: 1, z: zBetween(null, lowest) });
      const inside = editor.scene
        .query(r)
        .filter((item) => item.id !== frame.id && item.shape.type !== 'frame' && boundsContain(r, shapeBounds(item.shape)))
        .map((item) => [item.id, { frameId: frame.id }] as [string, { frameId: string }]);
      editor.board.updateShapes(inside);
      return frame.id;
    });
    editor.setSelection([id]);
  }

  cancel(): void {
    this.gesture = null;
  }
}
