import * as Y from 'yjs';
import { Board } from '@meshboard/board';
import { StoreClient } from '@meshboard/sync';

/** The board's current state from the store (one GET), as a read-only Board. */
export async function loadBoard(storeUrl: string, boardId: string, token: string): Promise<Board> {
  const store = new StoreClient(storeUrl);
  const [state, meta] = await Promise.all([store.getState(boardId, token), store.getMeta(boardId, token)]);
  const doc = new Y.Doc();
  Y.applyUpdate(doc, state.update);
  const board = new Board(doc, { userId: 'meshboard-cli' });
  // the store's title is the board's name even when the document has none yet
  if (!board.title && meta.title) doc.getMap('meta').set('title', meta.title);
  return board;
}
