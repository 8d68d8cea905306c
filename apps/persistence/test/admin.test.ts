/**
 * Issue 13 item 9 (store part): the instance admin routes. Absent without MESHBOARD_ADMIN_TOKEN; with it,
 * no token / a wrong token / a board token are refused, the right one lists every board with its size and
 * deletes any board for every link holder. On PGlite and PostgreSQL.
 */
import { randomBytes } from 'node:crypto';
import { AdminBoardList, CreateBoardResponse, ErrorBody, adminPaths, apiPaths, commentPaths } from '@meshboard/protocol';
import * as Y from 'yjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config.js';
import { checkAdminToken } from '../src/routes/admin.js';
import { SECRET, engines } from './helpers.js';
import { serveStore } from './serve.js';

const ADMIN = 'admin-token-' + randomBytes(16).toString('hex');

async function expectError(response: Response, status: number, code: string): Promise<void> {
  expect(response.status).toBe(status);
  expect(ErrorBody.parse(await response.json()).error.code).toBe(code);
}

describe('admin token configuration', () => {
  it('is optional, and refused when too short to be secret', () => {
    expect(loadConfig({ MESHBOARD_TOKEN_SECRET: SECRET }).adminToken).toBeUndefined();
    expect(loadConfig({ MESHBOARD_TOKEN_SECRET: SECRET, MESHBOARD_ADMIN_TOKEN: ADMIN }).adminToken).toBe(ADMIN);
    expect(() => loadConfig({ MESHBOARD_TOKEN_SECRET: SECRET, MESHBOARD_ADMIN_TOKEN: 'short' })).toThrow(/at least 16 bytes/);
  });

  it('compares with the same work for a right prefix, a wrong length and a wrong token (hashes, then timingSafeEqual)', () => {
    const request = (value?: string) => ({ headers: value === undefined ? {} : { authorization: value } }) as never;
    expect(() => checkAdminToken(request(`Bearer ${ADMIN}`), ADMIN)).not.toThrow();
    for (const wrong of [`Bearer ${ADMIN.slice(0, -1)}`, `Bearer ${ADMIN}x`, 'Bearer x', `Basic ${ADMIN}`, undefined]) {
      expect(() => checkAdminToken(request(wrong), ADMIN)).toThrow(/admin token/);
    }
    expect(() => checkAdminToken(request(`Bearer ${ADMIN}`), undefined)).toThrow(/no such route/);
  });
});

describe.each(engines)('admin routes on %s', (engine) => {
  let url = '';
  let close: () => Promise<void> = async () => {};
  let plainUrl = '';
  let closePlain: () => Promise<void> = async () => {};
  beforeAll(async () => {
    ({ url, close } = await serveStore(engine, { adminToken: ADMIN }));
    ({ url: plainUrl, close: closePlain } = await serveStore('pglite'));
  });
  afterAll(async () => {
    await close();
    await closePlain();
  });

  const admin = (method: string, path: string, token?: string, base = url) => fetch(base + path, { method, headers: token ? { authorization: `Bearer ${token}` } : {} });
  const newBoard = async (title: string) =>
    CreateBoardResponse.parse(await (await fetch(url + apiPaths.boards, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ title }) })).json());

  it('do not exist without MESHBOARD_ADMIN_TOKEN', async () => {
    await expectError(await admin('GET', adminPaths.boards, ADMIN, plainUrl), 404, 'not_found');
    await expectError(await admin('DELETE', adminPaths.board('A'.repeat(22)), ADMIN, plainUrl), 404, 'not_found');
  });

  it('refuse no token, a wrong token and a board owner token', async () => {
    const board = await newBoard('not yours');
    await expectError(await admin('GET', adminPaths.boards), 401, 'unauthorized');
    await expectError(await admin('GET', adminPaths.boards, ADMIN + 'x'), 401, 'unauthorized');
    await expectError(await admin('GET', adminPaths.boards, board.ownerToken), 401, 'unauthorized');
    await expectError(await admin('DELETE', adminPaths.board(board.id)), 401, 'unauthorized');
    await expectError(await admin('DELETE', adminPaths.board(board.id), board.ownerToken), 401, 'unauthorized');
    expect((await fetch(url + apiPaths.board(board.id), { headers: { authorization: `Bearer ${board.viewToken}` } })).status).toBe(200);
  });

  it('list every board with its size, and delete one for every link holder', async () => {
    const small = await newBoard('small');
    const big = await newBoard('big');
    const doc = new Y.Doc();
    doc.getMap('shapes').set('s', 'x'.repeat(50_000));
    const appended = await fetch(url + apiPaths.updates(big.id), {
      method: 'POST',
      headers: { authorization: `Bearer ${big.editToken}`, 'content-type': 'application/octet-stream' },
      body: Y.encodeStateAsUpdate(doc),
    });
    expect(appended.status).toBe(200);
    await fetch(url + commentPaths.threads(big.id), {
      method: 'POST',
      headers: { authorization: `Bearer ${big.editToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({ anchor: { x: 0, y: 0 }, body: 'hello', author: { id: 'a', name: 'A' } }),
    });

    const listed = await admin('GET', adminPaths.boards, ADMIN);
    expect(listed.status).toBe(200);
    const { boards, truncated } = AdminBoardList.parse(await listed.json());
    expect(truncated).toBe(false);
    const bigRow = boards.find((b) => b.id === big.id);
    const smallRow = boards.find((b) => b.id === small.id);
    expect(bigRow).toMatchObject({ title: 'big', comments: 1, blobBytes: 0 });
    expect(bigRow!.bytes).toBeGreaterThan(50_000);
    expect(smallRow).toMatchObject({ title: 'small', bytes: 0, comments: 0 });

    expect((await admin('DELETE', adminPaths.board(big.id), ADMIN)).status).toBe(204);
    for (const token of [big.ownerToken!, big.editToken, big.viewToken]) {
      await expectError(await fetch(url + apiPaths.state(big.id), { headers: { authorization: `Bearer ${token}` } }), 404, 'board_not_found');
    }
    const after = AdminBoardList.parse(await (await admin('GET', adminPaths.boards, ADMIN)).json());
    expect(after.boards.some((b) => b.id === big.id)).toBe(false);
    expect(after.boards.some((b) => b.id === small.id)).toBe(true);
    await expectError(await admin('DELETE', adminPaths.board(big.id), ADMIN), 404, 'board_not_found');
    await expectError(await admin('DELETE', adminPaths.board('bad id'), ADMIN), 404, 'board_not_found');
  });
});
