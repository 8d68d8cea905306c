import type { HandleId } from './selection.js';
import type { EngineState } from './types.js';

/**
 * Small pure helpers for what the editor reports outwards: whether the UI state changed (so subscribers are
 * only told about real changes, not about every pointer move) and the CSS cursor over a resize handle.
 */

export function sameState(a: EngineState, b: EngineState): boolean {
  return (
    a.tool === b.tool &&
    a.zoom === b.zoom &&
    a.canUndo === b.canUndo &&
    a.canRedo === b.canRedo &&
    a.shapeCount === b.shapeCount &&
    a.readOnly === b.readOnly &&
    a.locked === b.locked &&
    a.gridSnap === b.gridSnap &&
    a.framesVersion === b.framesVersion &&
    a.theme === b.theme &&
    a.selection.length === b.selection.length &&
    a.selection.every((id, i) => id === b.selection[i]) &&
    JSON.stringify(a.style) === JSON.stringify(b.style)
  );
}

/** The resize cursor for a handle, turned with the selection (in steps of 45°). */
export function handleCursor(handle: Exclude<HandleId, 'rotate'>, rotation: number): string {
  const cursors = ['ew-resize', 'nwse-resize', 'ns-resize', 'nesw-resize'];
  const base: Record<string, number> = { e: 0, w: 0, se: 1, nw: 1, s: 2, n: 2, sw: 3, ne: 3 };
  const steps = Math.round(rotation / (Math.PI / 4));
  return cursors[(((base[handle]! + steps) % 4) + 4) % 4]!;
}
