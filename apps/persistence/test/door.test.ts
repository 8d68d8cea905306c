/**
 * Issue 11, the store's door (defects 4, 9, 10 and the limits), over real TCP connections:
 * - a forged token is refused before the body is read (60 MiB POSTs answered at once, RSS bounded: measured on
 *   the real process), slow senders are cut, and only a few large bodies are read at once;
 * - NUL bytes and other input PostgreSQL cannot keep are 4xx, never 503;
 * - every error (fastify's own included) is `{"error":{"code","message"}}` and never echoes the URL or a token;
 * - per-IP, per-token and board-creation limits answer 429 with Retry-After (shared through Redis when set),
 *   the creation password guards `POST /v1/boards`, and a board's stored size is capped with a clear 413.
 */
import http from 'node:http';
import net from 'node:net';
import { readFileSync } from 'node:fs';
import { PGlite } from '@electric-sql/pglite';
import { CreateBoardResponse, ErrorBody, apiPaths, httpStatusOf } from '@meshboard/protocol';
import { issueToken } from '@meshboard/tokens';
import * as Y from 'yjs';
import { afterAll, describe, expect, it } from 'vitest';
import { defaultStoreOptions, type HttpLimits, type PersistenceConfig, type StoreOptions } from '../src/config.js';
import { createPersistenceServer, type PersistenceServer } from '../src/server.js';
import { killChildren, startChild } from './child-process.js';
import { SECRET, createPgDatabase, engines, migrationsDir } from './helpers.js';

const cleanups: (() => Promise<void>)[] = [];
afterAll(async () => {
  killChildren();
  for (const cleanup of cleanups.reverse()) await cleanup();
});

async function startServer(engine: 'pglite' | 'postgres', limits: Partial<HttpLimits> = {}, store: Partial<StoreOptions> = {}): Promise<{ server: PersistenceServer; url: string }> {
  const base: PersistenceConfig = {
    port: 0,
    host: '127.0.0.1',
    dataDir: '/nonexistent',
    tokenSecret: SECRET,
    allowedOrigins: [],
    migrationsDir,
    maxUpdateBodyBytes: 64 * 1024 * 1024,
    store: { ...defaultStoreOptions, compactIdleMs: 0, ...store },
    limits,
  };
  let server: PersistenceServer;
  if (engine === 'pglite') {
    const pglite = await PGlite.create();
    server = await createPersistenceServer(base, { database: { kind: 'pglite-instance', pglite } });
    cleanups.push(async () => {
      await server.close();
      await pglite.close();
    });
  } else {
    const pg = await createPgDatabase();
    server = await createPersistenceServer({ ...base, databaseUrl: pg.url });
    cleanups.push(async () => {
      await server.close();
      await pg.drop();
    });
  }
  return { server, url: await server.listen() };
}

async function createBoard(url: string, headers: Record<string, string> = {}): Promise<CreateBoardResponse> {
  const response = await fetch(`${url}${apiPaths.boards}`, { method: 'POST', headers });
  expect(response.status).toBe(201);
  return CreateBoardResponse.parse(await response.json());
}

/** Asserts the documented error form, the status that goes with its code, and that nothing secret is echoed. */
async function expectContractError(response: Response, status: number, code?: string, mustNotContain: string[] = []): Promise<void> {
  const text = await response.text();
  expect(response.status, text).toBe(status);
  const body = ErrorBody.parse(JSON.parse(text));
  if (code) expect(body.error.code).toBe(code);
  if (status !== 408 && status !== 431) expect(httpStatusOf[body.error.code]).toBe(status);
  for (const secret of mustNotContain) expect(text).not.toContain(secret);
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

function rssKiB(pid: number): number {
  const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return Number(match![1]);
}

/** Streams `total` bytes in 1 MiB chunks; resolves with the ms until the answer (or the connection's end) and the status. */
function bigPost(url: string, path: string, token: string, total: number): Promise<{ ms: number; status: number | null; sent: number }> {
  return new Promise((resolve) => {
    const started = Date.now();
    const target = new URL(path, url);
    let sent = 0;
    let done = false;
    const finish = (status: number | null) => {
      if (done) return;
      done = true;
      resolve({ ms: Date.now() - started, status, sent });
      request.destroy();
    };
    const request = http.request(
      { host: target.hostname, port: target.port, path: target.pathname, method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/octet-stream', 'content-length': String(total) } },
      (response) => {
        response.resume();
        finish(response.statusCode ?? null);
      },
    );
    request.on('error', () => finish(null));
    request.on('close', () => finish(null));
    const chunk = Buffer.alloc(1024 * 1024, 7);
    const pump = () => {
      while (!done && sent < total) {
        sent += chunk.length;
        if (!request.write(chunk)) return void request.once('drain', pump);
      }
      if (!done) request.end();
    };
    pump();
  });
}

describe('the store refuses before it reads (defect 4)', () => {
  it('four parallel 60 MiB POSTs with a forged token are refused at once and RSS stays bounded (real process)', async () => {
    const pg = await createPgDatabase();
    cleanups.push(pg.drop);
    const child = await startChild({ DATABASE_URL: pg.url });
    const board = await createBoard(child.url);
    // Signed with another secret: well formed, for this board, and forged.
    const forged = issueToken('another-secret-another-secret-another-secret-000', { b: board.id, r: 'edit', g: 0 } as never);
    const rssBefore = rssKiB(child.child.pid!);
    let peak = rssBefore;
    const sampler = setInterval(() => (peak = Math.max(peak, rssKiB(child.child.pid!))), 50);
    const results = await Promise.all(Array.from({ length: 4 }, () => bigPost(child.url, apiPaths.updates(board.id), forged, 60 * 1024 * 1024)));
    clearInterval(sampler);
    const growthMiB = (peak - rssBefore) / 1024;
    console.log(`forged 60 MiB POSTs: answered in ${results.map((r) => r.ms).join('/')} ms with ${results.map((r) => r.status).join('/')}, client had sent ${results.map((r) => Math.round(r.sent / 1048576)).join('/')} MiB; RSS ${Math.round(rssBefore / 1024)} MiB -> peak +${growthMiB.toFixed(1)} MiB`);
    for (const result of results) {
      expect(result.ms).toBeLessThan(2_000);
      expect([401, null]).toContain(result.status);
    }
    expect(results.some((result) => result.status === 401)).toBe(true);
    expect(growthMiB).toBeLessThan(48);
    // still serving
    expect((await fetch(`${child.url}/healthz`)).status).toBe(200);
    child.child.kill('SIGTERM');
    await child.exited;
  }, 120_000);

  it('cuts connections that trickle headers or a body (one byte every 5 s)', async () => {
    const { url } = await startServer('postgres', { requestTimeoutMs: 3_000, headersTimeoutMs: 2_000 });
    const board = await createBoard(url);
    const { port } = new URL(url);
    const opened = Date.now();
    const closedAt: number[] = [];
    const sockets = Array.from({ length: 20 }, (_, index) => {
      const socket = net.connect(Number(port), '127.0.0.1');
      const headers = `POST ${apiPaths.updates(board.id)} HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${board.editToken}\r\nContent-Type: application/octet-stream\r\nContent-Length: 1000\r\n\r\n`;
      // half trickle their headers, half send headers at once and trickle the body
      let sent = index % 2 === 0 ? 0 : headers.length;
      if (index % 2 === 1) socket.write(headers);
      const timer = setInterval(() => {
        if (socket.destroyed) return;
        socket.write(index % 2 === 0 ? headers[sent++ % headers.length]! : 'x');
      }, 5_000);
      socket.write(index % 2 === 0 ? headers[sent++]! : 'x');
      socket.on('error', () => {});
      socket.resume(); // read, so the server's FIN is seen at once
      socket.on('close', () => {
        clearInterval(timer);
        closedAt.push(Date.now() - opened);
      });
      return socket;
    });
    const deadline = Date.now() + 15_000;
    while (closedAt.length < sockets.length && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 200));
    for (const socket of sockets) socket.destroy();
    console.log(`trickling connections closed by the server after ${Math.min(...closedAt)}-${Math.max(...closedAt)} ms`);
    expect(closedAt.length).toBe(sockets.length);
    expect(Math.max(...closedAt)).toBeLessThan(10_000);
    // a request that is merely slow to start but arrives in time still works
    expect((await fetch(`${url}/healthz`)).status).toBe(200);
  }, 180_000);

  it('reads at most maxLargeBodies large bodies at once; the next one gets 503 with Retry-After', async () => {
    const { url } = await startServer('postgres', { maxLargeBodies: 1, requestTimeoutMs: 20_000 });
    const board = await createBoard(url);
    const target = new URL(apiPaths.updates(board.id), url);
    // a legitimate but slow 4 MiB upload holds the only slot
    const slow = http.request({ host: target.hostname, port: target.port, path: target.pathname, method: 'POST', headers: { authorization: `Bearer ${board.editToken}`, 'content-type': 'application/octet-stream', 'content-length': String(4 * 1024 * 1024) } });
    slow.on('error', () => {});
    slow.write(Buffer.alloc(1024));
    await new Promise((resolve) => setTimeout(resolve, 300));
    const second = await fetch(`${url}${apiPaths.updates(board.id)}`, { method: 'POST', headers: { authorization: `Bearer ${board.editToken}`, 'content-type': 'application/octet-stream' }, body: new Uint8Array(2 * 1024 * 1024) });
    expect(second.headers.get('retry-after')).toBe('1');
    await expectContractError(second, 503, 'unavailable');
    slow.destroy();
    await new Promise((resolve) => setTimeout(resolve, 300));
    // the slot is free again: a valid 2 MiB update is taken
    const doc = new Y.Doc();
    const ok = await fetch(`${url}${apiPaths.updates(board.id)}`, { method: 'POST', headers: { authorization: `Bearer ${board.editToken}`, 'content-type': 'application/octet-stream' }, body: shapeUpdate(doc, 'big', 2 * 1024 * 1024) });
    expect(ok.status).toBe(200);
  }, 180_000);
});

describe.each(engines)('input the database cannot keep is a 4xx on %s (defect 9)', (engine) => {
  it('NUL bytes in a title or an id are 400/404, never 503', async () => {
    const { url } = await startServer(engine);
    const board = await createBoard(url);
    const json = { 'content-type': 'application/json' };
    await expectContractError(await fetch(`${url}${apiPaths.boards}`, { method: 'POST', headers: json, body: JSON.stringify({ title: 'a\u0000b' }) }), 400, 'bad_request');
    await expectContractError(await fetch(`${url}${apiPaths.boards}`, { method: 'POST', headers: json, body: '{"title":"\\ud800"}' }), 400, 'bad_request');
    await expectContractError(await fetch(`${url}${apiPaths.board(board.id)}`, { method: 'PATCH', headers: { ...json, authorization: `Bearer ${board.editToken}` }, body: JSON.stringify({ title: 'x\u0000' }) }), 400, 'bad_request');
    await expectContractError(await fetch(`${url}/v1/boards/${board.id.slice(0, 21)}%00/state`, { headers: { authorization: `Bearer ${board.viewToken}` } }), 404, 'board_not_found');
    await expectContractError(await fetch(`${url}${apiPaths.historyEntry(board.id, 'abc\u0000')}`, { headers: { authorization: `Bearer ${board.viewToken}` } }), 404, 'not_found');
    await expectContractError(await fetch(`${url}${apiPaths.restore(board.id, 'abc\u0000def')}`, { method: 'POST', headers: { authorization: `Bearer ${board.editToken}` } }), 404, 'not_found');
    const meta = await fetch(`${url}${apiPaths.board(board.id)}`, { headers: { authorization: `Bearer ${board.viewToken}` } });
    expect(((await meta.json()) as { title: string }).title).toBe('Untitled board');
  }, 180_000);
});

describe('every error is in the contract and echoes nothing (defect 10)', () => {
  it('fastify\'s own errors, unknown routes, bad types and malformed HTTP', async () => {
    const { url } = await startServer('pglite');
    const board = await createBoard(url);
    const secrets = [board.viewToken, board.editToken];
    await expectContractError(await fetch(`${url}/v1/boards/%zz/state?token=${board.viewToken}`), 400, 'bad_request', [...secrets, '%zz', '/v1/boards']);
    await expectContractError(await fetch(`${url}/v1/boards/${'a'.repeat(300)}/state?token=${board.viewToken}`), 404, undefined, [...secrets, 'aaaa']);
    await expectContractError(await fetch(`${url}/nope?token=${board.viewToken}`), 404, 'not_found', [...secrets, 'nope']);
    await expectContractError(await fetch(`${url}${apiPaths.boards}`, { method: 'POST', headers: { 'content-type': 'text/xml' }, body: '<a/>' }), 415, 'unsupported_media_type');
    await expectContractError(await fetch(`${url}${apiPaths.updates(board.id)}?token=${board.editToken}`, { method: 'POST', headers: { 'content-type': 'image/png' }, body: 'x' }), 415, 'unsupported_media_type', secrets);
    await expectContractError(await fetch(`${url}${apiPaths.state(board.id)}?token=${board.viewToken}x`), 401, 'unauthorized', secrets);
    await expectContractError(await fetch(`${url}${apiPaths.board(board.id)}`, { method: 'PUT' }), 404, 'not_found');
    // malformed HTTP on a raw socket: Node's parser fails before fastify has a request
    const { port } = new URL(url);
    const raw = await new Promise<string>((resolve) => {
      const socket = net.connect(Number(port), '127.0.0.1', () => socket.write(`GET /v1/boards?token=${board.viewToken} HTTP/1.1\r\nHost: x\r\nContent-Length: nope\r\n\r\n`));
      let data = '';
      socket.on('data', (chunk) => (data += chunk.toString()));
      socket.on('close', () => resolve(data));
      socket.on('error', () => {});
    });
    expect(raw).toMatch(/^HTTP\/1\.1 400/);
    ErrorBody.parse(JSON.parse(raw.slice(raw.indexOf('\r\n\r\n') + 4)));
    for (const secret of secrets) expect(raw).not.toContain(secret);
  }, 180_000);
});

describe('limits (issue 11, "Limits on every door")', () => {
  it('per-IP and per-token budgets answer 429 with Retry-After, in the contract', async () => {
    const { url } = await startServer('pglite', { perIpPerMinute: 30, perTokenPerMinute: 10 });
    const board = await createBoard(url);
    const statuses: number[] = [];
    for (let i = 0; i < 12; i++) statuses.push((await fetch(`${url}${apiPaths.board(board.id)}`, { headers: { authorization: `Bearer ${board.viewToken}` } })).status);
    expect(statuses.slice(0, 10).every((status) => status === 200)).toBe(true);
    const limited = await fetch(`${url}${apiPaths.board(board.id)}`, { headers: { authorization: `Bearer ${board.viewToken}` } });
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    await expectContractError(limited, 429, 'rate_limited', [board.viewToken]);
    // the other token of the board has its own budget, until the IP's runs out
    expect((await fetch(`${url}${apiPaths.board(board.id)}`, { headers: { authorization: `Bearer ${board.editToken}` } })).status).toBe(200);
    let last = 200;
    for (let i = 0; i < 30 && last !== 429; i++) last = (await fetch(`${url}/v1/boards/${board.id}/nothing-here`)).status;
    last = (await fetch(`${url}${apiPaths.board(board.id)}`, { headers: { authorization: `Bearer ${board.editToken}` } })).status;
    expect(last).toBe(429);
    // health checks are never limited
    expect((await fetch(`${url}/healthz`)).status).toBe(200);
  }, 180_000);

  it('addresses in MESHBOARD_RATE_LIMIT_EXEMPT (e.g. the signaling service) skip the per-IP budgets', async () => {
    const { url } = await startServer('pglite', { perIpPerMinute: 5, createsPerIpPerHour: 2, rateLimitExempt: ['10.0.0.0/8', '127.0.0.1'] });
    for (let i = 0; i < 4; i++) await createBoard(url);
    const statuses: number[] = [];
    for (let i = 0; i < 10; i++) statuses.push((await fetch(`${url}/v1/boards/AAAAAAAAAAAAAAAAAAAAAA`)).status);
    expect(statuses.every((status) => status === 401)).toBe(true);
  }, 180_000);

  it('board creation: per-IP budget, and the instance creation password when set', async () => {
    const open = await startServer('pglite', { createsPerIpPerHour: 3 });
    for (let i = 0; i < 3; i++) await createBoard(open.url);
    await expectContractError(await fetch(`${open.url}${apiPaths.boards}`, { method: 'POST' }), 429, 'rate_limited');

    const closed = await startServer('pglite', { createSecret: 'let-me-in-please' });
    await expectContractError(await fetch(`${closed.url}${apiPaths.boards}`, { method: 'POST' }), 403, 'forbidden', ['let-me-in']);
    await expectContractError(await fetch(`${closed.url}${apiPaths.boards}`, { method: 'POST', headers: { 'x-meshboard-create-secret': 'wrong' } }), 403, 'forbidden');
    await createBoard(closed.url, { 'x-meshboard-create-secret': 'let-me-in-please' });
  }, 180_000);

  it('counters are shared through Redis by several store processes', async () => {
    const redisUrl = 'redis://127.0.0.1:6379';
    // a fresh key space per run: the limiter keys on the client IP, which every test shares
    const createsPerIpPerHour = 4;
    const a = await startServer('pglite', { redisUrl, createsPerIpPerHour, perIpPerMinute: 100_000 + Math.floor(Math.random() * 1e6) });
    const b = await startServer('pglite', { redisUrl, createsPerIpPerHour, perIpPerMinute: 100_000 });
    const { Redis } = await import('ioredis');
    const redis = new Redis(redisUrl);
    for (const key of await redis.keys('meshboard:store:rl:*create:*')) await redis.del(key);
    await redis.quit();
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++) statuses.push((await fetch(`${(i % 2 === 0 ? a : b).url}${apiPaths.boards}`, { method: 'POST' })).status);
    expect(statuses).toEqual([201, 201, 201, 201, 429, 429]);
  }, 180_000);

  it.each(engines)('a board\'s stored size is capped with a clear 413, and nothing of the refused update is kept (%s)', async (engine) => {
    const { url } = await startServer(engine, {}, { maxBoardBytes: 64 * 1024 });
    const board = await createBoard(url);
    const doc = new Y.Doc();
    const post = (update: Uint8Array) => fetch(`${url}${apiPaths.updates(board.id)}`, { method: 'POST', headers: { authorization: `Bearer ${board.editToken}`, 'content-type': 'application/octet-stream' }, body: update });
    expect((await post(shapeUpdate(doc, 'a', 40 * 1024))).status).toBe(200);
    const before = new Uint8Array(await (await fetch(`${url}${apiPaths.state(board.id)}`, { headers: { authorization: `Bearer ${board.viewToken}` } })).arrayBuffer());
    const refused = await post(shapeUpdate(doc, 'b', 40 * 1024));
    const body = ErrorBody.parse(await refused.clone().json());
    expect(body.error.message).toMatch(/board is full/);
    await expectContractError(refused, 413, 'payload_too_large');
    const after = new Uint8Array(await (await fetch(`${url}${apiPaths.state(board.id)}`, { headers: { authorization: `Bearer ${board.viewToken}` } })).arrayBuffer());
    expect(Buffer.from(after).equals(Buffer.from(before))).toBe(true);
    // small edits still fit
    const small = new Y.Doc();
    expect((await post(shapeUpdate(small, 'c'))).status).toBe(200);
  }, 180_000);
});
