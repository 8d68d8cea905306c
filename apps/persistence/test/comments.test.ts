/**
 * Issue 13 item 5 (store part): comment threads over real TCP, on PGlite and PostgreSQL. View links read them;
 * they write only when the owner allows it (off by default), enforced here; forged or other boards' tokens are
 * refused; malformed input gets a clear 400; sizes are bounded and writes rate-limited.
 */
import { CommentList, CommentSettings, CommentThread, CreateBoardResponse, ErrorBody, apiPaths, commentLimits, commentPaths } from '@meshboard/protocol';
import { issueToken } from '@meshboard/tokens';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { engines } from './helpers.js';
import { serveStore } from './serve.js';

const alice = { id: 'browser-alice', name: 'Alice' };
const victor = { id: 'browser-victor', name: 'Victor (viewer)' };

describe.each(engines)('comments on %s', (engine) => {
  let url = '';
  let close: () => Promise<void> = async () => {};
  beforeAll(async () => {
    ({ url, close } = await serveStore(engine, { limits: { perTokenPerMinute: 10_000 } }));
  });
  afterAll(() => close());

  const newBoard = async () => CreateBoardResponse.parse(await (await fetch(url + apiPaths.boards, { method: 'POST' })).json());
  const send = (method: string, path: string, token: string | undefined, body?: unknown, raw?: string) =>
    fetch(url + path, {
      method,
      headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(body !== undefined || raw !== undefined ? { 'content-type': 'application/json' } : {}) },
      body: raw ?? (body === undefined ? undefined : JSON.stringify(body)),
    });
  const list = async (boardId: string, token: string) => {
    const response = await send('GET', commentPaths.threads(boardId), token);
    expect(response.status).toBe(200);
    return CommentList.parse(await response.json());
  };
  const expectError = async (response: Response, status: number, code: string, message?: RegExp) => {
    expect(response.status).toBe(status);
    const body = ErrorBody.parse(await response.json());
    expect(body.error.code).toBe(code);
    if (message) expect(body.error.message).toMatch(message);
  };

  it('round-trips a thread: open, reply, resolve, reopen; every link reads it', async () => {
    const board = await newBoard();
    const created = await send('POST', commentPaths.threads(board.id), board.editToken, { anchor: { x: 120, y: -40.5, shapeId: 'shape-1' }, body: 'Is this the final logo?', author: alice });
    expect(created.status).toBe(201);
    const thread = CommentThread.parse(await created.json());
    expect(thread).toMatchObject({ anchor: { x: 120, y: -40.5, shapeId: 'shape-1' }, resolved: false, comments: [{ body: 'Is this the final logo?', author: alice }] });

    const replied = await send('POST', commentPaths.replies(board.id, thread.id), board.ownerToken, { body: 'Yes, v3.', author: { id: 'browser-owner', name: 'Olga' } });
    expect(replied.status).toBe(201);
    const afterReply = CommentThread.parse(await replied.json());
    expect(afterReply.comments.map((c) => c.body)).toEqual(['Is this the final logo?', 'Yes, v3.']);
    expect(Date.parse(afterReply.updatedAt)).toBeGreaterThanOrEqual(Date.parse(thread.updatedAt));

    const resolved = CommentThread.parse(await (await send('PATCH', commentPaths.thread(board.id, thread.id), board.editToken, { resolved: true })).json());
    expect(resolved.resolved).toBe(true);
    expect(resolved.resolvedAt).not.toBeNull();
    const viewed = await list(board.id, board.viewToken);
    expect(viewed).toMatchObject({ viewersMayComment: false, canComment: false });
    expect(viewed.threads).toHaveLength(1);
    expect(viewed.threads[0]).toMatchObject({ id: thread.id, resolved: true });
    expect(viewed.threads[0]!.comments).toHaveLength(2);

    const reopened = CommentThread.parse(await (await send('PATCH', commentPaths.thread(board.id, thread.id), board.editToken, { resolved: false })).json());
    expect(reopened).toMatchObject({ resolved: false, resolvedAt: null });
    expect((await list(board.id, board.editToken)).canComment).toBe(true);
  });

  it('a view link cannot write by default; it can once the owner allows it, and not after the owner turns it off', async () => {
    const board = await newBoard();
    const open = () => send('POST', commentPaths.threads(board.id), board.viewToken, { anchor: { x: 1, y: 2 }, body: 'viewer here', author: victor });
    await expectError(await open(), 403, 'forbidden', /view-only link cannot comment/);
    const byEditor = CommentThread.parse(await (await send('POST', commentPaths.threads(board.id), board.editToken, { anchor: { x: 0, y: 0 }, body: 'hi', author: alice })).json());
    await expectError(await send('POST', commentPaths.replies(board.id, byEditor.id), board.viewToken, { body: 'me too', author: victor }), 403, 'forbidden');
    await expectError(await send('PATCH', commentPaths.thread(board.id, byEditor.id), board.viewToken, { resolved: true }), 403, 'forbidden');

    // only the owner link changes the setting
    await expectError(await send('PUT', commentPaths.settings(board.id), board.editToken, { viewersMayComment: true }), 403, 'forbidden');
    await expectError(await send('PUT', commentPaths.settings(board.id), board.viewToken, { viewersMayComment: true }), 403, 'forbidden');
    const allowed = await send('PUT', commentPaths.settings(board.id), board.ownerToken, { viewersMayComment: true });
    expect(allowed.status).toBe(200);
    expect(CommentSettings.parse(await allowed.json())).toEqual({ viewersMayComment: true });
    expect(await list(board.id, board.viewToken)).toMatchObject({ viewersMayComment: true, canComment: true });

    expect((await open()).status).toBe(201);
    expect((await send('POST', commentPaths.replies(board.id, byEditor.id), board.viewToken, { body: 'me too', author: victor })).status).toBe(201);
    expect((await send('PATCH', commentPaths.thread(board.id, byEditor.id), board.viewToken, { resolved: true })).status).toBe(200);

    expect((await send('PUT', commentPaths.settings(board.id), board.ownerToken, { viewersMayComment: false })).status).toBe(200);
    await expectError(await open(), 403, 'forbidden');
    expect((await list(board.id, board.viewToken)).threads).toHaveLength(2);
  });

  it("refuses forged tokens, another board's token, missing tokens, revoked view links and foreign thread ids", async () => {
    const board = await newBoard();
    const other = await newBoard();
    const body = { anchor: { x: 0, y: 0 }, body: 'x', author: alice };
    const forged = issueToken('another-secret-another-secret-another-secret-0', { b: board.id, r: 'edit', g: 0 });
    await expectError(await send('POST', commentPaths.threads(board.id), forged, body), 401, 'unauthorized');
    await expectError(await send('GET', commentPaths.threads(board.id), forged), 401, 'unauthorized');
    await expectError(await send('POST', commentPaths.threads(board.id), other.editToken, body), 403, 'forbidden');
    await expectError(await send('GET', commentPaths.threads(board.id), other.viewToken), 403, 'forbidden');
    await expectError(await send('GET', commentPaths.threads(board.id), undefined), 401, 'unauthorized');
    await expectError(await send('PUT', commentPaths.settings(board.id), other.ownerToken, { viewersMayComment: true }), 403, 'forbidden');

    // a thread of another board cannot be answered through this board's link
    const foreign = CommentThread.parse(await (await send('POST', commentPaths.threads(other.id), other.editToken, body)).json());
    await expectError(await send('POST', commentPaths.replies(board.id, foreign.id), board.editToken, { body: 'x', author: alice }), 404, 'not_found');
    await expectError(await send('PATCH', commentPaths.thread(board.id, foreign.id), board.editToken, { resolved: true }), 404, 'not_found');
    await expectError(await send('PATCH', commentPaths.thread(board.id, 'not-an-id'), board.editToken, { resolved: true }), 404, 'not_found');

    // a rotated view link reads nothing any more
    expect((await send('POST', apiPaths.rotateLink(board.id, 'view'), board.ownerToken)).status).toBe(200);
    await expectError(await send('GET', commentPaths.threads(board.id), board.viewToken), 401, 'token_revoked');
  });

  it('answers malformed input with a clear 400 and keeps sizes bounded', async () => {
    const board = await newBoard();
    const path = commentPaths.threads(board.id);
    const post = (body: unknown) => send('POST', path, board.editToken, body);
    await expectError(await send('POST', path, board.editToken, undefined, '{not json'), 400, 'bad_request', /not valid JSON/);
    await expectError(await post({ anchor: { x: 0, y: 0 }, author: alice }), 400, 'bad_request', /^body: /);
    await expectError(await post({ anchor: { x: 0, y: 0 }, body: '   ', author: alice }), 400, 'bad_request', /^body: /);
    await expectError(await post({ anchor: { x: 0, y: 0 }, body: 'x'.repeat(commentLimits.maxBodyLength + 1), author: alice }), 400, 'bad_request', /^body: /);
    await expectError(await post({ anchor: { x: 0, y: 0 }, body: 'nul\u0000', author: alice }), 400, 'bad_request', /control characters/);
    await expectError(await post({ anchor: { x: 'left', y: 0 }, body: 'x', author: alice }), 400, 'bad_request', /^anchor\.x: /);
    await expectError(await post({ anchor: { x: 1e300, y: 0 }, body: 'x', author: alice }), 400, 'bad_request', /^anchor\.x: /);
    await expectError(await post({ anchor: { x: 0, y: 0 }, body: 'x', author: { id: 'a b', name: 'A' } }), 400, 'bad_request', /^author\.id: /);
    await expectError(await post({ anchor: { x: 0, y: 0 }, body: 'x', author: { id: 'a', name: 'n'.repeat(commentLimits.maxAuthorNameLength + 1) } }), 400, 'bad_request', /^author\.name: /);
    await expectError(await post({ anchor: { x: 0, y: 0 }, body: 'x', author: alice, extra: 1 }), 400, 'bad_request');
    await expectError(await send('PATCH', commentPaths.thread(board.id, 'A'.repeat(22)), board.editToken, { resolved: 'yes' }), 400, 'bad_request', /^resolved: /);
    await expectError(await send('PUT', commentPaths.settings(board.id), board.ownerToken, {}), 400, 'bad_request', /^viewersMayComment: /);
    const big = await send('POST', path, board.editToken, undefined, JSON.stringify({ anchor: { x: 0, y: 0 }, body: 'x', author: alice, pad: 'x'.repeat(20_000) }));
    await expectError(big, 413, 'payload_too_large');
    await expectError(await fetch(url + path, { method: 'POST', headers: { authorization: `Bearer ${board.editToken}`, 'content-type': 'text/plain' }, body: '{}' }), 415, 'unsupported_media_type');
    expect((await list(board.id, board.editToken)).threads).toHaveLength(0);
  });

  it('rate-limits comment writes per link with a 429 and Retry-After', async () => {
    const board = await newBoard();
    const statuses: number[] = [];
    let retryAfter: string | null = null;
    for (let i = 0; i < commentLimits.writesPerMinute + 2; i++) {
      const response = await send('POST', commentPaths.threads(board.id), board.editToken, { anchor: { x: i, y: 0 }, body: `note ${i}`, author: alice });
      statuses.push(response.status);
      if (response.status === 429) retryAfter = response.headers.get('retry-after');
      await response.body?.cancel();
    }
    expect(statuses.filter((s) => s === 201)).toHaveLength(commentLimits.writesPerMinute);
    expect(statuses.at(-1)).toBe(429);
    expect(Number(retryAfter)).toBeGreaterThan(0);
    // reading is not limited by the write budget
    expect((await list(board.id, board.viewToken)).threads).toHaveLength(commentLimits.writesPerMinute);
  });

  it('deleting the board removes its comments from every link', async () => {
    const board = await newBoard();
    expect((await send('POST', commentPaths.threads(board.id), board.editToken, { anchor: { x: 0, y: 0 }, body: 'x', author: alice })).status).toBe(201);
    expect((await send('DELETE', apiPaths.board(board.id), board.ownerToken)).status).toBe(204);
    await expectError(await send('GET', commentPaths.threads(board.id), board.viewToken), 404, 'board_not_found');
  });
});
