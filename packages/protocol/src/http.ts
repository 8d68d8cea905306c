import { z } from 'zod';
import { BoardId } from './ids.js';
import { limits } from './limits.js';
import { LinkRole, Role } from './token.js';

/**
 * The persistence service's HTTP API, version 1. JSON for metadata, `application/octet-stream` for Yjs
 * data (updates and state vectors are raw Yjs v1 encodings, never base64 in a binary body).
 *
 * Auth: every `/v1/boards/:id/...` route takes the board's capability token as `Authorization: Bearer <token>`.
 * `?token=<token>` is accepted too, because `navigator.sendBeacon` (the pagehide flush) cannot set headers;
 * services never log query strings.
 *
 *   POST   /v1/boards                                  CreateBoardRequest -> 201 CreateBoardResponse   (no token)
 *   GET    /v1/boards/:id                              -> BoardMeta                         (view)
 *   PATCH  /v1/boards/:id                              RenameBoardRequest -> BoardMeta      (edit)
 *   DELETE /v1/boards/:id                              -> 204                               (owner)
 *   POST   /v1/boards/:id/tokens/rotate                -> RotateTokensResponse: every link  (owner)
 *   GET    /v1/boards/:id/links                        -> BoardLinks: owner all, edit: edit+view   (edit)
 *   PUT    /v1/boards/:id/links/:role                  SetLinkRequest -> BoardLinks (expiry)       (owner)
 *   POST   /v1/boards/:id/links/:role/rotate           -> BoardLinks (that link kind revoked, re-issued) (owner)
 *   GET    /v1/boards/:id/state                        -> octet-stream: full state as one update   (view)
 *   POST   /v1/boards/:id/diff      body: state vector -> octet-stream: update with what it lacks  (view)
 *   POST   /v1/boards/:id/updates   body: one update   -> AppendAck, after it is durable           (edit)
 *   GET    /v1/boards/:id/history                      -> HistoryList                       (view)
 *   POST   /v1/boards/:id/history   SaveVersionRequest -> 201 HistoryEntry: a named version (edit)
 *   GET    /v1/boards/:id/history/:entryId             -> octet-stream: that restore point's state (view)
 *   POST   /v1/boards/:id/history/:entryId/restore     -> octet-stream: the forward update appended (edit)
 *   GET    /healthz                                    -> Health
 *   GET    /metrics                                    -> Prometheus text
 *
 * Every error is an `ErrorBody` with the status from `httpStatusOf`.
 */
export const apiPaths = {
  boards: '/v1/boards',
  board: (id: string) => `/v1/boards/${encodeURIComponent(id)}`,
  rotateTokens: (id: string) => `/v1/boards/${encodeURIComponent(id)}/tokens/rotate`,
  links: (id: string) => `/v1/boards/${encodeURIComponent(id)}/links`,
  link: (id: string, role: LinkRole) => `/v1/boards/${encodeURIComponent(id)}/links/${role}`,
  rotateLink: (id: string, role: LinkRole) => `/v1/boards/${encodeURIComponent(id)}/links/${role}/rotate`,
  state: (id: string) => `/v1/boards/${encodeURIComponent(id)}/state`,
  diff: (id: string) => `/v1/boards/${encodeURIComponent(id)}/diff`,
  updates: (id: string) => `/v1/boards/${encodeURIComponent(id)}/updates`,
  history: (id: string) => `/v1/boards/${encodeURIComponent(id)}/history`,
  historyEntry: (id: string, entryId: string) =>
    `/v1/boards/${encodeURIComponent(id)}/history/${encodeURIComponent(entryId)}`,
  restore: (id: string, entryId: string) =>
    `/v1/boards/${encodeURIComponent(id)}/history/${encodeURIComponent(entryId)}/restore`,
} as const;

export const BINARY_CONTENT_TYPE = 'application/octet-stream';
/** Response header on state / diff / restore bodies: the store's state vector after the operation, base64. */
export const STATE_VECTOR_HEADER = 'x-meshboard-state-vector';

export const BoardTitle = z.string().trim().min(1).max(limits.maxTitleLength);

export const CreateBoardRequest = z.object({ title: BoardTitle.optional() }).strict();
export type CreateBoardRequest = z.infer<typeof CreateBoardRequest>;

export const CreateBoardResponse = z.object({
  id: BoardId,
  title: z.string(),
  editToken: z.string(),
  viewToken: z.string(),
  /** the manage link (issue 13); optional only so a client still reads an older store's answer */
  ownerToken: z.string().optional(),
  createdAt: z.string(),
});
export type CreateBoardResponse = z.infer<typeof CreateBoardResponse>;

export const BoardMeta = z.object({
  id: BoardId,
  title: z.string(),
  createdAt: z.string(),
  updatedAt: z.string(),
  /** the content role the presented token grants (an owner link edits) */
  role: Role,
  /** the kind of link presented (issue 13); absent from older stores */
  link: LinkRole.optional(),
});
export type BoardMeta = z.infer<typeof BoardMeta>;

export const RenameBoardRequest = z.object({ title: BoardTitle }).strict();
export type RenameBoardRequest = z.infer<typeof RenameBoardRequest>;

export const RotateTokensResponse = z.object({
  editToken: z.string(),
  viewToken: z.string(),
  ownerToken: z.string().optional(),
  /** the edit link's new generation */
  generation: z.number().int().nonnegative(),
});
export type RotateTokensResponse = z.infer<typeof RotateTokensResponse>;

/** Sent once an appended update is durable. `stateVector` is the store's state vector after it, base64. */
export const AppendAck = z.object({
  seq: z.number().int().nonnegative(),
  stateVector: z.string(),
  /** false when the store already had everything in the update (a re-send); nothing new was written */
  changed: z.boolean(),
});
export type AppendAck = z.infer<typeof AppendAck>;

export const HistoryEntry = z.object({
  id: z.string(),
  createdAt: z.string(),
  bytes: z.number().int().nonnegative(),
  shapeCount: z.number().int().nonnegative(),
  /** a version saved by name (issue 13): kept past retention; absent on automatic restore points */
  name: z.string().optional(),
});
export type HistoryEntry = z.infer<typeof HistoryEntry>;

export const HistoryList = z.object({ entries: z.array(HistoryEntry) });

/** `POST /v1/boards/:id/history` (edit): keep the current state as a named version. Answers its HistoryEntry. */
export const SaveVersionRequest = z.object({ name: z.string().trim().min(1).max(200) }).strict();
export type SaveVersionRequest = z.infer<typeof SaveVersionRequest>;
export type HistoryList = z.infer<typeof HistoryList>;

export const Health = z.object({
  status: z.enum(['ok', 'degraded']),
  service: z.string(),
  version: z.string(),
  uptimeSeconds: z.number(),
  checks: z.record(z.string(), z.enum(['ok', 'failing'])).optional(),
});
export type Health = z.infer<typeof Health>;

/** One link of a board as the store re-issues it to an authorized holder. */
export const BoardLink = z.object({
  role: LinkRole,
  token: z.string(),
  generation: z.number().int().nonnegative(),
  /** ISO time from which this kind of link stops working, or null */
  expiresAt: z.string().nullable(),
});
export type BoardLink = z.infer<typeof BoardLink>;

/** `GET /v1/boards/:id/links`: an owner link gets all three, an edit link only edit and view. */
export const BoardLinks = z.object({
  /** the kind of link that asked */
  as: LinkRole,
  links: z.array(BoardLink),
});
export type BoardLinks = z.infer<typeof BoardLinks>;

/** `PUT /v1/boards/:id/links/:role`: set (ISO time, in the future) or clear (null) that kind of link's expiry. */
export const SetLinkRequest = z.object({ expiresAt: z.iso.datetime({ offset: true }).nullable() }).strict();
export type SetLinkRequest = z.infer<typeof SetLinkRequest>;
