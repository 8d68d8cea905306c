import { Board, type BoardChange } from '@meshboard/board';
import { connectBoard } from '@meshboard/sync';
import { parseBoardLink, resolveServices } from './board-link.js';

export interface WatchArgs {
  link: string;
  store?: string;
  signaling?: string;
  name: string;
}

/**
 * `meshboard watch <board-link>`: joins the board through the relay (no WebRTC, so nothing in Node needs
 * patching) and prints one JSON line per change: `{"event":"ready",...}` once seeded, then
 * `{"event":"added"|"updated","shape":{...}}` and `{"event":"removed","id":...}`. Stops on SIGINT/SIGTERM.
 */
export async function runWatch(args: WatchArgs, print: (line: string) => void, signal: AbortSignal): Promise<void> {
  const link = parseBoardLink(args.link);
  const services = await resolveServices(link.origin, { storeUrl: args.store, signalingUrl: args.signaling });
  const connection = connectBoard(link.boardId, link.token, {
    ...services,
    user: { id: `cli-${process.pid}`, name: args.name, color: '#868e96' },
    disableP2P: true,
    transports: ['websocket'],
  });
  const board = new Board(connection.doc, { userId: `cli-${process.pid}` });
  try {
    await connection.whenSeeded();
    print(JSON.stringify({ event: 'ready', boardId: link.boardId, role: connection.role, title: board.title, shapes: board.size }));
    const stop = board.observe((change: BoardChange) => {
      for (const id of change.added) print(JSON.stringify({ event: 'added', shape: board.getShape(id) }));
      for (const id of change.updated) print(JSON.stringify({ event: 'updated', shape: board.getShape(id) }));
      for (const id of change.removed) print(JSON.stringify({ event: 'removed', id }));
    });
    await new Promise<void>((resolve) => (signal.aborted ? resolve() : signal.addEventListener('abort', () => resolve(), { once: true })));
    stop();
  } finally {
    board.destroy();
    await connection.destroy();
  }
}
