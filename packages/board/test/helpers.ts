import * as Y from 'yjs';
import { Board } from '../src/index.js';

/** Two users on two docs, wired like peers: every update of one is applied to the other with a remote origin. */
export function twoPeers(): { alice: Board; bob: Board; connect: () => void; disconnect: () => void } {
  const docA = new Y.Doc();
  const docB = new Y.Doc();
  let connected = true;
  const queueA: Uint8Array[] = [];
  const queueB: Uint8Array[] = [];
  docA.on('update', (update: Uint8Array, origin: unknown) => {
    if (origin === 'remote') return;
    if (connected) Y.applyUpdate(docB, update, 'remote');
    else queueA.push(update);
  });
  docB.on('update', (update: Uint8Array, origin: unknown) => {
    if (origin === 'remote') return;
    if (connected) Y.applyUpdate(docA, update, 'remote');
    else queueB.push(update);
  });
  return {
    alice: new Board(docA, { userId: 'alice' }),
    bob: new Board(docB, { userId: 'bob' }),
    disconnect: () => {
      connected = false;
    },
    connect: () => {
      connected = true;
      for (const update of queueA.splice(0)) Y.applyUpdate(docB, update, 'remote');
      for (const update of queueB.splice(0)) Y.applyUpdate(docA, update, 'remote');
    },
  };
}

export const rect = { type: 'rectangle', x: 0, y: 0, w: 100, h: 50 } as const;
