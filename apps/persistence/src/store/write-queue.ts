import { MeshboardError } from '@meshboard/protocol';
import * as Y from 'yjs';
import type { StoreOptions } from '../config.js';
import type { PrismaClient } from '../generated/prisma/client.js';
import { assertWithinQuota } from '../quota.js';
import type { BoardCache } from './board-cache.js';
import { APPLY_ORIGIN, WRITE_TRANSACTION, bytes, notFound, type AppendResult, type LoadedBoard, type StoreStats } from './model.js';
import { assertDecodableUpdate, pendingSignature } from './yjs-input.js';

interface PendingAppend {
  update: Uint8Array;
  resolve: (result: AppendResult) => void;
  reject: (error: unknown) => void;
}

/**
 * The write path (group commit): appends for one board queue up while a write is in flight and one flusher
 * writes them as a single transaction. The batch is applied to the board's cached doc; only what the doc did
 * not already have (its own `update` event output, plus, verbatim, any update that left something pending)
 * becomes one log row. The transaction bumps `boards.last_seq` under the board row's lock, so writers of one
 * board serialize across processes. Callers are answered only after the commit: an acknowledged update is durable.
 */
export class WriteQueue {
  private readonly queues = new Map<string, PendingAppend[]>();
  private readonly flushing = new Set<string>();
  private closed = false;

  constructor(
    private readonly prisma: PrismaClient,
    private readonly cache: BoardCache,
    private readonly options: StoreOptions,
    private readonly stats: StoreStats,
    /** a batch of this board committed (compaction triggers) */
    private readonly onCommitted: (boardId: string, loaded: LoadedBoard) => void,
  ) {}

  /** Whether a write of this board is in flight. */
  busy(boardId: string): boolean {
    return this.flushing.has(boardId);
  }

  /** Appends one update; resolves once it is committed (or known to add nothing). */
  append(boardId: string, update: Uint8Array): Promise<AppendResult> {
    if (this.closed) return Promise.reject(new MeshboardError('unavailable', 'the store is shutting down'));
    try {
      assertDecodableUpdate(update);
    } catch (error) {
      return Promise.reject(error);
    }
    return new Promise<AppendResult>((resolve, reject) => {
      let queue = this.queues.get(boardId);
      if (!queue) {
        queue = [];
        this.queues.set(boardId, queue);
      }
      queue.push({ update, resolve, reject });
      if (!this.flushing.has(boardId)) void this.flush(boardId);
    });
  }

  private async flush(boardId: string): Promise<void> {
    this.flushing.add(boardId);
    try {
      for (;;) {
        const queue = this.queues.get(boardId);
        if (!queue || queue.length === 0) break;
        const batch = queue.splice(0, queue.length);
        try {
          await this.writeBatch(boardId, batch);
        } catch (error) {
          // not expected (writeBatch answers every item itself), but never leave callers or readers hanging
          this.cache.evict(boardId);
          this.cache.settleReads(boardId, null);
          for (const item of batch) item.reject(error);
        }
      }
    } finally {
      this.flushing.delete(boardId);
      this.queues.delete(boardId);
    }
  }

  private async writeBatch(boardId: string, batch: PendingAppend[]): Promise<void> {
    this.stats.batches += 1;
    let loaded: LoadedBoard;
    try {
      loaded = await this.cache.load(boardId);
    } catch (error) {
      for (const item of batch) item.reject(error);
      return;
    }
    const { doc } = loaded;
    this.cache.markUncommitted(boardId);
    const deltas: Uint8Array[] = [];
    const changed: boolean[] = [];
    const onUpdate = (update: Uint8Array) => deltas.push(update);
    doc.on('update', onUpdate);
    let batchBytes = 0;
    /** Refuses one item: the cached doc may hold part of it, so drop the doc and redo the rest without it. */
    const refuse = async (item: PendingAppend, error: MeshboardError) => {
      doc.off('update', onUpdate);
      this.cache.evict(boardId);
      this.cache.settleReads(boardId, null);
      item.reject(error);
      const rest = batch.filter((candidate) => candidate !== item);
      if (rest.length > 0) await this.writeBatch(boardId, rest);
    };
    try {
      for (const item of batch) {
        const before = deltas.length;
        const pendingBefore = pendingSignature(doc);
        try {
          Y.applyUpdate(doc, item.update, APPLY_ORIGIN);
        } catch {
          return await refuse(item, new MeshboardError('invalid_update', 'the Yjs update could not be applied'));
        }
        const pendingChanged = pendingSignature(doc) !== pendingBefore;
        if (pendingChanged) {
          // Part of the update waits for updates the store has not seen (a causal gap). The doc's `update`
          // event reports only the part it could integrate, and the rest lives in memory alone: log what was
          // received, verbatim, so a replay after a crash restores the pending part too (an acknowledged
          // update must survive whole; overlap with the delta is harmless in Yjs).
          deltas.push(item.update);
        }
        for (let index = before; index < deltas.length; index++) batchBytes += deltas[index]!.length;
        if (deltas.length > before) {
          try {
            assertWithinQuota('stored bytes', loaded.snapshotBytes + loaded.logBytes, batchBytes, this.options.maxBoardBytes, ' B');
          } catch (error) {
            return await refuse(item, error as MeshboardError);
          }
        }
        changed.push(deltas.length > before || pendingChanged);
      }
    } finally {
      doc.off('update', onUpdate);
    }

    if (deltas.length === 0) {
      this.cache.settleReads(boardId, loaded);
      const stateVector = Y.encodeStateVector(doc);
      this.stats.appends += batch.length;
      this.stats.appendsUnchanged += batch.length;
      for (const item of batch) item.resolve({ seq: loaded.seq, stateVector, changed: false });
      return;
    }
    const merged = deltas.length === 1 ? deltas[0]! : Y.mergeUpdates(deltas);
    let seq: number;
    try {
      // The row lock this UPDATE takes serializes writers of one board across processes: no compare-and-set
      // to lose, so contention waits (bounded by WRITE_TRANSACTION) instead of failing.
      seq = await this.prisma.$transaction(async (tx) => {
        const bumped = await tx.board.updateManyAndReturn({
          where: { id: boardId, deletedAt: null },
          data: { lastSeq: { increment: 1 }, updatedAt: new Date() },
          select: { lastSeq: true },
        });
        if (bumped.length === 0) throw notFound(); // deleted meanwhile: rolls back
        const next = bumped[0]!.lastSeq;
        await tx.boardUpdate.create({ data: { boardId, seq: next, data: bytes(merged), size: merged.length } });
        return Number(next);
      }, WRITE_TRANSACTION);
    } catch (error) {
      this.cache.evict(boardId);
      this.cache.settleReads(boardId, null);
      for (const item of batch) item.reject(error);
      return;
    }
    loaded.logRows += 1;
    loaded.logBytes += merged.length;
    loaded.encoded = null;
    if (seq > loaded.seq + 1) {
      // Another process wrote in between: fetch its rows now, so this doc (and the state vector in the acks)
      // stays a faithful copy of the log up to `seq`.
      try {
        this.stats.foreignWrites += 1;
        await this.cache.catchUp(boardId, loaded, seq - 1);
      } catch {
        // The batch is committed whatever happens here; readers reload from the database instead.
        const stateVector = Y.encodeStateVector(doc);
        this.cache.evict(boardId);
        this.cache.settleReads(boardId, null);
        this.stats.appends += batch.length;
        batch.forEach((item, index) => item.resolve({ seq, stateVector, changed: changed[index]! }));
        return;
      }
    }
    loaded.seq = Math.max(loaded.seq, seq);
    this.cache.settleReads(boardId, loaded);
    const stateVector = Y.encodeStateVector(doc);
    this.stats.appends += batch.length;
    for (let index = 0; index < batch.length; index++) {
      if (!changed[index]) this.stats.appendsUnchanged += 1;
      batch[index]!.resolve({ seq: loaded.seq, stateVector, changed: changed[index]! });
    }
    this.onCommitted(boardId, loaded);
  }

  /** Refuses new appends and waits (bounded) for the queued ones. */
  async close(): Promise<void> {
    this.closed = true;
    for (let i = 0; i < 200 && this.flushing.size > 0; i++) await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
