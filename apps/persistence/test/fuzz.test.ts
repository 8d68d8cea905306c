/**
 * Issue 11: a seeded fuzz over every HTTP route of the store, against the real process on PostgreSQL. Hostile
 * ids, tokens (forged, revoked, view-only, junk, in the header or the query), content types, bodies (random,
 * truncated and valid-looking Yjs, JSON with NULs and broken Unicode, large), methods and raw malformed HTTP.
 * Checks: the process stays up and healthy; canary boards (whose edit tokens the fuzzer never holds) stay
 * byte-identical; every error is `{"error":{"code","message"}}` with the status of its code, never 5xx other
 * than a `503` with Retry-After, and never echoes a token it was sent. (Status 0 in the printed counts: the
 * server closed the connection while a refused body was still being sent.)
 *
 * Bounded by MESHBOARD_FUZZ_SECONDS (default 60) and MESHBOARD_FUZZ_REQUESTS (default 4000); the seed is
 * printed, and MESHBOARD_FUZZ_SEED replays a run.
 */
import net from 'node:net';
import { CreateBoardResponse, ErrorBody, apiPaths, httpStatusOf } from '@meshboard/protocol';
import { issueToken } from '@meshboard/tokens';
import * as prng from 'lib0/prng';
import * as Y from 'yjs';
import { afterAll, describe, expect, it } from 'vitest';
import { killChildren, startChild } from './child-process.js';
import { SECRET, createPgDatabase } from './helpers.js';

const cleanups: (() => Promise<void>)[] = [];
afterAll(async () => {
  killChildren();
  for (const cleanup of cleanups.reverse()) await cleanup();
});

const SEED = Number(process.env.MESHBOARD_FUZZ_SEED ?? Math.floor(Math.random() * 2 ** 31));
const SECONDS = Number(process.env.MESHBOARD_FUZZ_SECONDS ?? 60);
const REQUESTS = Number(process.env.MESHBOARD_FUZZ_REQUESTS ?? 4000);

interface Canary {
  board: CreateBoardResponse;
  state: Buffer;
  meta: string;
  history: string;
}

async function snapshotOf(url: string, board: CreateBoardResponse): Promise<Omit<Canary, 'board'>> {
  const auth = { authorization: `Bearer ${board.viewToken}` };
  const state = Buffer.from(await (await fetch(`${url}${apiPaths.state(board.id)}`, { headers: auth })).arrayBuffer());
  const meta = await (await fetch(`${url}${apiPaths.board(board.id)}`, { headers: auth })).text();
  const history = await (await fetch(`${url}${apiPaths.history(board.id)}`, { headers: auth })).text();
  return { state, meta, history };
}

describe('seeded fuzz over every store route', () => {
  it(`stays up, keeps canary boards byte-identical and answers every error in the contract (seed ${SEED})`, async () => {
    console.log(`store fuzz seed: ${SEED} (replay with MESHBOARD_FUZZ_SEED=${SEED})`);
    const gen = prng.create(SEED);
    const pg = await createPgDatabase();
    cleanups.push(pg.drop);
    const server = await startChild({
      DATABASE_URL: pg.url,
      MESHBOARD_COMPACT_AFTER_UPDATES: '20',
      // no idle compaction: it would add a restore point to a canary by itself (the store's own work, not the fuzzer's)
      MESHBOARD_COMPACT_IDLE_SECONDS: '0',
      MESHBOARD_MAX_UPDATE_BYTES: String(4 * 1024 * 1024),
      MESHBOARD_MAX_BOARD_BYTES: String(2 * 1024 * 1024),
      // the limits themselves are tested elsewhere; here they should only rarely get in the way
      MESHBOARD_RATE_LIMIT_PER_IP: '1000000',
      MESHBOARD_RATE_LIMIT_PER_TOKEN: '1000000',
      MESHBOARD_CREATE_LIMIT_PER_IP: '100000',
    });
    const url = server.url;
    const create = async (title: string) => CreateBoardResponse.parse(await (await fetch(`${url}${apiPaths.boards}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ title }) })).json());

    // canaries: content, a compaction, a restore point; the fuzzer only ever holds their view tokens
    const canaries: Canary[] = [];
    for (const title of ['canary one', 'canary two']) {
      const board = await create(title);
      const doc = new Y.Doc();
      for (let i = 0; i < 25; i++) {
        const before = Y.encodeStateVector(doc);
        doc.getMap('shapes').set(`s${i}`, `value ${i}`);
        await fetch(`${url}${apiPaths.updates(board.id)}`, { method: 'POST', headers: { authorization: `Bearer ${board.editToken}`, 'content-type': 'application/octet-stream' }, body: Y.encodeStateAsUpdate(doc, before) });
      }
      canaries.push({ board, ...(await snapshotOf(url, board)) });
    }
    // the attacker's own board (edit rights there), and one whose links it then rotates (revoked tokens)
    const own = await create('attacker');
    const revokedBoard = await create('revoked');
    await fetch(`${url}${apiPaths.rotateTokens(revokedBoard.id)}`, { method: 'POST', headers: { authorization: `Bearer ${revokedBoard.ownerToken}` } });
    const forged = (boardId: string, role: 'edit' | 'view') =>
      issueToken('forged-secret-forged-secret-forged-secret-0000', { b: /^[A-Za-z0-9_-]{22}$/.test(boardId) ? boardId : own.id, r: role, g: 0 } as never);
    const crossSigned = issueToken(SECRET, { b: own.id, r: 'edit', g: 0 } as never); // valid, for another board

    const pick = <T>(items: readonly T[]): T => prng.oneOf(gen, items as T[]);
    const junkString = (max: number) => {
      const alphabet = ['a', 'Z', '0', '-', '_', '%', '%zz', '%00', '\u0000', '/', '..', '?', '#', '\ud800', '\u202e', '😀', ' ', '\n', '"', "'", '<', '&', '\\'];
      let out = '';
      const length = prng.uint32(gen, 0, max);
      for (let i = 0; i < length; i++) out += pick(alphabet);
      return out;
    };
    /** percent-encodes, keeping broken Unicode broken (encodeURIComponent throws on a lone surrogate) */
    const encode = (value: string) => {
      try {
        return encodeURIComponent(value);
      } catch {
        return '%ED%A0%80';
      }
    };
    const canaryIds = canaries.map((canary) => canary.board.id);
    const ids = () =>
      pick([own.id, own.id, revokedBoard.id, ...canaryIds, own.id.slice(0, 21), `${own.id}x`, 'a'.repeat(300), junkString(30), encode(junkString(10)), '%zz', '%00', '', '0000000000000000000000']);
    const tokens = (boardId: string) => {
      const canary = canaries.find((c) => c.board.id === boardId);
      return pick([
        own.editToken,
        own.viewToken,
        revokedBoard.editToken,
        canary?.board.viewToken ?? canaries[0]!.board.viewToken,
        forged(boardId, 'edit'),
        crossSigned,
        `${own.editToken}x`,
        own.editToken.slice(0, -3),
        junkString(40),
        'x'.repeat(5000),
        '',
        undefined,
      ]);
    };
    const attackerDoc = new Y.Doc();
    const bodies = (): Uint8Array | string | undefined => {
      switch (prng.uint32(gen, 0, 9)) {
        case 0:
          return undefined;
        case 1:
          return prng.uint8Array(gen, prng.uint32(gen, 0, 64));
        case 2: {
          const before = Y.encodeStateVector(attackerDoc);
          attackerDoc.getArray('list').insert(0, [junkString(20)]);
          const update = Y.encodeStateAsUpdate(attackerDoc, before);
          return prng.bool(gen) ? update : update.slice(0, prng.uint32(gen, 1, update.length));
        }
        case 3:
          return Y.encodeStateVector(attackerDoc);
        case 4:
          return JSON.stringify({ title: junkString(30) });
        case 5:
          return `{"title":"${junkString(10)}","x":${prng.uint32(gen, 0, 9)}}`;
        case 6:
          return junkString(200);
        case 7:
          return prng.uint8Array(gen, prng.uint32(gen, 64 * 1024, 3 * 1024 * 1024));
        case 8: {
          // a causal gap: an update from a doc the store never saw the start of
          const other = new Y.Doc();
          other.getArray('list').insert(0, ['a']);
          const before = Y.encodeStateVector(other);
          other.getArray('list').insert(1, ['b']);
          return Y.encodeStateAsUpdate(other, before);
        }
        default:
          return new Uint8Array([0, 0, 0, 0]);
      }
    };
    const routes = (id: string, entry: string): [string, string][] => [
      ['POST', apiPaths.boards],
      ['GET', `/v1/boards/${id}`],
      ['PATCH', `/v1/boards/${id}`],
      ['DELETE', `/v1/boards/${id}`],
      ['POST', `/v1/boards/${id}/tokens/rotate`],
      ['GET', `/v1/boards/${id}/state`],
      ['POST', `/v1/boards/${id}/diff`],
      ['POST', `/v1/boards/${id}/updates`],
      ['GET', `/v1/boards/${id}/history`],
      ['GET', `/v1/boards/${id}/history/${entry}`],
      ['POST', `/v1/boards/${id}/history/${entry}/restore`],
      ['GET', '/healthz'],
      ['GET', '/metrics'],
      [pick(['PUT', 'OPTIONS', 'HEAD', 'TRACE', 'GET', 'POST']), pick([`/v1/boards/${id}/nope`, '/', `//v1/boards/${id}`, `/v1/boards/${id}/state/`, '/v1/boards/', '/v2'])],
    ];
    const contentTypes = [undefined, 'application/octet-stream', 'application/json', 'text/plain', 'text/plain;charset=utf-8', 'multipart/form-data; boundary=x', 'application/x-www-form-urlencoded', 'image/png', 'application/json; charset=\u0000', ''];

    const counts = new Map<number, number>();
    const problems: string[] = [];
    let sent = 0;
    const deadline = Date.now() + SECONDS * 1000;
    const worker = async () => {
      while (sent < REQUESTS && Date.now() < deadline) {
        sent += 1;
        const id = ids();
        const [method, path] = pick(routes(id, pick(['x', junkString(20), 'a'.repeat(100), '%zz', 'AAAAAAAAAAAAAAAA'])));
        const token = tokens(id);
        const headers: Record<string, string> = {};
        let query = '';
        if (token !== undefined) {
          if (prng.bool(gen)) query = `?token=${encode(token)}`;
          else headers.authorization = pick([`Bearer ${token}`, `bearer  ${token}`, token, `Basic ${token}`]);
        }
        if (prng.uint32(gen, 0, 9) === 0) query += `${query ? '&' : '?'}${junkString(20)}`;
        const type = pick(contentTypes);
        if (type !== undefined) headers['content-type'] = type;
        if (prng.uint32(gen, 0, 19) === 0) headers['x-meshboard-create-secret'] = junkString(10);
        const body = method === 'GET' || method === 'HEAD' ? undefined : bodies();
        let response: Response;
        try {
          const safeHeaders: Record<string, string> = {};
          for (const [key, value] of Object.entries(headers)) if (/^[\t\x20-\x7e\x80-\xff]*$/.test(value)) safeHeaders[key] = value;
          response = await fetch(`${url}${path}${query}`, { method, headers: safeHeaders, ...(body !== undefined ? { body: body as Uint8Array<ArrayBuffer> | string } : {}) });
        } catch (error) {
          // fetch refuses some URLs/headers itself; the server closing on us is checked by the health probe below
          if (!(error instanceof TypeError) || !/fetch failed/.test(String(error))) continue;
          // A request refused before its body was read is answered with `Connection: close`; a client still
          // sending then sees EPIPE/ECONNRESET instead of the answer. Fine, if the process is still up.
          const code = ((error as Error).cause as { code?: string } | undefined)?.code;
          if (body !== undefined && (code === 'EPIPE' || code === 'ECONNRESET') && (await fetch(`${url}/healthz`)).status === 200) {
            counts.set(0, (counts.get(0) ?? 0) + 1);
            continue;
          }
          problems.push(`${method} ${path}: connection failed (${String((error as Error).cause ?? error)})`);
          continue;
        }
        counts.set(response.status, (counts.get(response.status) ?? 0) + 1);
        const text = method === 'HEAD' ? '' : await response.text();
        const where = `${method} ${path.slice(0, 80)}`;
        if (response.status >= 500 && response.status !== 503) problems.push(`${where}: ${response.status} ${text.slice(0, 200)}`);
        if (response.status === 503 && !response.headers.get('retry-after')) problems.push(`${where}: 503 without Retry-After`);
        if (response.status >= 400 && method !== 'HEAD') {
          let parsed: ErrorBody | null = null;
          try {
            parsed = ErrorBody.parse(JSON.parse(text));
          } catch {
            problems.push(`${where}: ${response.status} body not in the contract: ${text.slice(0, 200)}`);
          }
          if (parsed && httpStatusOf[parsed.error.code] !== response.status) problems.push(`${where}: ${response.status} with code ${parsed.error.code}`);
          if (token && token.length > 8 && text.includes(token)) problems.push(`${where}: the error echoes the token`);
        }
      }
    };
    // raw, malformed HTTP alongside
    const rawJunk = async () => {
      const port = Number(new URL(url).port);
      for (let i = 0; i < 60 && Date.now() < deadline; i++) {
        const payload = pick([
          `GET /v1/boards/${own.id}/state?token=${own.viewToken} HTTP/1.1\r\nHost: x\r\nContent-Length: -1\r\n\r\n`,
          `POST /v1/boards/${own.id}/updates HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nContent-Length: 5\r\n\r\nzz\r\n`,
          `GET /${'a'.repeat(20_000)} HTTP/1.1\r\nHost: x\r\n\r\n`,
          `GET / HTTP/1.1\r\n${'X-A: b\r\n'.repeat(2000)}\r\n`,
          `\u0000\u0001\u0002 garbage\r\n\r\n`,
          `POST /v1/boards HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n3\r\n{"t\r\n`,
        ]);
        const reply = await new Promise<string>((resolve) => {
          const socket = net.connect(port, '127.0.0.1', () => socket.end(payload));
          let data = '';
          socket.on('data', (chunk) => (data += chunk.toString()));
          socket.on('close', () => resolve(data));
          socket.on('error', () => resolve(data));
          setTimeout(() => socket.destroy(), 3_000);
        });
        if (reply.startsWith('HTTP/1.1 ') && !reply.startsWith('HTTP/1.1 2')) {
          const body = reply.slice(reply.indexOf('\r\n\r\n') + 4);
          if (body && !ErrorBody.safeParse((() => { try { return JSON.parse(body); } catch { return null; } })()).success) problems.push(`raw: answer not in the contract: ${reply.slice(0, 200)}`);
          if (reply.includes(own.viewToken)) problems.push('raw: the answer echoes the token');
        }
      }
    };
    await Promise.all([...Array.from({ length: 6 }, worker), rawJunk()]);

    console.log(`store fuzz: ${sent} requests in ${SECONDS}s max, statuses ${[...counts].sort((x, y) => x[0] - y[0]).map(([status, count]) => `${status}x${count}`).join(' ')}; ${problems.length} problems`);
    for (const problem of new Set(problems.map((p) => p.replace(/\/v1\/boards\/[^ ]*/, "/v1/boards/…")))) console.log(`problem: ${problem}`);
    expect(problems.slice(0, 20)).toEqual([]);
    expect(server.child.exitCode).toBeNull();
    expect((await fetch(`${url}/healthz`)).status).toBe(200);
    for (const canary of canaries) {
      const now = await snapshotOf(url, canary.board);
      expect(now.state.equals(canary.state), `canary ${canary.board.id} state`).toBe(true);
      expect(now.meta).toBe(canary.meta);
      expect(now.history).toBe(canary.history);
    }
    server.child.kill('SIGTERM');
    await server.exited;
  }, 240_000);
});
