import type { Point } from '@meshboard/board';
import type { Editor } from '../editor.js';
import type { PointerInput } from '../input.js';
import { DEFAULT_STICKY_FILL } from '../render/theme.js';
import type { Tool } from './Tool.js';

/** Sticky note: a click places a 200×200 note there and opens it for typing. */
export class StickyTool implements Tool {
  constructor(private readonly editor: Editor) {}

  down(_input: PointerInput, _screen: Point, world: Point): boolean {
    const editor = this.editor;
    const size = 200;
    const fillColor = editor.style.fillColor === 'transparent' ? DEFAULT_STICKY_FILL : editor.style.fillColor;
    const shape = editor.oneStep(() =>
      editor.board.addShape({ type: 'sticky', x: world.x - size / 2, y: world.y - size / 2, w: size, h: size, text: '', fontSize: editor.style.fontSize, fillColor, strokeWidth: 0, opacity: editor.style.opacity }),
    );
    editor.editShapeText(shape.id);
    return false;
  }

  move(): void {}
  up(): void {}
  cancel(): void {}
}
