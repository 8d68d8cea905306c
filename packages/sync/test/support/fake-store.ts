/**
 * A small, honest implementation of the persistence HTTP API (packages/protocol/src/http.ts) over an
 * in-memory Y.Doc per board, for tests until apps/persistence exists. Token checks use the real
 * @meshboard/tokens with a per-board generation, so rotation and revocation behave as in the service.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import * as Y from 'yjs';
import {
  BINARY_CONTENT_TYPE,
  STATE_VECTOR_HEADER,
  bytesToBase64,
  errorBody,
  httpStatusOf,
  newBoardId,
  type ErrorCode,
} from '@meshboard/protocol';
import { checkGeneration, issueBoardTokens, verifyToken } from '@meshboard/tokens';

export interface FakeBoard {
  id: string;
  title: string;
  generation: number;
  doc: Y.Doc;
  seq: number;
  createdAt: string;
}

export interface FakeStore {
  url: string;
  boards: Map<string, FakeBoard>;
  /** how many update bodies were appended, per board */
  appends: Map<string, number>;
  /** when true every request answers 503 (store down) */
  down: boolean;
  /** artificial latency for POST /updates, ms */
  appendDelayMs: number;
  createBoard(title?: string): { id: string; editToken: string; viewToken: string };
  rotate(id: string): { editToken: string; viewToken: string };
  close(): Promise<void>;
}

export async function startFakeStore(secret: string): Promise<FakeStore> {
  const boards = new Map<string, FakeBoard>();
  const appends = new Map<string, number>();
  const store: FakeStore = {
    url: '',
    boards,
    appends,
    down: false,
    appendDelayMs: 0,
    createBoard(title = 'Untitled') {
      const id = newBoardId();
      boards.set(id, { id, title, generation: 0, doc: new Y.Doc(), seq: 0, createdAt: new Date().toISOString() });
      return { id, ...issueBoardTokens(secret, id, 0) };
    },
    rotate(id) {
      const board = boards.get(id)!;
      board.generation++;
      return issueBoardTokens(secret, id, board.generation);
    },
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };

  const readBody = (req: IncomingMessage) =>
    new Promise<Uint8Array>((resolve, reject) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => resolve(new Uint8Array(Buffer.concat(chunks))));
      req.on('error', reject);
    });
  const sendError = (res: ServerResponse, code: ErrorCode, message: string) =>
    res.writeHead(httpStatusOf[code], { 'content-type': 'application/json' }).end(JSON.stringify(errorBody(code, message)));
  const sendBinary = (res: ServerResponse, board: FakeBoard, body: Uint8Array) =>
    res
      .writeHead(200, { 'content-type': BINARY_CONTENT_TYPE, [STATE_VECTOR_HEADER]: bytesToBase64(Y.encodeStateVector(board.doc)) })
      .end(Buffer.from(body));

  const server: Server = createServer((req, res) => {
    void (async () => {
      if (store.down) return sendError(res, 'unavailable', 'store is down (test)');
      const url = new URL(req.url ?? '/', 'http://x');
      if (req.method === 'POST' && url.pathname === '/v1/boards') {
        const created = store.createBoard();
        return res.writeHead(201, { 'content-type': 'application/json' }).end(
          JSON.stringify({ ...created, title: 'Untitled', createdAt: boards.get(created.id)!.createdAt }),
        );
      }
      const match = /^\/v1\/boards\/([^/]+)(\/.*)?$/.exec(url.pathname);
      if (!match) return sendError(res, 'not_found', 'no route');
      const id = decodeURIComponent(match[1]!);
      const rest = match[2] ?? '';
      const header = req.headers.authorization;
      const token = header?.startsWith('Bearer ') ? header.slice(7) : (url.searchParams.get('token') ?? undefined);
      const check = verifyToken(secret, token, id as never);
      if (!check.ok) return sendError(res, check.error.code, check.error.message);
      const board = boards.get(id);
      if (!board) return sendError(res, 'board_not_found', 'no such board');
      const revoked = checkGeneration(check.claims, board.generation);
      if (revoked) return sendError(res, revoked.code, revoked.message);
      const role = check.claims.r;
      if (req.method === 'GET' && rest === '') {
        return res.writeHead(200, { 'content-type': 'application/json' }).end(
          JSON.stringify({ id, title: board.title, createdAt: board.createdAt, updatedAt: board.createdAt, role }),
        );
      }
      if (req.method === 'GET' && rest === '/state') return sendBinary(res, board, Y.encodeStateAsUpdate(board.doc));
      if (req.method === 'POST' && rest === '/diff') {
        const sv = await readBody(req);
        try {
          return sendBinary(res, board, Y.encodeStateAsUpdate(board.doc, sv));
        } catch {
          return sendError(res, 'invalid_update', 'not a state vector');
        }
      }
      if (req.method === 'POST' && rest === '/updates') {
        if (role !== 'edit') return sendError(res, 'forbidden', 'view-only');
        const update = await readBody(req);
        if (store.appendDelayMs) await new Promise((r) => setTimeout(r, store.appendDelayMs));
        const before = Y.encodeStateVector(board.doc);
        const beforeDs = Y.encodeStateAsUpdate(board.doc).length;
        try {
          Y.applyUpdate(board.doc, update, 'store');
        } catch {
          return sendError(res, 'invalid_update', 'not a Yjs update');
        }
        const after = Y.encodeStateVector(board.doc);
        const changed = Buffer.compare(Buffer.from(before), Buffer.from(after)) !== 0 || beforeDs !== Y.encodeStateAsUpdate(board.doc).length;
        if (changed) board.seq++;
        appends.set(id, (appends.get(id) ?? 0) + 1);
        return res
          .writeHead(200, { 'content-type': 'application/json' })
          .end(JSON.stringify({ seq: board.seq, stateVector: bytesToBase64(after), changed }));
      }
      return sendError(res, 'not_found', 'no route');
    })().catch((error: unknown) => sendError(res, 'internal', String(error)));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  store.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return store;
}
