import {
  AdminBoardList,
  BINARY_CONTENT_TYPE,
  CommentList,
  CommentSettings,
  CommentThread,
  ErrorBody,
  MeshboardError,
  adminPaths,
  apiPaths,
  blobPath,
  commentPaths,
  type CommentAnchor,
  type CommentAuthor,
} from '@meshboard/protocol';
import { StoreUnreachableError } from './store-api';

/**
 * Store calls of issue 13 items 5 and 9 (comments, dashboard, admin), kept beside store-api.ts. Every error
 * becomes a MeshboardError with the store's code and message (e.g. `forbidden`: "this view-only link cannot comment").
 */
async function request(storeUrl: string, path: string, init: RequestInit & { token?: string; json?: unknown } = {}): Promise<Response> {
  const { token, json, ...rest } = init;
  const headers = new Headers(rest.headers);
  if (token) headers.set('authorization', `Bearer ${token}`);
  if (json !== undefined) headers.set('content-type', 'application/json');
  let response: Response;
  try {
    response = await fetch(`${storeUrl}${path}`, { ...rest, headers, cache: 'no-store', ...(json !== undefined ? { body: JSON.stringify(json) } : {}) });
  } catch (error) {
    throw new StoreUnreachableError(`The board store at ${storeUrl} is unreachable (${(error as Error).message}).`);
  }
  if (!response.ok) {
    const parsed = ErrorBody.safeParse(await response.json().catch(() => null));
    if (parsed.success) throw new MeshboardError(parsed.data.error.code, parsed.data.error.message);
    throw new MeshboardError(response.status === 404 ? 'not_found' : response.status >= 500 ? 'unavailable' : 'bad_request', `The board store answered ${response.status}`);
  }
  return response;
}

const json = async (response: Response) => (await response.json()) as unknown;

export async function listComments(storeUrl: string, boardId: string, token: string): Promise<CommentList> {
  return CommentList.parse(await json(await request(storeUrl, commentPaths.threads(boardId), { token })));
}

export async function openThread(storeUrl: string, boardId: string, token: string, anchor: CommentAnchor, body: string, author: CommentAuthor): Promise<CommentThread> {
  return CommentThread.parse(await json(await request(storeUrl, commentPaths.threads(boardId), { method: 'POST', token, json: { anchor, body, author } })));
}

export async function replyTo(storeUrl: string, boardId: string, token: string, threadId: string, body: string, author: CommentAuthor): Promise<CommentThread> {
  return CommentThread.parse(await json(await request(storeUrl, commentPaths.replies(boardId, threadId), { method: 'POST', token, json: { body, author } })));
}

export async function setResolved(storeUrl: string, boardId: string, token: string, threadId: string, resolved: boolean): Promise<CommentThread> {
  return CommentThread.parse(await json(await request(storeUrl, commentPaths.thread(boardId, threadId), { method: 'PATCH', token, json: { resolved } })));
}

export async function setViewersMayComment(storeUrl: string, boardId: string, token: string, viewersMayComment: boolean): Promise<CommentSettings> {
  return CommentSettings.parse(await json(await request(storeUrl, commentPaths.settings(boardId), { method: 'PUT', token, json: { viewersMayComment } })));
}

/** The board's whole state as one Yjs update (what a thumbnail or a duplicate is made from). */
export async function getState(storeUrl: string, boardId: string, token: string): Promise<Uint8Array> {
  return new Uint8Array(await (await request(storeUrl, apiPaths.state(boardId), { token })).arrayBuffer());
}

/** Appends one update to a board (a duplicate's whole content). */
export async function appendUpdate(storeUrl: string, boardId: string, token: string, update: Uint8Array): Promise<void> {
  await request(storeUrl, apiPaths.updates(boardId), { method: 'POST', token, headers: { 'content-type': BINARY_CONTENT_TYPE }, body: update as BodyInit });
}

/**
 * Copies the image files a board's shapes use to another board (a duplicate): the document names them by
 * sha-256, their bytes live in each board's blob store. Files the source no longer has are skipped.
 */
export async function copyBlobs(storeUrl: string, from: { id: string; token: string }, to: { id: string; token: string }, hashes: Iterable<string>): Promise<void> {
  for (const hash of new Set(hashes)) {
    let source: Response;
    try {
      source = await request(storeUrl, blobPath(from.id, hash), { token: from.token });
    } catch (error) {
      if (error instanceof MeshboardError && error.code === 'not_found') continue;
      throw error;
    }
    const type = source.headers.get('content-type') ?? 'application/octet-stream';
    await request(storeUrl, blobPath(to.id, hash), { method: 'PUT', token: to.token, headers: { 'content-type': type }, body: new Uint8Array(await source.arrayBuffer()) as BodyInit });
  }
}

export async function adminListBoards(storeUrl: string, adminToken: string): Promise<AdminBoardList> {
  return AdminBoardList.parse(await json(await request(storeUrl, adminPaths.boards, { token: adminToken })));
}

export async function adminDeleteBoard(storeUrl: string, adminToken: string, boardId: string): Promise<void> {
  await request(storeUrl, adminPaths.board(boardId), { method: 'DELETE', token: adminToken });
}
