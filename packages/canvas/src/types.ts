import type { Arrowhead, ArrowType, Board, FontFamily, Roughness, StrokeStyle } from '@meshboard/board';
import type { LaserTrailOut, LocalLiveDraft } from './overlays/LiveOverlays.js';

export type ToolId = 'select' | 'hand' | 'pen' | 'highlighter' | 'eraser' | 'rectangle' | 'ellipse' | 'diamond' | 'line' | 'arrow' | 'text' | 'sticky' | 'image' | 'frame';

export interface StyleState {
  strokeColor: string;
  fillColor: string;
  strokeWidth: number;
  opacity: number;
  fontSize: number;
  strokeStyle: StrokeStyle;
  /** 0 clean, 1 hand-drawn, 2 very sloppy */
  roughness: Roughness;
  fontFamily: FontFamily;
  textAlign: 'left' | 'center' | 'right';
  verticalAlign: 'top' | 'middle' | 'bottom';
  startArrowhead: Arrowhead;
  endArrowhead: Arrowhead;
  arrowType: ArrowType;
  /** corner radius of new rectangles and diamonds (0: sharp) */
  cornerRadius: number;
}

export type Theme = 'light' | 'dark';

export interface EngineState {
  tool: ToolId;
  style: StyleState;
  zoom: number;
  selection: string[];
  canUndo: boolean;
  canRedo: boolean;
  shapeCount: number;
  readOnly: boolean;
  theme: Theme;
  /** some selected shape is locked (the context menu offers Unlock) */
  locked: boolean;
  /** moves snap to the grid */
  gridSnap: boolean;
  /** goes up whenever a frame is added, changed (renamed, here or by a peer) or removed: re-read `frames()` */
  framesVersion: number;
}

/** A collaborator's pointer, in world coordinates. */
export interface RemoteCursor {
  clientId: number;
  name: string;
  color: string;
  x: number;
  y: number;
  selection?: string[];
}

export interface CanvasEngineOptions {
  /** the engine creates and owns a <canvas> (and the text-editing overlay) inside it */
  container: HTMLElement;
  board: Board;
  /** view-only link: pan/zoom/select only, no edits */
  readOnly?: boolean;
  theme?: Theme;
  /** world coordinates of the local pointer (null when it leaves), for presence */
  onCursorMove?: (point: { x: number; y: number } | null) => void;
  onSelectionChange?: (ids: string[]) => void;
  /**
   * What this tab is drawing or typing changed (null: nothing any more): the host publishes it so others see
   * strokes, shapes and text before they are committed (overlays/LiveOverlays.ts). Called at frame rate at most.
   */
  onLiveDraft?: (draft: LocalLiveDraft | null) => void;
  /** The local laser trail changed (null: faded out). */
  onLaser?: (trail: LaserTrailOut | null) => void;
  /**
   * The visible world rectangle changed; `byUser` is false when it was set by `setView` (following someone)
   * and true when this person panned or zoomed.
   */
  onViewChange?: (view: { x: number; y: number; w: number; h: number }, byUser: boolean) => void;
  /** a right-click on the canvas (after the shape under it was selected): the app shows its context menu */
  onContextMenu?: (at: { clientX: number; clientY: number; selection: string[] }) => void;
  /**
   * Benchmark baseline only: draw every shape every frame with no culling, no path cache and no
   * level of detail — the "naive peer" the big-board benchmark compares against.
   */
  renderMode?: 'optimized' | 'naive';
}

export interface Shortcut {
  keys: string;
  action: string;
}
