import type { OverviewInput } from '../overview.js';
import type { Renderer } from '../renderer.js';

/** How long the board must be still before an overview image is (re)built: not during a stream of edits. */
const OVERVIEW_SETTLE_MS = 300;
/** The most one idle slice of overview building takes, so input is never held up longer. */
const OVERVIEW_SLICE_MS = 8;

/**
 * When a zoomed-out frame of a big board wanted an overview image (see overview.ts), builds it once the
 * board has been still for OVERVIEW_SETTLE_MS, in slices while the page is idle, so no frame and no input
 * waits for it.
 */
export class OverviewScheduler {
  private timer: number | null = null;
  private timerVersion = -1;
  private idle: number | null = null;
  private stopped = false;

  constructor(
    private readonly renderer: Renderer,
    /** the scene as it is now (camera, dpr, theme, scene) */
    private readonly input: () => OverviewInput,
    /** a level became ready: draw a frame to use it */
    private readonly levelReady: () => void,
  ) {}

  /** Call after a frame that wanted an image; every change while waiting starts the wait again. */
  schedule(): void {
    if (this.stopped || this.idle !== null) return;
    const version = this.input().scene.version;
    if (this.timer !== null) {
      if (version === this.timerVersion) return;
      clearTimeout(this.timer);
    }
    this.timerVersion = version;
    this.timer = window.setTimeout(() => {
      this.timer = null;
      this.slice();
    }, OVERVIEW_SETTLE_MS);
  }

  stop(): void {
    this.stopped = true;
    if (this.timer !== null) clearTimeout(this.timer);
    if (this.idle !== null) (typeof window.cancelIdleCallback === 'function' ? window.cancelIdleCallback : clearTimeout)(this.idle);
  }

  private slice(): void {
    const idle = (callback: (budgetMs: number) => void): number =>
      typeof window.requestIdleCallback === 'function'
        ? window.requestIdleCallback((deadline) => callback(deadline.timeRemaining()), { timeout: 500 })
        : window.setTimeout(() => callback(OVERVIEW_SLICE_MS), 0);
    this.idle = idle((budgetMs) => {
      this.idle = null;
      if (this.stopped) return;
      const progress = this.renderer.buildOverview(this.input(), Math.min(Math.max(budgetMs, 4), OVERVIEW_SLICE_MS));
      if (progress === 'level-ready') this.levelReady();
      if (progress !== 'idle') this.slice();
    });
  }
}
