import type { NewShape, Point } from '@meshboard/board';
import type { Editor } from '../editor.js';
import { normalizeRect } from '../geometry.js';
import type { PointerInput } from '../input.js';
import { DRAG_THRESHOLD, dist, draftShape, squareFrom } from './gesture-math.js';
import type { Tool } from './Tool.js';

type BoxType = 'rectangle' | 'ellipse' | 'diamond';

/** Rectangle, ellipse and diamond: drag out a box (shift: a square); a click places a default-sized one. */
export class BoxTool implements Tool {
  private gesture: { start: Point; startWorld: Point; current: Point } | null = null;

  constructor(
    private readonly editor: Editor,
    private readonly type: BoxType,
  ) {}

  down(_input: PointerInput, screen: Point, world: Point): boolean {
    this.gesture = { start: screen, startWorld: world, current: world };
    return true;
  }

  move(input: PointerInput, _screen: Point, world: Point): void {
    const gesture = this.gesture;
    if (!gesture) return;
    gesture.current = input.shiftKey ? squareFrom(gesture.startWorld, world) : world;
    this.editor.drafts = [draftShape(this.input(gesture.startWorld, gesture.current))];
  }

  up(_input: PointerInput, screen: Point): void {
    const gesture = this.gesture;
    this.gesture = null;
    if (!gesture) return;
    const editor = this.editor;
    const dragged = dist(screen, gesture.start) >= DRAG_THRESHOLD;
    const end = dragged ? gesture.current : { x: gesture.startWorld.x + 120 / editor.camera.zoom, y: gesture.startWorld.y + 80 / editor.camera.zoom };
    const input = this.input(gesture.startWorld, end);
    const frameId = editor.frameAt({ x: input.x + input.w / 2, y: input.y + input.h / 2 })?.id ?? null;
    const shape = editor.oneStep(() => editor.board.addShape({ ...input, frameId }));
    editor.setSelection([shape.id]);
  }

  cancel(): void {
    this.gesture = null;
  }

  private input(a: Point, b: Point): NewShape {
    const r = normalizeRect(a, b);
    const cornerRadius = this.type === 'ellipse' ? 0 : this.editor.style.cornerRadius;
    return { type: this.type, x: r.minX, y: r.minY, w: r.maxX - r.minX, h: r.maxY - r.minY, ...this.editor.shapeStyle(), cornerRadius };
  }
}
