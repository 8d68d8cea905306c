import { countShapes } from '@meshboard/board';
import { MeshboardError } from '@meshboard/protocol';
import * as Y from 'yjs';
import type { PrismaClient } from '../generated/prisma/client.js';
import { bytes, newEntryId, type AppendResult, type HistoryItem, type StateResult } from './model.js';
import { revertUpdate } from './revert.js';

/** Restore points: listing, reading one, and restoring one as a forward update. */
export class History {
  constructor(
    private readonly prisma: PrismaClient,
    private readonly reads: { getState(boardId: string): Promise<StateResult>; append(boardId: string, update: Uint8Array): Promise<AppendResult> },
  ) {}

  async listHistory(boardId: string): Promise<HistoryItem[]> {
    const rows = await this.prisma.snapshotHistory.findMany({
      where: { boardId },
      orderBy: { createdAt: 'desc' },
      select: { id: true, createdAt: true, size: true, shapeCount: true, reason: true, name: true },
    });
    return rows.map((row) => ({ id: row.id, createdAt: row.createdAt, bytes: row.size, shapeCount: row.shapeCount, reason: row.reason, name: row.name }));
  }

  /**
   * "Save this version": keeps the board's current state as a named restore point. Named versions are never
   * pruned by retention or the entry cap (Compactor.pruneHistory skips them); deleting the board removes them.
   */
  async saveVersion(boardId: string, name: string): Promise<HistoryItem> {
    const current = await this.reads.getState(boardId);
    const doc = new Y.Doc({ gc: true });
    try {
      Y.applyUpdate(doc, current.update);
      const row = await this.prisma.snapshotHistory.create({
        data: {
          id: newEntryId(),
          boardId,
          data: bytes(current.update),
          stateVector: bytes(current.stateVector),
          size: current.update.length,
          shapeCount: countShapes(doc),
          createdAt: new Date(),
          reason: 'named',
          name,
        },
        select: { id: true, createdAt: true, size: true, shapeCount: true, reason: true, name: true },
      });
      return { id: row.id, createdAt: row.createdAt, bytes: row.size, shapeCount: row.shapeCount, reason: row.reason, name: row.name };
    } finally {
      doc.destroy();
    }
  }

  async getHistoryEntry(boardId: string, entryId: string): Promise<Uint8Array> {
    const row = await this.prisma.snapshotHistory.findFirst({ where: { id: entryId, boardId }, select: { data: true } });
    if (!row) throw new MeshboardError('not_found', 'no such history entry');
    return row.data;
  }

  /**
   * Restores a restore point as a forward update: computes the update that turns the current doc into the
   * old one (undoing, on a copy of the old state, every change made since), appends it like any other edit,
   * and returns it. The state just before the restore is kept as a restore point first, so a restore can be
   * undone by restoring that one.
   */
  async restore(boardId: string, entryId: string): Promise<StateResult & { seq: number }> {
    const old = await this.getHistoryEntry(boardId, entryId);
    const current = await this.reads.getState(boardId);
    const revert = revertUpdate(current.update, old);
    const doc = new Y.Doc({ gc: true });
    try {
      Y.applyUpdate(doc, current.update);
      await this.prisma.snapshotHistory.create({
        data: {
          id: newEntryId(),
          boardId,
          data: bytes(current.update),
          stateVector: bytes(current.stateVector),
          size: current.update.length,
          shapeCount: countShapes(doc),
          createdAt: new Date(),
          reason: 'restore',
        },
      });
    } finally {
      doc.destroy();
    }
    const ack = await this.reads.append(boardId, revert);
    return { update: revert, stateVector: ack.stateVector, seq: ack.seq };
  }
}
