/**
 * Join on a big board, inside one peer process (peer.ts `seed`, `join`):
 *   seed   one client of the system builds the board with @meshboard/board's Board API (the canvas benchmark's
 *          generated shapes), waits until its server (Meshboard: its store) has all of it, and leaves
 *   join   a new client with an empty document: ms from opening it until the document holds every shape
 *          (CLOCK_MONOTONIC; the count is checked on every document update, so the time is the update's)
 */
import * as Y from 'yjs';
import { Board, countShapes } from '@meshboard/board';
import { generateShapes } from '../../packages/canvas/bench/shapes.js';
import { openClient, type OpenOptions } from './clients.js';

const now = () => Number(process.hrtime.bigint()) / 1e6;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function until(condition: () => boolean, timeoutMs: number, what: string) {
  const end = now() + timeoutMs;
  while (!condition()) {
    if (now() > end) throw new Error(`${what} not within ${timeoutMs} ms`);
    await sleep(5);
  }
}

export async function seedBoard(o: OpenOptions & { shapes: number }): Promise<{ stateBytes: number }> {
  const client = await openClient({ ...o, p2p: false });
  try {
    await until(() => client.synced(), 60_000, 'seeding client synced');
    const board = new Board(client.doc, { userId: 'bench-seed' });
    const shapes = generateShapes(o.shapes);
    for (let i = 0; i < shapes.length; i += 5000) board.addShapes(shapes.slice(i, i + 5000));
    board.destroy();
    await client.flushed();
    return { stateBytes: Y.encodeStateAsUpdate(client.doc).byteLength };
  } finally {
    await client.close();
  }
}

export async function timeJoin(o: OpenOptions & { shapes: number; timeoutMs?: number }): Promise<{ ms: number }> {
  const doc = new Y.Doc();
  let reachedAt = NaN;
  const check = () => {
    if (Number.isNaN(reachedAt) && countShapes(doc) >= o.shapes) reachedAt = now();
  };
  doc.on('update', check);
  const t0 = now();
  // relay-only for Meshboard: WebRTC opens after the store has seeded the document, off this path
  const client = await openClient({ ...o, p2p: false }, doc);
  try {
    await until(() => !Number.isNaN(reachedAt) && client.synced(), o.timeoutMs ?? 60_000, `${o.kind}: ${o.shapes} shapes`);
    return { ms: Math.round((reachedAt - t0) * 100) / 100 };
  } finally {
    doc.off('update', check);
    await client.close();
    doc.destroy();
  }
}
