import type { Point } from '@meshboard/board';
import type { PointerInput } from '../input.js';

/**
 * One tool: a small state machine over one pointer gesture (press, moves, release), as tldraw's SelectTool,
 * DrawTool, ... The editor owns the input state machine (which pointer, pan, pinch, which tool is active)
 * and hands a tool only the gestures meant for it; a tool edits the board through the editor it was made with.
 */
export interface Tool {
  /**
   * A press with this tool at `screen` (CSS pixels) / `world`. Returns true when a gesture started: the
   * moves and the release then go to this tool until it ends or is cancelled.
   */
  down(input: PointerInput, screen: Point, world: Point): boolean;
  move(input: PointerInput, screen: Point, world: Point): void;
  up(input: PointerInput, screen: Point, world: Point): void;
  /** Ends the gesture without finishing it (drafts dropped; edits already written stay). */
  cancel(): void;
}
