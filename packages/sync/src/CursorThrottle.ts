/**
 * Cursor moves arrive at pointer rate; awareness (and so every peer) sees at most `hz` per second, always
 * ending on the latest position.
 */
export class CursorThrottle {
  private timer: ReturnType<typeof setTimeout> | null = null;
  private lastAt = 0;
  private pending: { x: number; y: number } | null | undefined;
  private readonly interval: number;

  constructor(
    hz: number,
    private readonly apply: (point: { x: number; y: number } | null) => void,
    private readonly later: (fn: () => void, ms: number) => ReturnType<typeof setTimeout>,
  ) {
    this.interval = 1000 / hz;
  }

  set(point: { x: number; y: number } | null): void {
    this.pending = point ? { x: point.x, y: point.y } : null;
    const now = Date.now();
    if (now - this.lastAt >= this.interval) this.flush();
    else if (!this.timer) this.timer = this.later(() => this.flush(), this.interval - (now - this.lastAt));
  }

  private flush(): void {
    this.timer = null;
    this.lastAt = Date.now();
    if (this.pending !== undefined) this.apply(this.pending);
    this.pending = undefined;
  }
}
