import type { Point } from '@meshboard/board';
import type { Editor } from '../editor.js';
import type { PointerInput } from '../input.js';
import type { Tool } from './Tool.js';

/** Text: a click edits the text or sticky note under it, or starts a new text there. No drag gesture. */
export class TextTool implements Tool {
  constructor(private readonly editor: Editor) {}

  down(_input: PointerInput, _screen: Point, world: Point): boolean {
    const hit = this.editor.shapeAt(world, 6, (s) => s.type === 'text' || s.type === 'sticky');
    if (hit) this.editor.editShapeText(hit.id);
    else this.editor.startNewText(world);
    return false;
  }

  move(): void {}
  up(): void {}
  cancel(): void {}
}
