import { newBoardId, type LinkRole } from '@meshboard/protocol';
import * as Y from 'yjs';
import { defaultStoreOptions, type StoreOptions } from '../config.js';
import type { PrismaClient } from '../generated/prisma/client.js';
import { BoardCache } from './board-cache.js';
import { Compactor } from './compactor.js';
import { History } from './history.js';
import { BOARD_RECORD_SELECT, notFound, toRecord, type AppendResult, type BoardRecord, type CompactionResult, type HistoryItem, type StateResult, type StoreStats } from './model.js';
import { WriteQueue } from './write-queue.js';
import { decodeStateVectorOrThrow } from './yjs-input.js';

/**
 * The board store: an append-only log of Yjs updates per board, a compacted snapshot, and restore points. This
 * class is the store's one face (the HTTP routes use nothing else); the work is done by its parts:
 * `BoardCache` (docs in memory, reads that see every committed write), `WriteQueue` (group commit),
 * `Compactor` (log into snapshot, restore points) and `History` (restore points, forward restore).
 */
export class BoardStore {
  private readonly options: StoreOptions;
  /** counters for /metrics */
  readonly stats: StoreStats = { appends: 0, appendsUnchanged: 0, batches: 0, compactions: 0, compactionErrors: 0, compactionRaces: 0, catchUps: 0, foreignWrites: 0 };
  private readonly cache: BoardCache;
  private readonly writes: WriteQueue;
  private readonly compactor: Compactor;
  private readonly history: History;

  constructor(
    private readonly prisma: PrismaClient,
    options: Partial<StoreOptions> = {},
  ) {
    this.options = { ...defaultStoreOptions, ...options };
    this.cache = new BoardCache(prisma, this.options, this.stats, (boardId) => this.writes.busy(boardId));
    this.compactor = new Compactor(prisma, this.cache, this.options, this.stats);
    this.writes = new WriteQueue(prisma, this.cache, this.options, this.stats, (boardId, loaded) => this.compactor.noteWrite(boardId, loaded));
    this.history = new History(prisma, { getState: (boardId) => this.getState(boardId), append: (boardId, update) => this.append(boardId, update) });
  }

  set onBackgroundError(handler: (error: unknown, boardId: string) => void) {
    this.compactor.onBackgroundError = handler;
  }

  // ---------------------------------------------------------------- boards

  async createBoard(title: string): Promise<BoardRecord> {
    const row = await this.prisma.board.create({ data: { id: newBoardId(), title } });
    return toRecord(row);
  }

  /** The live (not deleted) board, or null. One primary-key read: cheap enough for every request. */
  async getBoard(id: string): Promise<BoardRecord | null> {
    const row = await this.prisma.board.findUnique({
      where: { id },
      select: BOARD_RECORD_SELECT,
    });
    return row && row.deletedAt === null ? toRecord(row) : null;
  }

  async renameBoard(id: string, title: string): Promise<BoardRecord> {
    const result = await this.prisma.board.updateMany({ where: { id, deletedAt: null }, data: { title } });
    if (result.count === 0) throw notFound();
    const board = await this.getBoard(id);
    if (!board) throw notFound();
    return board;
  }

  /** Soft delete: the board stops answering at once; its rows stay until an operator purges them. */
  async deleteBoard(id: string): Promise<void> {
    const result = await this.prisma.board.updateMany({ where: { id, deletedAt: null }, data: { deletedAt: new Date() } });
    if (result.count === 0) throw notFound();
    this.cache.evict(id);
  }

  /** Bumps every link's generation (revoking every older link) and returns the new edit generation. */
  async rotateTokens(id: string): Promise<number> {
    const result = await this.prisma.board.updateMany({
      where: { id, deletedAt: null },
      data: { tokenGeneration: { increment: 1 }, viewGeneration: { increment: 1 }, ownerGeneration: { increment: 1 }, legacyOwner: false },
    });
    if (result.count === 0) throw notFound();
    const board = await this.getBoard(id);
    if (!board) throw notFound();
    return board.tokenGeneration;
  }

  /**
   * Revokes one kind of link: bumps its generation only. Rotating the edit link of a legacy board also ends its
   * legacy mode (the new edit links are plain edit links; the owner link stays).
   */
  async rotateLink(id: string, role: LinkRole): Promise<BoardRecord> {
    const data =
      role === 'edit'
        ? { tokenGeneration: { increment: 1 }, legacyOwner: false }
        : role === 'view'
          ? { viewGeneration: { increment: 1 } }
          : { ownerGeneration: { increment: 1 } };
    return this.updateBoard(id, data);
  }

  /** Sets (or clears, with null) one kind of link's expiry. */
  async setLinkExpiry(id: string, role: LinkRole, expiresAt: Date | null): Promise<BoardRecord> {
    const column = role === 'owner' ? 'ownerExpiresAt' : role === 'edit' ? 'editExpiresAt' : 'viewExpiresAt';
    return this.updateBoard(id, { [column]: expiresAt });
  }

  private async updateBoard(id: string, data: Record<string, unknown>): Promise<BoardRecord> {
    const result = await this.prisma.board.updateMany({ where: { id, deletedAt: null }, data });
    if (result.count === 0) throw notFound();
    const board = await this.getBoard(id);
    if (!board) throw notFound();
    return board;
  }

  // ---------------------------------------------------------------- reads

  /**
   * The board's full state. A board this process does not hold in memory and whose log is fully compacted is
   * served straight from the snapshot bytes (no Y.Doc is built: a 10,000-shape board costs ~1 s of CPU to
   * decode); otherwise from the in-memory doc, whose encoding is kept until the next committed change.
   */
  async getState(boardId: string): Promise<StateResult> {
    if (!this.cache.holds(boardId)) {
      const stored = await this.cache.readCompactedSnapshot(boardId);
      if (stored) return { update: stored.data, stateVector: stored.stateVector };
    }
    return this.cache.readCommitted(boardId, (loaded) => {
      loaded.encoded ??= { update: Y.encodeStateAsUpdate(loaded.doc), stateVector: Y.encodeStateVector(loaded.doc) };
      return loaded.encoded;
    });
  }

  /** What a client with state vector `stateVector` lacks. */
  async getDiff(boardId: string, stateVector: Uint8Array): Promise<StateResult> {
    decodeStateVectorOrThrow(stateVector);
    if (!this.cache.holds(boardId)) {
      const stored = await this.cache.readCompactedSnapshot(boardId);
      if (stored) return { update: Y.diffUpdate(stored.data, stateVector), stateVector: stored.stateVector };
    }
    return this.cache.readCommitted(boardId, ({ doc }) => ({ update: Y.encodeStateAsUpdate(doc, stateVector), stateVector: Y.encodeStateVector(doc) }));
  }

  getStateVector(boardId: string): Promise<Uint8Array> {
    return this.cache.readCommitted(boardId, ({ doc }) => Y.encodeStateVector(doc));
  }

  /**
   * Runs the join path's queries once against a board that does not exist, so the first real client after a
   * start does not pay for opening pool connections and preparing Prisma's query plans.
   */
  async warmUp(): Promise<void> {
    const missing = '0000000000000000000000';
    await Promise.all([
      this.prisma.board.findUnique({ where: { id: missing }, select: BOARD_RECORD_SELECT }),
      this.prisma.board.findUnique({ where: { id: missing }, select: { lastSeq: true, deletedAt: true } }),
      this.prisma.snapshot.findUnique({ where: { boardId: missing }, select: { data: true, stateVector: true, upToSeq: true } }),
      this.prisma.boardUpdate.findMany({ where: { boardId: missing }, orderBy: { seq: 'asc' }, select: { seq: true, data: true, size: true } }),
    ]);
  }

  // ---------------------------------------------------------------- writes, compaction, history

  /** Appends one update; resolves once it is committed (or known to add nothing). */
  append(boardId: string, update: Uint8Array): Promise<AppendResult> {
    return this.writes.append(boardId, update);
  }

  /** Merges the board's log into a new snapshot. Safe to call any time; one run per board at a time. */
  compact(boardId: string): Promise<CompactionResult | null> {
    return this.compactor.compact(boardId);
  }

  listHistory(boardId: string): Promise<HistoryItem[]> {
    return this.history.listHistory(boardId);
  }

  /** Keeps the current state as a named version (never pruned). */
  saveVersion(boardId: string, name: string): Promise<HistoryItem> {
    return this.history.saveVersion(boardId, name);
  }

  getHistoryEntry(boardId: string, entryId: string): Promise<Uint8Array> {
    return this.history.getHistoryEntry(boardId, entryId);
  }

  /** Restores a restore point as a forward update (see `History.restore`). */
  restore(boardId: string, entryId: string): Promise<StateResult & { seq: number }> {
    return this.history.restore(boardId, entryId);
  }

  // ---------------------------------------------------------------- lifecycle

  /** Waits for queued appends and running compactions, then stops background work. */
  async close(): Promise<void> {
    await Promise.all([this.writes.close(), this.compactor.close()]);
    this.cache.close();
  }
}
