import type { Point } from '@meshboard/board';
import type { Editor } from '../editor.js';
import type { PointerInput } from '../input.js';
import type { Tool } from './Tool.js';

/**
 * Hand: dragging moves the camera. The editor also hands it a middle-button drag and a drag with Space held,
 * whatever the active tool is, so panning never depends on switching tools. It edits nothing, so it is
 * allowed on a read-only board.
 */
export class PanTool implements Tool {
  private last: Point | null = null;

  constructor(private readonly editor: Editor) {}

  /** Whether a pan is under way (the cursor shows a closed hand). */
  get panning(): boolean {
    return this.last !== null;
  }

  down(_input: PointerInput, screen: Point): boolean {
    this.last = screen;
    return true;
  }

  move(_input: PointerInput, screen: Point): void {
    if (!this.last) return;
    this.editor.camera.panBy(screen.x - this.last.x, screen.y - this.last.y);
    this.last = screen;
  }

  up(): void {
    this.last = null;
  }

  cancel(): void {
    this.last = null;
  }
}
