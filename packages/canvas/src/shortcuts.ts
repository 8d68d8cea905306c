import type { Shortcut, ToolId } from './types.js';

export type ShortcutAction =
  | { kind: 'tool'; tool: ToolId }
  | { kind: 'undo' }
  | { kind: 'redo' }
  | { kind: 'delete' }
  | { kind: 'duplicate' }
  | { kind: 'selectAll' }
  | { kind: 'reorder'; op: 'front' | 'back' | 'forward' | 'backward' }
  | { kind: 'zoomIn' }
  | { kind: 'zoomOut' }
  | { kind: 'resetZoom' }
  | { kind: 'zoomToFit' }
  | { kind: 'escape' }
  | { kind: 'group' }
  | { kind: 'ungroup' };

/** Every tool with its toolbar label, its one-key shortcut and how the help dialog names it. */
export const TOOLS: ReadonlyArray<{ id: ToolId; label: string; key: string; help: string }> = [
  { id: 'select', label: 'Select', key: 'V', help: 'Select tool' },
  { id: 'hand', label: 'Hand (pan)', key: 'H', help: 'Hand (pan) tool' },
  { id: 'pen', label: 'Pen', key: 'P', help: 'Pen' },
  { id: 'highlighter', label: 'Highlighter', key: 'M', help: 'Highlighter' },
  { id: 'eraser', label: 'Eraser', key: 'E', help: 'Eraser' },
  { id: 'rectangle', label: 'Rectangle', key: 'R', help: 'Rectangle' },
  { id: 'ellipse', label: 'Ellipse', key: 'O', help: 'Ellipse' },
  { id: 'diamond', label: 'Diamond', key: 'D', help: 'Diamond' },
  { id: 'line', label: 'Line', key: 'L', help: 'Line' },
  { id: 'arrow', label: 'Arrow', key: 'A', help: 'Arrow' },
  { id: 'text', label: 'Text', key: 'T', help: 'Text' },
  { id: 'sticky', label: 'Sticky note', key: 'S', help: 'Sticky note' },
  { id: 'image', label: 'Image', key: 'I', help: 'Insert image' },
  { id: 'frame', label: 'Frame', key: 'F', help: 'Frame' },
];

const TOOL_KEYS: Record<string, ToolId> = Object.fromEntries(TOOLS.map((tool) => [tool.key.toLowerCase(), tool.id]));

/** Every shortcut, for the help dialog ("Mod" is Ctrl, or Cmd on a Mac). */
export const SHORTCUTS: ReadonlyArray<Shortcut> = [
  ...TOOLS.map((tool) => ({ keys: tool.key, action: tool.help })),
  { keys: 'Mod+Z', action: 'Undo' },
  { keys: 'Mod+Shift+Z / Mod+Y', action: 'Redo' },
  { keys: 'Delete / Backspace', action: 'Delete selection' },
  { keys: 'Mod+D', action: 'Duplicate selection' },
  { keys: 'Mod+A', action: 'Select all' },
  { keys: 'Mod+C / Mod+X / Mod+V', action: 'Copy / cut / paste' },
  { keys: 'Mod+G / Mod+Shift+G', action: 'Group / ungroup' },
  { keys: 'Mod+]', action: 'Bring forward' },
  { keys: 'Mod+[', action: 'Send backward' },
  { keys: 'Mod+Shift+]', action: 'Bring to front' },
  { keys: 'Mod+Shift+[', action: 'Send to back' },
  { keys: '+ / =', action: 'Zoom in' },
  { keys: '-', action: 'Zoom out' },
  { keys: 'Mod+0', action: 'Reset zoom to 100%' },
  { keys: 'Shift+1', action: 'Zoom to fit' },
  { keys: 'Arrow keys (Shift: ×10)', action: 'Nudge selection' },
  { keys: 'Space + drag', action: 'Pan' },
  { keys: 'Wheel / two-finger scroll', action: 'Pan' },
  { keys: 'Mod+wheel / pinch', action: 'Zoom' },
  { keys: 'Shift+click / Shift+drag', action: 'Add to selection' },
  { keys: 'Double-click text or sticky', action: 'Edit text' },
  { keys: 'Escape', action: 'Cancel / clear selection / finish text' },
];

export interface KeyLike {
  key: string;
  code?: string;
  ctrlKey: boolean;
  metaKey: boolean;
  shiftKey: boolean;
  altKey: boolean;
}

/** Maps a key press to an action (clipboard keys are left to the browser's copy/cut/paste events). */
export function matchShortcut(event: KeyLike): ShortcutAction | null {
  const mod = event.ctrlKey || event.metaKey;
  const key = event.key.length === 1 ? event.key.toLowerCase() : event.key;
  if (mod && !event.altKey) {
    if (key === 'z') return event.shiftKey ? { kind: 'redo' } : { kind: 'undo' };
    if (key === 'y') return { kind: 'redo' };
    if (key === 'd') return { kind: 'duplicate' };
    if (key === 'a') return { kind: 'selectAll' };
    if (key === 'g') return event.shiftKey ? { kind: 'ungroup' } : { kind: 'group' };
    if (key === '0') return { kind: 'resetZoom' };
    if (key === '=' || key === '+') return { kind: 'zoomIn' };
    if (key === '-') return { kind: 'zoomOut' };
    // With Shift, many layouts report '}' / '{' as the key: match on the physical key too.
    if (key === ']' || key === '}' || event.code === 'BracketRight') return { kind: 'reorder', op: event.shiftKey ? 'front' : 'forward' };
    if (key === '[' || key === '{' || event.code === 'BracketLeft') return { kind: 'reorder', op: event.shiftKey ? 'back' : 'backward' };
    return null;
  }
  if (event.altKey || mod) return null;
  if (key === 'Delete' || key === 'Backspace') return { kind: 'delete' };
  if (key === 'Escape') return { kind: 'escape' };
  if (key === '+' || key === '=') return { kind: 'zoomIn' };
  if (key === '-' || key === '_') return { kind: 'zoomOut' };
  if (event.shiftKey && (key === '!' || event.code === 'Digit1')) return { kind: 'zoomToFit' };
  if (!event.shiftKey && TOOL_KEYS[key]) return { kind: 'tool', tool: TOOL_KEYS[key]! };
  return null;
}
