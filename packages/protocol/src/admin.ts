import { z } from 'zod';
import { BoardId } from './ids.js';

/**
 * Instance administration (issue 13 item 9), enabled only when the store has `MESHBOARD_ADMIN_TOKEN`:
 *
 *   GET    /v1/admin/boards        Authorization: Bearer <admin token>  -> AdminBoardList
 *   DELETE /v1/admin/boards/:id    Authorization: Bearer <admin token>  -> 204
 *
 * Without the variable both answer 404 (the routes do not exist); a missing or wrong token gets 401.
 */
export const AdminBoard = z.object({
  id: BoardId,
  title: z.string(),
  createdAt: z.string(),
  updatedAt: z.string(),
  /** bytes the board takes in the store: snapshot + log + restore points + files */
  bytes: z.number().int().nonnegative(),
  /** of which files (blobs) */
  blobBytes: z.number().int().nonnegative(),
  comments: z.number().int().nonnegative(),
});
export type AdminBoard = z.infer<typeof AdminBoard>;

export const AdminBoardList = z.object({
  boards: z.array(AdminBoard),
  /** more boards exist than listed (the list holds the most recently updated) */
  truncated: z.boolean(),
});
export type AdminBoardList = z.infer<typeof AdminBoardList>;

export const adminPaths = {
  boards: '/v1/admin/boards',
  board: (id: string) => `/v1/admin/boards/${encodeURIComponent(id)}`,
} as const;
