import type { CanvasEngine } from '../engine.js';
import { matchShortcut } from '../shortcuts.js';

/**
 * Keyboard input on the board (not in a text field): Space held for panning, arrow keys nudging the
 * selection, and the shortcut table (shortcuts.ts) dispatched to the engine's public commands, so a key
 * does exactly what the matching toolbar button does.
 */
export function onBoardKeyDown(event: KeyboardEvent, engine: CanvasEngine, updateCursor: () => void): void {
  const editor = engine.editor;
  if (event.code === 'Space' && !event.repeat) {
    editor.spaceHeld = true;
    updateCursor();
    event.preventDefault();
    return;
  }
  if (event.key.startsWith('Arrow') && editor.selection.length > 0) {
    const step = event.shiftKey ? 10 : 1;
    const dx = event.key === 'ArrowLeft' ? -step : event.key === 'ArrowRight' ? step : 0;
    const dy = event.key === 'ArrowUp' ? -step : event.key === 'ArrowDown' ? step : 0;
    editor.nudgeSelection(dx, dy);
    event.preventDefault();
    return;
  }
  const action = matchShortcut(event);
  if (!action) return;
  event.preventDefault();
  switch (action.kind) {
    case 'tool':
      engine.setTool(action.tool);
      break;
    case 'undo':
      engine.undo();
      break;
    case 'redo':
      engine.redo();
      break;
    case 'delete':
      engine.deleteSelection();
      break;
    case 'duplicate':
      engine.duplicateSelection();
      break;
    case 'selectAll':
      engine.selectAll();
      break;
    case 'reorder':
      engine.reorderSelection(action.op);
      break;
    case 'zoomIn':
      engine.zoomIn();
      break;
    case 'zoomOut':
      engine.zoomOut();
      break;
    case 'resetZoom':
      engine.resetZoom();
      break;
    case 'zoomToFit':
      engine.zoomToFit();
      break;
    case 'escape':
      editor.escape();
      break;
    case 'group':
      editor.groupSelection();
      break;
    case 'ungroup':
      editor.ungroupSelection();
      break;
  }
  updateCursor();
}
