// Awareness through the relay (connectBoard sendAwareness): a relay peer sees who is on the board at once,
// not at the 15 s awareness renewal, and a cursor's last position always arrives. Both were lost when every
// awareness frame was volatile: Socket.IO drops a volatile packet while the socket is still writing (the
// join's state-vector exchange, or the previous cursor frame). Found by the bench's cursor storm.
import { afterEach, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { connectBoard, type BoardConnection } from '../src/index.js';
import { useServices } from './support/services.js';

const services = useServices('sync-awareness-secret-'.padEnd(48, 'w'));
let open: BoardConnection[] = [];
afterEach(async () => {
  await Promise.all(open.map((c) => c.destroy()));
  open = [];
});

// relay only: y-webrtc allows one provider per board per process
function connect(board: { id: string; editToken: string }, name: string) {
  const c = connectBoard(board.id, board.editToken, {
    signalingUrl: services.signaling.url,
    storeUrl: services.persistence.url,
    user: { id: name, name, color: '#3366ff' },
    doc: new Y.Doc(),
    disableP2P: true,
  });
  open.push(c);
  return c;
}

/** what `viewer` holds of `other`'s awareness state */
const stateOf = (viewer: BoardConnection, other: BoardConnection) =>
  viewer.awareness.getStates().get(other.doc.clientID) as { user?: { name?: string }; cursor?: { x: number; y: number } | null } | undefined;

describe('awareness through the relay', () => {
  it('a newcomer sees who is there within 3 s, and everyone sees the newcomer, with nobody moving', async () => {
    const board = await services.store.createBoard();
    const a = connect(board, 'ann');
    await a.whenSeeded();
    const b = connect(board, 'bob');
    await b.whenSeeded();
    await expect.poll(() => stateOf(b, a)?.user?.name, { timeout: 3000, interval: 50 }).toBe('ann');
    await expect.poll(() => stateOf(a, b)?.user?.name, { timeout: 3000, interval: 50 }).toBe('bob');
  });

  it("a burst of cursor moves ends on the last position at the other peer", async () => {
    const board = await services.store.createBoard();
    const a = connect(board, 'ann');
    const b = connect(board, 'bob');
    await Promise.all([a.whenSeeded(), b.whenSeeded()]);
    await expect.poll(() => stateOf(b, a)?.user?.name, { timeout: 15_000, interval: 50 }).toBe('ann');
    for (let round = 0; round < 5; round++) {
      for (let i = 0; i < 40; i++) {
        a.setCursor({ x: round * 1000 + i, y: i });
        await new Promise((r) => setTimeout(r, 5));
      }
      const last = { x: round * 1000 + 39, y: 39 };
      await expect.poll(() => stateOf(b, a)?.cursor, { timeout: 2000, interval: 25 }).toEqual(last);
    }
  });
});
