import { randomBytes } from 'node:crypto';
import { MeshboardError, type BoardId, type LinkRole } from '@meshboard/protocol';
import type * as Y from 'yjs';

/** Shapes and small helpers the store's parts share. */

export interface BoardRecord {
  id: BoardId;
  title: string;
  createdAt: Date;
  updatedAt: Date;
  /** generation of the edit link (pre-issue-13 boards: of every link) */
  tokenGeneration: number;
  /** per link kind: current generation and optional expiry (issue 13) */
  links: Record<LinkRole, LinkState>;
  /** a board from before owner links: its edit links act as owner links until the edit link is rotated */
  legacyOwner: boolean;
}

export interface LinkState {
  generation: number;
  expiresAt: Date | null;
}

/** The columns a BoardRecord is read from (one primary-key read on every request). */
export const BOARD_RECORD_SELECT = {
  id: true,
  title: true,
  createdAt: true,
  updatedAt: true,
  tokenGeneration: true,
  viewGeneration: true,
  ownerGeneration: true,
  legacyOwner: true,
  ownerExpiresAt: true,
  editExpiresAt: true,
  viewExpiresAt: true,
  deletedAt: true,
} as const;

export interface BoardRow {
  id: string;
  title: string;
  createdAt: Date;
  updatedAt: Date;
  tokenGeneration: number;
  viewGeneration: number;
  ownerGeneration: number;
  legacyOwner: boolean;
  ownerExpiresAt: Date | null;
  editExpiresAt: Date | null;
  viewExpiresAt: Date | null;
}

export interface AppendResult {
  seq: number;
  stateVector: Uint8Array;
  changed: boolean;
}

export interface StateResult {
  update: Uint8Array;
  stateVector: Uint8Array;
}

export interface HistoryItem {
  id: string;
  createdAt: Date;
  bytes: number;
  shapeCount: number;
  reason: string;
  /** set on versions saved by name (kept past retention) */
  name: string | null;
}

export interface CompactionResult {
  merged: number;
  upToSeq: number;
  snapshotBytes: number;
  historyCreated: boolean;
}

/** A board held in memory: its doc and what this process knows of its log. */
export interface LoadedBoard {
  doc: Y.Doc;
  /** the highest log sequence this doc includes (everything committed up to it, by any process) */
  seq: number;
  /** size of the stored snapshot (with the log: what counts against `maxBoardBytes`) */
  snapshotBytes: number;
  logRows: number;
  logBytes: number;
  /** the encoded full state, kept until the next committed change (joins come in bursts) */
  encoded: StateResult | null;
}

/**
 * Interactive transaction limits. Prisma's defaults (2 s to get a connection, 5 s to finish) would turn a
 * multi-megabyte update on a loaded PGlite, or a queue behind a busy pool, into a failed write.
 */
export const WRITE_TRANSACTION = { maxWait: 15_000, timeout: 120_000 };

/** Transaction origin of everything the store itself applies to a doc. */
export const APPLY_ORIGIN = Symbol('meshboard-store');

/** Counters for /metrics, shared by the parts. */
export interface StoreStats {
  appends: number;
  appendsUnchanged: number;
  batches: number;
  compactions: number;
  compactionErrors: number;
  compactionRaces: number;
  catchUps: number;
  foreignWrites: number;
}

export function notFound(): MeshboardError {
  return new MeshboardError('board_not_found', 'no such board');
}

/** Yjs encoders always return ArrayBuffer-backed arrays; Prisma's Bytes type insists on saying so. */
export function bytes(value: Uint8Array): Uint8Array<ArrayBuffer> {
  return value as Uint8Array<ArrayBuffer>;
}

export function newEntryId(): string {
  return randomBytes(12).toString('base64url');
}

export function toRecord(row: BoardRow): BoardRecord {
  return {
    id: row.id,
    title: row.title,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
    tokenGeneration: row.tokenGeneration,
    links: {
      owner: { generation: row.ownerGeneration, expiresAt: row.ownerExpiresAt },
      edit: { generation: row.tokenGeneration, expiresAt: row.editExpiresAt },
      view: { generation: row.viewGeneration, expiresAt: row.viewExpiresAt },
    },
    legacyOwner: row.legacyOwner,
  };
}
