/**
 * Issue 13 item 1, the link model with an owner, on the real store process over TCP (PostgreSQL):
 * - creating a board yields owner, edit and view links; `GET /links` re-issues them by role (owner: all three,
 *   edit: edit + view, view: refused);
 * - only the owner rotates (each kind on its own), sets expiries and deletes; forged and escalated requests fail;
 * - an expiry cuts that kind of link off (token claim and board setting);
 * - boards from before the migration keep working: their edit links act as owner links until the edit link is rotated.
 */
import { cp, rm } from 'node:fs/promises';
import path from 'node:path';
import { BoardLinks, BoardMeta, CreateBoardResponse, ErrorBody, apiPaths, type LinkRole } from '@meshboard/protocol';
import { issueToken } from '@meshboard/tokens';
import * as Y from 'yjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../src/db/database.js';
import { killChildren, startChild } from './child-process.js';
import { SECRET, createPgDatabase, makeTempDir, migrationsDir } from './helpers.js';

const cleanups: (() => Promise<void>)[] = [];
let url = '';
afterAll(async () => {
  killChildren();
  for (const cleanup of cleanups.reverse()) await cleanup();
});

beforeAll(async () => {
  const pg = await createPgDatabase();
  cleanups.push(pg.drop);
  // an "old" board, written before the owner_links migration existed, at token generation 2
  const tmp = await makeTempDir();
  cleanups.push(tmp.remove);
  const oldMigrations = path.join(tmp.dir, 'migrations');
  await cp(migrationsDir, oldMigrations, { recursive: true });
  for (const name of ['20261127171305_owner_links']) await rm(path.join(oldMigrations, name), { recursive: true });
  const before = await openDatabase({ kind: 'postgres', url: pg.url }, oldMigrations);
  await before.prisma.$executeRawUnsafe(`INSERT INTO boards (id, title, token_generation) VALUES ('LegacyBoardLegacyBoard', 'old', 2)`);
  await before.close();
  url = (await startChild({ DATABASE_URL: pg.url })).url;
}, 120_000);

const call = async (method: string, route: string, token?: string, body?: unknown) => {
  const response = await fetch(url + route, {
    method,
    headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, json: text ? (JSON.parse(text) as unknown) : null };
};
const code = (result: { json: unknown }) => ErrorBody.parse(result.json).error.code;
const create = async () => CreateBoardResponse.parse((await call('POST', apiPaths.boards, undefined, { title: 'links' })).json);
const tokensOf = (links: BoardLinks) => Object.fromEntries(links.links.map((link) => [link.role, link.token])) as Partial<Record<LinkRole, string>>;
const update = () => {
  const doc = new Y.Doc();
  doc.getMap('shapes').set('s', 1);
  return Y.encodeStateAsUpdate(doc);
};
const append = (id: string, token: string) =>
  fetch(url + apiPaths.updates(id), { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/octet-stream' }, body: update() }).then((r) => r.status);

describe('owner, edit and view links (store)', () => {
  it('creating a board yields an owner link; GET /links re-issues links by role', async () => {
    const board = await create();
    expect(board.ownerToken).toBeTruthy();
    const meta = BoardMeta.parse((await call('GET', apiPaths.board(board.id), board.ownerToken)).json);
    expect(meta).toMatchObject({ role: 'edit', link: 'owner' });
    expect(BoardMeta.parse((await call('GET', apiPaths.board(board.id), board.editToken)).json).link).toBe('edit');

    const asOwner = BoardLinks.parse((await call('GET', apiPaths.links(board.id), board.ownerToken)).json);
    expect(asOwner.as).toBe('owner');
    expect(tokensOf(asOwner)).toEqual({ owner: board.ownerToken, edit: board.editToken, view: board.viewToken });
    const asEditor = BoardLinks.parse((await call('GET', apiPaths.links(board.id), board.editToken)).json);
    expect(tokensOf(asEditor)).toEqual({ edit: board.editToken, view: board.viewToken });
    const asViewer = await call('GET', apiPaths.links(board.id), board.viewToken);
    expect([asViewer.status, code(asViewer)]).toEqual([403, 'forbidden']);
    // the owner link edits (owner = editor for content)
    expect(await append(board.id, board.ownerToken!)).toBe(200);
  });

  it('refuses forged and escalated requests: edit cannot rotate, expire or delete; view sees no links', async () => {
    const board = await create();
    for (const role of ['owner', 'edit', 'view'] as const) {
      const rotate = await call('POST', apiPaths.rotateLink(board.id, role), board.editToken);
      expect([rotate.status, code(rotate)]).toEqual([403, 'forbidden']);
      const expire = await call('PUT', apiPaths.link(board.id, role), board.editToken, { expiresAt: new Date(Date.now() + 60_000).toISOString() });
      expect([expire.status, code(expire)]).toEqual([403, 'forbidden']);
    }
    expect((await call('POST', apiPaths.rotateTokens(board.id), board.editToken)).status).toBe(403);
    expect((await call('DELETE', apiPaths.board(board.id), board.editToken)).status).toBe(403);
    expect((await call('DELETE', apiPaths.board(board.id), board.viewToken)).status).toBe(403);
    // an owner token signed with another secret, and an owner claim pasted onto an edit token's signature
    const foreign = issueToken('another-secret-another-secret-another-secret', { b: board.id, r: 'owner', g: 0 });
    expect((await call('POST', apiPaths.rotateLink(board.id, 'view'), foreign)).status).toBe(401);
    const [prefix, , signature] = board.editToken.split('.');
    const escalated = `${prefix}.${Buffer.from(JSON.stringify({ b: board.id, r: 'owner', g: 0 })).toString('base64url')}.${signature}`;
    expect((await call('GET', apiPaths.links(board.id), escalated)).status).toBe(401);
    // an owner link of another board
    const other = await create();
    expect((await call('POST', apiPaths.rotateLink(board.id, 'view'), other.ownerToken)).status).toBe(403);
    // bad role in the path, bad body
    expect((await call('POST', `/v1/boards/${board.id}/links/admin/rotate`, board.ownerToken)).status).toBe(400);
    expect((await call('PUT', apiPaths.link(board.id, 'view'), board.ownerToken, { expiresAt: 'tomorrow' })).status).toBe(400);
    expect((await call('PUT', apiPaths.link(board.id, 'view'), board.ownerToken, { expiresAt: new Date(Date.now() - 1000).toISOString() })).status).toBe(400);
    expect((await call('PUT', apiPaths.link(board.id, 'owner'), board.ownerToken, { expiresAt: new Date(Date.now() + 60_000).toISOString() })).status).toBe(400);
    // nothing of that changed the links
    expect(tokensOf(BoardLinks.parse((await call('GET', apiPaths.links(board.id), board.ownerToken)).json))).toEqual({ owner: board.ownerToken, edit: board.editToken, view: board.viewToken });
  });

  it('revokes each kind of link on its own', async () => {
    const board = await create();
    const rotated = BoardLinks.parse((await call('POST', apiPaths.rotateLink(board.id, 'view'), board.ownerToken)).json);
    const fresh = tokensOf(rotated);
    expect(fresh.view).not.toBe(board.viewToken);
    expect(fresh.edit).toBe(board.editToken);
    const old = await call('GET', apiPaths.board(board.id), board.viewToken);
    expect([old.status, code(old)]).toEqual([401, 'token_revoked']);
    expect((await call('GET', apiPaths.board(board.id), fresh.view)).status).toBe(200);
    expect(await append(board.id, board.editToken)).toBe(200); // editors keep working
    expect((await call('GET', apiPaths.board(board.id), board.ownerToken)).status).toBe(200);

    const edits = tokensOf(BoardLinks.parse((await call('POST', apiPaths.rotateLink(board.id, 'edit'), board.ownerToken)).json));
    expect(await append(board.id, board.editToken)).toBe(401);
    expect(await append(board.id, edits.edit!)).toBe(200);
    expect((await call('GET', apiPaths.board(board.id), fresh.view)).status).toBe(200);

    const owners = tokensOf(BoardLinks.parse((await call('POST', apiPaths.rotateLink(board.id, 'owner'), board.ownerToken)).json));
    expect((await call('GET', apiPaths.links(board.id), board.ownerToken)).status).toBe(401);
    expect((await call('GET', apiPaths.links(board.id), owners.owner)).status).toBe(200);
    expect(await append(board.id, edits.edit!)).toBe(200);

    expect((await call('DELETE', apiPaths.board(board.id), owners.owner)).status).toBe(204);
    expect((await call('GET', apiPaths.board(board.id), fresh.view)).status).toBe(404);
  });

  it('an expiry cuts that kind of link off: existing links by the board setting, re-issued ones by their claim too', async () => {
    const board = await create();
    const soon = new Date(Date.now() + 2500);
    const set = BoardLinks.parse((await call('PUT', apiPaths.link(board.id, 'view'), board.ownerToken, { expiresAt: soon.toISOString() })).json);
    const reissued = set.links.find((link) => link.role === 'view')!;
    expect(reissued.expiresAt).toBe(soon.toISOString());
    expect(JSON.parse(Buffer.from(reissued.token.split('.')[1]!, 'base64url').toString()).x).toBe(Math.ceil(soon.getTime() / 1000));
    expect((await call('GET', apiPaths.board(board.id), board.viewToken)).status).toBe(200);
    await new Promise((resolve) => setTimeout(resolve, Math.ceil(soon.getTime() / 1000) * 1000 - Date.now() + 100));
    for (const token of [board.viewToken, reissued.token]) {
      const late = await call('GET', apiPaths.board(board.id), token);
      expect([late.status, code(late)]).toEqual([401, 'token_revoked']);
      expect(ErrorBody.parse(late.json).error.message).toMatch(/expired/);
    }
    expect(await append(board.id, board.editToken)).toBe(200); // edit links do not expire with the view link
    // clearing the expiry lets the old (claim-less) view link in again; the one carrying `x` stays expired
    await call('PUT', apiPaths.link(board.id, 'view'), board.ownerToken, { expiresAt: null });
    expect((await call('GET', apiPaths.board(board.id), board.viewToken)).status).toBe(200);
    expect((await call('GET', apiPaths.board(board.id), reissued.token)).status).toBe(401);
  }, 30_000);

  it('migrates boards from before owner links: the edit link acts as owner until the edit link is rotated', async () => {
    const id = 'LegacyBoardLegacyBoard';
    const oldEdit = issueToken(SECRET, { b: id, r: 'edit', g: 2 });
    const oldView = issueToken(SECRET, { b: id, r: 'view', g: 2 });
    expect((await call('GET', apiPaths.board(id), oldView)).status).toBe(200);
    expect(BoardMeta.parse((await call('GET', apiPaths.board(id), oldEdit)).json)).toMatchObject({ role: 'edit', link: 'owner' });
    const links = tokensOf(BoardLinks.parse((await call('GET', apiPaths.links(id), oldEdit)).json));
    expect(links.view).toBe(oldView);
    expect(links.edit).toBe(oldEdit);
    expect(links.owner).toBeTruthy();
    // the owner rotates the edit link: legacy mode ends, the old edit link is revoked, the owner link keeps managing
    const after = tokensOf(BoardLinks.parse((await call('POST', apiPaths.rotateLink(id, 'edit'), links.owner)).json));
    expect((await call('GET', apiPaths.board(id), oldEdit)).status).toBe(401);
    expect(BoardMeta.parse((await call('GET', apiPaths.board(id), after.edit)).json).link).toBe('edit');
    expect((await call('POST', apiPaths.rotateLink(id, 'view'), after.edit)).status).toBe(403);
    expect((await call('GET', apiPaths.board(id), oldView)).status).toBe(200);
  });
});
