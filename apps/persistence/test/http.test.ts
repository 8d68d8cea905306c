import { PGlite } from '@electric-sql/pglite';
import { AppendAck, BoardMeta, CreateBoardResponse, ErrorBody, HistoryList, RotateTokensResponse, STATE_VECTOR_HEADER, apiPaths, base64ToBytes, newBoardId } from '@meshboard/protocol';
import { issueBoardTokens } from '@meshboard/tokens';
import type { InjectOptions } from 'fastify';
import * as Y from 'yjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultStoreOptions, type PersistenceConfig } from '../src/config.js';
import { createPersistenceServer, type PersistenceServer } from '../src/server.js';
import { SECRET, createPgDatabase, engines, migrationsDir } from './helpers.js';

const ORIGIN = 'http://web.example';

function config(overrides: Partial<PersistenceConfig> = {}): PersistenceConfig {
  return {
    port: 0,
    host: '127.0.0.1',
    dataDir: '/nonexistent',
    tokenSecret: SECRET,
    allowedOrigins: [ORIGIN],
    migrationsDir,
    maxUpdateBodyBytes: 8 * 1024 * 1024,
    store: { ...defaultStoreOptions, compactIdleMs: 0, historyIntervalMs: 0 },
    ...overrides,
  };
}

function shapeUpdate(doc: Y.Doc, id: string, size = 0): Uint8Array {
  const before = Y.encodeStateVector(doc);
  doc.transact(() => {
    const shape = new Y.Map<unknown>();
    shape.set('x', 1);
    if (size > 0) shape.set('blob', 'x'.repeat(size));
    doc.getMap<Y.Map<unknown>>('shapes').set(id, shape);
  });
  return Y.encodeStateAsUpdate(doc, before);
}

describe.each(engines)('HTTP API on %s', (engine) => {
  let server: PersistenceServer;
  let cleanup: () => Promise<void>;
  let board: CreateBoardResponse;
  const auth = (token: string) => ({ authorization: `Bearer ${token}` });
  const octet = { 'content-type': 'application/octet-stream' };

  beforeAll(async () => {
    if (engine === 'pglite') {
      const pglite = await PGlite.create();
      server = await createPersistenceServer(config(), { database: { kind: 'pglite-instance', pglite } });
      cleanup = async () => {
        await server.close();
        await pglite.close();
      };
    } else {
      const pg = await createPgDatabase();
      server = await createPersistenceServer(config({ databaseUrl: pg.url }));
      cleanup = async () => {
        await server.close();
        await pg.drop();
      };
    }
    const created = await server.app.inject({ method: 'POST', url: apiPaths.boards, headers: { 'content-type': 'application/json' }, payload: { title: 'Plan' } });
    expect(created.statusCode).toBe(201);
    board = CreateBoardResponse.parse(created.json());
  });
  afterAll(async () => {
    await cleanup?.();
  });

  function expectError(response: { statusCode: number; json(): unknown }, status: number, code: string): void {
    expect(response.statusCode).toBe(status);
    expect(ErrorBody.parse(response.json()).error.code).toBe(code);
  }

  it('creates boards with 128-bit ids and an edit and a view token', async () => {
    expect(board.id).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(board.title).toBe('Plan');
    const untitled = await server.app.inject({ method: 'POST', url: apiPaths.boards });
    expect(untitled.statusCode).toBe(201);
    expectError(await server.app.inject({ method: 'POST', url: apiPaths.boards, headers: { 'content-type': 'application/json' }, payload: '{nope' }), 400, 'bad_request');
    expectError(await server.app.inject({ method: 'POST', url: apiPaths.boards, headers: { 'content-type': 'application/json' }, payload: { title: 'x'.repeat(201) } }), 400, 'bad_request');
    expectError(await server.app.inject({ method: 'POST', url: apiPaths.boards, headers: { 'content-type': 'application/json' }, payload: { title: 'a', extra: 1 } }), 400, 'bad_request');
    expectError(await server.app.inject({ method: 'POST', url: apiPaths.boards, headers: { 'content-type': 'text/xml' }, payload: '<a/>' }), 415, 'unsupported_media_type');
  });

  it('reads metadata with either token and tells the role', async () => {
    const asEdit = await server.app.inject({ method: 'GET', url: apiPaths.board(board.id), headers: auth(board.editToken) });
    expect(BoardMeta.parse(asEdit.json()).role).toBe('edit');
    const asView = await server.app.inject({ method: 'GET', url: `${apiPaths.board(board.id)}?token=${board.viewToken}` });
    expect(BoardMeta.parse(asView.json())).toMatchObject({ id: board.id, title: 'Plan', role: 'view' });
  });

  it('appends binary updates, acks with the store state vector, serves state and diff', async () => {
    const doc = new Y.Doc();
    const first = shapeUpdate(doc, 'a');
    const res = await server.app.inject({ method: 'POST', url: apiPaths.updates(board.id), headers: { ...auth(board.editToken), ...octet }, payload: Buffer.from(first) });
    expect(res.statusCode).toBe(200);
    const ack = AppendAck.parse(res.json());
    expect(ack.changed).toBe(true);
    expect(Y.decodeStateVector(base64ToBytes(ack.stateVector))).toEqual(Y.decodeStateVector(Y.encodeStateVector(doc)));
    const again = AppendAck.parse((await server.app.inject({ method: 'POST', url: apiPaths.updates(board.id), headers: { ...auth(board.editToken), ...octet }, payload: Buffer.from(first) })).json());
    expect(again).toMatchObject({ changed: false, seq: ack.seq });

    const state = await server.app.inject({ method: 'GET', url: apiPaths.state(board.id), headers: auth(board.viewToken) });
    expect(state.headers['content-type']).toBe('application/octet-stream');
    expect(state.headers[STATE_VECTOR_HEADER]).toBe(ack.stateVector);
    const joined = new Y.Doc();
    Y.applyUpdate(joined, state.rawPayload);
    expect(joined.getMap('shapes').has('a')).toBe(true);

    shapeUpdate(doc, 'b');
    const second = Y.encodeStateAsUpdate(doc, base64ToBytes(ack.stateVector));
    await server.app.inject({ method: 'POST', url: apiPaths.updates(board.id), headers: { ...auth(board.editToken), ...octet }, payload: Buffer.from(second) });
    const diff = await server.app.inject({ method: 'POST', url: apiPaths.diff(board.id), headers: { ...auth(board.viewToken), ...octet }, payload: Buffer.from(Y.encodeStateVector(joined)) });
    expect(diff.statusCode).toBe(200);
    Y.applyUpdate(joined, diff.rawPayload);
    expect([...joined.getMap('shapes').keys()].sort()).toEqual(['a', 'b']);
  });

  it('accepts a sendBeacon-style POST (text/plain or no type, ?token=) from the web origin', async () => {
    const doc = new Y.Doc();
    const update = shapeUpdate(doc, 'beacon');
    const res = await server.app.inject({
      method: 'POST',
      url: `${apiPaths.updates(board.id)}?token=${board.editToken}`,
      headers: { 'content-type': 'text/plain;charset=UTF-8', origin: ORIGIN },
      payload: Buffer.from(update),
    });
    expect(res.statusCode).toBe(200);
    expect(res.headers['access-control-allow-origin']).toBe(ORIGIN);
    expect(AppendAck.parse(res.json()).changed).toBe(true);
    const untyped = await server.app.inject({ method: 'POST', url: `${apiPaths.updates(board.id)}?token=${board.editToken}`, payload: Buffer.from(shapeUpdate(doc, 'beacon2')) });
    expect(untyped.statusCode).toBe(200);
    const preflight = await server.app.inject({
      method: 'OPTIONS',
      url: apiPaths.updates(board.id),
      headers: { origin: ORIGIN, 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization,content-type' },
    });
    expect(preflight.statusCode).toBe(204);
    expect(preflight.headers['access-control-allow-origin']).toBe(ORIGIN);
    const state = await server.app.inject({ method: 'GET', url: apiPaths.state(board.id), headers: { ...auth(board.viewToken), origin: ORIGIN } });
    expect(String(state.headers['access-control-expose-headers'])).toContain(STATE_VECTOR_HEADER);
    const evil = await server.app.inject({ method: 'GET', url: apiPaths.state(board.id), headers: { ...auth(board.viewToken), origin: 'http://evil.example' } });
    expect(evil.headers['access-control-allow-origin']).toBeUndefined();
  });

  it('takes updates over 1 MB (no silent cliff) and refuses bodies over the limit with 413', async () => {
    const doc = new Y.Doc();
    const big = shapeUpdate(doc, 'big', 3 * 1024 * 1024);
    const ok = await server.app.inject({ method: 'POST', url: apiPaths.updates(board.id), headers: { ...auth(board.editToken), ...octet }, payload: Buffer.from(big) });
    expect(ok.statusCode).toBe(200);
    const seqBefore = AppendAck.parse(ok.json()).seq;
    const huge = shapeUpdate(new Y.Doc(), 'huge', 9 * 1024 * 1024);
    expectError(await server.app.inject({ method: 'POST', url: apiPaths.updates(board.id), headers: { ...auth(board.editToken), ...octet }, payload: Buffer.from(huge) }), 413, 'payload_too_large');
    const check = AppendAck.parse((await server.app.inject({ method: 'POST', url: apiPaths.updates(board.id), headers: { ...auth(board.editToken), ...octet }, payload: Buffer.from(big) })).json());
    expect(check).toMatchObject({ seq: seqBefore, changed: false });
  });

  it('refuses bad input with clear 4xx errors and stores nothing', async () => {
    const before = (await server.app.inject({ method: 'GET', url: apiPaths.state(board.id), headers: auth(board.viewToken) })).rawPayload;
    const headers = { ...auth(board.editToken), ...octet };
    const update = shapeUpdate(new Y.Doc(), 'never');
    expectError(await server.app.inject({ method: 'POST', url: apiPaths.updates(board.id), headers: { ...auth(board.editToken), 'content-type': 'application/json' }, payload: '{}' }), 415, 'unsupported_media_type');
    expectError(await server.app.inject({ method: 'POST', url: apiPaths.updates(board.id), headers, payload: Buffer.from(update.slice(0, update.length - 3)) }), 400, 'invalid_update');
    expectError(await server.app.inject({ method: 'POST', url: apiPaths.updates(board.id), headers, payload: Buffer.from([0xde, 0xad, 0xbe, 0xef, 0xff, 0xff, 0xff]) }), 400, 'invalid_update');
    expectError(await server.app.inject({ method: 'POST', url: apiPaths.updates(board.id), headers, payload: Buffer.alloc(0) }), 400, 'invalid_update');
    expectError(await server.app.inject({ method: 'POST', url: apiPaths.diff(board.id), headers: { ...auth(board.viewToken), ...octet }, payload: Buffer.from([0xff, 0xff, 0xff]) }), 400, 'invalid_update');
    expectError(await server.app.inject({ method: 'PATCH', url: apiPaths.board(board.id), headers: { ...auth(board.editToken), 'content-type': 'application/json' }, payload: { title: '' } }), 400, 'bad_request');
    const after = (await server.app.inject({ method: 'GET', url: apiPaths.state(board.id), headers: auth(board.viewToken) })).rawPayload;
    expect(Buffer.compare(before, after)).toBe(0);
  });

  it('refuses every kind of bad input with a clear 4xx, stores nothing and leaves the board intact', async () => {
    const target = CreateBoardResponse.parse((await server.app.inject({ method: 'POST', url: apiPaths.boards })).json());
    const edit = auth(target.editToken);
    const doc = new Y.Doc();
    const good = shapeUpdate(doc, 'kept');
    expect((await server.app.inject({ method: 'POST', url: apiPaths.updates(target.id), headers: { ...edit, ...octet }, payload: Buffer.from(good) })).statusCode).toBe(200);
    const snapshot = async () => ({
      state: (await server.app.inject({ method: 'GET', url: apiPaths.state(target.id), headers: edit })).rawPayload,
      rows: await server.db.prisma.boardUpdate.count({ where: { boardId: target.id } }),
      meta: (await server.app.inject({ method: 'GET', url: apiPaths.board(target.id), headers: edit })).json() as unknown,
    });
    const before = await snapshot();
    const next = shapeUpdate(new Y.Doc(), 'never');
    const cases: [string, InjectOptions, number, string][] = [
      ['update as JSON', { method: 'POST', url: apiPaths.updates(target.id), headers: { ...edit, 'content-type': 'application/json' }, payload: Buffer.from(next) }, 415, 'unsupported_media_type'],
      ['update as form', { method: 'POST', url: apiPaths.updates(target.id), headers: { ...edit, 'content-type': 'application/x-www-form-urlencoded' }, payload: 'a=b' }, 415, 'unsupported_media_type'],
      ['update as multipart', { method: 'POST', url: apiPaths.updates(target.id), headers: { ...edit, 'content-type': 'multipart/form-data; boundary=x' }, payload: '--x--' }, 415, 'unsupported_media_type'],
      ['state vector as JSON', { method: 'POST', url: apiPaths.diff(target.id), headers: { ...edit, 'content-type': 'application/json' }, payload: '[]' }, 415, 'unsupported_media_type'],
      ['rename as binary', { method: 'PATCH', url: apiPaths.board(target.id), headers: { ...edit, ...octet }, payload: Buffer.from('{"title":"x"}') }, 415, 'unsupported_media_type'],
      ['rename without body', { method: 'PATCH', url: apiPaths.board(target.id), headers: { ...edit, 'content-type': 'application/json' } }, 400, 'bad_request'],
      ['rename with a number', { method: 'PATCH', url: apiPaths.board(target.id), headers: { ...edit, 'content-type': 'application/json' }, payload: { title: 5 } }, 400, 'bad_request'],
      ['rename with garbage JSON', { method: 'PATCH', url: apiPaths.board(target.id), headers: { ...edit, 'content-type': 'application/json' }, payload: '{"title":' }, 400, 'bad_request'],
      ['rename over the JSON limit', { method: 'PATCH', url: apiPaths.board(target.id), headers: { ...edit, 'content-type': 'application/json' }, payload: JSON.stringify({ title: 'x'.repeat(200 * 1024) }) }, 413, 'payload_too_large'],
      ['truncated update', { method: 'POST', url: apiPaths.updates(target.id), headers: { ...edit, ...octet }, payload: Buffer.from(next.slice(0, 5)) }, 400, 'invalid_update'],
      ['update cut by one byte', { method: 'POST', url: apiPaths.updates(target.id), headers: { ...edit, ...octet }, payload: Buffer.from(next.slice(0, next.length - 1)) }, 400, 'invalid_update'],
      ['random bytes', { method: 'POST', url: apiPaths.updates(target.id), headers: { ...edit, ...octet }, payload: Buffer.from(Array.from({ length: 64 }, (_, i) => (i * 97 + 13) % 256)) }, 400, 'invalid_update'],
      ['JSON text sent as an update', { method: 'POST', url: apiPaths.updates(target.id), headers: { ...edit, 'content-type': 'text/plain' }, payload: '{"shapes":{}}' }, 400, 'invalid_update'],
      ['empty update', { method: 'POST', url: apiPaths.updates(target.id), headers: { ...edit, ...octet } }, 400, 'invalid_update'],
      ['garbage state vector', { method: 'POST', url: apiPaths.diff(target.id), headers: { ...edit, ...octet }, payload: Buffer.from([0x05, 0xff, 0xff]) }, 400, 'invalid_update'],
      ['update over the body limit', { method: 'POST', url: apiPaths.updates(target.id), headers: { ...edit, ...octet }, payload: Buffer.alloc(8 * 1024 * 1024 + 1, 1) }, 413, 'payload_too_large'],
      ['unknown history entry', { method: 'GET', url: apiPaths.historyEntry(target.id, 'AAAAAAAAAAAAAAAA'), headers: edit }, 404, 'not_found'],
      ['restore of an unknown entry', { method: 'POST', url: apiPaths.restore(target.id, 'AAAAAAAAAAAAAAAA'), headers: edit }, 404, 'not_found'],
      ['no token', { method: 'POST', url: apiPaths.updates(target.id), headers: octet, payload: Buffer.from(next) }, 401, 'unauthorized'],
      ['garbage token', { method: 'POST', url: apiPaths.updates(target.id), headers: { authorization: 'Bearer garbage', ...octet }, payload: Buffer.from(next) }, 401, 'unauthorized'],
      ['token signed with another secret', { method: 'POST', url: apiPaths.updates(target.id), headers: { ...auth(issueBoardTokens('another-secret-another-secret-another-secret', target.id, 0).editToken), ...octet }, payload: Buffer.from(next) }, 401, 'unauthorized'],
      ['view token writing', { method: 'POST', url: apiPaths.updates(target.id), headers: { ...auth(target.viewToken), ...octet }, payload: Buffer.from(next) }, 403, 'forbidden'],
      ['view token renaming', { method: 'PATCH', url: apiPaths.board(target.id), headers: { ...auth(target.viewToken), 'content-type': 'application/json' }, payload: { title: 'x' } }, 403, 'forbidden'],
      ['view token deleting', { method: 'DELETE', url: apiPaths.board(target.id), headers: auth(target.viewToken) }, 403, 'forbidden'],
      ['view token rotating', { method: 'POST', url: apiPaths.rotateTokens(target.id), headers: auth(target.viewToken) }, 403, 'forbidden'],
      ['token of another board', { method: 'POST', url: apiPaths.updates(target.id), headers: { ...auth(board.editToken), ...octet }, payload: Buffer.from(next) }, 403, 'forbidden'],
    ];
    for (const [name, request, status, code] of cases) {
      const response = await server.app.inject(request);
      expect({ name, status: response.statusCode, code: (response.json() as { error?: { code?: string } }).error?.code }).toEqual({ name, status, code });
      expect(ErrorBody.parse(response.json()).error.message.length).toBeGreaterThan(0);
    }
    expect(await snapshot()).toEqual(before);

    // unknown boards: a well-formed id with a correctly signed token for it is still 404, and nothing is created
    const ghost = newBoardId();
    const ghostTokens = issueBoardTokens(SECRET, ghost, 0);
    expectError(await server.app.inject({ method: 'POST', url: apiPaths.updates(ghost), headers: { ...auth(ghostTokens.editToken), ...octet }, payload: Buffer.from(next) }), 404, 'board_not_found');
    expectError(await server.app.inject({ method: 'GET', url: apiPaths.state(ghost), headers: auth(ghostTokens.viewToken) }), 404, 'board_not_found');
    expectError(await server.app.inject({ method: 'POST', url: apiPaths.diff(ghost), headers: { ...auth(ghostTokens.viewToken), ...octet }, payload: Buffer.from([0]) }), 404, 'board_not_found');
    expectError(await server.app.inject({ method: 'GET', url: apiPaths.history(ghost), headers: auth(ghostTokens.viewToken) }), 404, 'board_not_found');
    expect(await server.db.prisma.board.count({ where: { id: ghost } })).toBe(0);
    expect(await server.db.prisma.boardUpdate.count({ where: { boardId: ghost } })).toBe(0);
  });

  it('takes a multi-megabyte update as a streamed (chunked) body over a real socket', async () => {
    const url = await server.listen();
    const target = CreateBoardResponse.parse((await (await fetch(`${url}${apiPaths.boards}`, { method: 'POST' })).json()) as unknown);
    const doc = new Y.Doc();
    const big = shapeUpdate(doc, 'streamed', 5 * 1024 * 1024);
    const chunk = 64 * 1024;
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        for (let offset = 0; offset < big.length; offset += chunk) controller.enqueue(big.slice(offset, offset + chunk));
        controller.close();
      },
    });
    const response = await fetch(`${url}${apiPaths.updates(target.id)}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${target.editToken}`, 'content-type': 'application/octet-stream' },
      body,
      duplex: 'half',
    } as RequestInit);
    expect(response.status).toBe(200);
    expect(AppendAck.parse(await response.json()).changed).toBe(true);
    const state = await fetch(`${url}${apiPaths.state(target.id)}`, { headers: { authorization: `Bearer ${target.viewToken}` } });
    const joined = new Y.Doc();
    Y.applyUpdate(joined, new Uint8Array(await state.arrayBuffer()));
    expect((joined.getMap<Y.Map<unknown>>('shapes').get('streamed')!.get('blob') as string).length).toBe(5 * 1024 * 1024);
  }, 180_000); // PGlite writes very large rows at a few MB/s on these shared cores

  it('enforces token rules: required, signed, for this board, role, generation', async () => {
    const other = CreateBoardResponse.parse((await server.app.inject({ method: 'POST', url: apiPaths.boards })).json());
    const update = Buffer.from(shapeUpdate(new Y.Doc(), 'tok'));
    expectError(await server.app.inject({ method: 'GET', url: apiPaths.state(board.id) }), 401, 'unauthorized');
    expectError(await server.app.inject({ method: 'GET', url: apiPaths.state(board.id), headers: auth('mb1.abc.def') }), 401, 'unauthorized');
    expectError(await server.app.inject({ method: 'GET', url: apiPaths.state(board.id), headers: { authorization: 'Basic x' } }), 401, 'unauthorized');
    const forged = board.viewToken.replace(/\.[^.]+$/, '.AAAA');
    expectError(await server.app.inject({ method: 'GET', url: apiPaths.state(board.id), headers: auth(forged) }), 401, 'unauthorized');
    expectError(await server.app.inject({ method: 'GET', url: apiPaths.state(board.id), headers: auth(other.editToken) }), 403, 'forbidden');
    expectError(await server.app.inject({ method: 'POST', url: apiPaths.updates(board.id), headers: { ...auth(board.viewToken), ...octet }, payload: update }), 403, 'forbidden');
    expectError(await server.app.inject({ method: 'PATCH', url: apiPaths.board(board.id), headers: { ...auth(board.viewToken), 'content-type': 'application/json' }, payload: { title: 'x' } }), 403, 'forbidden');
    expectError(await server.app.inject({ method: 'GET', url: apiPaths.state('AAAAAAAAAAAAAAAAAAAAAA'), headers: auth(board.viewToken) }), 403, 'forbidden');
    expectError(await server.app.inject({ method: 'GET', url: apiPaths.state('not-a-board') }), 404, 'board_not_found');

    // issue 13: only the owner link rotates links or deletes the board; an edit link is refused
    expectError(await server.app.inject({ method: 'POST', url: apiPaths.rotateTokens(other.id), headers: auth(other.editToken) }), 403, 'forbidden');
    const rotated = await server.app.inject({ method: 'POST', url: apiPaths.rotateTokens(other.id), headers: auth(other.ownerToken!) });
    const fresh = RotateTokensResponse.parse(rotated.json());
    expect(fresh.generation).toBe(1);
    expectError(await server.app.inject({ method: 'GET', url: apiPaths.board(other.id), headers: auth(other.viewToken) }), 401, 'token_revoked');
    expectError(await server.app.inject({ method: 'POST', url: apiPaths.updates(other.id), headers: { ...auth(other.editToken), ...octet }, payload: update }), 401, 'token_revoked');
    expect((await server.app.inject({ method: 'GET', url: apiPaths.board(other.id), headers: auth(fresh.viewToken) })).statusCode).toBe(200);

    const renamed = await server.app.inject({ method: 'PATCH', url: apiPaths.board(other.id), headers: { ...auth(fresh.editToken), 'content-type': 'application/json' }, payload: { title: '  Renamed ' } });
    expect(BoardMeta.parse(renamed.json()).title).toBe('Renamed');
    expectError(await server.app.inject({ method: 'DELETE', url: apiPaths.board(other.id), headers: auth(fresh.editToken) }), 403, 'forbidden');
    expectError(await server.app.inject({ method: 'DELETE', url: apiPaths.board(other.id), headers: auth(other.ownerToken!) }), 401, 'token_revoked');
    expect((await server.app.inject({ method: 'DELETE', url: apiPaths.board(other.id), headers: auth(fresh.ownerToken!) })).statusCode).toBe(204);
    expectError(await server.app.inject({ method: 'GET', url: apiPaths.board(other.id), headers: auth(fresh.viewToken) }), 404, 'board_not_found');
    expectError(await server.app.inject({ method: 'POST', url: apiPaths.updates(other.id), headers: { ...auth(fresh.editToken), ...octet }, payload: update }), 404, 'board_not_found');
  });

  it('lists history, serves an entry read-only and restores it forward', async () => {
    const created = CreateBoardResponse.parse((await server.app.inject({ method: 'POST', url: apiPaths.boards })).json());
    const headers = { ...auth(created.editToken), ...octet };
    const doc = new Y.Doc();
    await server.app.inject({ method: 'POST', url: apiPaths.updates(created.id), headers, payload: Buffer.from(shapeUpdate(doc, 'one')) });
    await server.store.compact(created.id);
    await server.app.inject({ method: 'POST', url: apiPaths.updates(created.id), headers, payload: Buffer.from(shapeUpdate(doc, 'two')) });
    await server.store.compact(created.id);
    const list = HistoryList.parse((await server.app.inject({ method: 'GET', url: apiPaths.history(created.id), headers: auth(created.viewToken) })).json());
    expect(list.entries).toHaveLength(1);
    expect(list.entries[0]).toMatchObject({ shapeCount: 1 });
    const entry = await server.app.inject({ method: 'GET', url: apiPaths.historyEntry(created.id, list.entries[0]!.id), headers: auth(created.viewToken) });
    const old = new Y.Doc();
    Y.applyUpdate(old, entry.rawPayload);
    expect([...old.getMap('shapes').keys()]).toEqual(['one']);
    expectError(await server.app.inject({ method: 'POST', url: apiPaths.restore(created.id, list.entries[0]!.id), headers: auth(created.viewToken) }), 403, 'forbidden');
    expectError(await server.app.inject({ method: 'GET', url: apiPaths.historyEntry(created.id, 'nope'), headers: auth(created.viewToken) }), 404, 'not_found');
    const restore = await server.app.inject({ method: 'POST', url: apiPaths.restore(created.id, list.entries[0]!.id), headers: auth(created.editToken) });
    expect(restore.statusCode).toBe(200);
    Y.applyUpdate(doc, restore.rawPayload);
    expect([...doc.getMap('shapes').keys()]).toEqual(['one']);
    const state = await server.app.inject({ method: 'GET', url: apiPaths.state(created.id), headers: auth(created.viewToken) });
    const now = new Y.Doc();
    Y.applyUpdate(now, state.rawPayload);
    expect([...now.getMap('shapes').keys()]).toEqual(['one']);
  });

  it('answers /healthz, /metrics and unknown routes', async () => {
    const health = await server.app.inject({ method: 'GET', url: '/healthz' });
    expect(health.statusCode).toBe(200);
    expect(health.json()).toMatchObject({ status: 'ok', checks: { database: 'ok' } });
    const metrics = await server.app.inject({ method: 'GET', url: '/metrics' });
    expect(metrics.body).toContain('meshboard_persistence_requests_total');
    expectError(await server.app.inject({ method: 'GET', url: '/nope' }), 404, 'not_found');
  });
});
