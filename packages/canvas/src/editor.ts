import { copyShapes, shapeBounds, type FontFamily, unionBounds, type AssetInput, type Board, type BoardChange, type Bounds, type Point, type Shape, type ShapePatch } from '@meshboard/board';
import { Camera, clampZoom, nextZoomStep, type Viewport } from './camera.js';
import { parsePayload, serializeShapes } from './clipboard.js';
import { handleCursor, sameState } from './editor-state.js';
import { bindableAtPoint, frameAtPoint, shapeAtPoint } from './hit-test.js';
import type { PointerInput, WheelInput } from './input.js';
import type { Overlay } from './render/context.js';
import { measureTextBlock } from './render/text.js';
import { SceneIndex } from './scene.js';
import { hitHandle, selectionFrame } from './selection.js';
import { DEFAULT_STYLE_STATE, styleChangePatch } from './style-state.js';
import { LABELLED, frameNameSession, labelSession, newTextSession, textSession, type TextEditSession } from './text-editing.js';
import { FRAME_TITLE_PX, frameTitle, hitFrameTitle } from './frame-title.js';
import { frameTitleColor } from './render/theme.js';
import { cssFont } from './style/stroke.js';
import { BoxTool } from './tools/BoxTool.js';
import { DrawTool } from './tools/DrawTool.js';
import { EraserTool } from './tools/EraserTool.js';
import { dist } from './tools/gesture-math.js';
import { LineTool } from './tools/LineTool.js';
import { PanTool } from './tools/PanTool.js';
import { SelectTool } from './tools/SelectTool.js';
import { FrameTool } from './tools/FrameTool.js';
import { StickyTool } from './tools/StickyTool.js';
import { TextTool } from './tools/TextTool.js';
import type { Tool } from './tools/Tool.js';
import { alignPatches, distributePatches, type AlignOp } from './transform/align.js';
import { flipPatches } from './transform/scale.js';
import type { Guide } from './transform/snap.js';
import { GRID_SIZE } from './tools/SelectTool.js';
import type { EngineState, RemoteCursor, StyleState, Theme, ToolId } from './types.js';

export type { PointerInput, WheelInput } from './input.js';

export { DEFAULT_STYLE_STATE } from './style-state.js';
export type { TextEditSession } from './text-editing.js';

export interface EditorHooks {
  requestRender(): void;
  onTextEdit?(session: TextEditSession | null): void;
  onSelectionChange?(ids: string[]): void;
  /** text width in CSS pixels for a font (the DOM layer measures with the canvas) */
  measureText?(text: string, font: string): number;
}

/** Tools that edit the board (refused on a read-only board). */
const EDIT_TOOLS = new Set<ToolId>(['pen', 'highlighter', 'eraser', 'rectangle', 'ellipse', 'diamond', 'line', 'arrow', 'text', 'sticky', 'image', 'frame']);

/**
 * The editor's own input states: a two-finger pinch belongs to no tool (it starts from any of them); every
 * one-pointer gesture belongs to a tool, panning included (tools/PanTool.ts).
 */
type Gesture = { kind: 'pinch'; startDistance: number; startZoom: number; anchor: Point } | { kind: 'tool'; tool: Tool };

/**
 * The engine without the DOM: camera, selection, the input state machine (pointers, pan, pinch, which tool
 * gets a gesture; each tool is its own state machine in tools/), commands and the state the UI shows. Everything here is driven by plain objects, so tests run it against a real Board
 * without a browser. `CanvasEngine` feeds it DOM events and draws what it says.
 */
export class Editor {
  readonly camera = new Camera();
  readonly scene: SceneIndex;
  viewport: Viewport = { width: 800, height: 600 };
  tool: ToolId = 'select';
  style: StyleState = { ...DEFAULT_STYLE_STATE };
  readOnly: boolean;
  theme: Theme;
  selection: string[] = [];
  remoteCursors: RemoteCursor[] = [];
  textEdit: TextEditSession | null = null;
  spaceHeld = false;

  /** shapes being drawn, shown by the renderer and never stored (set by the tools) */
  drafts: Shape[] = [];
  /** the selection marquee in world coordinates while one is drawn (set by the select tool) */
  marquee: Bounds | null = null;
  /** alignment guides while a move snaps to other shapes (set by the select tool) */
  guides: Guide[] = [];
  /** moves snap to a grid instead of to other shapes (toggled on demand) */
  gridSnap = false;

  private gesture: Gesture | null = null;
  private readonly pointers = new Map<number, Point>();
  private readonly selectTool = new SelectTool(this);
  private readonly eraserTool = new EraserTool(this);
  private readonly panTool = new PanTool(this);
  private readonly tools: Partial<Record<ToolId, Tool>> = {
    select: this.selectTool,
    rectangle: new BoxTool(this, 'rectangle'),
    ellipse: new BoxTool(this, 'ellipse'),
    diamond: new BoxTool(this, 'diamond'),
    line: new LineTool(this, 'line'),
    arrow: new LineTool(this, 'arrow'),
    pen: new DrawTool(this, 'pen'),
    highlighter: new DrawTool(this, 'highlighter'),
    eraser: this.eraserTool,
    text: new TextTool(this),
    sticky: new StickyTool(this),
    frame: new FrameTool(this),
    hand: this.panTool,
  };
  private readonly listeners = new Set<(state: EngineState) => void>();
  /** the ids of the board's frames, to tell whether a change touched one (framesVersion) */
  private readonly frameIds = new Set<string>();
  private framesVersion = 0;
  private lastState: EngineState | null = null;
  private readonly unobserve: () => void;
  private savedCaptureTimeout: number | null = null;
  /**
   * A board opened elsewhere arrives after the page (from the store or a peer). Until the person moves the
   * camera or starts working, the first content to arrive is brought into view if none of it lands on
   * screen: a phone, or anyone whose board lies off the default view, never opens onto an empty canvas.
   */
  private revealPending = true;

  constructor(
    readonly board: Board,
    private readonly hooks: EditorHooks,
    options: { readOnly?: boolean; theme?: Theme } = {},
  ) {
    this.readOnly = options.readOnly ?? false;
    this.theme = options.theme ?? 'light';
    this.scene = new SceneIndex(board);
    this.scene.load();
    for (const item of this.scene.all()) if (item.shape.type === 'frame') this.frameIds.add(item.id);
    this.unobserve = board.observe(this.onBoardChange);
  }

  destroy(): void {
    this.unobserve();
    this.endGestureCapture();
    this.listeners.clear();
  }

  // ---- state -------------------------------------------------------------------------------------------

  getState(): EngineState {
    return {
      tool: this.tool,
      style: { ...this.style },
      zoom: this.camera.zoom,
      selection: [...this.selection],
      canUndo: this.board.canUndo(),
      canRedo: this.board.canRedo(),
      shapeCount: this.board.size,
      readOnly: this.readOnly,
      theme: this.theme,
      locked: this.selectedShapes().some((shape) => shape.locked),
      gridSnap: this.gridSnap,
      framesVersion: this.framesVersion,
    };
  }

  subscribe(listener: (state: EngineState) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Notifies subscribers when anything they can see changed, and schedules a frame. */
  changed(): void {
    this.hooks.requestRender();
    const state = this.getState();
    const last = this.lastState;
    if (last && sameState(last, state)) return;
    this.lastState = state;
    for (const listener of this.listeners) listener(state);
  }

  overlay(): Overlay {
    const selected = this.selectedShapes();
    const showFrame = this.tool === 'select' && !this.textEdit && selected.length > 0 && !this.selectTool.marqueeing;
    return {
      selection: new Set(this.selection),
      frame: showFrame ? selectionFrame(selected, this.scene.lookup) : null,
      showHandles: showFrame && !this.readOnly && !this.selectTool.pressing && !selected.some((shape) => shape.locked),
      marquee: this.marquee,
      drafts: this.drafts,
      erasing: this.gesture?.kind === 'tool' && this.gesture.tool === this.eraserTool ? this.eraserTool.hits : new Set(),
      editingId: this.textEdit?.id ?? null,
      remoteCursors: this.remoteCursors,
      guides: this.guides,
      grid: this.gridSnap ? GRID_SIZE : 0,
    };
  }

  private readonly onBoardChange = (change: BoardChange): void => {
    this.scene.apply(change);
    if (this.trackFrames(change)) this.framesVersion++;
    if (this.revealPending && this.scene.size > 0) {
      this.revealPending = false;
      if (this.scene.query(this.camera.visibleBounds(this.viewport)).length === 0) this.zoomToFit();
    }
    if (change.removed.length > 0 && this.selection.some((id) => !this.board.has(id))) {
      this.setSelection(this.selection.filter((id) => this.board.has(id)));
    }
    if (this.textEdit?.id && change.removed.includes(this.textEdit.id)) this.closeTextEdit();
    this.changed();
  };

  /** Keeps `frameIds` up to date; true when the change added, changed or removed a frame. */
  private trackFrames(change: BoardChange): boolean {
    let touched = false;
    for (const id of change.removed) if (this.frameIds.delete(id)) touched = true;
    for (const list of [change.added, change.updated]) {
      for (const id of list) {
        if (this.scene.lookup(id)?.type === 'frame') {
          this.frameIds.add(id);
          touched = true;
        }
      }
    }
    return touched;
  }

  // ---- commands ----------------------------------------------------------------------------------------

  setTool(tool: ToolId): void {
    if (this.readOnly && EDIT_TOOLS.has(tool)) return;
    this.cancelGesture();
    if (this.textEdit) this.commitTextEdit(this.textEdit.text);
    this.tool = tool;
    if (tool !== 'select' && tool !== 'hand') this.setSelection([]);
    this.changed();
  }

  setStyle(style: Partial<StyleState>): void {
    this.style = { ...this.style, ...style };
    if (!this.readOnly && this.selection.length > 0) {
      const patches: Array<[string, ShapePatch]> = [];
      for (const shape of this.unlockedSelection()) {
        const patch = styleChangePatch(shape, style);
        if (shape.type === 'text' && (style.fontSize !== undefined || style.fontFamily !== undefined)) {
          Object.assign(patch, this.measure(shape.text, style.fontSize ?? shape.fontSize, style.fontFamily ?? shape.fontFamily));
        }
        if (Object.keys(patch).length > 0) patches.push([shape.id, patch as ShapePatch]);
      }
      this.oneStep(() => this.board.updateShapes(patches));
    }
    this.changed();
  }

  setTheme(theme: Theme): void {
    this.theme = theme;
    this.changed();
  }

  setReadOnly(readOnly: boolean): void {
    this.readOnly = readOnly;
    if (readOnly) {
      this.cancelGesture();
      this.closeTextEdit();
      if (EDIT_TOOLS.has(this.tool)) this.tool = 'select';
    }
    this.changed();
  }

  undo(): void {
    if (this.readOnly) return;
    this.cancelGesture();
    this.board.undo();
    this.changed();
  }

  redo(): void {
    if (this.readOnly) return;
    this.cancelGesture();
    this.board.redo();
    this.changed();
  }

  deleteSelection(): void {
    if (this.readOnly || this.selection.length === 0) return;
    // locked shapes stay (unlock them first)
    const ids = this.selectedShapes().filter((shape) => !shape.locked).map((shape) => shape.id);
    if (ids.length === 0) return;
    this.setSelection(this.selection.filter((id) => !ids.includes(id)));
    this.oneStep(() => this.board.deleteShapes(ids));
    this.changed();
  }

  duplicateSelection(): void {
    if (this.readOnly || this.selection.length === 0) return;
    const ids = this.oneStep(() => this.board.duplicateShapes(this.selection));
    this.setSelection(ids);
    this.changed();
  }

  reorderSelection(op: 'front' | 'back' | 'forward' | 'backward'): void {
    if (this.readOnly || this.selection.length === 0) return;
    this.oneStep(() => this.board.reorder(this.selection, op));
    this.changed();
  }

  groupSelection(): void {
    if (this.readOnly || this.selection.length < 2) return;
    this.oneStep(() => this.board.group(this.selection));
    this.changed();
  }

  ungroupSelection(): void {
    if (this.readOnly || this.selection.length === 0) return;
    this.oneStep(() => this.board.ungroup(this.selection));
    this.changed();
  }

  nudgeSelection(dx: number, dy: number): void {
    if (this.readOnly || this.selection.length === 0) return;
    this.board.translateShapes(this.unlockedSelection().map((shape) => shape.id), dx, dy);
    this.changed();
  }

  /** The board's frames, in stacking order (for the frames list). */
  frames(): Array<{ id: string; name: string }> {
    const out: Array<{ id: string; name: string }> = [];
    for (const item of this.scene.all()) if (item.shape.type === 'frame') out.push({ id: item.id, name: item.shape.name });
    return out;
  }

  /** The shapes a frame holds (their `frameId` is the frame's id). */
  frameChildren(frameId: string): Shape[] {
    const out: Shape[] = [];
    for (const item of this.scene.all()) if (item.shape.frameId === frameId) out.push(item.shape);
    return out;
  }

  /** The top-most frame whose area holds `world` (not `exclude`), for adopting shapes dropped or drawn there. */
  frameAt(world: Point, exclude?: ReadonlySet<string>): Shape | null {
    return frameAtPoint(this.scene, world, exclude);
  }

  /**
   * Renames a frame (the frames list, the title's double-click): one undo step, synced to every peer like
   * any other shape field.
   */
  renameFrame(id: string, name: string): void {
    const frame = this.board.getShape(id);
    if (this.readOnly || frame?.type !== 'frame' || frame.locked) return;
    const value = name.trim().slice(0, 200);
    if (value !== frame.name) this.oneStep(() => this.board.updateShape(id, { name: value }));
    this.changed();
  }

  /** Opens a frame's name for typing, over its title (a double-click on the title, the context menu). */
  editFrameName(id: string): void {
    const frame = this.board.getShape(id);
    if (this.readOnly || frame?.type !== 'frame' || frame.locked) return;
    if (this.textEdit) this.commitTextEdit(this.textEdit.text);
    this.setSelection([id]);
    this.beginTextEdit(frameNameSession(frame, this.camera.zoom, this.frameTitleWidth(frame), frameTitleColor(this.theme)));
  }

  /** The frame whose title (drawn above its top-left corner) is under `world`, top-most first. */
  frameTitleAt(world: Point): Shape | null {
    // titles stick out above their frames: look a title's height below the point too
    const reach = (FRAME_TITLE_PX * 2) / this.camera.zoom;
    const candidates = this.scene.query({ minX: world.x - reach, minY: world.y, maxX: world.x, maxY: world.y + reach });
    for (let i = candidates.length - 1; i >= 0; i--) {
      const shape = candidates[i]!.shape;
      if (shape.type === 'frame' && hitFrameTitle(shape, world, this.camera.zoom, this.frameTitleWidth(shape))) return shape;
    }
    return null;
  }

  private frameTitleWidth(frame: Extract<Shape, { type: 'frame' }>): number {
    const text = frameTitle(frame);
    return this.hooks.measureText ? this.hooks.measureText(text, cssFont(FRAME_TITLE_PX, 'sans')) : text.length * FRAME_TITLE_PX * 0.6;
  }

  /** Brings a shape (a frame from the frames list) into view, selected. */
  zoomToShape(id: string): void {
    const shape = this.scene.lookup(id);
    if (!shape) return;
    this.revealPending = false;
    const b = shapeBounds(shape);
    const pad = 40 / this.camera.zoom;
    this.camera.fitBounds({ minX: b.minX - pad, minY: b.minY - pad, maxX: b.maxX + pad, maxY: b.maxY + pad }, this.viewport);
    if (this.tool !== 'select' && this.tool !== 'hand') this.tool = 'select';
    this.setSelection([id]);
    this.changed();
  }

  /** A right-click: the shape under it becomes the selection unless it is part of it already. */
  contextMenuAt(screen: Point): void {
    if (this.textEdit) this.commitTextEdit(this.textEdit.text);
    const hit = this.shapeAt(this.camera.screenToWorld(screen));
    if (hit && !this.selection.includes(hit.id)) this.setSelection(this.board.expandGroups([hit.id]));
    else if (!hit) this.setSelection([]);
    if (this.tool !== 'select' && this.tool !== 'hand') this.tool = 'select';
    this.changed();
  }

  /** Mirrors the selection across the centre of its bounds. */
  flipSelection(axis: 'horizontal' | 'vertical'): void {
    const shapes = this.unlockedSelection();
    const bounds = unionBounds(shapes.map((shape) => shapeBounds(shape)));
    if (this.readOnly || !bounds) return;
    this.oneStep(() => this.board.updateShapes(flipPatches(shapes, bounds, axis)));
    this.changed();
  }

  alignSelection(op: AlignOp): void {
    if (this.readOnly) return;
    const patches = alignPatches(this.unlockedSelection(), op);
    if (patches.length > 0) this.oneStep(() => this.board.updateShapes(patches));
    this.changed();
  }

  distributeSelection(axis: 'horizontal' | 'vertical'): void {
    if (this.readOnly) return;
    const patches = distributePatches(this.unlockedSelection(), axis);
    if (patches.length > 0) this.oneStep(() => this.board.updateShapes(patches));
    this.changed();
  }

  /** Locks the selection, or unlocks it when every selected shape is locked already. */
  toggleLockSelection(): void {
    const shapes = this.selectedShapes();
    if (this.readOnly || shapes.length === 0) return;
    const locked = !shapes.every((shape) => shape.locked);
    this.oneStep(() => this.board.updateShapes(shapes.map((shape) => [shape.id, { locked }] as [string, ShapePatch])));
    this.changed();
  }

  setGridSnap(on: boolean): void {
    this.gridSnap = on;
    this.changed();
  }

  private unlockedSelection(): Shape[] {
    return this.selectedShapes().filter((shape) => !shape.locked);
  }

  selectAll(): void {
    this.setTool(this.tool === 'select' || this.tool === 'hand' ? this.tool : 'select');
    this.setSelection(this.scene.all().map((item) => item.id));
    this.changed();
  }

  clearSelection(): void {
    this.setSelection([]);
    this.changed();
  }

  setSelection(ids: string[]): void {
    const next = [...new Set(ids)];
    if (next.length === this.selection.length && next.every((id, i) => id === this.selection[i])) return;
    this.selection = next;
    this.hooks.onSelectionChange?.([...next]);
    this.hooks.requestRender();
  }

  zoomIn(): void {
    this.zoomTo(nextZoomStep(this.camera.zoom, 1));
  }

  zoomOut(): void {
    this.zoomTo(nextZoomStep(this.camera.zoom, -1));
  }

  resetZoom(): void {
    this.zoomTo(1);
  }

  zoomTo(zoom: number, at?: Point): void {
    this.revealPending = false;
    this.camera.zoomAt(at ?? { x: this.viewport.width / 2, y: this.viewport.height / 2 }, zoom);
    this.changed();
  }

  zoomToFit(): void {
    this.revealPending = false;
    const bounds = this.scene.contentBounds();
    if (!bounds) {
      this.camera.zoom = 1;
      this.camera.centerOn({ x: 0, y: 0 }, this.viewport);
    } else this.camera.fitBounds(bounds, this.viewport);
    this.changed();
  }

  setRemoteCursors(cursors: RemoteCursor[]): void {
    this.remoteCursors = cursors.filter((c) => Number.isFinite(c.x) && Number.isFinite(c.y));
    this.hooks.requestRender();
  }

  copySelection(): string | null {
    return serializeShapes(this.board, this.selection);
  }

  /** Pastes our clipboard payload centred at `at` (world), or offset from the originals. Returns new ids. */
  paste(payload: string, at?: Point): string[] {
    if (this.readOnly) return [];
    const parsed = parsePayload(payload);
    if (!parsed) return [];
    const bounds = unionBounds(parsed.shapes.map((s) => shapeBounds(s)))!;
    const offset = at
      ? { x: at.x - (bounds.minX + bounds.maxX) / 2, y: at.y - (bounds.minY + bounds.maxY) / 2 }
      : { x: 24, y: 24 };
    const inputs = copyShapes(parsed.shapes, offset);
    const ids = this.oneStep(() => this.board.addShapes(inputs).map((s) => s.id));
    // Assets are stored under their own hash, which is the asset id the pasted shapes already carry.
    for (const [assetId, asset] of Object.entries(parsed.assets)) {
      if (!this.board.getAsset(assetId)) void this.board.addAsset(asset).catch(() => undefined);
    }
    this.setTool('select');
    this.setSelection(ids);
    this.changed();
    return ids;
  }

  /** Adds an image shape for an asset (stored once by hash), centred at `at` (world) or the view centre. */
  async insertImageAsset(asset: AssetInput, at?: Point): Promise<string | null> {
    if (this.readOnly) return null;
    const assetId = await this.board.addAsset(asset);
    const center = at ?? this.camera.screenToWorld({ x: this.viewport.width / 2, y: this.viewport.height / 2 });
    // Large images come in at most ~60% of the view (in world units at the current zoom).
    const maxSide = Math.max(Math.min(this.viewport.width, this.viewport.height) * 0.6 / this.camera.zoom, 32);
    const scale = Math.min(1, maxSide / Math.max(asset.width, asset.height, 1));
    const w = Math.max(asset.width * scale, 1);
    const h = Math.max(asset.height * scale, 1);
    const shape = this.oneStep(() => this.board.addShape({ type: 'image', assetId, x: center.x - w / 2, y: center.y - h / 2, w, h, strokeWidth: 0 }));
    if (this.tool === 'image') this.tool = 'select';
    this.setSelection([shape.id]);
    this.changed();
    return shape.id;
  }

  // ---- text editing ------------------------------------------------------------------------------------

  beginTextEdit(session: TextEditSession): void {
    if (this.readOnly) return;
    this.textEdit = session;
    this.hooks.onTextEdit?.(session);
    this.changed();
  }

  editShapeText(id: string): void {
    const shape = this.board.getShape(id);
    if (!shape || shape.locked) return;
    if (shape.type === 'rectangle' || shape.type === 'ellipse' || shape.type === 'diamond' || shape.type === 'arrow') {
      this.setSelection([shape.id]);
      this.beginTextEdit(labelSession(shape, this.style, this.scene.lookup));
      return;
    }
    if (shape.type !== 'text' && shape.type !== 'sticky') return;
    this.setSelection([id]);
    this.beginTextEdit(textSession(shape));
  }

  /** Ends editing: creates, updates or (for emptied text) deletes the shape. */
  commitTextEdit(text: string): string | null {
    const session = this.textEdit;
    if (!session) return null;
    this.closeTextEdit();
    if (this.readOnly) return null;
    const value = text.replace(/\s+$/, '');
    let id = session.id;
    if (session.type === 'text') {
      const size = this.measure(value, session.fontSize, session.fontFamily);
      if (!id) {
        if (!value) return null;
        id = this.oneStep(() => this.board.addShape({ type: 'text', x: session.x, y: session.y, ...size, text: value, fontSize: session.fontSize, textAlign: session.textAlign, fontFamily: session.fontFamily, strokeColor: this.style.strokeColor, opacity: this.style.opacity })).id;
      } else if (!value) {
        this.oneStep(() => this.board.deleteShapes([session.id!]));
        this.changed();
        return null;
      } else if (this.board.has(id)) {
        this.oneStep(() => this.board.updateShape(id!, { text: value, ...size }));
      }
    } else if (session.type === 'name') {
      if (id) this.renameFrame(id, value);
    } else if (session.type === 'label' && id && this.board.has(id)) {
      const shape = this.board.getShape(id)!;
      // a first label takes the text style it was typed in; later edits change only the text
      const patch: ShapePatch = shape.type !== 'text' && shape.type !== 'sticky' && 'text' in shape && !shape.text ? { text: value, fontSize: session.fontSize, fontFamily: session.fontFamily, textAlign: session.textAlign } : { text: value };
      if (value !== ('text' in shape ? shape.text : '')) this.oneStep(() => this.board.updateShape(id!, patch));
    } else if (id && this.board.has(id)) {
      this.oneStep(() => this.board.updateShape(id!, { text: value }));
    }
    if (id) this.setSelection([id]);
    this.changed();
    return id;
  }

  cancelTextEdit(): void {
    if (this.textEdit) this.commitTextEdit(this.textEdit.text);
  }

  updateTextDraft(text: string): void {
    if (this.textEdit) this.textEdit.text = text;
  }

  private closeTextEdit(): void {
    if (!this.textEdit) return;
    this.textEdit = null;
    this.hooks.onTextEdit?.(null);
    this.hooks.requestRender();
  }

  // ---- hit testing -------------------------------------------------------------------------------------

  /**
   * Top-most shape under a world point (tolerance in screen pixels). When nothing is hit, the top-most
   * hollow box or frame the point is inside (an unfilled rectangle is selected by clicking inside it, yet
   * shapes drawn inside it stay clickable because they are hit first).
   */
  shapeAt(world: Point, tolerancePx = 6, filter?: (shape: Shape) => boolean): Shape | null {
    return shapeAtPoint(this.scene, world, tolerancePx / this.camera.zoom, filter);
  }

  /** Top-most shape an arrow end at `world` binds to: anything but lines and arrows, hit anywhere in its box. */
  bindableAt(world: Point, exclude?: string): Shape | null {
    return bindableAtPoint(this.scene, world, exclude);
  }

  selectedShapes(): Shape[] {
    return this.selection.map((id) => this.scene.lookup(id)).filter((s): s is Shape => !!s);
  }

  /** CSS cursor for a pointer hovering at `screen`. */
  cursorAt(screen: Point): string {
    if (this.gesture?.kind === 'pinch' || this.panTool.panning) return 'grabbing';
    if (this.tool === 'hand' || this.spaceHeld) return 'grab';
    if (this.tool === 'text') return 'text';
    if (this.tool !== 'select') return 'crosshair';
    const frame = this.overlay().frame;
    if (frame && !this.readOnly) {
      const handle = hitHandle(frame, this.camera.screenToWorld(screen), this.camera.zoom);
      if (handle === 'rotate') return 'grab';
      if (handle) return handleCursor(handle, frame.rotation);
    }
    return this.shapeAt(this.camera.screenToWorld(screen)) ? 'move' : 'default';
  }

  // ---- pointer input -----------------------------------------------------------------------------------

  pointerDown(input: PointerInput): void {
    this.revealPending = false;
    this.pointers.set(input.pointerId, { x: input.x, y: input.y });
    if (this.pointers.size === 2) {
      // A second finger turns whatever the first one started into a pinch.
      this.cancelGesture();
      this.startPinch();
      return;
    }
    if (this.pointers.size > 2) return;
    if (this.textEdit) this.commitTextEdit(this.textEdit.text);
    const screen = { x: input.x, y: input.y };
    const world = this.camera.screenToWorld(screen);
    // The middle button and Space pan with any tool active.
    const panning = input.button === 1 || this.tool === 'hand' || this.spaceHeld;
    if (!panning && input.button !== 0 && input.pointerType === 'mouse') return;
    const tool = panning ? this.panTool : this.tools[this.readOnly && EDIT_TOOLS.has(this.tool) ? 'select' : this.tool];
    if (tool?.down(input, screen, world)) this.gesture = { kind: 'tool', tool };
    this.changed();
  }

  pointerMove(input: PointerInput): void {
    if (this.pointers.has(input.pointerId)) this.pointers.set(input.pointerId, { x: input.x, y: input.y });
    const gesture = this.gesture;
    if (!gesture) return;
    const screen = { x: input.x, y: input.y };
    const world = this.camera.screenToWorld(screen);
    if (gesture.kind === 'pinch') this.updatePinch();
    else gesture.tool.move(input, screen, world);
    this.changed();
  }

  pointerUp(input: PointerInput): void {
    this.pointers.delete(input.pointerId);
    const gesture = this.gesture;
    if (!gesture) return;
    if (gesture.kind === 'pinch') {
      if (this.pointers.size === 0) this.gesture = null;
      return;
    }
    this.gesture = null;
    const screen = { x: input.x, y: input.y };
    if (gesture.kind === 'tool') gesture.tool.up(input, screen, this.camera.screenToWorld(screen));
    this.drafts = [];
    this.endGestureCapture();
    this.changed();
  }

  pointerCancel(input: PointerInput): void {
    this.pointers.delete(input.pointerId);
    this.cancelGesture();
    this.changed();
  }

  pointerLeave(): void {
    // Nothing to do for the gesture (pointer capture keeps it); presence hides the cursor.
  }

  doubleClick(input: PointerInput): void {
    if (this.readOnly || this.tool !== 'select') return;
    const world = this.camera.screenToWorld({ x: input.x, y: input.y });
    const title = this.frameTitleAt(world);
    if (title) {
      this.editFrameName(title.id);
      return;
    }
    const hit = this.shapeAt(world);
    if (hit && LABELLED.has(hit.type)) this.editShapeText(hit.id);
    else if (!hit) this.startNewText(world);
  }

  wheel(input: WheelInput): void {
    this.revealPending = false;
    if (input.ctrlKey || input.metaKey) {
      // Trackpad pinch arrives as ctrl+wheel with small deltas; a mouse wheel notch is ~100.
      const delta = Math.max(-50, Math.min(50, input.deltaY));
      this.camera.zoomAt({ x: input.x, y: input.y }, clampZoom(this.camera.zoom * Math.exp(-delta * 0.01)));
    } else if (input.shiftKey && input.deltaX === 0) {
      this.camera.panBy(-input.deltaY, 0);
    } else {
      this.camera.panBy(-input.deltaX, -input.deltaY);
    }
    this.changed();
  }

  setViewport(viewport: Viewport): void {
    this.viewport = viewport;
    this.hooks.requestRender();
  }

  /** Ends the current gesture without finishing it (drafts dropped; edits already made stay, as one step). */
  cancelGesture(): void {
    if (this.gesture?.kind === 'tool') this.gesture.tool.cancel();
    this.gesture = null;
    this.drafts = [];
    this.endGestureCapture();
  }

  escape(): void {
    if (this.textEdit) {
      this.commitTextEdit(this.textEdit.text);
      return;
    }
    if (this.gesture) {
      this.cancelGesture();
      this.changed();
      return;
    }
    if (this.tool !== 'select') this.setTool('select');
    else this.clearSelection();
  }

  // ---- for the tools -------------------------------------------------------------------------------------

  /** The current style's fields every new shape takes. */
  shapeStyle(): Pick<StyleState, 'strokeColor' | 'fillColor' | 'strokeWidth' | 'opacity' | 'strokeStyle' | 'roughness'> {
    const { strokeColor, fillColor, strokeWidth, opacity, strokeStyle, roughness } = this.style;
    return { strokeColor, fillColor, strokeWidth, opacity, strokeStyle, roughness };
  }

  startNewText(world: Point): void {
    this.setSelection([]);
    this.beginTextEdit(newTextSession(world, this.style));
  }

  // ---- pinch -------------------------------------------------------------------------------------------

  private startPinch(): void {
    const [a, b] = [...this.pointers.values()];
    const mid = { x: (a!.x + b!.x) / 2, y: (a!.y + b!.y) / 2 };
    this.gesture = { kind: 'pinch', startDistance: Math.max(dist(a!, b!), 1), startZoom: this.camera.zoom, anchor: this.camera.screenToWorld(mid) };
    this.changed();
  }

  private updatePinch(): void {
    const gesture = this.gesture;
    if (gesture?.kind !== 'pinch' || this.pointers.size < 2) return;
    const [a, b] = [...this.pointers.values()];
    const mid = { x: (a!.x + b!.x) / 2, y: (a!.y + b!.y) / 2 };
    // The world point first under the fingers' midpoint stays under it while they spread and move.
    this.camera.zoom = clampZoom((gesture.startZoom * dist(a!, b!)) / gesture.startDistance);
    this.camera.x = gesture.anchor.x - mid.x / this.camera.zoom;
    this.camera.y = gesture.anchor.y - mid.y / this.camera.zoom;
  }

  // ---- undo steps --------------------------------------------------------------------------------------

  /** Runs one edit as its own undo step, never merged with the edit before or after it. */
  oneStep<T>(fn: () => T): T {
    this.board.stopCapturing();
    try {
      return this.board.transact(fn);
    } finally {
      this.board.stopCapturing();
    }
  }

  /**
   * A drag writes to the board on every move (collaborators see it live), yet must undo as one step however
   * slowly it goes: while it lasts, the undo manager's capture window is unbounded; both ends cut the step.
   */
  beginGestureCapture(): void {
    if (this.savedCaptureTimeout !== null) return;
    this.board.stopCapturing();
    this.savedCaptureTimeout = this.board.undoManager.captureTimeout;
    this.board.undoManager.captureTimeout = Number.POSITIVE_INFINITY;
  }

  private endGestureCapture(): void {
    if (this.savedCaptureTimeout === null) return;
    this.board.undoManager.captureTimeout = this.savedCaptureTimeout;
    this.savedCaptureTimeout = null;
    this.board.stopCapturing();
  }

  private measure(text: string, fontSize: number, family: FontFamily = 'sans'): { w: number; h: number } {
    return measureTextBlock(text, fontSize, this.hooks.measureText, family);
  }
}
