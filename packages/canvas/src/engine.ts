import type { Asset, Board, Point } from '@meshboard/board';
import { Editor, type PointerInput, type TextEditSession } from './editor.js';
import { clampZoom } from './camera.js';
import type { AlignOp } from './transform/align.js';
import { FONT_STACKS, cssFont } from './style/stroke.js';
import { LINE_HEIGHT, Renderer, STICKY_PADDING, STICKY_TEXT_COLOR, strokeFor, type FrameStats, type RenderContext } from './renderer.js';
import { SHORTCUTS, matchShortcut } from './shortcuts.js';
import { LiveOverlays, localLiveDraft, type RemoteLive } from './overlays/LiveOverlays.js';
import type { CanvasEngineOptions, EngineState, RemoteCursor, Shortcut, StyleState, Theme, ToolId } from './types.js';

/** How long the board must be still before an overview image is (re)built: not during a stream of edits. */
const OVERVIEW_SETTLE_MS = 300;
/** The most one idle slice of overview building takes, so input is never held up longer. */
const OVERVIEW_SLICE_MS = 8;
const IMAGE_TYPES = new Set<Asset['mimeType']>(['image/png', 'image/jpeg', 'image/gif', 'image/webp', 'image/svg+xml']);

/**
 * The DOM side of the engine: owns a <canvas> and a text-editing <textarea> inside the container, turns
 * pointer, wheel, keyboard, clipboard and drop events into Editor calls, and draws at most once per
 * animation frame, only when something changed.
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
  private readonly textarea: HTMLTextAreaElement;
  private readonly fileInput: HTMLInputElement;
  private readonly resizeObserver: ResizeObserver | null;
  private readonly options: CanvasEngineOptions;
  private readonly images = new Map<string, { image: CanvasImageSource | null; failedAt?: number }>();
  private readonly cleanups: Array<() => void> = [];
  private frameRequest: number | null = null;
  private overviewTimer: number | null = null;
  private overviewTimerVersion = -1;
  private overviewIdle: number | null = null;
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
    this.cleanups.push(
      this.board.onAssetBytes((assetId) => {
        if (this.images.get(assetId)?.image) return;
        this.images.delete(assetId); // bytes arrived: replace the placeholder now, not at the next retry
        this.requestRender();
      }),
    );
    this.canvas = document.createElement('canvas');
    this.canvas.tabIndex = 0;
    this.canvas.setAttribute('aria-label', 'Whiteboard canvas');
    Object.assign(this.canvas.style, { display: 'block', width: '100%', height: '100%', touchAction: 'none', outline: 'none', userSelect: 'none' });
    if (getComputedStyle(this.container).position === 'static') this.container.style.position = 'relative';
    this.container.appendChild(this.canvas);
    const ctx = this.canvas.getContext('2d', { alpha: false });
    if (!ctx) throw new Error('Canvas 2D is not available');
    this.ctx = ctx;

    this.textarea = document.createElement('textarea');
    this.textarea.setAttribute('data-meshboard-text-editor', '');
    this.textarea.spellcheck = true;
    this.textarea.wrap = 'off';
    Object.assign(this.textarea.style, {
      position: 'absolute',
      display: 'none',
      margin: '0',
      padding: '0',
      border: 'none',
      outline: 'none',
      resize: 'none',
      overflow: 'hidden',
      background: 'transparent',
      transformOrigin: 'center center',
      whiteSpace: 'pre',
      zIndex: '1',
    });
    this.container.appendChild(this.textarea);
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
        onTextEdit: (session) => this.showTextEditor(session),
        onSelectionChange: (ids) => options.onSelectionChange?.(ids),
        measureText: (text, font) => {
          this.ctx.font = font;
          return this.ctx.measureText(text).width;
        },
      },
      { readOnly: options.readOnly ?? false, theme: options.theme ?? 'light' },
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
    this.styleTextarea();
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
    if (this.overviewTimer !== null) clearTimeout(this.overviewTimer);
    if (this.overviewIdle !== null) (typeof window.cancelIdleCallback === 'function' ? window.cancelIdleCallback : clearTimeout)(this.overviewIdle);
    this.resizeObserver?.disconnect();
    for (const cleanup of this.cleanups) cleanup();
    this.editor.destroy();
    this.canvas.remove();
    this.textarea.remove();
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
      getImage: (assetId) => this.image(assetId),
    });
    this.lastFrame = stats;
    if (this.live.draw(this.ctx, this.editor.camera, this.editor.viewport, this.dpr)) this.requestRender();
    this.publishLive();
    if (this.editor.textEdit) this.positionTextarea(this.editor.textEdit);
    // Some strokes were drawn with a stand-in to keep this frame fast: refine them on the next one.
    if (stats.deferred > 0) this.requestRender();
    if (this.renderer.overviewWanted) this.scheduleOverview();
    return stats;
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

  /**
   * A zoomed-out frame of a big board wanted an overview image (see overview.ts): build it once the board
   * has been still for OVERVIEW_SETTLE_MS, in slices while the page is idle, so no frame and no input waits.
   */
  private scheduleOverview(): void {
    if (this.destroyed || this.overviewIdle !== null) return;
    // debounced: every change while waiting starts the wait again
    const version = this.editor.scene.version;
    if (this.overviewTimer !== null) {
      if (version === this.overviewTimerVersion) return;
      clearTimeout(this.overviewTimer);
    }
    this.overviewTimerVersion = version;
    this.overviewTimer = window.setTimeout(() => {
      this.overviewTimer = null;
      this.buildOverviewSlice();
    }, OVERVIEW_SETTLE_MS);
  }

  private buildOverviewSlice(): void {
    const idle = (callback: (budgetMs: number) => void): number =>
      typeof window.requestIdleCallback === 'function'
        ? window.requestIdleCallback((deadline) => callback(deadline.timeRemaining()), { timeout: 500 })
        : window.setTimeout(() => callback(OVERVIEW_SLICE_MS), 0);
    this.overviewIdle = idle((budgetMs) => {
      this.overviewIdle = null;
      if (this.destroyed) return;
      const input = { camera: this.editor.camera, dpr: this.dpr, theme: this.editor.theme, scene: this.editor.scene };
      const progress = this.renderer.buildOverview(input, Math.min(Math.max(budgetMs, 4), OVERVIEW_SLICE_MS));
      if (progress === 'level-ready') this.requestRender();
      if (progress !== 'idle') this.buildOverviewSlice();
    });
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

  private image(assetId: string): CanvasImageSource | null {
    const cached = this.images.get(assetId);
    if (cached?.image) return cached.image;
    // A missing asset may still be syncing: retry now and then.
    if (cached && (cached.failedAt === undefined || performance.now() - cached.failedAt < 1000)) return null;
    const asset = this.board.getAsset(assetId);
    // The doc holds metadata only: the bytes come from the blob storage (placeholder until they arrive).
    const bytes = asset ? this.board.getAssetBytes(assetId) : null;
    const entry: { image: CanvasImageSource | null; failedAt?: number } = { image: null };
    this.images.set(assetId, entry);
    if (!asset || !bytes) {
      entry.failedAt = performance.now();
      setTimeout(() => this.requestRender(), 1000);
      return null;
    }
    const blob = new Blob([bytes as Uint8Array<ArrayBuffer>], { type: asset.mimeType });
    loadImage(blob)
      .then((image) => {
        entry.image = image;
        this.requestRender();
      })
      .catch(() => {
        entry.failedAt = performance.now();
      });
    return null;
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

  // ---- text overlay ------------------------------------------------------------------------------------

  private showTextEditor(session: TextEditSession | null): void {
    const textarea = this.textarea;
    if (!session) {
      textarea.style.display = 'none';
      if (document.activeElement === textarea) this.canvas.focus({ preventScroll: true });
      return;
    }
    textarea.value = session.text;
    textarea.style.display = 'block';
    this.styleTextarea();
    this.positionTextarea(session);
    // Focus after the current pointer event, or the pointerdown's default action steals focus back.
    setTimeout(() => {
      if (this.editor.textEdit !== session) return;
      textarea.focus({ preventScroll: true });
      textarea.setSelectionRange(textarea.value.length, textarea.value.length);
    }, 0);
  }

  private styleTextarea(): void {
    const session = this.editor.textEdit;
    if (!session) return;
    const color = session.type === 'sticky' ? STICKY_TEXT_COLOR : strokeFor(session.color, this.editor.theme);
    Object.assign(this.textarea.style, { color, caretColor: color, fontFamily: FONT_STACKS[session.fontFamily], lineHeight: String(LINE_HEIGHT), textAlign: session.textAlign });
    const wraps = session.type !== 'text';
    this.textarea.wrap = wraps ? 'soft' : 'off';
    this.textarea.style.whiteSpace = wraps ? 'pre-wrap' : 'pre';
  }

  private positionTextarea(session: TextEditSession): void {
    const zoom = this.editor.camera.zoom;
    const topLeft = this.editor.camera.worldToScreen({ x: session.x, y: session.y });
    const pad = session.type === 'sticky' ? STICKY_PADDING * zoom : 0;
    const textarea = this.textarea;
    let width: number;
    let height: number;
    if (session.type === 'sticky' || session.type === 'label') {
      width = session.w * zoom - pad * 2;
      height = session.h * zoom - pad * 2;
      if (session.type === 'label') {
        // the label's text sits in the middle of its box, like the canvas draws it
        const lines = Math.max(1, Math.ceil(textarea.scrollHeight / (session.fontSize * LINE_HEIGHT * zoom) - 0.01));
        const used = Math.min(lines * session.fontSize * LINE_HEIGHT * zoom, Math.max(height, 0));
        textarea.style.paddingTop = `${Math.max((height - used) / 2, 0)}px`;
      } else textarea.style.paddingTop = '';
    } else {
      textarea.style.paddingTop = '';
      // Plain text grows with its content.
      const lines = textarea.value.split('\n');
      this.ctx.font = cssFont(session.fontSize, session.fontFamily);
      const widest = Math.max(...lines.map((line) => this.ctx.measureText(line).width), session.fontSize);
      width = (widest + session.fontSize) * zoom;
      height = lines.length * session.fontSize * LINE_HEIGHT * zoom;
    }
    Object.assign(textarea.style, {
      left: `${topLeft.x + pad}px`,
      top: `${topLeft.y + pad}px`,
      width: `${Math.max(width, 8)}px`,
      height: `${Math.max(height, session.fontSize * LINE_HEIGHT * zoom)}px`,
      fontSize: `${session.fontSize * zoom}px`,
      transformOrigin: `${-pad}px ${-pad}px`,
      transform: session.rotation ? `rotate(${session.rotation}rad)` : '',
    });
    if (session.rotation) {
      // Rotate about the shape's centre, like the canvas does.
      const cx = (session.w * zoom) / 2 - pad;
      const cy = (session.h * zoom) / 2 - pad;
      textarea.style.transformOrigin = `${cx}px ${cy}px`;
    }
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
      if (event.relatedTarget !== this.textarea) this.options.onCursorMove?.(null);
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

    const textarea = this.textarea;
    // the pointer over the text being typed is still on the board: others keep seeing where it is
    this.listen(textarea, 'pointermove', (event) => {
      const rect = canvas.getBoundingClientRect();
      const world = this.editor.camera.screenToWorld({ x: event.clientX - rect.left, y: event.clientY - rect.top });
      this.options.onCursorMove?.({ x: world.x, y: world.y });
    });
    this.listen(textarea, 'pointerleave', (event) => {
      if (event.relatedTarget !== canvas) this.options.onCursorMove?.(null);
    });
    this.listen(textarea, 'input', () => {
      this.editor.updateTextDraft(textarea.value);
      this.requestRender(); // publishes the typing draft (publishLive)
      if (this.editor.textEdit) this.positionTextarea(this.editor.textEdit);
    });
    this.listen(textarea, 'blur', () => {
      if (this.editor.textEdit) this.editor.commitTextEdit(textarea.value);
    });
    this.listen(textarea, 'keydown', (event) => {
      event.stopPropagation();
      if (event.key === 'Escape' || (event.key === 'Enter' && (event.ctrlKey || event.metaKey))) {
        event.preventDefault();
        this.editor.commitTextEdit(textarea.value);
      }
    });
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
    if (target === this.textarea) return true;
    const tag = target.tagName;
    return tag === 'INPUT' || tag === 'TEXTAREA' || tag === 'SELECT' || target.isContentEditable;
  }

  private onKeyDown(event: KeyboardEvent): void {
    if (this.destroyed || event.defaultPrevented || this.isForeignEditable(event.target) || this.editor.textEdit) return;
    if (event.code === 'Space' && !event.repeat) {
      this.editor.spaceHeld = true;
      this.updateCursor();
      event.preventDefault();
      return;
    }
    if (event.key.startsWith('Arrow') && this.editor.selection.length > 0) {
      const step = event.shiftKey ? 10 : 1;
      const dx = event.key === 'ArrowLeft' ? -step : event.key === 'ArrowRight' ? step : 0;
      const dy = event.key === 'ArrowUp' ? -step : event.key === 'ArrowDown' ? step : 0;
      this.editor.nudgeSelection(dx, dy);
      event.preventDefault();
      return;
    }
    const action = matchShortcut(event);
    if (!action) return;
    event.preventDefault();
    switch (action.kind) {
      case 'tool':
        this.setTool(action.tool);
        break;
      case 'undo':
        this.undo();
        break;
      case 'redo':
        this.redo();
        break;
      case 'delete':
        this.deleteSelection();
        break;
      case 'duplicate':
        this.duplicateSelection();
        break;
      case 'selectAll':
        this.selectAll();
        break;
      case 'reorder':
        this.reorderSelection(action.op);
        break;
      case 'zoomIn':
        this.zoomIn();
        break;
      case 'zoomOut':
        this.zoomOut();
        break;
      case 'resetZoom':
        this.resetZoom();
        break;
      case 'zoomToFit':
        this.zoomToFit();
        break;
      case 'escape':
        this.editor.escape();
        break;
      case 'group':
        this.editor.groupSelection();
        break;
      case 'ungroup':
        this.editor.ungroupSelection();
        break;
    }
    this.updateCursor();
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

async function loadImage(blob: Blob): Promise<CanvasImageSource> {
  if (typeof createImageBitmap === 'function' && blob.type !== 'image/svg+xml') return createImageBitmap(blob);
  const url = URL.createObjectURL(blob);
  try {
    const image = new Image();
    image.src = url;
    await image.decode();
    return image;
  } finally {
    // The decoded image keeps its pixels; the URL is no longer needed.
    setTimeout(() => URL.revokeObjectURL(url), 0);
  }
}

async function imageSize(blob: Blob): Promise<{ width: number; height: number }> {
  const image = await loadImage(blob);
  const width = 'width' in image ? Number(image.width) : 0;
  const height = 'height' in image ? Number(image.height) : 0;
  if ('close' in image && typeof image.close === 'function') image.close();
  return { width: width || 300, height: height || 200 };
}

function cameraKey(camera: { x: number; y: number; zoom: number }): string {
  return `${camera.x.toFixed(3)},${camera.y.toFixed(3)},${camera.zoom.toFixed(5)}`;
}
