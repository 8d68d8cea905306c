import type { Asset, Board, Point } from '@meshboard/board';
import { IMAGE_TYPES, ImageCache, imageSize } from './dom/images.js';
import { onBoardKeyDown } from './dom/keyboard.js';
import { OverviewScheduler } from './dom/overview-scheduler.js';
import { TextOverlay } from './dom/text-overlay.js';
import { Editor, type PointerInput } from './editor.js';
import type { AlignOp } from './transform/align.js';
import { cssFont } from './style/stroke.js';
import { Renderer, type FrameStats, type RenderContext } from './renderer.js';
import { SHORTCUTS } from './shortcuts.js';
import { clampZoom } from './camera.js';
import { LiveOverlays, localLiveDraft, type RemoteLive } from './overlays/LiveOverlays.js';
import type { CanvasEngineOptions, EngineState, RemoteCursor, Shortcut, StyleState, Theme, ToolId } from './types.js';

/**
 * The DOM side of the engine: owns a <canvas> and a text-editing <textarea> inside the container, turns
 * pointer, wheel, keyboard, clipboard and drop events into Editor calls, and draws at most once per
 * animation frame, only when something changed. Its DOM parts are in dom/: the text overlay, decoded
 * images, keyboard shortcuts and idle-time overview building.
 */
export class CanvasEngine {
  readonly shortcuts: ReadonlyArray<Shortcut> = SHORTCUTS;
  /** the DOM-free core (camera, tools, selection); exposed for tests, benchmarks and advanced hosts */
  readonly editor: Editor;
  readonly canvas: HTMLCanvasElement;
  /** statistics of the last drawn frame (benchmarks and debugging) */
  lastFrame: FrameStats | null = null;

  private readonly container: HTMLElement;
  private readonly board: Board;
  private readonly ctx: CanvasRenderingContext2D;
  private readonly renderer: Renderer;
  private readonly text: TextOverlay;
  private readonly fileInput: HTMLInputElement;
  private readonly resizeObserver: ResizeObserver | null;
  private readonly options: CanvasEngineOptions;
  private readonly images: ImageCache;
  private readonly overview: OverviewScheduler;
  private readonly cleanups: Array<() => void> = [];
  private frameRequest: number | null = null;
  private dpr = 1;
  private destroyed = false;
  private lastPointerWorld: Point | null = null;
  private laidOut = false;
  /** other people's drafts and laser trails, and ours (overlays/LiveOverlays.ts) */
  private readonly live: LiveOverlays;
  private laserColor: string | null = null;
  private lastDraftRef: unknown = null;
  private lastDraftText: string | null = null;
  private laserPublished = false;
  private lastViewKey = '';
  private lastCameraKey = '';
  private expectedCameraKey: string | null = null;

  constructor(options: CanvasEngineOptions) {
    this.options = options;
    this.container = options.container;
    this.board = options.board;
    this.renderer = new Renderer(options.renderMode ?? 'optimized');
    this.live = new LiveOverlays(options.board);
    this.images = new ImageCache(this.board, () => this.requestRender());
    this.cleanups.push(() => this.images.destroy());
    this.canvas = document.createElement('canvas');
    this.canvas.tabIndex = 0;
    this.canvas.setAttribute('aria-label', 'Whiteboard canvas');
    Object.assign(this.canvas.style, { display: 'block', width: '100%', height: '100%', touchAction: 'none', outline: 'none', userSelect: 'none' });
    if (getComputedStyle(this.container).position === 'static') this.container.style.position = 'relative';
    this.container.appendChild(this.canvas);
    const ctx = this.canvas.getContext('2d', { alpha: false });
    if (!ctx) throw new Error('Canvas 2D is not available');
    this.ctx = ctx;

    this.text = new TextOverlay(this.container, this.canvas, this.ctx, () => this.editor);
    this.watchFonts();

    this.fileInput = document.createElement('input');
    this.fileInput.type = 'file';
    this.fileInput.accept = [...IMAGE_TYPES].join(',');
    this.fileInput.style.display = 'none';
    this.container.appendChild(this.fileInput);

    this.editor = new Editor(
      this.board,
      {
        requestRender: () => this.requestRender(),
        onTextEdit: (session) => this.text.show(session),
        onSelectionChange: (ids) => options.onSelectionChange?.(ids),
        measureText: (text, font) => {
          this.ctx.font = font;
          return this.ctx.measureText(text).width;
        },
      },
      { readOnly: options.readOnly ?? false, theme: options.theme ?? 'light' },
    );
    this.overview = new OverviewScheduler(
      this.renderer,
      () => ({ camera: this.editor.camera, dpr: this.dpr, theme: this.editor.theme, scene: this.editor.scene }),
      () => this.requestRender(),
    );
    this.editor.subscribe((state) => {
      this.container.dataset.shapeCount = String(state.shapeCount);
    });
    this.container.dataset.shapeCount = String(this.board.size);

    this.attachEvents();
    this.resizeObserver = typeof ResizeObserver === 'function' ? new ResizeObserver(() => this.resize()) : null;
    this.resizeObserver?.observe(this.container);
    this.resize();
  }

  // ---- public API --------------------------------------------------------------------------------------

  getState(): EngineState {
    return this.editor.getState();
  }

  subscribe(listener: (state: EngineState) => void): () => void {
    return this.editor.subscribe(listener);
  }

  setTool(tool: ToolId): void {
    this.editor.setTool(tool);
    if (tool === 'image' && this.editor.tool === 'image') this.fileInput.click();
    this.updateCursor();
  }

  setStyle(style: Partial<StyleState>): void {
    this.editor.setStyle(style);
  }

  setTheme(theme: Theme): void {
    this.editor.setTheme(theme);
    this.text.restyle();
  }

  setReadOnly(readOnly: boolean): void {
    this.editor.setReadOnly(readOnly);
  }

  undo(): void {
    this.editor.undo();
  }

  redo(): void {
    this.editor.redo();
  }

  deleteSelection(): void {
    this.editor.deleteSelection();
  }

  flipSelection(axis: 'horizontal' | 'vertical'): void {
    this.editor.flipSelection(axis);
  }

  alignSelection(op: AlignOp): void {
    this.editor.alignSelection(op);
  }

  distributeSelection(axis: 'horizontal' | 'vertical'): void {
    this.editor.distributeSelection(axis);
  }

  /** The board's frames (id and name), for a frames list. */
  frames(): Array<{ id: string; name: string }> {
    return this.editor.frames();
  }

  /** Renames a frame (the frames list); synced to peers like any shape change. */
  renameFrame(id: string, name: string): void {
    this.editor.renameFrame(id, name);
  }

  /** Opens a frame's name for typing over its title on the canvas (the context menu's Rename). */
  editFrameName(id: string): void {
    this.editor.editFrameName(id);
  }

  /** Brings a shape into view and selects it (a frames list entry). */
  zoomToShape(id: string): void {
    this.editor.zoomToShape(id);
  }

  toggleLockSelection(): void {
    this.editor.toggleLockSelection();
  }

  groupSelection(): void {
    this.editor.groupSelection();
  }

  ungroupSelection(): void {
    this.editor.ungroupSelection();
  }

  setGridSnap(on: boolean): void {
    this.editor.setGridSnap(on);
  }

  /** Copies the selection to the system clipboard as our payload (the context menu's Copy). */
  async copyToClipboard(): Promise<boolean> {
    const payload = this.editor.copySelection();
    if (!payload || !navigator.clipboard) return false;
    await navigator.clipboard.writeText(payload);
    return true;
  }

  duplicateSelection(): void {
    this.editor.duplicateSelection();
  }

  reorderSelection(op: 'front' | 'back' | 'forward' | 'backward'): void {
    this.editor.reorderSelection(op);
  }

  selectAll(): void {
    this.editor.selectAll();
  }

  clearSelection(): void {
    this.editor.clearSelection();
  }

  zoomIn(): void {
    this.editor.zoomIn();
  }

  zoomOut(): void {
    this.editor.zoomOut();
  }

  resetZoom(): void {
    this.editor.resetZoom();
  }

  zoomToFit(): void {
    this.editor.zoomToFit();
  }

  /** Other people's live drafts and laser trails (validated here before anything is drawn). */
  setRemoteLive(people: readonly RemoteLive[]): void {
    this.live.setRemote(people);
    this.requestRender();
  }

  /** The laser pointer: while on, pointer drags draw a fading trail for everyone instead of using a tool. */
  setLaser(color: string | null): void {
    this.laserColor = color;
    if (!color) this.live.laserEnd();
    this.updateCursor();
  }

  get laserOn(): boolean {
    return this.laserColor !== null;
  }

  /** The visible world rectangle. */
  getView(): { x: number; y: number; w: number; h: number } {
    const { camera, viewport } = this.editor;
    return { x: camera.x, y: camera.y, w: viewport.width / camera.zoom, h: viewport.height / camera.zoom };
  }

  /** Shows the world rectangle `view` (fitted and centred): following someone, or a presentation's frame. */
  setView(view: { x: number; y: number; w: number; h: number }): void {
    const { camera, viewport } = this.editor;
    camera.zoom = clampZoom(Math.min(viewport.width / Math.max(view.w, 1e-6), viewport.height / Math.max(view.h, 1e-6)));
    camera.centerOn({ x: view.x + view.w / 2, y: view.y + view.h / 2 }, viewport);
    this.expectedCameraKey = cameraKey(camera);
    this.editor.changed();
  }

  setRemoteCursors(cursors: RemoteCursor[]): void {
    this.editor.setRemoteCursors(cursors);
  }

  copySelection(): string | null {
    return this.editor.copySelection();
  }

  paste(payload: string, at?: { x: number; y: number }): string[] {
    return this.editor.paste(payload, at);
  }

  async insertImage(file: Blob, at?: { x: number; y: number }): Promise<string | null> {
    if (this.editor.readOnly) return null;
    const mimeType = file.type as Asset['mimeType'];
    if (!IMAGE_TYPES.has(mimeType)) return null;
    try {
      const data = new Uint8Array(await file.arrayBuffer());
      const { width, height } = await imageSize(file);
      return await this.editor.insertImageAsset({ mimeType, data, width, height }, at);
    } catch (error) {
      console.warn('meshboard: could not insert image', error);
      return null;
    }
  }

  /** Bytes the renderer's overview images hold, outside the JS heap (benchmarks). */
  get overviewBytes(): number {
    return this.renderer.overviewBytes;
  }

  /** Draws now (benchmarks); normally frames are drawn on requestAnimationFrame only after a change. */
  renderNow(): FrameStats {
    if (this.frameRequest !== null) cancelAnimationFrame(this.frameRequest);
    this.frameRequest = null;
    return this.render();
  }

  destroy(): void {
    if (this.destroyed) return;
    this.destroyed = true;
    if (this.frameRequest !== null) cancelAnimationFrame(this.frameRequest);
    this.overview.stop();
    this.resizeObserver?.disconnect();
    for (const cleanup of this.cleanups) cleanup();
    this.editor.destroy();
    this.canvas.remove();
    this.text.remove();
    this.fileInput.remove();
    this.options.onCursorMove?.(null);
  }

  // ---- rendering ---------------------------------------------------------------------------------------

  private requestRender(): void {
    if (this.destroyed || this.frameRequest !== null) return;
    this.frameRequest = requestAnimationFrame(() => {
      this.frameRequest = null;
      this.render();
      // The naive baseline redraws every frame whether or not anything changed.
      if (this.renderer.mode === 'naive') this.requestRender();
    });
  }

  private render(): FrameStats {
    if (window.devicePixelRatio !== this.dpr) this.resize();
    const stats = this.renderer.draw({
      ctx: this.ctx as RenderContext,
      camera: this.editor.camera,
      viewport: this.editor.viewport,
      dpr: this.dpr,
      theme: this.editor.theme,
      scene: this.editor.scene,
      overlay: this.withRemoteDrafts(this.editor.overlay()),
      getImage: (assetId) => this.images.get(assetId),
    });
    this.lastFrame = stats;
    if (this.live.draw(this.ctx, this.editor.camera, this.editor.viewport, this.dpr)) this.requestRender();
    this.publishLive();
    if (this.editor.textEdit) this.text.position(this.editor.textEdit);
    // Some strokes were drawn with a stand-in to keep this frame fast: refine them on the next one.
    if (stats.deferred > 0) this.requestRender();
    if (this.renderer.overviewWanted) this.overview.schedule();
    return stats;
  }

  private resize(): void {
    const width = this.container.clientWidth;
    const height = this.container.clientHeight;
    this.dpr = window.devicePixelRatio || 1;
    this.canvas.width = Math.max(1, Math.round(width * this.dpr));
    this.canvas.height = Math.max(1, Math.round(height * this.dpr));
    this.editor.setViewport({ width, height });
    if (!this.laidOut && width > 0 && height > 0) {
      this.laidOut = true;
      if (this.board.size > 0) this.editor.zoomToFit();
    }
    if (!this.destroyed) this.render();
  }

  /**
   * The bundled fonts (hand, serif, mono) arrive after the first frames: ask for them up front, and when any
   * font finishes loading drop the text layouts measured with a fallback and draw again.
   */
  private watchFonts(): void {
    const fonts = (document as Document & { fonts?: FontFaceSet }).fonts;
    if (!fonts) return;
    const redraw = () => {
      if (this.destroyed) return;
      this.renderer.fontsChanged();
      this.requestRender();
    };
    fonts.addEventListener('loadingdone', redraw);
    this.cleanups.push(() => fonts.removeEventListener('loadingdone', redraw));
    for (const family of ['hand', 'serif', 'mono'] as const) void fonts.load(cssFont(20, family)).catch(() => undefined);
  }

  // ---- events ------------------------------------------------------------------------------------------

  private listen<K extends keyof HTMLElementEventMap>(target: HTMLElement, type: K, handler: (event: HTMLElementEventMap[K]) => void, options?: AddEventListenerOptions): void;
  private listen(target: EventTarget, type: string, handler: (event: Event) => void, options?: AddEventListenerOptions): void;
  private listen(target: EventTarget, type: string, handler: (event: never) => void, options?: AddEventListenerOptions): void {
    const listener = handler as unknown as EventListener;
    target.addEventListener(type, listener, options);
    this.cleanups.push(() => target.removeEventListener(type, listener, options));
  }

  private pointerInput(event: PointerEvent): PointerInput {
    const rect = this.canvas.getBoundingClientRect();
    return {
      x: event.clientX - rect.left,
      y: event.clientY - rect.top,
      pointerId: event.pointerId,
      pointerType: event.pointerType,
      pressure: event.pressure,
      button: event.button,
      shiftKey: event.shiftKey,
      altKey: event.altKey,
      ctrlKey: event.ctrlKey,
      metaKey: event.metaKey,
    };
  }

  private withRemoteDrafts(overlay: ReturnType<Editor['overlay']>): ReturnType<Editor['overlay']> {
    const remote = this.live.remoteDrafts();
    return remote.length === 0 ? overlay : { ...overlay, drafts: [...remote, ...overlay.drafts] };
  }

  /** Tells the host what changed in our draft, laser and view since the last frame. */
  private publishLive(): void {
    const { drafts, textEdit } = this.editor;
    const text = textEdit ? textEdit.text : null;
    if (drafts !== this.lastDraftRef || text !== this.lastDraftText) {
      const wasEmpty = this.lastDraftRef === null && this.lastDraftText === null;
      const draft = localLiveDraft(drafts, textEdit);
      this.lastDraftRef = drafts.length > 0 ? drafts : null;
      this.lastDraftText = text;
      if (draft || !wasEmpty) this.options.onLiveDraft?.(draft);
      if (!draft) this.lastDraftRef = null;
    }
    if (this.laserColor || this.laserPublished) {
      const trail = this.live.localLaser();
      if (trail || this.laserPublished) this.options.onLaser?.(trail);
      this.laserPublished = trail !== null;
    }
    const key = cameraKey(this.editor.camera);
    const view = this.getView();
    const viewKey = `${key}|${this.editor.viewport.width}x${this.editor.viewport.height}`;
    if (viewKey !== this.lastViewKey) {
      const byUser = key !== this.lastCameraKey && key !== this.expectedCameraKey;
      this.lastViewKey = viewKey;
      this.lastCameraKey = key;
      this.options.onViewChange?.(view, byUser);
    }
  }

  private attachEvents(): void {
    const canvas = this.canvas;
    this.listen(canvas, 'pointerdown', (event) => {
      if (event.pointerType === 'mouse' && event.button === 2) return;
      event.preventDefault();
      canvas.focus({ preventScroll: true });
      canvas.setPointerCapture?.(event.pointerId);
      if (this.laserColor) {
        const at = this.editor.camera.screenToWorld(this.pointerInput(event));
        this.live.laserStart(at.x, at.y, this.laserColor);
        this.requestRender();
        return;
      }
      this.editor.pointerDown(this.pointerInput(event));
      this.updateCursor(event);
    });
    this.listen(canvas, 'pointermove', (event) => {
      const input = this.pointerInput(event);
      const world = this.editor.camera.screenToWorld(input);
      this.lastPointerWorld = world;
      this.options.onCursorMove?.({ x: world.x, y: world.y });
      if (this.live.laserMove(world.x, world.y)) {
        this.requestRender();
        return;
      }
      // Drawing tools take every sampled point (pens report far more than one per frame).
      const coalesced = (this.editor.tool === 'pen' || this.editor.tool === 'highlighter') && event.getCoalescedEvents ? event.getCoalescedEvents() : [];
      if (coalesced.length > 1) for (const sample of coalesced) this.editor.pointerMove(this.pointerInput(sample));
      else this.editor.pointerMove(input);
      this.updateCursor(event);
    });
    const up = (event: PointerEvent): void => {
      if (this.live.lasering) {
        this.live.laserEnd();
        if (canvas.hasPointerCapture?.(event.pointerId)) canvas.releasePointerCapture(event.pointerId);
        this.requestRender();
        return;
      }
      this.editor.pointerUp(this.pointerInput(event));
      if (canvas.hasPointerCapture?.(event.pointerId)) canvas.releasePointerCapture(event.pointerId);
      this.updateCursor(event);
    };
    this.listen(canvas, 'pointerup', up);
    this.listen(canvas, 'pointercancel', (event) => this.editor.pointerCancel(this.pointerInput(event)));
    // into the text being typed is not leaving: others keep seeing our cursor while we type
    this.listen(canvas, 'pointerleave', (event) => {
      if (event.relatedTarget !== this.text.textarea) this.options.onCursorMove?.(null);
    });
    this.listen(canvas, 'dblclick', (event) => {
      const rect = canvas.getBoundingClientRect();
      this.editor.doubleClick({ x: event.clientX - rect.left, y: event.clientY - rect.top, pointerId: 1, pointerType: 'mouse', pressure: 0, button: 0, shiftKey: event.shiftKey, altKey: event.altKey, ctrlKey: event.ctrlKey, metaKey: event.metaKey });
    });
    this.listen(canvas, 'contextmenu', (event) => {
      event.preventDefault();
      const rect = canvas.getBoundingClientRect();
      this.editor.contextMenuAt({ x: event.clientX - rect.left, y: event.clientY - rect.top });
      this.options.onContextMenu?.({ clientX: event.clientX, clientY: event.clientY, selection: [...this.editor.selection] });
    });
    this.listen(
      canvas,
      'wheel',
      (event) => {
        event.preventDefault();
        const rect = canvas.getBoundingClientRect();
        const scale = event.deltaMode === 1 ? 16 : event.deltaMode === 2 ? rect.height : 1;
        this.editor.wheel({ x: event.clientX - rect.left, y: event.clientY - rect.top, deltaX: event.deltaX * scale, deltaY: event.deltaY * scale, ctrlKey: event.ctrlKey, metaKey: event.metaKey, shiftKey: event.shiftKey });
      },
      { passive: false },
    );
    // Safari's trackpad pinch arrives as gesture events, not ctrl+wheel.
    this.listen(canvas, 'gesturestart', (event) => event.preventDefault());

    this.listen(window, 'keydown', (event) => this.onKeyDown(event as KeyboardEvent));
    this.listen(window, 'keyup', (event) => {
      if ((event as KeyboardEvent).code === 'Space') {
        this.editor.spaceHeld = false;
        this.updateCursor();
      }
    });
    this.listen(window, 'blur', () => {
      this.editor.spaceHeld = false;
    });

    this.listen(document, 'copy', (event) => this.onCopy(event as ClipboardEvent, false));
    this.listen(document, 'cut', (event) => this.onCopy(event as ClipboardEvent, true));
    this.listen(document, 'paste', (event) => this.onPaste(event as ClipboardEvent));
    this.listen(canvas, 'dragover', (event) => event.preventDefault());
    this.listen(canvas, 'drop', (event) => {
      event.preventDefault();
      const files = [...(event.dataTransfer?.files ?? [])].filter((file) => file.type.startsWith('image/'));
      const rect = canvas.getBoundingClientRect();
      const at = this.editor.camera.screenToWorld({ x: event.clientX - rect.left, y: event.clientY - rect.top });
      files.forEach((file, i) => void this.insertImage(file, { x: at.x + i * 24, y: at.y + i * 24 }));
    });

    this.text.attach((target, type, handler) => this.listen(target, type, handler));
    const textarea = this.text.textarea;
    // the pointer over the text being typed is still on the board: others keep seeing where it is
    this.listen(textarea, 'pointermove', (event) => {
      const rect = canvas.getBoundingClientRect();
      const world = this.editor.camera.screenToWorld({ x: event.clientX - rect.left, y: event.clientY - rect.top });
      this.options.onCursorMove?.({ x: world.x, y: world.y });
    });
    this.listen(textarea, 'pointerleave', (event) => {
      if (event.relatedTarget !== canvas) this.options.onCursorMove?.(null);
    });
    this.listen(textarea, 'input', () => this.requestRender()); // publishes the typing draft (publishLive)
    this.listen(this.fileInput, 'change', () => {
      const file = this.fileInput.files?.[0];
      this.fileInput.value = '';
      if (file) void this.insertImage(file);
      else this.editor.setTool('select');
    });
  }

  /** Keys typed into the host page's own fields (or our text overlay) are not shortcuts. */
  private isForeignEditable(target: EventTarget | null): boolean {
    if (!(target instanceof HTMLElement)) return false;
    if (target === this.canvas) return false;
    if (target === this.text.textarea) return true;
    const tag = target.tagName;
    return tag === 'INPUT' || tag === 'TEXTAREA' || tag === 'SELECT' || target.isContentEditable;
  }

  private onKeyDown(event: KeyboardEvent): void {
    if (this.destroyed || event.defaultPrevented || this.isForeignEditable(event.target) || this.editor.textEdit) return;
    onBoardKeyDown(event, this, () => this.updateCursor());
  }

  private hasFocus(): boolean {
    return document.activeElement === this.canvas;
  }

  private onCopy(event: ClipboardEvent, cut: boolean): void {
    if (!this.hasFocus() || !event.clipboardData) return;
    const payload = this.copySelection();
    if (!payload) return;
    event.clipboardData.setData('text/plain', payload);
    event.preventDefault();
    if (cut) this.deleteSelection();
  }

  /**
   * A paste belongs to the board unless the person is typing somewhere else: with the canvas focused, or with
   * nothing editable focused (a fresh page, after clicking a toolbar button), so Ctrl+V works straight away.
   */
  private onPaste(event: ClipboardEvent): void {
    if (!event.clipboardData || this.editor.readOnly || event.defaultPrevented) return;
    if (!this.hasFocus() && this.isForeignEditable(document.activeElement)) return;
    event.preventDefault();
    const at = this.pasteTarget();
    const images = [...event.clipboardData.files].filter((file) => file.type.startsWith('image/'));
    if (images.length > 0) {
      images.forEach((file, i) => void this.insertImage(file, { x: at.x + i * 24, y: at.y + i * 24 }));
      return;
    }
    const text = event.clipboardData.getData('text/plain');
    if (!text) return;
    if (this.paste(text, at).length > 0) return;
    // Plain text from elsewhere becomes a text shape.
    const trimmed = text.slice(0, 10_000);
    this.editor.beginTextEdit({ id: null, type: 'text', x: at.x, y: at.y, w: 0, h: 0, rotation: 0, fontSize: this.editor.style.fontSize, textAlign: 'left', fontFamily: this.editor.style.fontFamily, color: this.editor.style.strokeColor, text: trimmed });
    this.editor.commitTextEdit(trimmed);
  }

  /** Pastes land under the pointer when it is over the canvas, else at the centre of the view. */
  private pasteTarget(): Point {
    const view = this.editor.camera.visibleBounds(this.editor.viewport);
    const p = this.lastPointerWorld;
    if (p && p.x >= view.minX && p.x <= view.maxX && p.y >= view.minY && p.y <= view.maxY) return p;
    return { x: (view.minX + view.maxX) / 2, y: (view.minY + view.maxY) / 2 };
  }

  private updateCursor(event?: PointerEvent): void {
    if (this.laserColor) {
      this.canvas.style.cursor = 'crosshair';
      return;
    }
    if (!event) {
      this.canvas.style.cursor = this.editor.tool === 'hand' || this.editor.spaceHeld ? 'grab' : this.editor.tool === 'select' ? 'default' : 'crosshair';
      return;
    }
    const rect = this.canvas.getBoundingClientRect();
    this.canvas.style.cursor = this.editor.cursorAt({ x: event.clientX - rect.left, y: event.clientY - rect.top });
  }
}

function cameraKey(camera: { x: number; y: number; zoom: number }): string {
  return `${camera.x.toFixed(3)},${camera.y.toFixed(3)},${camera.zoom.toFixed(5)}`;
}
