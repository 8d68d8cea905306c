/**
 * Issue 10 item 3, persistence part: two (and then three) real store processes on one PostgreSQL database.
 * A read on any process right after a write acknowledged by another includes it; writers spread over both get
 * no `404 board_not_found` (contention waits on the board row, or is answered 503 with Retry-After), and a
 * process started afterwards sees every acknowledged key.
 */
import { AppendAck, CreateBoardResponse, apiPaths, base64ToBytes } from '@meshboard/protocol';
import * as Y from 'yjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { killChildren, startChild } from './child-process.js';
import { createPgDatabase } from './helpers.js';

const cleanups: (() => Promise<void>)[] = [];
afterAll(async () => {
  killChildren();
  for (const cleanup of cleanups.reverse()) await cleanup();
});

function shapeUpdate(doc: Y.Doc, id: string): Uint8Array {
  const before = Y.encodeStateVector(doc);
  doc.transact(() => {
    const shape = new Y.Map<unknown>();
    shape.set('x', 1);
    doc.getMap<Y.Map<unknown>>('shapes').set(id, shape);
  });
  return Y.encodeStateAsUpdate(doc, before);
}

async function shapesOn(url: string, board: CreateBoardResponse): Promise<Set<string>> {
  const response = await fetch(`${url}${apiPaths.state(board.id)}`, { headers: { authorization: `Bearer ${board.viewToken}` } });
  expect(response.status).toBe(200);
  const doc = new Y.Doc();
  Y.applyUpdate(doc, new Uint8Array(await response.arrayBuffer()));
  return new Set(doc.getMap('shapes').keys());
}

async function append(url: string, board: CreateBoardResponse, update: Uint8Array): Promise<Response> {
  return fetch(`${url}${apiPaths.updates(board.id)}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${board.editToken}`, 'content-type': 'application/octet-stream' },
    body: update,
  });
}

describe('two store processes on one PostgreSQL', () => {
  let dbUrl: string;
  let a: string;
  let b: string;
  beforeAll(async () => {
    const pg = await createPgDatabase();
    cleanups.push(pg.drop);
    dbUrl = pg.url;
    // compaction on often, so catch-ups also meet logs that were folded into the snapshot meanwhile
    const env = { DATABASE_URL: dbUrl, MESHBOARD_COMPACT_AFTER_UPDATES: '25' };
    [a, b] = (await Promise.all([startChild(env), startChild(env)])).map((child) => child.url) as [string, string];
  }, 120_000);

  it('30 of 30 reads on B right after a write acknowledged by A include it (state and diff)', async () => {
    const board = CreateBoardResponse.parse(await (await fetch(`${a}${apiPaths.boards}`, { method: 'POST' })).json());
    const doc = new Y.Doc();
    const reader = new Y.Doc();
    await shapesOn(b, board); // B now holds the board in memory
    let seen = 0;
    let seenByDiff = 0;
    for (let i = 0; i < 30; i++) {
      const response = await append(i % 3 === 2 ? b : a, board, shapeUpdate(doc, `k${i}`));
      expect(response.status).toBe(200);
      const reads = i % 3 === 2 ? a : b; // the other process
      if ((await shapesOn(reads, board)).has(`k${i}`)) seen += 1;
      const diff = await fetch(`${reads}${apiPaths.diff(board.id)}`, {
        method: 'POST',
        headers: { authorization: `Bearer ${board.viewToken}`, 'content-type': 'application/octet-stream' },
        body: Y.encodeStateVector(reader),
      });
      Y.applyUpdate(reader, new Uint8Array(await diff.arrayBuffer()));
      if (reader.getMap('shapes').has(`k${i}`)) seenByDiff += 1;
    }
    console.log(`read-after-write across processes: ${seen}/30 state reads, ${seenByDiff}/30 diffs saw the acknowledged write`);
    expect(seen).toBe(30);
    expect(seenByDiff).toBe(30);
  }, 120_000);

  it('8 writers over both processes for 8 s: no 404, and a third process started afterwards sees every acknowledged key', async () => {
    const board = CreateBoardResponse.parse(await (await fetch(`${a}${apiPaths.boards}`, { method: 'POST' })).json());
    const statuses = new Map<number, number>();
    const acked = new Set<string>();
    const ackedPerWriter = Array.from({ length: 8 }, () => 0);
    let retryAfterMissing = 0;
    const stopAt = Date.now() + 8_000;
    await Promise.all(
      Array.from({ length: 8 }, async (_, w) => {
        // like the sync client: upload what the store lacks according to the last acknowledged state vector
        const url = w % 2 === 0 ? a : b;
        const doc = new Y.Doc();
        let storeStateVector: Uint8Array | null = null;
        const unacked: string[] = [];
        for (let n = 0; Date.now() < stopAt; n++) {
          const id = `w${w}-${n}`;
          shapeUpdate(doc, id);
          unacked.push(id);
          const response = await append(url, board, storeStateVector ? Y.encodeStateAsUpdate(doc, storeStateVector) : Y.encodeStateAsUpdate(doc));
          statuses.set(response.status, (statuses.get(response.status) ?? 0) + 1);
          if (response.status === 200) {
            storeStateVector = base64ToBytes(AppendAck.parse(await response.json()).stateVector);
            for (const done of unacked.splice(0)) acked.add(done);
            ackedPerWriter[w]! += 1;
          } else {
            if (response.status === 503 && !response.headers.get('retry-after')) retryAfterMissing += 1;
            await response.arrayBuffer();
            await new Promise((resolve) => setTimeout(resolve, 50));
          }
        }
      }),
    );
    console.log(`8 writers over 2 processes, 8 s: ${[...statuses].map(([status, count]) => `${count} x ${status}`).join(', ')}; ${acked.size} keys acknowledged`);
    expect(statuses.get(404) ?? 0).toBe(0);
    expect([...statuses.keys()].every((status) => status === 200 || status === 503)).toBe(true);
    expect(retryAfterMissing).toBe(0);
    // every writer made progress (how much depends on the machine's load: 40-160 acknowledgements here)
    expect(ackedPerWriter.every((count) => count > 0)).toBe(true);
    const third = await startChild({ DATABASE_URL: dbUrl });
    const present = await shapesOn(third.url, board);
    expect([...acked].filter((id) => !present.has(id))).toEqual([]);
    // and the two that served the writes agree with it
    for (const url of [a, b]) expect((await shapesOn(url, board)).size).toBe(present.size);
    third.child.kill('SIGTERM');
    await third.exited;
  }, 120_000);
});
