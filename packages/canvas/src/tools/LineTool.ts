import type { NewShape, Point } from '@meshboard/board';
import type { Editor } from '../editor.js';
import type { PointerInput } from '../input.js';
import { DRAG_THRESHOLD, dist, draftShape, snapAngle } from './gesture-math.js';
import type { Tool } from './Tool.js';

/** Line and arrow: drag from start to end (shift: 15° steps); arrow ends bind to the shapes they start/end on. */
export class LineTool implements Tool {
  private gesture: { start: Point; startWorld: Point; current: Point; startBinding: string | null } | null = null;

  constructor(
    private readonly editor: Editor,
    private readonly type: 'line' | 'arrow',
  ) {}

  down(_input: PointerInput, screen: Point, world: Point): boolean {
    this.gesture = { start: screen, startWorld: world, current: world, startBinding: this.type === 'arrow' ? (this.editor.bindableAt(world)?.id ?? null) : null };
    return true;
  }

  move(input: PointerInput, _screen: Point, world: Point): void {
    const gesture = this.gesture;
    if (!gesture) return;
    gesture.current = input.shiftKey ? snapAngle(gesture.startWorld, world) : world;
    this.editor.drafts = [draftShape(this.input(gesture.startWorld, gesture.current, gesture.startBinding, null))];
  }

  up(): void {
    const gesture = this.gesture;
    this.gesture = null;
    if (!gesture) return;
    const editor = this.editor;
    if (dist(editor.camera.worldToScreen(gesture.current), gesture.start) < DRAG_THRESHOLD) return;
    const endBinding = this.type === 'arrow' ? (editor.bindableAt(gesture.current, gesture.startBinding ?? undefined)?.id ?? null) : null;
    const shape = editor.oneStep(() => editor.board.addShape(this.input(gesture.startWorld, gesture.current, gesture.startBinding, endBinding)));
    editor.setSelection([shape.id]);
  }

  cancel(): void {
    this.gesture = null;
  }

  private input(a: Point, b: Point, startBinding: string | null, endBinding: string | null): NewShape {
    const x = Math.min(a.x, b.x);
    const y = Math.min(a.y, b.y);
    const base = { x, y, w: Math.abs(b.x - a.x), h: Math.abs(b.y - a.y), points: [a.x - x, a.y - y, b.x - x, b.y - y], ...this.editor.shapeStyle(), fillColor: 'transparent' };
    const { startArrowhead, endArrowhead, arrowType } = this.editor.style;
    // a line takes arrowheads only when asked for at its start (its end defaults to none, TYPE_DEFAULTS)
    return this.type === 'arrow' ? { type: 'arrow', ...base, startBinding, endBinding, startArrowhead, endArrowhead, arrowType } : { type: 'line', ...base };
  }
}
