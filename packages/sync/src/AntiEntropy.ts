import * as Y from 'yjs';
import type { MeshboardError } from '@meshboard/protocol';
import type { StoreBinary } from './store-client.js';
import { isFatalStoreError, toMeshboardError } from './store-client.js';
import { STORE_ORIGIN } from './types.js';
import { deletesStoreLacks } from './DeleteSetDigest.js';

export interface AntiEntropyHooks {
  /** what the store has that a client with `stateVector` lacks (POST /diff) */
  getDiff(stateVector: Uint8Array): Promise<StoreBinary>;
  /** editors upload what the store lacks; view-only clients only fetch */
  canUpload(): boolean;
  /** queue an update on the durable path */
  upload(update: Uint8Array): void;
  stopped(): boolean;
  /** a round completed (the store answered) */
  onAnswered(): void;
  onOffline(error: MeshboardError): void;
  onFatal(error: MeshboardError): void;
}

/** true when `doc` has something the state vector `sv` does not cover */
export function aheadOf(doc: Y.Doc, sv: Uint8Array): boolean {
  const other = Y.decodeStateVector(sv);
  for (const [client, clock] of Y.decodeStateVector(Y.encodeStateVector(doc))) {
    if ((other.get(client) ?? 0) < clock) return true;
  }
  return false;
}

/**
 * Anti-entropy with the store: fetch what we lack, upload exactly what it lacks, so an edit whose author left
 * still reaches the store through any peer that has it. Also remembers the store's last known state vector
 * (from seeding, acks and diffs).
 */
export class AntiEntropy {
  /** the store's state vector as of its last answer (null: unknown) */
  storeSV: Uint8Array | null = null;
  private running: Promise<void> | null = null;

  constructor(
    private readonly doc: Y.Doc,
    private readonly hooks: AntiEntropyHooks,
  ) {}

  /**
   * queue whatever the doc holds beyond the store's last known state (`force`: even if only deletes differ);
   * returns whether anything was queued. `Y.encodeStateAsUpdate(doc, storeSV)` carries the doc's whole delete
   * set; the store applies it and appends only what changed its state.
   */
  uploadMissing(force = false): boolean {
    if (!this.hooks.canUpload() || !this.storeSV || (!force && !aheadOf(this.doc, this.storeSV))) return false;
    this.hooks.upload(Y.encodeStateAsUpdate(this.doc, this.storeSV));
    return true;
  }

  /** one round; a call while a round runs joins that round */
  run(): Promise<void> {
    if (this.hooks.stopped()) return Promise.resolve();
    this.running ??= this.round().finally(() => {
      this.running = null;
    });
    return this.running;
  }

  private async round(): Promise<void> {
    try {
      const diff = await this.hooks.getDiff(Y.encodeStateVector(this.doc));
      if (diff.update.byteLength > 0) Y.applyUpdate(this.doc, diff.update, STORE_ORIGIN);
      if (diff.stateVector) this.storeSV = diff.stateVector;
      // deletes the store lacks (a delete-only change whose author left before uploading it)
      const lacksDeletes = this.hooks.canUpload() && !!this.storeSV && diff.update.byteLength > 0 && deletesStoreLacks(this.doc, diff.update, this.storeSV);
      this.uploadMissing(lacksDeletes);
      this.hooks.onAnswered();
    } catch (error) {
      const err = toMeshboardError(error);
      if (isFatalStoreError(err)) this.hooks.onFatal(err);
      else this.hooks.onOffline(err);
    }
  }
}
