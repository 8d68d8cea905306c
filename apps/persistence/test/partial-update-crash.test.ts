/**
 * Issue 11 defect 3 / issue 9 item 4: an acknowledged update survives kill -9 WHOLE, including the part of it
 * that could not be applied yet (it depends on an update the store has not seen). The exact repro: doc X inserts
 * "x-first" (never uploaded); doc Y, which has X's insert, in one transaction sets an independent key and inserts
 * after "x-first"; Y's update is acknowledged; the real process is SIGKILLed and restarted; X's update arrives;
 * the state must hold Y's dependent insert.
 */
import { AppendAck, CreateBoardResponse, apiPaths } from '@meshboard/protocol';
import * as Y from 'yjs';
import { afterAll, describe, expect, it } from 'vitest';
import { killChildren, startChild } from './child-process.js';
import { createPgDatabase, makeTempDir } from './helpers.js';

const cleanups: (() => Promise<void>)[] = [];
afterAll(async () => {
  killChildren();
  for (const cleanup of cleanups.reverse()) await cleanup();
});

/** X's own update (not uploaded yet), and Y's one-transaction update: an independent key plus an insert after X's. */
function partlyApplicable(): { xUpdate: Uint8Array; yUpdate: Uint8Array } {
  const x = new Y.Doc();
  x.getArray<string>('list').push(['x-first']);
  const xUpdate = Y.encodeStateAsUpdate(x);
  const y = new Y.Doc();
  Y.applyUpdate(y, xUpdate);
  let yUpdate: Uint8Array | null = null;
  y.on('update', (update: Uint8Array) => (yUpdate = update));
  y.transact(() => {
    y.getMap('meta').set('independent', 'y-key');
    y.getArray<string>('list').push(['y-after']);
  });
  return { xUpdate, yUpdate: yUpdate! };
}

async function post(url: string, board: CreateBoardResponse, update: Uint8Array): Promise<AppendAck> {
  const response = await fetch(`${url}${apiPaths.updates(board.id)}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${board.editToken}`, 'content-type': 'application/octet-stream' },
    body: update,
  });
  expect(response.status).toBe(200);
  return AppendAck.parse(await response.json());
}

async function stateOf(url: string, board: CreateBoardResponse): Promise<Y.Doc> {
  const response = await fetch(`${url}${apiPaths.state(board.id)}`, { headers: { authorization: `Bearer ${board.viewToken}` } });
  expect(response.status).toBe(200);
  const doc = new Y.Doc();
  Y.applyUpdate(doc, new Uint8Array(await response.arrayBuffer()));
  return doc;
}

async function repro(env: Record<string, string>): Promise<void> {
  const { xUpdate, yUpdate } = partlyApplicable();
  let server = await startChild(env);
  const board = CreateBoardResponse.parse(await (await fetch(`${server.url}${apiPaths.boards}`, { method: 'POST' })).json());
  const ack = await post(server.url, board, yUpdate);
  expect(ack.changed).toBe(true);
  server.child.kill('SIGKILL');
  await server.exited;
  server = await startChild(env);
  await post(server.url, board, xUpdate);
  const doc = await stateOf(server.url, board);
  expect(doc.getMap('meta').get('independent')).toBe('y-key');
  expect(doc.getArray('list').toArray()).toEqual(['x-first', 'y-after']);
  server.child.kill('SIGTERM');
  await server.exited;
}

describe('a partly applicable acknowledged update survives kill -9 whole', () => {
  it('on PostgreSQL', async () => {
    const pg = await createPgDatabase();
    cleanups.push(pg.drop);
    await repro({ DATABASE_URL: pg.url });
  }, 240_000);

  it('on embedded PGlite', async () => {
    const tmp = await makeTempDir();
    cleanups.push(tmp.remove);
    await repro({ MESHBOARD_DATA_DIR: tmp.dir });
  }, 360_000);
});
