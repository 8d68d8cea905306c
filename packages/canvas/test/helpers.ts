import * as Y from 'yjs';
import { Board } from '@meshboard/board';
import { Editor, type PointerInput } from '../src/index.js';
import type { RenderContext } from '../src/renderer.js';

export function newBoard(userId = 'u1'): Board {
  return new Board(new Y.Doc(), { userId });
}

export function newEditor(board = newBoard(), options: { readOnly?: boolean } = {}): { editor: Editor; board: Board; renders: () => number } {
  let renders = 0;
  const editor = new Editor(board, { requestRender: () => renders++ }, options);
  editor.setViewport({ width: 1000, height: 800 });
  return { editor, board, renders: () => renders };
}

function input(x: number, y: number, extra: Partial<PointerInput> = {}): PointerInput {
  return { x, y, pointerId: 1, pointerType: 'mouse', pressure: 0.5, button: 0, shiftKey: false, altKey: false, ctrlKey: false, metaKey: false, ...extra };
}

/** Presses at the first point, moves through the rest, releases at the last: one drag gesture in screen px. */
export function drag(editor: Editor, points: Array<[number, number]>, extra: Partial<PointerInput> = {}): void {
  const [first, ...rest] = points;
  editor.pointerDown(input(first![0], first![1], extra));
  for (const [x, y] of rest) editor.pointerMove(input(x, y, extra));
  const last = points[points.length - 1]!;
  editor.pointerUp(input(last[0], last[1], extra));
}

export function click(editor: Editor, x: number, y: number, extra: Partial<PointerInput> = {}): void {
  drag(editor, [[x, y]], extra);
}

export { input as pointer };

/** A CanvasRenderingContext2D stand-in that records every call (name and arguments). */
export class RecordingContext {
  calls: Array<{ name: string; args: unknown[] }> = [];
  fillStyle: string | CanvasGradient | CanvasPattern = '#000';
  strokeStyle: string | CanvasGradient | CanvasPattern = '#000';
  lineWidth = 1;
  globalAlpha = 1;
  font = '10px sans-serif';
  textAlign: CanvasTextAlign = 'start';
  textBaseline: CanvasTextBaseline = 'alphabetic';
  lineCap: CanvasLineCap = 'butt';
  lineJoin: CanvasLineJoin = 'miter';

  private record(name: string, args: unknown[]): void {
    this.calls.push({ name, args });
  }

  save = (...a: unknown[]) => this.record('save', a);
  restore = (...a: unknown[]) => this.record('restore', a);
  setTransform = (...a: unknown[]) => this.record('setTransform', a);
  translate = (...a: unknown[]) => this.record('translate', a);
  rotate = (...a: unknown[]) => this.record('rotate', a);
  clearRect = (...a: unknown[]) => this.record('clearRect', a);
  fillRect = (...a: unknown[]) => this.record('fillRect', a);
  strokeRect = (...a: unknown[]) => this.record('strokeRect', a);
  beginPath = (...a: unknown[]) => this.record('beginPath', a);
  closePath = (...a: unknown[]) => this.record('closePath', a);
  moveTo = (...a: unknown[]) => this.record('moveTo', a);
  lineTo = (...a: unknown[]) => this.record('lineTo', a);
  rect = (...a: unknown[]) => this.record('rect', a);
  clip = (...a: unknown[]) => this.record('clip', a);
  ellipse = (...a: unknown[]) => this.record('ellipse', a);
  arc = (...a: unknown[]) => this.record('arc', a);
  stroke = (...a: unknown[]) => this.record('stroke', a);
  fill = (...a: unknown[]) => this.record('fill', a);
  fillText = (...a: unknown[]) => this.record('fillText', a);
  drawImage = (...a: unknown[]) => this.record('drawImage', a);
  setLineDash = (...a: unknown[]) => this.record('setLineDash', a);
  measureText = (text: string) => ({ width: text.length * 10 }) as TextMetrics;
  quadraticCurveTo = (...a: unknown[]) => this.record('quadraticCurveTo', a);
  bezierCurveTo = (...a: unknown[]) => this.record('bezierCurveTo', a);

  count(name: string): number {
    return this.calls.filter((c) => c.name === name).length;
  }

  asContext(): RenderContext {
    return this as unknown as RenderContext;
  }
}
