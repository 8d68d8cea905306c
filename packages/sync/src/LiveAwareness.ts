import { LIVE_HZ } from '@meshboard/protocol';

/** Awareness fields that change at pointer rate (see @meshboard/protocol awareness.ts). */
export type LiveField = 'cursor' | 'draft' | 'laser' | 'view';

/**
 * Batches the live awareness fields: any number of changes per frame become at most `hz` awareness updates per
 * second (one frame each, over WebRTC and the relay, which also keeps us under the signaling service's
 * per-connection awareness budget), always ending on the latest values. Changes that must reach everyone at
 * once (name, colour, a presentation) bypass it through `now`.
 */
export class LiveAwareness {
  private timer: ReturnType<typeof setTimeout> | null = null;
  private lastAt = 0;
  private pending: Partial<Record<LiveField, unknown>> = {};
  private hasPending = false;
  private readonly interval: number;

  constructor(
    private readonly apply: (patch: Record<string, unknown>) => void,
    private readonly later: (fn: () => void, ms: number) => ReturnType<typeof setTimeout>,
    hz: number = LIVE_HZ,
  ) {
    this.interval = 1000 / hz;
  }

  set(field: LiveField, value: unknown): void {
    this.pending[field] = value;
    this.hasPending = true;
    const now = Date.now();
    if (now - this.lastAt >= this.interval) this.flush();
    else if (!this.timer) this.timer = this.later(() => this.flush(), this.interval - (now - this.lastAt));
  }

  /** Applies `patch` together with whatever is pending, right now. */
  now(patch: Record<string, unknown>): void {
    const merged = { ...this.pending, ...patch };
    this.pending = {};
    this.hasPending = false;
    this.lastAt = Date.now();
    this.apply(merged);
  }

  flush(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    if (!this.hasPending) return;
    this.lastAt = Date.now();
    const patch = this.pending;
    this.pending = {};
    this.hasPending = false;
    this.apply(patch);
  }
}
