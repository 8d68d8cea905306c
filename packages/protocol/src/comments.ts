import { z } from 'zod';
import { BoardId } from './ids.js';

/**
 * Comments (issue 13 item 5): threads pinned to a point of the board, optionally to a shape. Stored by the
 * persistence service beside the board's Yjs document (never in it), over REST:
 *
 *   GET   /v1/boards/:id/comments                       (view)  -> CommentList
 *   POST  /v1/boards/:id/comments                       (write) NewThreadRequest -> 201 CommentThread
 *   POST  /v1/boards/:id/comments/:threadId/replies     (write) ReplyRequest -> 201 CommentThread
 *   PATCH /v1/boards/:id/comments/:threadId             (write) ThreadStateRequest -> CommentThread
 *   PUT   /v1/boards/:id/comment-settings               (owner) CommentSettings -> CommentSettings
 *
 * "write" = an edit or owner link, or a view link when the owner set `viewersMayComment` (off by default).
 */
export const commentLimits = {
  maxBodyLength: 2000,
  maxAuthorNameLength: 80,
  maxThreadsPerBoard: 500,
  maxCommentsPerThread: 200,
  /** comment writes per minute per link (on top of the store's per-token budget) */
  writesPerMinute: 30,
} as const;

/** Printable text: no control characters except newline and tab, well-formed Unicode. */
const printable = (value: string) => !/[\u0000-\u0008\u000b-\u001f\u007f]/.test(value) && (value as string & { isWellFormed(): boolean }).isWellFormed();

export const CommentBody = z.string().trim().min(1).max(commentLimits.maxBodyLength).refine(printable, 'control characters and broken Unicode are not allowed');
export const CommentAuthor = z
  .object({
    /** the browser's anonymous identity (stable per browser) */
    id: z.string().min(1).max(64).regex(/^[A-Za-z0-9_-]+$/, 'letters, digits, - and _ only'),
    name: z.string().trim().min(1).max(commentLimits.maxAuthorNameLength).refine((v) => printable(v) && !/[\n\t]/.test(v), 'printable text only'),
  })
  .strict();
export type CommentAuthor = z.infer<typeof CommentAuthor>;

const Coordinate = z.number().finite().min(-1e7).max(1e7);

export const CommentAnchor = z
  .object({
    x: Coordinate,
    y: Coordinate,
    /** the shape the thread is pinned to, if any (its position wins in the UI while it exists) */
    shapeId: z.string().min(1).max(64).optional(),
  })
  .strict();
export type CommentAnchor = z.infer<typeof CommentAnchor>;

export const ThreadId = z.string().regex(/^[A-Za-z0-9_-]{22}$/);

export const CommentMessage = z.object({
  id: z.string(),
  author: CommentAuthor,
  body: z.string(),
  createdAt: z.string(),
});
export type CommentMessage = z.infer<typeof CommentMessage>;

export const CommentThread = z.object({
  id: z.string(),
  boardId: BoardId,
  anchor: CommentAnchor,
  resolved: z.boolean(),
  resolvedAt: z.string().nullable(),
  createdAt: z.string(),
  /** last activity (reply, resolve, reopen): unread markers compare it with what this browser last saw */
  updatedAt: z.string(),
  comments: z.array(CommentMessage),
});
export type CommentThread = z.infer<typeof CommentThread>;

export const CommentSettings = z.object({ viewersMayComment: z.boolean() }).strict();
export type CommentSettings = z.infer<typeof CommentSettings>;

export const CommentList = z.object({
  threads: z.array(CommentThread),
  viewersMayComment: z.boolean(),
  /** whether the link that asked may write comments (so the UI hides what the store would refuse) */
  canComment: z.boolean(),
});
export type CommentList = z.infer<typeof CommentList>;

export const NewThreadRequest = z.object({ anchor: CommentAnchor, body: CommentBody, author: CommentAuthor }).strict();
export type NewThreadRequest = z.infer<typeof NewThreadRequest>;

export const ReplyRequest = z.object({ body: CommentBody, author: CommentAuthor }).strict();
export type ReplyRequest = z.infer<typeof ReplyRequest>;

export const ThreadStateRequest = z.object({ resolved: z.boolean() }).strict();
export type ThreadStateRequest = z.infer<typeof ThreadStateRequest>;

export const commentPaths = {
  threads: (id: string) => `/v1/boards/${encodeURIComponent(id)}/comments`,
  thread: (id: string, threadId: string) => `/v1/boards/${encodeURIComponent(id)}/comments/${encodeURIComponent(threadId)}`,
  replies: (id: string, threadId: string) => `/v1/boards/${encodeURIComponent(id)}/comments/${encodeURIComponent(threadId)}/replies`,
  settings: (id: string) => `/v1/boards/${encodeURIComponent(id)}/comment-settings`,
} as const;
