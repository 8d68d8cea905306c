import type { MeshboardError } from '@meshboard/protocol';
import type { StoreAck } from './store-client.js';
import { isFatalStoreError, toMeshboardError } from './store-client.js';
import { mergeMany } from './merge-updates.js';

export interface DurableUploaderHooks {
  /** appends one update to the store; resolves once it is durable */
  append(update: Uint8Array): Promise<StoreAck>;
  /** view-only clients never upload */
  canUpload(): boolean;
  /** the connection is torn down (a final flush may still drain) */
  stopped(): boolean;
  /** something was queued */
  onQueued(): void;
  /** the store acknowledged a batch; `more`: further edits are queued */
  onAcked(ack: StoreAck, more: boolean): void;
  /** a batch failed and will be retried with backoff */
  onOffline(error: MeshboardError): void;
  /** the store refuses this token or board for good */
  onFatal(error: MeshboardError): void;
  /** timers owned by the connection */
  later(fn: () => void, ms: number): unknown;
}

/**
 * The durable path for this tab's own edits: queued, batched for `delayMs` (then merged with
 * `mergeMany` while one request is in flight), appended to the store, retried with backoff until
 * acknowledged. Nothing here knows about peers.
 */
export class DurableUploader {
  private pending: Uint8Array[] = [];
  private pendingSize = 0;
  private inflight: Promise<void> | null = null;
  private inflightSize = 0;
  private failures = 0;
  private scheduled = false;
  private flushing = false;
  private readonly waiters: Array<{ resolve: () => void; reject: (e: MeshboardError) => void }> = [];

  constructor(
    private readonly hooks: DurableUploaderHooks,
    private readonly delayMs = 100,
  ) {}

  push(update: Uint8Array): void {
    if (!this.hooks.canUpload()) return;
    this.pending.push(update);
    this.pendingSize += update.byteLength;
    if (!this.scheduled) {
      this.scheduled = true;
      if (this.delayMs > 0) this.hooks.later(() => this.drain(), this.delayMs);
      else queueMicrotask(() => this.drain());
    }
    this.hooks.onQueued();
  }

  pendingBytes(): number {
    return this.pendingSize + this.inflightSize;
  }

  idle(): boolean {
    return this.pending.length === 0 && !this.inflight;
  }

  /** resolves when everything queued now is acked; rejects after repeated failures */
  flush(final = false): Promise<void> {
    if (final) this.flushing = true;
    if (this.pending.length === 0 && !this.inflight) return Promise.resolve();
    const p = new Promise<void>((resolve, reject) => this.waiters.push({ resolve, reject }));
    this.drain();
    return p;
  }

  /** what is queued and not yet sent (in-flight bytes are on their way already), for a page-hide beacon */
  takeAll(): Uint8Array | null {
    if (this.pending.length === 0) return null;
    return this.pending.length === 1 ? this.pending[0]! : mergeMany(this.pending);
  }

  drain(): void {
    this.scheduled = false;
    if (this.inflight || this.pending.length === 0 || (this.hooks.stopped() && !this.flushing)) return;
    const batch = this.pending.length === 1 ? this.pending[0]! : mergeMany(this.pending);
    this.pending = [];
    this.pendingSize = 0;
    this.inflightSize = batch.byteLength;
    this.inflight = this.hooks
      .append(batch)
      .then((ack) => {
        this.failures = 0;
        this.inflight = null;
        this.inflightSize = 0;
        this.hooks.onAcked(ack, this.pending.length > 0);
        if (this.pending.length) this.drain();
        else this.settleWaiters();
      })
      .catch((error: unknown) => {
        this.inflight = null;
        this.inflightSize = 0;
        this.pending.unshift(batch);
        this.pendingSize += batch.byteLength;
        const err = toMeshboardError(error);
        if (isFatalStoreError(err)) {
          this.settleWaiters(err);
          return this.hooks.onFatal(err);
        }
        this.failures++;
        this.hooks.onOffline(err);
        if (this.failures >= 3) this.settleWaiters(err);
        this.hooks.later(() => this.drain(), Math.min(500 * 2 ** Math.min(this.failures, 5), 15_000) * (0.75 + Math.random() / 2));
      });
  }

  private settleWaiters(error?: MeshboardError): void {
    if (!error && (this.pending.length > 0 || this.inflight)) return;
    for (const w of this.waiters.splice(0)) {
      if (error) w.reject(error);
      else w.resolve();
    }
  }
}
