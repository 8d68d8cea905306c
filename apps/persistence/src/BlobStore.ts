import { createHash } from 'node:crypto';
import { readShape, shapesOf } from '@meshboard/board';
import { MeshboardError, bytesMatchMimeType, type BlobInfo, type BlobMimeType } from '@meshboard/protocol';
import * as Y from 'yjs';
import { defaultBlobOptions, type BlobOptions } from './blob-config.js';
import type { PrismaClient } from './generated/prisma/client.js';

/**
 * Content-addressed blobs of a board (images): each stored once per board under its sha-256, which the store
 * computes itself, so a blob's name always says what its bytes are. Kept outside the board's Yjs document: the
 * document names the hash only, so joins, offline copies and restore points do not carry image bytes.
 *
 * Collection: a blob is referenced while a shape of the board's current state (snapshot + log) or of one of
 * its restore points names it. The collector marks an unreferenced blob with the time it found it so
 * (`unreferenced_since`), clears the mark when a reference comes back (undo, restore, a late upload of the
 * shape), and deletes it once it has stayed unreferenced for the retention, which defaults to the history
 * retention. A freshly uploaded blob whose shape has not reached the store yet is thus never collected early.
 */

export interface StoredBlob {
  mimeType: BlobMimeType;
  size: number;
  data: Uint8Array;
}

export interface BlobHead {
  mimeType: BlobMimeType;
  size: number;
}

export interface CollectResult {
  referenced: number;
  marked: number;
  deleted: number;
}

/** What the collector needs from the board store: the board's current committed state as one update. */
export type CurrentState = (boardId: string) => Promise<Uint8Array>;

/** Serializes puts per board across processes (limits are checked and the row inserted under it). */
const LOCK_NAMESPACE = 0x6d62; // "mb"

export function sha256Hex(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** The sha-256 names every image shape of an encoded board state refers to. */
export function referencedHashes(state: Uint8Array, into: Set<string> = new Set()): Set<string> {
  const doc = new Y.Doc({ gc: true });
  try {
    Y.applyUpdate(doc, state);
    for (const [id, value] of shapesOf(doc).entries()) {
      const shape = readShape(id, value);
      if (shape?.type === 'image') into.add(shape.assetId);
    }
  } finally {
    doc.destroy();
  }
  return into;
}

export class BlobStore {
  readonly options: BlobOptions & { retentionMs: number };
  readonly stats = { puts: 0, putsExisting: 0, refused: 0, gets: 0, collected: 0, sweeps: 0 };

  constructor(
    private readonly prisma: PrismaClient,
    private readonly currentState: CurrentState,
    options: Partial<BlobOptions> & { retentionMs: number },
  ) {
    this.options = { ...defaultBlobOptions, ...options };
  }

  /**
   * Stores `data` under `hash` for the board. Idempotent: a blob the board already has is not written again
   * (`created: false`). Refuses a body whose sha-256 is not `hash`, whose bytes are not `mimeType`, or that
   * would take the file or the board over its limits.
   */
  async put(boardId: string, hash: string, mimeType: BlobMimeType, data: Uint8Array): Promise<BlobInfo> {
    if (data.byteLength === 0) throw this.refuse('bad_request', 'the body is empty');
    if (data.byteLength > this.options.maxBlobBytes) {
      throw this.refuse('payload_too_large', `file too large: ${data.byteLength} bytes, at most ${this.options.maxBlobBytes} per file`);
    }
    const actual = sha256Hex(data);
    if (actual !== hash) throw this.refuse('bad_request', `hash mismatch: the body's sha-256 is ${actual}, not ${hash}`);
    if (!bytesMatchMimeType(data, mimeType)) throw this.refuse('unsupported_media_type', `the bytes are not ${mimeType}`);

    const created = await this.prisma.$transaction(
      async (tx) => {
        // Serializes puts to one board (on every process sharing the database) so two uploads cannot both
        // pass the board limits. Only puts take this lock; appends and reads never wait for it.
        await tx.$executeRaw`SELECT pg_advisory_xact_lock(${LOCK_NAMESPACE}::int, hashtext(${boardId}))`;
        const existing = await tx.blob.findUnique({ where: { boardId_sha256: { boardId, sha256: hash } }, select: { size: true } });
        if (existing) {
          // a re-upload is a reference coming back (e.g. the shape was restored): the collector re-checks anyway
          await tx.blob.updateMany({ where: { boardId, sha256: hash, unreferencedSince: { not: null } }, data: { unreferencedSince: null } });
          return false;
        }
        const totals = await tx.blob.aggregate({ where: { boardId }, _count: { _all: true }, _sum: { size: true } });
        const count = totals._count._all;
        const bytes = totals._sum.size ?? 0;
        if (count + 1 > this.options.maxBlobsPerBoard) {
          throw new MeshboardError('payload_too_large', `board full: it holds ${count} files, at most ${this.options.maxBlobsPerBoard} per board`);
        }
        if (bytes + data.byteLength > this.options.maxBoardBytes) {
          throw new MeshboardError(
            'payload_too_large',
            `board full: ${bytes} bytes of files stored, this one (${data.byteLength}) would pass the ${this.options.maxBoardBytes} bytes per board`,
          );
        }
        await tx.blob.create({ data: { boardId, sha256: hash, mimeType, size: data.byteLength, data: data as Uint8Array<ArrayBuffer> } });
        return true;
      },
      { maxWait: 15_000, timeout: 60_000 },
    ).catch((error: unknown) => {
      if (error instanceof MeshboardError) this.stats.refused += 1;
      throw error;
    });
    if (created) this.stats.puts += 1;
    else this.stats.putsExisting += 1;
    return { sha256: hash, size: data.byteLength, mimeType, created };
  }

  async get(boardId: string, hash: string): Promise<StoredBlob | null> {
    const row = await this.prisma.blob.findUnique({ where: { boardId_sha256: { boardId, sha256: hash } }, select: { mimeType: true, size: true, data: true } });
    if (!row) return null;
    this.stats.gets += 1;
    return { mimeType: row.mimeType as BlobMimeType, size: row.size, data: row.data };
  }

  async head(boardId: string, hash: string): Promise<BlobHead | null> {
    const row = await this.prisma.blob.findUnique({ where: { boardId_sha256: { boardId, sha256: hash } }, select: { mimeType: true, size: true } });
    return row ? { mimeType: row.mimeType as BlobMimeType, size: row.size } : null;
  }

  /** Number and total bytes of a board's blobs. */
  async usage(boardId: string): Promise<{ count: number; bytes: number }> {
    const totals = await this.prisma.blob.aggregate({ where: { boardId }, _count: { _all: true }, _sum: { size: true } });
    return { count: totals._count._all, bytes: totals._sum.size ?? 0 };
  }

  /**
   * One collection pass over a board: marks blobs nothing references, unmarks referenced ones, deletes the ones
   * unreferenced for longer than the retention. `now` is a parameter so tests can pass the retention.
   */
  async collect(boardId: string, now: Date = new Date()): Promise<CollectResult> {
    const blobs = await this.prisma.blob.findMany({ where: { boardId }, select: { sha256: true, unreferencedSince: true } });
    if (blobs.length === 0) return { referenced: 0, marked: 0, deleted: 0 };
    const referenced = referencedHashes(await this.currentState(boardId));
    // Restore points one at a time (each is a whole board state, and a board may keep hundreds), and only
    // while some blob is still unaccounted for: usually every blob is on the board and none is read.
    const unaccounted = () => blobs.some((blob) => !referenced.has(blob.sha256));
    if (unaccounted()) {
      const points = await this.prisma.snapshotHistory.findMany({ where: { boardId }, orderBy: { createdAt: 'desc' }, select: { id: true } });
      for (const point of points) {
        const row = await this.prisma.snapshotHistory.findUnique({ where: { id: point.id }, select: { data: true } });
        if (row) referencedHashes(row.data, referenced);
        if (!unaccounted()) break;
      }
    }
    const cutoff = new Date(now.getTime() - this.options.retentionMs);
    const live = blobs.filter((blob) => referenced.has(blob.sha256));
    const toMark = blobs.filter((blob) => !referenced.has(blob.sha256) && blob.unreferencedSince === null);
    const toDelete = blobs.filter((blob) => !referenced.has(blob.sha256) && blob.unreferencedSince !== null && blob.unreferencedSince < cutoff);
    if (live.some((blob) => blob.unreferencedSince !== null)) {
      await this.prisma.blob.updateMany({ where: { boardId, sha256: { in: live.map((blob) => blob.sha256) } }, data: { unreferencedSince: null } });
    }
    if (toMark.length > 0) {
      await this.prisma.blob.updateMany({ where: { boardId, sha256: { in: toMark.map((blob) => blob.sha256) }, unreferencedSince: null }, data: { unreferencedSince: now } });
    }
    let deleted = 0;
    if (toDelete.length > 0) {
      // the condition is repeated in the delete: a put that re-referenced the blob meanwhile cleared the mark
      const result = await this.prisma.blob.deleteMany({
        where: { boardId, sha256: { in: toDelete.map((blob) => blob.sha256) }, unreferencedSince: { lt: cutoff } },
      });
      deleted = result.count;
    }
    this.stats.collected += deleted;
    return { referenced: live.length, marked: toMark.length, deleted };
  }

  /** Collects every board that holds blobs. Errors on one board do not stop the others. */
  async collectAll(now: Date = new Date(), onError: (error: unknown, boardId: string) => void = () => {}): Promise<number> {
    this.stats.sweeps += 1;
    const boards = await this.prisma.blob.findMany({ distinct: ['boardId'], select: { boardId: true } });
    let deleted = 0;
    for (const { boardId } of boards) {
      try {
        deleted += (await this.collect(boardId, now)).deleted;
      } catch (error) {
        onError(error, boardId);
      }
    }
    return deleted;
  }

  private refuse(code: 'bad_request' | 'payload_too_large' | 'unsupported_media_type', message: string): MeshboardError {
    this.stats.refused += 1;
    return new MeshboardError(code, message);
  }
}
