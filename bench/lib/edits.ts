/**
 * The persistence scenario's edits: one deterministic sequence of small Yjs updates made through
 * packages/board, as a person drawing and dragging would make them. Every 10th edit adds a shape (the canvas
 * benchmark's board, packages/canvas/bench/shapes.ts), the others move a shape already there. One edit is one
 * local transaction, so one update; the same client id and clock make every system receive the same bytes.
 * `prepareEdits` makes them ahead of the measurement, so that what is timed is the path to the store, not the
 * board library.
 */
import { Board } from '@meshboard/board';
import * as Y from 'yjs';
import { generateShapes } from '../../packages/canvas/bench/shapes.js';

const ADD_EVERY = 10;
export const EDITOR_CLIENT_ID = 424242;

/** Returns `edit(i)`, to be called for i = 0, 1, 2, ... in order; `close()` drops the board's undo history. */
export function editSequence(doc: Y.Doc, count: number): { edit(i: number): void; close(): void } {
  doc.clientID = EDITOR_CLIENT_ID;
  let clock = Date.UTC(2026, 10, 27);
  const board = new Board(doc, { userId: 'bench-editor', now: () => clock });
  const shapes = generateShapes(Math.ceil(count / ADD_EVERY));
  const ids: string[] = [];
  return {
    edit(i) {
      clock += 16;
      if (i % ADD_EVERY === 0) {
        const id = `s${i}`;
        board.addShape({ ...shapes[i / ADD_EVERY]!, id });
        ids.push(id);
        return;
      }
      const id = ids[(i * 7919) % ids.length]!;
      const shape = board.getShape(id)!;
      board.updateShape(id, { x: shape.x + 5, y: shape.y + 3 });
    },
    close: () => board.destroy(),
  };
}

export interface PreparedEdits {
  /** edit i's update, as the editor's document emitted it */
  updates: Uint8Array[];
  /** the editor's clock after edit i (a stored state whose clock for EDITOR_CLIENT_ID reaches it holds edit i) */
  clock: number[];
  /** Y.encodeStateAsUpdate of the editor's document after every edit */
  state: Uint8Array;
}

export function prepareEdits(count: number): PreparedEdits {
  const doc = new Y.Doc();
  const out: PreparedEdits = { updates: [], clock: [], state: new Uint8Array() };
  doc.on('update', (update: Uint8Array, _origin: unknown, _doc: Y.Doc, tr: Y.Transaction) => {
    out.updates.push(update);
    out.clock.push(tr.afterState.get(EDITOR_CLIENT_ID) ?? 0);
  });
  const edits = editSequence(doc, count);
  for (let i = 0; i < count; i++) edits.edit(i);
  edits.close();
  if (out.updates.length !== count) throw new Error(`${count} edits made ${out.updates.length} updates`);
  out.state = Y.encodeStateAsUpdate(doc);
  doc.destroy();
  return out;
}
