import * as Y from 'yjs';
import { Board } from '@meshboard/board';
import { generateShapes } from '../../packages/canvas/bench/shapes.js';

/**
 * The canvas benchmark's board of `count` shapes, built with @meshboard/board, as the updates a client would
 * upload (5,000 shapes each), and its whole encoded state's size. Build it before anything talks to the store:
 * generating 50,000 shapes blocks the process for seconds, long enough for the store to close an idle
 * keep-alive connection that undici, not having run, still counts as open ("fetch failed").
 */
export function bigBoardUpdates(count: number, userId = 'bench'): { updates: Uint8Array[]; stateBytes: number } {
  const doc = new Y.Doc();
  const board = new Board(doc, { userId });
  const shapes = generateShapes(count);
  const updates: Uint8Array[] = [];
  for (let i = 0; i < shapes.length; i += 5000) {
    const before = Y.encodeStateVector(doc);
    board.addShapes(shapes.slice(i, i + 5000));
    updates.push(Y.encodeStateAsUpdate(doc, before));
  }
  const stateBytes = Y.encodeStateAsUpdate(doc).byteLength;
  board.destroy();
  doc.destroy();
  return { updates, stateBytes };
}
