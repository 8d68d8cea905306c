import * as Y from 'yjs';
import type { StoreOptions } from '../config.js';
import type { PrismaClient } from '../generated/prisma/client.js';
import { APPLY_ORIGIN, notFound, type LoadedBoard, type StoreStats } from './model.js';

/** Memory for remembered snapshots of boards not held as docs (a board over a quarter of it is not kept). */
const SNAPSHOT_MEMORY_BYTES = 128 * 1024 * 1024;

/**
 * The boards this process holds in memory: an LRU of docs (each a faithful copy of the log up to its `seq`),
 * recently served snapshots of boards not held, and the rule that reads see only committed data, including
 * data other processes committed (`readCommitted` catches a doc up to `boards.last_seq` first).
 */
export class BoardCache {
  private readonly cache = new Map<string, LoadedBoard>();
  private readonly loading = new Map<string, Promise<LoadedBoard>>();
  /**
   * Boards whose cached doc holds a batch that is not committed yet, with the reads waiting for the outcome.
   * Reads never see uncommitted data: a state vector in a read response is an acknowledgement too (clients stop
   * uploading what it covers), so it must not cover anything that may still fail to commit.
   */
  private readonly uncommitted = new Map<string, ((committed: LoadedBoard | null) => void)[]>();
  /**
   * Recently served snapshots of boards not held in memory (LRU, `cachedBoards` entries). A snapshot's bytes
   * never change for a given `upToSeq`, so an entry stays valid while it covers the board's `last_seq`.
   */
  private readonly snapshots = new Map<string, { data: Uint8Array; stateVector: Uint8Array; upToSeq: bigint }>();
  private closed = false;

  constructor(
    private readonly prisma: PrismaClient,
    private readonly options: StoreOptions,
    private readonly stats: StoreStats,
    /** boards that must not be evicted to make room (a write is in flight) */
    private readonly isBusy: (boardId: string) => boolean,
  ) {}

  /** Whether this process holds (or is loading) the board's doc. */
  holds(boardId: string): boolean {
    return this.cache.has(boardId) || this.loading.has(boardId);
  }

  /** The cached board without touching LRU order or loading it (compaction adjusts its counters). */
  peek(boardId: string): LoadedBoard | undefined {
    return this.cache.get(boardId);
  }

  /** The doc now holds a batch that is not committed: reads wait for `settleReads`. */
  markUncommitted(boardId: string): void {
    if (!this.uncommitted.has(boardId)) this.uncommitted.set(boardId, []);
  }

  /**
   * The snapshot when it alone is the board's committed state (it covers every sequence number handed out as
   * of the board read, so the log holds nothing newer), else null. Reads the database only.
   */
  async readCompactedSnapshot(boardId: string): Promise<{ data: Uint8Array; stateVector: Uint8Array } | null> {
    const board = await this.prisma.board.findUnique({ where: { id: boardId }, select: { lastSeq: true, deletedAt: true } });
    if (!board || board.deletedAt !== null) throw notFound();
    if (board.lastSeq === 0n) return null;
    const remembered = this.snapshots.get(boardId);
    if (remembered && remembered.upToSeq >= board.lastSeq) {
      this.snapshots.delete(boardId);
      this.snapshots.set(boardId, remembered); // LRU order
      return remembered;
    }
    const snapshot = await this.prisma.snapshot.findUnique({ where: { boardId }, select: { data: true, stateVector: true, upToSeq: true } });
    if (!snapshot || snapshot.upToSeq < board.lastSeq) {
      this.snapshots.delete(boardId);
      return null;
    }
    if (!this.closed && snapshot.data.length <= SNAPSHOT_MEMORY_BYTES / 4) {
      this.snapshots.set(boardId, snapshot);
      let total = 0;
      for (const entry of this.snapshots.values()) total += entry.data.length;
      while (this.snapshots.size > this.options.cachedBoards || total > SNAPSHOT_MEMORY_BYTES) {
        const oldest = this.snapshots.keys().next().value as string;
        total -= this.snapshots.get(oldest)!.data.length;
        this.snapshots.delete(oldest);
      }
    }
    return snapshot;
  }

  /**
   * Runs `read` on the board's doc when it holds only committed data: at once, or right after the batch being
   * written commits (synchronously, before the next batch is applied), or on a fresh load if it failed.
   */
  readCommitted<T>(boardId: string, read: (loaded: LoadedBoard) => T): Promise<T> {
    // Several store processes may write this board: the cached doc must include every write committed before
    // this read began (a read after an acknowledged write on ANY process includes it). One primary-key read
    // of boards.last_seq says whether it does; if not, only the missing log rows are fetched and applied.
    return this.lastSeqOf(boardId).then((required) => this.readCommittedAt(boardId, required, read));
  }

  private readCommittedAt<T>(boardId: string, required: number, read: (loaded: LoadedBoard) => T): Promise<T> {
    return this.load(boardId).then(async (loaded) => {
      if (loaded.seq < required) {
        await this.catchUp(boardId, loaded, required);
        return this.readCommittedAt(boardId, required, read);
      }
      const waiters = this.uncommitted.get(boardId);
      if (!waiters) return read(loaded);
      return new Promise<T>((resolve, reject) => {
        waiters.push((committed) => {
          if (!committed) {
            this.readCommittedAt(boardId, required, read).then(resolve, reject);
            return;
          }
          try {
            resolve(read(committed));
          } catch (error) {
            reject(error);
          }
        });
      });
    });
  }

  /** boards.last_seq: the highest log sequence committed (by any process) as of now; `board_not_found` if deleted. */
  private async lastSeqOf(boardId: string): Promise<number> {
    const board = await this.prisma.board.findUnique({ where: { id: boardId }, select: { lastSeq: true, deletedAt: true } });
    if (!board || board.deletedAt !== null) throw notFound();
    return Number(board.lastSeq);
  }

  /**
   * Brings a cached doc up to `required` with what other processes committed: the log rows after `loaded.seq`,
   * and, when some of those were already compacted away, the snapshot too (read after the rows, as a load does,
   * so a compaction in between is covered). Applying committed data is idempotent, so a racing catch-up or a
   * write of this process meanwhile does no harm; the doc never receives anything uncommitted from here.
   */
  async catchUp(boardId: string, loaded: LoadedBoard, required: number): Promise<void> {
    const from = loaded.seq;
    const rows = await this.prisma.boardUpdate.findMany({
      where: { boardId, seq: { gt: BigInt(from) } },
      orderBy: { seq: 'asc' },
      select: { seq: true, data: true, size: true },
    });
    const contiguous = rows.length > 0 && Number(rows[0]!.seq) === from + 1 && rows.every((row, index) => Number(row.seq) === from + 1 + index);
    const updates: Uint8Array[] = [];
    let covered = rows.length > 0 ? Number(rows[rows.length - 1]!.seq) : from;
    if (!contiguous) {
      const snapshot = await this.prisma.snapshot.findUnique({ where: { boardId }, select: { data: true, upToSeq: true } });
      if (snapshot && Number(snapshot.upToSeq) > from) {
        updates.push(snapshot.data);
        loaded.snapshotBytes = snapshot.data.length;
        covered = Math.max(covered, Number(snapshot.upToSeq));
      }
    }
    for (const row of rows) {
      updates.push(row.data);
      loaded.logRows += 1;
      loaded.logBytes += row.size;
    }
    if (updates.length > 0) {
      Y.applyUpdate(loaded.doc, updates.length === 1 ? updates[0]! : Y.mergeUpdates(updates), APPLY_ORIGIN);
      loaded.encoded = null;
    }
    this.stats.catchUps += 1;
    // Every sequence up to `required` was committed before the rows were read: it is in the rows or the snapshot.
    loaded.seq = Math.max(loaded.seq, required, covered);
  }

  /** The batch applied to the cached doc is committed (`loaded`) or abandoned (`null`, cache evicted). */
  settleReads(boardId: string, loaded: LoadedBoard | null): void {
    const waiters = this.uncommitted.get(boardId);
    this.uncommitted.delete(boardId);
    if (waiters) for (const waiter of waiters) waiter(loaded);
  }

  async load(boardId: string): Promise<LoadedBoard> {
    const cached = this.cache.get(boardId);
    if (cached) {
      this.cache.delete(boardId);
      this.cache.set(boardId, cached); // LRU order
      return cached;
    }
    let pending = this.loading.get(boardId);
    if (!pending) {
      pending = this.loadFromDatabase(boardId).finally(() => this.loading.delete(boardId));
      this.loading.set(boardId, pending);
    }
    return pending;
  }

  /**
   * Reads board row, then log, then snapshot. A compaction committing in between can only move rows from the
   * log into the snapshot, and the snapshot is read last, so nothing is missed (overlap is harmless in Yjs).
   */
  private async loadFromDatabase(boardId: string): Promise<LoadedBoard> {
    const board = await this.prisma.board.findUnique({ where: { id: boardId }, select: { lastSeq: true, deletedAt: true } });
    if (!board || board.deletedAt !== null) throw notFound();
    const rows = await this.prisma.boardUpdate.findMany({
      where: { boardId },
      orderBy: { seq: 'asc' },
      select: { seq: true, data: true, size: true },
    });
    const snapshot = await this.prisma.snapshot.findUnique({ where: { boardId }, select: { data: true, upToSeq: true } });
    const doc = new Y.Doc({ gc: true });
    const upTo = snapshot ? Number(snapshot.upToSeq) : 0;
    const updates: Uint8Array[] = [];
    if (snapshot) updates.push(snapshot.data);
    let logRows = 0;
    let logBytes = 0;
    for (const row of rows) {
      if (Number(row.seq) <= upTo) continue;
      updates.push(row.data);
      logRows += 1;
      logBytes += row.size;
    }
    if (updates.length > 0) Y.applyUpdate(doc, updates.length === 1 ? updates[0]! : Y.mergeUpdates(updates), APPLY_ORIGIN);
    const loaded: LoadedBoard = { doc, seq: Number(board.lastSeq), snapshotBytes: snapshot?.data.length ?? 0, logRows, logBytes, encoded: null };
    if (!this.closed) {
      this.cache.set(boardId, loaded);
      while (this.cache.size > this.options.cachedBoards) {
        const oldest = this.cache.keys().next().value as string;
        if (this.isBusy(oldest)) break;
        this.evict(oldest);
      }
    }
    return loaded;
  }

  evict(boardId: string): void {
    this.snapshots.delete(boardId);
    const cached = this.cache.get(boardId);
    if (cached) {
      this.cache.delete(boardId);
      cached.doc.destroy();
    }
  }

  /** Drops everything held; nothing is cached afterwards. */
  close(): void {
    this.closed = true;
    for (const id of [...this.cache.keys()]) this.evict(id);
    this.snapshots.clear();
  }
}
