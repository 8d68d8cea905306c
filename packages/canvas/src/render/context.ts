import type { Bounds, Shape } from '@meshboard/board';
import type { Camera, Viewport } from '../camera.js';
import type { SceneIndex } from '../scene.js';
import type { Frame } from '../selection.js';
import type { RemoteCursor, Theme } from '../types.js';

/**
 * What one frame is drawn with and what it reports. Kept apart from the painters so that each painter file
 * (shapes, labels, text, freehand, overlay) and the tests' recording stub share one contract.
 */

/** The part of CanvasRenderingContext2D the renderer uses: tests pass a recording stub. */
export type RenderContext = Pick<
  CanvasRenderingContext2D,
  | 'save'
  | 'restore'
  | 'setTransform'
  | 'translate'
  | 'rotate'
  | 'clearRect'
  | 'fillRect'
  | 'strokeRect'
  | 'beginPath'
  | 'closePath'
  | 'moveTo'
  | 'lineTo'
  | 'rect'
  | 'ellipse'
  | 'arc'
  | 'stroke'
  | 'fill'
  | 'fillText'
  | 'measureText'
  | 'drawImage'
  | 'setLineDash'
  | 'fillStyle'
  | 'strokeStyle'
  | 'lineWidth'
  | 'globalAlpha'
  | 'font'
  | 'textAlign'
  | 'textBaseline'
  | 'lineCap'
  | 'lineJoin'
  | 'quadraticCurveTo'
  | 'bezierCurveTo'
  | 'clip'
>;

export interface Overlay {
  selection: ReadonlySet<string>;
  frame: Frame | null;
  showHandles: boolean;
  marquee: Bounds | null;
  /** shapes being drawn but not committed yet (pen stroke, rectangle being dragged) */
  drafts: readonly Shape[];
  /** shapes the eraser is about to delete (drawn faded) */
  erasing: ReadonlySet<string>;
  /** the shape being edited in the text overlay: its text is hidden on the canvas */
  editingId: string | null;
  remoteCursors: readonly RemoteCursor[];
  /** alignment guides of a snapping move */
  guides?: ReadonlyArray<{ x1: number; y1: number; x2: number; y2: number }>;
  /** grid spacing in world units when grid snapping is on (0: no grid) */
  grid?: number;
}

export interface FrameInput {
  ctx: RenderContext;
  camera: Camera;
  viewport: Viewport;
  dpr: number;
  theme: Theme;
  scene: SceneIndex;
  overlay: Overlay;
  getImage: (assetId: string) => CanvasImageSource | null;
}

export interface FrameStats {
  drawn: number;
  simplified: number;
  culled: number;
  /** freehand strokes drawn with a stand-in this frame (their smooth outline is built on a later frame) */
  deferred: number;
  /** the tiny shapes came from an overview image (overview.ts) */
  overview: boolean;
}

/** Path2D is missing in Node (unit tests): painters fall back to plain point lists there. */
export const hasPath2D = typeof Path2D === 'function';
