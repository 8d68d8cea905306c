import type { Point } from '@meshboard/board';
import type { Editor } from '../editor.js';
import { hitShape, normalizeRect } from '../geometry.js';
import type { PointerInput } from '../input.js';
import type { Tool } from './Tool.js';

/** Eraser: every shape the pointer passes over is marked, and all of them are deleted on release as one step. */
export class EraserTool implements Tool {
  private last: Point | null = null;
  /** the shapes marked so far (the renderer fades them) */
  readonly hits = new Set<string>();

  constructor(private readonly editor: Editor) {}

  down(_input: PointerInput, _screen: Point, world: Point): boolean {
    this.hits.clear();
    this.last = world;
    this.eraseAlong(world, world);
    return true;
  }

  move(_input: PointerInput, _screen: Point, world: Point): void {
    if (!this.last) return;
    this.eraseAlong(this.last, world);
    this.last = world;
  }

  up(): void {
    const hits = [...this.hits];
    this.cancel();
    if (hits.length > 0) this.editor.oneStep(() => this.editor.board.deleteShapes(hits));
  }

  cancel(): void {
    this.last = null;
    this.hits.clear();
  }

  private eraseAlong(from: Point, to: Point): void {
    const editor = this.editor;
    const tolerance = 8 / editor.camera.zoom;
    const box = normalizeRect(from, to);
    const candidates = editor.scene.query({ minX: box.minX - tolerance, minY: box.minY - tolerance, maxX: box.maxX + tolerance, maxY: box.maxY + tolerance });
    const length = Math.hypot(to.x - from.x, to.y - from.y);
    const steps = Math.max(1, Math.ceil(length / tolerance));
    for (const item of candidates) {
      if (this.hits.has(item.id) || item.shape.locked) continue;
      for (let i = 0; i <= steps; i++) {
        const p = { x: from.x + ((to.x - from.x) * i) / steps, y: from.y + ((to.y - from.y) * i) / steps };
        if (hitShape(item.shape, p, tolerance, editor.scene.lookup)) {
          this.hits.add(item.id);
          break;
        }
      }
    }
  }
}
