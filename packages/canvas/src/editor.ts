import { Shape, copyShapes, rotatePoint, shapeBounds, shapeCenter, unionBounds, type AssetInput, type Board, type BoardChange, type Bounds, type NewShape, type Point, type ShapePatch } from '@meshboard/board';
import { Camera, clampZoom, nextZoomStep, type Viewport } from './camera.js';
import { parsePayload, serializeShapes } from './clipboard.js';
import { boundsContain, hitShape, normalizeRect, toLocal } from './geometry.js';
import { DEFAULT_STICKY_FILL, measureTextBlock, type Overlay } from './renderer.js';
import { SceneIndex } from './scene.js';
import { HANDLES, displayFrame, frameCenter, hitHandle, selectionFrame, type Frame, type HandleId } from './selection.js';
import type { EngineState, RemoteCursor, StyleState, Theme, ToolId } from './types.js';

/** A pointer event reduced to what the tools need; x/y are CSS pixels relative to the canvas. */
export interface PointerInput {
  x: number;
  y: number;
  pointerId: number;
  pointerType: 'mouse' | 'pen' | 'touch' | string;
  /** 0..1; pens report real pressure, mice report 0 or 0.5 */
  pressure: number;
  button: number;
  shiftKey: boolean;
  altKey: boolean;
  ctrlKey: boolean;
  metaKey: boolean;
}

export interface WheelInput {
  x: number;
  y: number;
  deltaX: number;
  deltaY: number;
  ctrlKey: boolean;
  metaKey: boolean;
  shiftKey: boolean;
}

/** What the DOM layer shows in its text overlay; the editor gets the result back via commitTextEdit. */
export interface TextEditSession {
  /** null: a new text shape is created on commit (if the text is not empty) */
  id: string | null;
  type: 'text' | 'sticky';
  x: number;
  y: number;
  w: number;
  h: number;
  rotation: number;
  fontSize: number;
  textAlign: 'left' | 'center' | 'right';
  color: string;
  text: string;
}

export interface EditorHooks {
  requestRender(): void;
  onTextEdit?(session: TextEditSession | null): void;
  onSelectionChange?(ids: string[]): void;
  /** text width in CSS pixels for a font (the DOM layer measures with the canvas) */
  measureText?(text: string, font: string): number;
}

export const DEFAULT_STYLE_STATE: StyleState = { strokeColor: '#1e1e1e', fillColor: 'transparent', strokeWidth: 2, opacity: 1, fontSize: 20 };
const HIGHLIGHTER_DEFAULT_COLOR = '#fab005';
/** Screen pixels a pointer may travel before a press becomes a drag. */
const DRAG_THRESHOLD = 3;
/** Tools that edit the board (refused on a read-only board). */
const EDIT_TOOLS = new Set<ToolId>(['pen', 'highlighter', 'eraser', 'rectangle', 'ellipse', 'diamond', 'line', 'arrow', 'text', 'sticky', 'image']);

interface Snapshot {
  shapes: Shape[];
}

type Gesture =
  | { kind: 'pan'; last: Point }
  | { kind: 'pinch'; startDistance: number; startZoom: number; anchor: Point }
  | { kind: 'press'; start: Point; startWorld: Point; hitId: string | null; shift: boolean; moved: boolean; snapshot: Snapshot; toggled: boolean }
  | { kind: 'resize'; handle: Exclude<HandleId, 'rotate'>; frame: Frame; snapshot: Snapshot; keepRatio: boolean; grab: Point }
  | { kind: 'rotate'; center: Point; startAngle: number; snapshot: Snapshot }
  | { kind: 'marquee'; startWorld: Point; base: string[]; shift: boolean }
  | { kind: 'box'; tool: 'rectangle' | 'ellipse' | 'diamond'; start: Point; startWorld: Point; current: Point }
  | { kind: 'line'; tool: 'line' | 'arrow'; start: Point; startWorld: Point; current: Point; startBinding: string | null }
  | { kind: 'freehand'; variant: 'pen' | 'highlighter'; points: number[] }
  | { kind: 'erase'; last: Point; hits: Set<string> };

/**
 * The engine without the DOM: camera, selection, tools as state machines over pointer input, commands and
 * the state the UI shows. Everything here is driven by plain objects, so tests run it against a real Board
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

  private gesture: Gesture | null = null;
  private readonly pointers = new Map<number, Point>();
  private drafts: Shape[] = [];
  private marquee: Bounds | null = null;
  private readonly listeners = new Set<(state: EngineState) => void>();
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
    const showFrame = this.tool === 'select' && !this.textEdit && selected.length > 0 && this.gesture?.kind !== 'marquee';
    return {
      selection: new Set(this.selection),
      frame: showFrame ? selectionFrame(selected, this.scene.lookup) : null,
      showHandles: showFrame && !this.readOnly && this.gesture?.kind !== 'press',
      marquee: this.marquee,
      drafts: this.drafts,
      erasing: this.gesture?.kind === 'erase' ? this.gesture.hits : new Set(),
      editingId: this.textEdit?.id ?? null,
      remoteCursors: this.remoteCursors,
    };
  }

  private readonly onBoardChange = (change: BoardChange): void => {
    this.scene.apply(change);
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
      for (const shape of this.selectedShapes()) {
        const patch: Record<string, unknown> = {};
        if (style.strokeColor !== undefined) patch.strokeColor = style.strokeColor;
        if (style.strokeWidth !== undefined) patch.strokeWidth = style.strokeWidth;
        if (style.opacity !== undefined) patch.opacity = style.opacity;
        if (style.fillColor !== undefined && shape.type !== 'freehand' && shape.type !== 'line' && shape.type !== 'arrow' && shape.type !== 'image') {
          patch.fillColor = shape.type === 'sticky' && style.fillColor === 'transparent' ? DEFAULT_STICKY_FILL : style.fillColor;
        }
        if (style.fontSize !== undefined && (shape.type === 'text' || shape.type === 'sticky')) {
          patch.fontSize = style.fontSize;
          if (shape.type === 'text') Object.assign(patch, this.measure(shape.text, style.fontSize));
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
    const ids = this.selection;
    this.setSelection([]);
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
    this.board.translateShapes(this.selection, dx, dy);
    this.changed();
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
    if (!shape || (shape.type !== 'text' && shape.type !== 'sticky')) return;
    this.setSelection([id]);
    this.beginTextEdit({
      id,
      type: shape.type,
      x: shape.x,
      y: shape.y,
      w: shape.w,
      h: shape.h,
      rotation: shape.rotation,
      fontSize: shape.fontSize,
      textAlign: shape.textAlign,
      color: shape.strokeColor,
      text: shape.text,
    });
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
      const size = this.measure(value, session.fontSize);
      if (!id) {
        if (!value) return null;
        id = this.oneStep(() => this.board.addShape({ type: 'text', x: session.x, y: session.y, ...size, text: value, fontSize: session.fontSize, textAlign: session.textAlign, strokeColor: this.style.strokeColor, opacity: this.style.opacity })).id;
      } else if (!value) {
        this.oneStep(() => this.board.deleteShapes([session.id!]));
        this.changed();
        return null;
      } else if (this.board.has(id)) {
        this.oneStep(() => this.board.updateShape(id!, { text: value, ...size }));
      }
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

  /** Top-most shape under a world point (tolerance in screen pixels). */
  shapeAt(world: Point, tolerancePx = 6, filter?: (shape: Shape) => boolean): Shape | null {
    const tolerance = tolerancePx / this.camera.zoom;
    const candidates = this.scene.query({ minX: world.x - tolerance, minY: world.y - tolerance, maxX: world.x + tolerance, maxY: world.y + tolerance });
    for (let i = candidates.length - 1; i >= 0; i--) {
      const shape = candidates[i]!.shape;
      if (filter && !filter(shape)) continue;
      if (hitShape(shape, world, tolerance, this.scene.lookup)) return shape;
    }
    return null;
  }

  /** Top-most shape an arrow end at `world` binds to: anything but lines and arrows, hit anywhere in its box. */
  bindableAt(world: Point, exclude?: string): Shape | null {
    const candidates = this.scene.query({ minX: world.x, minY: world.y, maxX: world.x, maxY: world.y });
    for (let i = candidates.length - 1; i >= 0; i--) {
      const shape = candidates[i]!.shape;
      if (shape.type === 'line' || shape.type === 'arrow' || shape.id === exclude) continue;
      const local = toLocal(shape, world);
      if (local.x >= 0 && local.y >= 0 && local.x <= shape.w && local.y <= shape.h) return shape;
    }
    return null;
  }

  selectedShapes(): Shape[] {
    return this.selection.map((id) => this.scene.lookup(id)).filter((s): s is Shape => !!s);
  }

  /** CSS cursor for a pointer hovering at `screen`. */
  cursorAt(screen: Point): string {
    if (this.gesture?.kind === 'pan' || this.gesture?.kind === 'pinch') return 'grabbing';
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
    if (input.button === 1 || this.tool === 'hand' || this.spaceHeld) {
      this.gesture = { kind: 'pan', last: screen };
      this.changed();
      return;
    }
    if (input.button !== 0 && input.pointerType === 'mouse') return;
    const tool = this.readOnly && EDIT_TOOLS.has(this.tool) ? 'select' : this.tool;
    switch (tool) {
      case 'select':
        this.selectDown(input, screen, world);
        break;
      case 'rectangle':
      case 'ellipse':
      case 'diamond':
        this.gesture = { kind: 'box', tool, start: screen, startWorld: world, current: world };
        break;
      case 'line':
      case 'arrow':
        this.gesture = { kind: 'line', tool, start: screen, startWorld: world, current: world, startBinding: tool === 'arrow' ? (this.bindableAt(world)?.id ?? null) : null };
        break;
      case 'pen':
      case 'highlighter':
        this.gesture = { kind: 'freehand', variant: tool, points: [world.x, world.y, pressureOf(input)] };
        this.updateFreehandDraft();
        break;
      case 'eraser':
        this.gesture = { kind: 'erase', last: world, hits: new Set() };
        this.eraseAlong(world, world);
        break;
      case 'text': {
        const hit = this.shapeAt(world, 6, (s) => s.type === 'text' || s.type === 'sticky');
        if (hit) this.editShapeText(hit.id);
        else this.startNewText(world);
        break;
      }
      case 'sticky':
        this.createSticky(world);
        break;
      default:
        break;
    }
    this.changed();
  }

  pointerMove(input: PointerInput): void {
    if (this.pointers.has(input.pointerId)) this.pointers.set(input.pointerId, { x: input.x, y: input.y });
    const gesture = this.gesture;
    if (!gesture) return;
    const screen = { x: input.x, y: input.y };
    const world = this.camera.screenToWorld(screen);
    switch (gesture.kind) {
      case 'pan':
        this.camera.panBy(screen.x - gesture.last.x, screen.y - gesture.last.y);
        gesture.last = screen;
        break;
      case 'pinch':
        this.updatePinch();
        break;
      case 'press':
        this.pressMove(gesture, screen, world, input.shiftKey);
        break;
      case 'resize':
        this.resizeMove(gesture, world, input.shiftKey || gesture.keepRatio);
        break;
      case 'rotate': {
        let angle = Math.atan2(world.y - gesture.center.y, world.x - gesture.center.x) - gesture.startAngle;
        if (input.shiftKey) angle = Math.round(angle / (Math.PI / 12)) * (Math.PI / 12);
        this.applyFromSnapshot(gesture.snapshot, (shape) => {
          const moved = rotatePoint(shapeCenter(shape), gesture.center, angle);
          return { x: moved.x - shape.w / 2, y: moved.y - shape.h / 2, rotation: normalizeAngle(shape.rotation + angle) };
        });
        break;
      }
      case 'marquee': {
        this.marquee = normalizeRect(gesture.startWorld, world);
        const inside = this.scene
          .query(this.marquee)
          .filter((item) => boundsContain(this.marquee!, shapeBounds(item.shape)))
          .map((item) => item.id);
        const ids = this.board.expandGroups(inside);
        this.setSelection(gesture.shift ? [...gesture.base, ...ids] : ids);
        break;
      }
      case 'box':
        gesture.current = input.shiftKey ? squareFrom(gesture.startWorld, world) : world;
        this.drafts = [draftShape(this.boxInput(gesture.tool, gesture.startWorld, gesture.current), this.style)];
        break;
      case 'line':
        gesture.current = input.shiftKey ? snapAngle(gesture.startWorld, world) : world;
        this.drafts = [draftShape(this.lineInput(gesture.tool, gesture.startWorld, gesture.current, gesture.startBinding, null), this.style)];
        break;
      case 'freehand': {
        const pts = gesture.points;
        const lastX = pts[pts.length - 3]!;
        const lastY = pts[pts.length - 2]!;
        // Points closer than half a screen pixel add nothing but weight.
        if (Math.hypot(world.x - lastX, world.y - lastY) * this.camera.zoom < 0.5) return;
        pts.push(world.x, world.y, pressureOf(input));
        this.updateFreehandDraft();
        break;
      }
      case 'erase':
        this.eraseAlong(gesture.last, world);
        gesture.last = world;
        break;
    }
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
    switch (gesture.kind) {
      case 'press':
        // A click (no drag) on a member of a multi-selection selects just that shape.
        if (!gesture.moved && gesture.hitId && !gesture.shift && !gesture.toggled && this.selection.length > 1) {
          this.setSelection(this.board.expandGroups([gesture.hitId]));
        }
        break;
      case 'marquee':
        this.marquee = null;
        break;
      case 'box': {
        const dragged = dist(screen, gesture.start) >= DRAG_THRESHOLD;
        const end = dragged ? gesture.current : { x: gesture.startWorld.x + 120 / this.camera.zoom, y: gesture.startWorld.y + 80 / this.camera.zoom };
        const shape = this.oneStep(() => this.board.addShape(this.boxInput(gesture.tool, gesture.startWorld, end)));
        this.setSelection([shape.id]);
        break;
      }
      case 'line': {
        if (dist(this.camera.worldToScreen(gesture.current), gesture.start) >= DRAG_THRESHOLD) {
          const endBinding = gesture.tool === 'arrow' ? (this.bindableAt(gesture.current, gesture.startBinding ?? undefined)?.id ?? null) : null;
          const shape = this.oneStep(() => this.board.addShape(this.lineInput(gesture.tool, gesture.startWorld, gesture.current, gesture.startBinding, endBinding)));
          this.setSelection([shape.id]);
        }
        break;
      }
      case 'freehand':
        this.oneStep(() => this.board.addShape(this.freehandInput(gesture.variant, gesture.points)));
        break;
      case 'erase':
        if (gesture.hits.size > 0) this.oneStep(() => this.board.deleteShapes([...gesture.hits]));
        break;
      default:
        break;
    }
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
    const hit = this.shapeAt(world);
    if (hit && (hit.type === 'text' || hit.type === 'sticky')) this.editShapeText(hit.id);
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
    if (this.gesture?.kind === 'marquee') this.marquee = null;
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

  // ---- select tool -------------------------------------------------------------------------------------

  private selectDown(input: PointerInput, screen: Point, world: Point): void {
    const frame = this.overlay().frame;
    if (frame && !this.readOnly) {
      const handle = hitHandle(frame, world, this.camera.zoom);
      if (handle === 'rotate') {
        const center = frameCenter(frame);
        this.beginGestureCapture();
        this.gesture = { kind: 'rotate', center, startAngle: Math.atan2(world.y - center.y, world.x - center.x), snapshot: this.snapshot() };
        return;
      }
      if (handle) {
        // Handles are drawn a little outside the shape: remember where within the handle it was grabbed, so
        // the edge follows the pointer from where it is instead of jumping to it.
        const spec = HANDLES.find((h) => h.id === handle)!;
        const center = frameCenter(frame);
        const local = rotatePoint(world, center, -frame.rotation);
        const grab = { x: local.x - (frame.x + frame.w * spec.u), y: local.y - (frame.y + frame.h * spec.v) };
        this.beginGestureCapture();
        this.gesture = { kind: 'resize', handle, frame, snapshot: this.snapshot(), keepRatio: false, grab };
        return;
      }
    }
    const tolerance = input.pointerType === 'touch' ? 12 : 6;
    const hit = this.shapeAt(world, tolerance);
    let toggled = false;
    if (hit) {
      const ids = this.board.expandGroups([hit.id]);
      if (input.shiftKey) {
        const allSelected = ids.every((id) => this.selection.includes(id));
        this.setSelection(allSelected ? this.selection.filter((id) => !ids.includes(id)) : [...this.selection, ...ids]);
        toggled = true;
      } else if (!this.selection.includes(hit.id)) {
        this.setSelection(ids);
        toggled = true;
      }
    } else if (!(frame && this.selection.length > 1 && insideFrame(frame, world, this.camera.zoom))) {
      this.gesture = { kind: 'marquee', startWorld: world, base: input.shiftKey ? [...this.selection] : [], shift: input.shiftKey };
      if (!input.shiftKey) this.setSelection([]);
      return;
    }
    if (this.selection.length === 0) return;
    this.gesture = { kind: 'press', start: screen, startWorld: world, hitId: hit?.id ?? null, shift: input.shiftKey, moved: false, snapshot: this.snapshot(), toggled };
  }

  private pressMove(gesture: Extract<Gesture, { kind: 'press' }>, screen: Point, world: Point, shift: boolean): void {
    if (!gesture.moved) {
      if (dist(screen, gesture.start) < DRAG_THRESHOLD || this.readOnly) return;
      gesture.moved = true;
      this.beginGestureCapture();
    }
    let dx = world.x - gesture.startWorld.x;
    let dy = world.y - gesture.startWorld.y;
    if (shift) {
      // Shift constrains the move to the dominant axis.
      if (Math.abs(dx) > Math.abs(dy)) dy = 0;
      else dx = 0;
    }
    this.applyFromSnapshot(gesture.snapshot, (shape) => ({ x: shape.x + dx, y: shape.y + dy }));
  }

  private resizeMove(gesture: Extract<Gesture, { kind: 'resize' }>, world: Point, keepRatio: boolean): void {
    const { frame, handle } = gesture;
    // Work in the frame's own (unrotated) axes so rotated shapes resize along their sides.
    const center = frameCenter(frame);
    const pointer = rotatePoint(world, center, -frame.rotation);
    const local = { x: pointer.x - gesture.grab.x, y: pointer.y - gesture.grab.y };
    const movesLeft = handle.includes('w');
    const movesRight = handle.includes('e');
    const movesTop = handle.includes('n');
    const movesBottom = handle.includes('s');
    let minX = frame.x;
    let maxX = frame.x + frame.w;
    let minY = frame.y;
    let maxY = frame.y + frame.h;
    const minSize = 1;
    if (movesLeft) minX = Math.min(local.x, maxX - minSize);
    if (movesRight) maxX = Math.max(local.x, minX + minSize);
    if (movesTop) minY = Math.min(local.y, maxY - minSize);
    if (movesBottom) maxY = Math.max(local.y, minY + minSize);
    let sx = frame.w > 0 ? (maxX - minX) / frame.w : 1;
    let sy = frame.h > 0 ? (maxY - minY) / frame.h : 1;
    if (keepRatio && (movesLeft || movesRight) && (movesTop || movesBottom)) {
      const s = Math.max(sx, sy);
      sx = s;
      sy = s;
      if (movesLeft) minX = maxX - frame.w * s;
      else maxX = minX + frame.w * s;
      if (movesTop) minY = maxY - frame.h * s;
      else maxY = minY + frame.h * s;
    }
    if (!(sx > 0) || !(sy > 0) || !Number.isFinite(sx) || !Number.isFinite(sy)) return;
    // The anchor (the unmoved side) stays put in world space; the new frame's centre is rotated back.
    const newCenterLocal = { x: (minX + maxX) / 2, y: (minY + maxY) / 2 };
    const newCenter = rotatePoint(newCenterLocal, center, frame.rotation);
    const newFrame = { x: newCenter.x - (maxX - minX) / 2, y: newCenter.y - (maxY - minY) / 2 };
    this.applyFromSnapshot(gesture.snapshot, (shape) => {
      // Each shape's position relative to the frame, in frame axes, scaled; sizes scale along frame axes
      // (exact for a single shape or unrotated shapes; approximate for rotated members of a multi-select).
      const c = rotatePoint(shapeCenter(shape), center, -frame.rotation);
      const rel = { x: (c.x - frame.x) * sx, y: (c.y - frame.y) * sy };
      const nc = rotatePoint({ x: newFrame.x + rel.x, y: newFrame.y + rel.y }, { x: newFrame.x + (maxX - minX) / 2, y: newFrame.y + (maxY - minY) / 2 }, frame.rotation);
      const w = shape.w * sx;
      const h = shape.h * sy;
      const patch: Record<string, unknown> = { x: nc.x - w / 2, y: nc.y - h / 2, w, h };
      if (shape.type === 'freehand') patch.points = shape.points.map((v, i) => (i % 3 === 0 ? v * sx : i % 3 === 1 ? v * sy : v));
      if (shape.type === 'line' || shape.type === 'arrow') patch.points = shape.points.map((v, i) => (i % 2 === 0 ? v * sx : v * sy));
      if (shape.type === 'text' || shape.type === 'sticky') {
        // Text scales its font with the box (corner drags); sticky notes keep theirs and just reflow.
        if (shape.type === 'text') patch.fontSize = Math.min(1000, Math.max(1, shape.fontSize * Math.min(sx, sy)));
      }
      return patch as ShapePatch;
    });
  }

  // ---- drawing tools -----------------------------------------------------------------------------------

  private boxInput(tool: 'rectangle' | 'ellipse' | 'diamond', a: Point, b: Point): NewShape {
    const r = normalizeRect(a, b);
    return { type: tool, x: r.minX, y: r.minY, w: r.maxX - r.minX, h: r.maxY - r.minY, ...this.shapeStyle() };
  }

  private lineInput(tool: 'line' | 'arrow', a: Point, b: Point, startBinding: string | null, endBinding: string | null): NewShape {
    const x = Math.min(a.x, b.x);
    const y = Math.min(a.y, b.y);
    const base = { x, y, w: Math.abs(b.x - a.x), h: Math.abs(b.y - a.y), points: [a.x - x, a.y - y, b.x - x, b.y - y], ...this.shapeStyle(), fillColor: 'transparent' };
    return tool === 'arrow' ? { type: 'arrow', ...base, startBinding, endBinding } : { type: 'line', ...base };
  }

  private freehandInput(variant: 'pen' | 'highlighter', world: number[]): NewShape {
    let minX = Infinity;
    let minY = Infinity;
    let maxX = -Infinity;
    let maxY = -Infinity;
    for (let i = 0; i < world.length; i += 3) {
      minX = Math.min(minX, world[i]!);
      minY = Math.min(minY, world[i + 1]!);
      maxX = Math.max(maxX, world[i]!);
      maxY = Math.max(maxY, world[i + 1]!);
    }
    const points = world.map((v, i) => (i % 3 === 0 ? v - minX : i % 3 === 1 ? v - minY : Math.round(v * 100) / 100));
    const style = this.shapeStyle();
    const strokeColor = variant === 'highlighter' && style.strokeColor === DEFAULT_STYLE_STATE.strokeColor ? HIGHLIGHTER_DEFAULT_COLOR : style.strokeColor;
    return { type: 'freehand', variant, x: minX, y: minY, w: maxX - minX, h: maxY - minY, points, ...style, strokeColor, fillColor: 'transparent' };
  }

  private updateFreehandDraft(): void {
    const gesture = this.gesture;
    if (gesture?.kind !== 'freehand') return;
    this.drafts = [draftShape(this.freehandInput(gesture.variant, gesture.points), this.style)];
  }

  private startNewText(world: Point): void {
    const fontSize = this.style.fontSize;
    this.setSelection([]);
    this.beginTextEdit({ id: null, type: 'text', x: world.x, y: world.y - (fontSize * 1.25) / 2, w: fontSize, h: fontSize * 1.25, rotation: 0, fontSize, textAlign: 'left', color: this.style.strokeColor, text: '' });
  }

  private createSticky(world: Point): void {
    const size = 200;
    const fillColor = this.style.fillColor === 'transparent' ? DEFAULT_STICKY_FILL : this.style.fillColor;
    const shape = this.oneStep(() =>
      this.board.addShape({ type: 'sticky', x: world.x - size / 2, y: world.y - size / 2, w: size, h: size, text: '', fontSize: this.style.fontSize, fillColor, strokeWidth: 0, opacity: this.style.opacity }),
    );
    this.editShapeText(shape.id);
  }

  private eraseAlong(from: Point, to: Point): void {
    const gesture = this.gesture;
    if (gesture?.kind !== 'erase') return;
    const tolerance = 8 / this.camera.zoom;
    const box = normalizeRect(from, to);
    const candidates = this.scene.query({ minX: box.minX - tolerance, minY: box.minY - tolerance, maxX: box.maxX + tolerance, maxY: box.maxY + tolerance });
    const length = Math.hypot(to.x - from.x, to.y - from.y);
    const steps = Math.max(1, Math.ceil(length / tolerance));
    for (const item of candidates) {
      if (gesture.hits.has(item.id)) continue;
      for (let i = 0; i <= steps; i++) {
        const p = { x: from.x + ((to.x - from.x) * i) / steps, y: from.y + ((to.y - from.y) * i) / steps };
        if (hitShape(item.shape, p, tolerance, this.scene.lookup)) {
          gesture.hits.add(item.id);
          break;
        }
      }
    }
  }

  private shapeStyle(): { strokeColor: string; fillColor: string; strokeWidth: number; opacity: number } {
    const { strokeColor, fillColor, strokeWidth, opacity } = this.style;
    return { strokeColor, fillColor, strokeWidth, opacity };
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
  private oneStep<T>(fn: () => T): T {
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
  private beginGestureCapture(): void {
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

  private snapshot(): Snapshot {
    return { shapes: this.selectedShapes() };
  }

  private applyFromSnapshot(snapshot: Snapshot, patch: (shape: Shape) => ShapePatch): void {
    const patches = snapshot.shapes.filter((s) => this.board.has(s.id)).map((shape) => [shape.id, patch(shape)] as const);
    try {
      this.board.updateShapes(patches);
    } catch {
      // A degenerate intermediate (e.g. zero-size) is skipped; the next move applies.
    }
  }

  private measure(text: string, fontSize: number): { w: number; h: number } {
    return measureTextBlock(text, fontSize, this.hooks.measureText);
  }
}

function pressureOf(input: PointerInput): number {
  // Mice report 0 (or 0.5 while pressed); only pens and touch carry real pressure.
  if (input.pointerType === 'pen' && input.pressure > 0) return input.pressure;
  return 0.5;
}

function dist(a: Point, b: Point): number {
  return Math.hypot(a.x - b.x, a.y - b.y);
}

function squareFrom(a: Point, b: Point): Point {
  const size = Math.max(Math.abs(b.x - a.x), Math.abs(b.y - a.y));
  return { x: a.x + Math.sign(b.x - a.x || 1) * size, y: a.y + Math.sign(b.y - a.y || 1) * size };
}

function snapAngle(a: Point, b: Point): Point {
  const step = Math.PI / 12;
  const angle = Math.round(Math.atan2(b.y - a.y, b.x - a.x) / step) * step;
  const length = dist(a, b);
  return { x: a.x + Math.cos(angle) * length, y: a.y + Math.sin(angle) * length };
}

function normalizeAngle(angle: number): number {
  const full = Math.PI * 2;
  return ((angle % full) + full) % full;
}

function insideFrame(selected: Frame, p: Point, zoom: number): boolean {
  const frame = displayFrame(selected, zoom);
  const local = rotatePoint(p, frameCenter(frame), -frame.rotation);
  return local.x >= frame.x && local.x <= frame.x + frame.w && local.y >= frame.y && local.y <= frame.y + frame.h;
}

function handleCursor(handle: Exclude<HandleId, 'rotate'>, rotation: number): string {
  const cursors = ['ew-resize', 'nwse-resize', 'ns-resize', 'nesw-resize'];
  const base: Record<string, number> = { e: 0, w: 0, se: 1, nw: 1, s: 2, n: 2, sw: 3, ne: 3 };
  const steps = Math.round(rotation / (Math.PI / 4));
  return cursors[(((base[handle]! + steps) % 4) + 4) % 4]!;
}

/** A full shape record for something being drawn (never stored: drafts are drawn by the renderer only). */
function draftShape(input: NewShape, _style: StyleState): Shape {
  return Shape.parse({ ...input, id: 'draft', z: 'draft' });
}

function sameState(a: EngineState, b: EngineState): boolean {
  return (
    a.tool === b.tool &&
    a.zoom === b.zoom &&
    a.canUndo === b.canUndo &&
    a.canRedo === b.canRedo &&
    a.shapeCount === b.shapeCount &&
    a.readOnly === b.readOnly &&
    a.theme === b.theme &&
    a.selection.length === b.selection.length &&
    a.selection.every((id, i) => id === b.selection[i]) &&
    JSON.stringify(a.style) === JSON.stringify(b.style)
  );
}

