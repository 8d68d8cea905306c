import {
  BoardLinks,
  BoardMeta,
  type LinkRole,
  CreateBoardResponse,
  HistoryEntry,
  type RotateTokensResponse,
  ErrorBody,
  MeshboardError,
  apiPaths,
  type ErrorCode,
} from '@meshboard/protocol';
import { StoreClient } from '@meshboard/sync';

/**
 * The few persistence calls the shell makes itself (create, metadata, rename). Everything about the
 * board's content goes through @meshboard/sync.
 */
export class StoreUnreachableError extends Error {
  override readonly name = 'StoreUnreachableError';
}

async function call(storeUrl: string, path: string, init: RequestInit & { token?: string } = {}): Promise<unknown> {
  const { token, ...rest } = init;
  const headers = new Headers(rest.headers);
  if (token) headers.set('authorization', `Bearer ${token}`);
  if (rest.body) headers.set('content-type', 'application/json');
  let response: Response;
  try {
    response = await fetch(`${storeUrl}${path}`, { ...rest, headers, cache: 'no-store' });
  } catch (error) {
    throw new StoreUnreachableError(`The board store at ${storeUrl} is unreachable (${(error as Error).message}).`);
  }
  const body: unknown = await response.json().catch(() => null);
  if (!response.ok) {
    const parsed = ErrorBody.safeParse(body);
    if (parsed.success) throw new MeshboardError(parsed.data.error.code, parsed.data.error.message);
    const code: ErrorCode = response.status === 404 ? 'not_found' : response.status >= 500 ? 'unavailable' : 'bad_request';
    throw new MeshboardError(code, `The board store answered ${response.status} ${response.statusText}`);
  }
  return body;
}

/** Header for the instance's board-creation password (when its store sets `MESHBOARD_CREATE_SECRET`). */
export const CREATE_SECRET_HEADER = 'x-meshboard-create-secret';

export async function createBoard(storeUrl: string, title?: string, createPassword?: string): Promise<CreateBoardResponse> {
  const body = title?.trim() ? { title: title.trim() } : {};
  const headers: Record<string, string> = createPassword ? { [CREATE_SECRET_HEADER]: createPassword } : {};
  return CreateBoardResponse.parse(await call(storeUrl, apiPaths.boards, { method: 'POST', body: JSON.stringify(body), headers }));
}

/** True when the store refused to create a board because this instance needs its creation password. */
export function needsCreatePassword(error: unknown): boolean {
  return error instanceof MeshboardError && error.code === 'forbidden' && /creation password/.test(error.message);
}

export async function getBoardMeta(storeUrl: string, boardId: string, token: string): Promise<BoardMeta> {
  return BoardMeta.parse(await call(storeUrl, apiPaths.board(boardId), { token }));
}

export async function renameBoard(storeUrl: string, boardId: string, token: string, title: string): Promise<BoardMeta> {
  return BoardMeta.parse(
    await call(storeUrl, apiPaths.board(boardId), { method: 'PATCH', token, body: JSON.stringify({ title }) }),
  );
}

// ---- history and link rotation: through @meshboard/sync's typed StoreClient (binary answers included)

/** Restore points of a board, newest first (the store lists them in that order; sorted again to be sure). */
export async function listHistory(storeUrl: string, boardId: string, token: string): Promise<HistoryEntry[]> {
  const { entries } = await new StoreClient(storeUrl).listHistory(boardId, token);
  return [...entries].sort((a, b) => Date.parse(b.createdAt) - Date.parse(a.createdAt));
}

/** "Save this version": keeps the current state under a name (edit link; never pruned). */
export async function saveVersion(storeUrl: string, boardId: string, token: string, name: string): Promise<HistoryEntry> {
  return HistoryEntry.parse(await call(storeUrl, apiPaths.history(boardId), { method: 'POST', token, body: JSON.stringify({ name }) }));
}

/** The full Yjs state of one restore point (to preview it, or to restore it with `Board.restoreFrom`). */
export function getHistoryState(storeUrl: string, boardId: string, token: string, entryId: string): Promise<Uint8Array> {
  return new StoreClient(storeUrl).getHistoryEntry(boardId, token, entryId);
}

/** Revokes every current link of the board and returns new edit and view tokens (needs an edit token). */
export function rotateLinks(storeUrl: string, boardId: string, token: string): Promise<RotateTokensResponse> {
  return new StoreClient(storeUrl).rotateTokens(boardId, token);
}

// ---- the link model (issue 13): the store re-issues links to whoever may see them

/** The links this token may see and share: owner all three, edit the edit and view links (view: forbidden). */
export async function getLinks(storeUrl: string, boardId: string, token: string): Promise<BoardLinks> {
  return BoardLinks.parse(await call(storeUrl, apiPaths.links(boardId), { token }));
}

/** Revokes one kind of link (owner only); answers every link at its new generation. */
export async function rotateLink(storeUrl: string, boardId: string, token: string, role: LinkRole): Promise<BoardLinks> {
  return BoardLinks.parse(await call(storeUrl, apiPaths.rotateLink(boardId, role), { method: 'POST', token }));
}

/** Sets (ISO time) or clears (null) one kind of link's expiry (owner only). */
export async function setLinkExpiry(storeUrl: string, boardId: string, token: string, role: LinkRole, expiresAt: string | null): Promise<BoardLinks> {
  return BoardLinks.parse(await call(storeUrl, apiPaths.link(boardId, role), { method: 'PUT', token, body: JSON.stringify({ expiresAt }) }));
}

/** Deletes the board for every link holder (owner only). */
export async function deleteBoard(storeUrl: string, boardId: string, token: string): Promise<void> {
  await call(storeUrl, apiPaths.board(boardId), { method: 'DELETE', token });
}

/** A sentence for a person, for any error these calls throw. */
export function describeError(error: unknown): string {
  if (error instanceof StoreUnreachableError) return error.message;
  if (error instanceof MeshboardError) {
    switch (error.code) {
      case 'board_not_found':
      case 'not_found':
        return 'This board does not exist (or was deleted).';
      case 'token_revoked':
        return /expired/.test(error.message) ? 'This link expired. Ask the board owner for a new one.' : 'This link was revoked: the board owner rotated its links. Ask for a new one.';
      case 'unauthorized':
      case 'forbidden':
        return 'This link is not valid for this board.';
      case 'unavailable':
        return 'The board store is temporarily unavailable. Try again in a moment.';
      case 'rate_limited':
        return 'Too many requests reached the board store from here. Wait a minute, then try again.';
      case 'payload_too_large':
        return `This is more than the board store accepts (${error.message}).`;
      default:
        return error.message;
    }
  }
  return (error as Error)?.message ?? String(error);
}
