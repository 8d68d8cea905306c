import type { CommentThread } from '@meshboard/protocol';
import { readJson, writeJson } from './storage';

/**
 * Unread markers, per browser (issue 13 item 5): for each thread, the `updatedAt` this browser last showed.
 * A thread is unread when it changed since, and the change was not this browser's own.
 */
const key = (boardId: string) => `meshboard:comments-seen:${boardId}`;

export function loadSeen(boardId: string): Record<string, string> {
  const stored = readJson<unknown>(key(boardId));
  return stored && typeof stored === 'object' && !Array.isArray(stored) ? (stored as Record<string, string>) : {};
}

export function markSeen(boardId: string, threads: readonly CommentThread[]): Record<string, string> {
  const seen = loadSeen(boardId);
  let changed = false;
  for (const thread of threads) {
    if (seen[thread.id] !== thread.updatedAt) {
      seen[thread.id] = thread.updatedAt;
      changed = true;
    }
  }
  if (changed) writeJson(key(boardId), seen);
  return seen;
}

/** Changed since this browser last showed it (its own writes are marked seen as they are answered). Resolved threads never nag. */
export function isUnread(thread: CommentThread, seen: Record<string, string>): boolean {
  if (thread.resolved) return false;
  const last = seen[thread.id];
  return !last || Date.parse(last) < Date.parse(thread.updatedAt);
}
