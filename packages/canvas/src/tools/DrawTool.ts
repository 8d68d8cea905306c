import type { NewShape, Point } from '@meshboard/board';
import type { Editor } from '../editor.js';
import { DEFAULT_STYLE_STATE } from '../style-state.js';
import type { PointerInput } from '../input.js';
import { draftShape, pressureOf } from './gesture-math.js';
import type { Tool } from './Tool.js';

const HIGHLIGHTER_DEFAULT_COLOR = '#fab005';

/** Pen and highlighter: a freehand stroke with pressure, stored relative to its origin. */
export class DrawTool implements Tool {
  private points: number[] | null = null;

  constructor(
    private readonly editor: Editor,
    private readonly variant: 'pen' | 'highlighter',
  ) {}

  down(input: PointerInput, _screen: Point, world: Point): boolean {
    this.points = [world.x, world.y, pressureOf(input)];
    this.updateDraft();
    return true;
  }

  move(input: PointerInput, _screen: Point, world: Point): void {
    const pts = this.points;
    if (!pts) return;
    const lastX = pts[pts.length - 3]!;
    const lastY = pts[pts.length - 2]!;
    // Points closer than half a screen pixel add nothing but weight.
    if (Math.hypot(world.x - lastX, world.y - lastY) * this.editor.camera.zoom < 0.5) return;
    pts.push(world.x, world.y, pressureOf(input));
    this.updateDraft();
  }

  up(): void {
    const points = this.points;
    this.points = null;
    if (!points) return;
    const input = this.input(points);
    const frameId = this.editor.frameAt({ x: input.x + input.w / 2, y: input.y + input.h / 2 })?.id ?? null;
    this.editor.oneStep(() => this.editor.board.addShape({ ...input, frameId }));
  }

  cancel(): void {
    this.points = null;
  }

  private updateDraft(): void {
    if (this.points) this.editor.drafts = [draftShape(this.input(this.points))];
  }

  private input(world: number[]): NewShape {
    let minX = Infinity;
    let minY = Infinity;
    let maxX = -Infinity;
    let maxY = -Infinity;
    for (let i = 0; i < world.length; i += 3) {
      minX = Math.min(minX, world[i]!);
      minY = Math.min(minY, world[i + 1]!);
      maxX = Math.max(maxX, world[i]!);
      maxY = Math.max(maxY, world[i + 1]!);
    }
    const points = world.map((v, i) => (i % 3 === 0 ? v - minX : i % 3 === 1 ? v - minY : Math.round(v * 100) / 100));
    const style = this.editor.shapeStyle();
    const strokeColor = this.variant === 'highlighter' && style.strokeColor === DEFAULT_STYLE_STATE.strokeColor ? HIGHLIGHTER_DEFAULT_COLOR : style.strokeColor;
    return { type: 'freehand', variant: this.variant, x: minX, y: minY, w: maxX - minX, h: maxY - minY, points, ...style, strokeColor, fillColor: 'transparent', roughness: 0 };
  }
}
