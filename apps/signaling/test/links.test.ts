/**
 * Issue 13 item 1 on the relay path, against the real persistence process (test/global-setup.ts):
 * - an owner link joins as an editor (relays edits, may signal WebRTC); a forged owner claim is refused;
 * - the owner revokes the VIEW link only: viewers are cut at the next revalidation and refused on re-join,
 *   editors stay connected and keep relaying;
 * - an expiry cuts access: a board-level expiry (token without `x`) through the store's answer, and an
 *   expiring token (claim `x`) locally, even with the store unreachable.
 */
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { apiPaths, type FailureBody } from '@meshboard/protocol';
import { issueToken } from '@meshboard/tokens';
import type { SignalingServer } from '../src/server.js';
import { storeApi } from '../../../packages/sync/test/support/persistence.js';
import { SECRET, client, collect, connected, join, next, startServer, user, waitFor, type Client } from './support.js';

const store = storeApi(inject('persistenceUrl'));
let server: SignalingServer;
const open: Client[] = [];

beforeAll(async () => {
  // no cached verdicts; revalidation only when the test asks (server.revalidate())
  server = await startServer({ persistenceUrl: store.url, generationCacheMs: 0, revalidateIntervalMs: 600_000 });
});
afterAll(async () => {
  for (const s of open) s.disconnect();
  await server.close();
});

async function joined(url: string, boardId: string, token: string, extra: Record<string, unknown> = {}) {
  const socket = await connected(client(url));
  open.push(socket);
  const ack = await join(socket, { boardId, token, user: user(), clientId: Math.floor(Math.random() * 1e9), ...extra });
  return { socket, ack };
}
const update = (n: number) => new Uint8Array([0, 2, ...new Array(n).fill(7)]); // y-protocols sync "update" header
const owner = async (method: string, route: string, token: string, body?: unknown) => {
  const response = await fetch(store.url + route, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: response.status, json: (await response.json()) as { links: { role: string; token: string }[] } };
};

describe('owner, edit and view links on the relay', () => {
  it('an owner link is an editor for realtime; a forged owner claim is refused', async () => {
    const board = await store.createBoard();
    const ownerConn = await joined(server.url, board.id, board.ownerToken, { peerId: crypto.randomUUID() });
    expect(ownerConn.ack).toMatchObject({ ok: true, role: 'edit' });
    const editor = await joined(server.url, board.id, board.editToken);
    const received = collect<{ data: Uint8Array }>(editor.socket, 'relay');
    ownerConn.socket.emit('relay', { data: update(5) });
    await waitFor(() => received.length === 1, 5000, 'owner edit relayed');

    const [prefix, , signature] = board.viewToken.split('.');
    const escalated = `${prefix}.${Buffer.from(JSON.stringify({ b: board.id, r: 'owner', g: 0 })).toString('base64url')}.${signature}`;
    expect((await joined(server.url, board.id, escalated)).ack).toMatchObject({ ok: false, error: { code: 'unauthorized' } });
    const foreign = issueToken('another-secret-another-secret-another-secret', { b: board.id, r: 'owner', g: 0 });
    expect((await joined(server.url, board.id, foreign)).ack).toMatchObject({ ok: false, error: { code: 'unauthorized' } });
    // a view link stays out of WebRTC signaling whatever it claims
    expect((await joined(server.url, board.id, board.viewToken, { peerId: crypto.randomUUID() })).ack).toMatchObject({ ok: false, error: { code: 'forbidden' } });
  });

  it('the owner revokes the view link only: viewers are cut, editors keep working', async () => {
    const board = await store.createBoard();
    const editor = await joined(server.url, board.id, board.editToken);
    const viewer = await joined(server.url, board.id, board.viewToken);
    expect(viewer.ack).toMatchObject({ ok: true, role: 'view' });
    const viewerFailure = next<FailureBody>(viewer.socket, 'failure');

    // an editor cannot revoke (the store refuses), so nothing changes for anybody
    expect((await owner('POST', apiPaths.rotateLink(board.id, 'view'), board.editToken)).status).toBe(403);
    await server.revalidate();
    expect(viewer.socket.connected).toBe(true);

    const rotated = await owner('POST', apiPaths.rotateLink(board.id, 'view'), board.ownerToken);
    expect(rotated.status).toBe(200);
    await server.revalidate();
    expect((await viewerFailure).error.code).toBe('token_revoked');
    await waitFor(() => viewer.socket.disconnected, 5000, 'viewer cut');
    expect((await joined(server.url, board.id, board.viewToken)).ack).toMatchObject({ ok: false, error: { code: 'token_revoked' } });
    const freshView = rotated.json.links.find((l) => l.role === 'view')!.token;
    expect((await joined(server.url, board.id, freshView)).ack).toMatchObject({ ok: true, role: 'view' });

    expect(editor.socket.connected).toBe(true);
    const other = await joined(server.url, board.id, board.editToken);
    const received = collect<{ data: Uint8Array }>(other.socket, 'relay');
    editor.socket.emit('relay', { data: update(4) });
    await waitFor(() => received.length === 1, 5000, 'editor still relays after the view link was revoked');
  });

  it('an expiry cuts access on the relay: board setting through the store, token claim locally', async () => {
    const board = await store.createBoard();
    const viewer = await joined(server.url, board.id, board.viewToken);
    const editor = await joined(server.url, board.id, board.editToken);
    const soon = new Date(Date.now() + 2000);
    const set = await owner('PUT', apiPaths.link(board.id, 'view'), board.ownerToken, { expiresAt: soon.toISOString() });
    expect(set.status).toBe(200);
    const expiring = set.json.links.find((l) => l.role === 'view')!.token;
    await server.revalidate();
    expect(viewer.socket.connected).toBe(true); // not yet
    await new Promise((resolve) => setTimeout(resolve, Math.ceil(soon.getTime() / 1000) * 1000 - Date.now() + 200));
    const failure = next<FailureBody>(viewer.socket, 'failure');
    await server.revalidate();
    expect((await failure).error.message).toMatch(/expired/);
    await waitFor(() => viewer.socket.disconnected, 5000, 'expired viewer cut');
    expect((await joined(server.url, board.id, board.viewToken)).ack).toMatchObject({ ok: false, error: { code: 'token_revoked' } });
    expect(editor.socket.connected).toBe(true);

    // the claim is checked without the store: a signaling node that cannot reach it still refuses
    const lonely = await startServer({ persistenceUrl: 'http://127.0.0.1:9', generationCacheMs: 0 });
    try {
      expect((await joined(lonely.url, board.id, expiring)).ack).toMatchObject({ ok: false, error: { code: 'token_revoked' } });
      const x = Math.floor(Date.now() / 1000) - 1;
      const pastClaim = issueToken(SECRET, { b: board.id, r: 'edit', g: 0, x });
      expect((await joined(lonely.url, board.id, pastClaim)).ack).toMatchObject({ ok: false, error: { code: 'token_revoked' } });
    } finally {
      await lonely.close();
    }
  }, 30_000);
});
