import * as Y from 'yjs';
import * as awarenessProtocol from 'y-protocols/awareness';
import * as encoding from 'lib0/encoding';
import * as syncProtocol from 'y-protocols/sync';
import type { Room, WebrtcConn } from 'y-webrtc';

const MESSAGE_SYNC = 0;
const MESSAGE_AWARENESS = 1;

/**
 * y-webrtc sends every document and awareness change to every connection, whatever its origin: a change
 * that arrived from one peer is sent on to all the others. In a full mesh that is N x (N - 1) messages per
 * edit (each peer re-floods what it received; Yjs drops the duplicates, after decoding them), and with a
 * capped topology plus relay every relayed edit would be re-sent to each receiver's neighbours, who already
 * have it.
 *
 * On a big board (more editors than direct connections) the author of a change sends it to everyone itself (direct neighbours over WebRTC, everyone
 * else through the relay; see README "Big boards"), so over WebRTC this tab sends only its own changes:
 * document updates of local transactions and awareness changes that include its own state. Peers that are
 * not Meshboard clients (stock y-webrtc clients on the plain endpoint, which rely on y-webrtc's flooding and
 * are never relayed to) still get every change, as before. On a small board, where every editor is a direct
 * neighbour, y-webrtc's flooding is kept as it was (N <= cap + 1: at most 42 messages per edit at the default cap):
 * it heals partial deliveries at once, which the randomized convergence suite (test/convergence.test.ts)
 * relies on.
 *
 * Replaces the room's two handlers in place (the room unregisters whatever `_docUpdateHandler` /
 * `_awarenessUpdateHandler` hold when it disconnects). Touches no connection map.
 */
export function broadcastOwnChangesOnly(
  room: Room,
  doc: Y.Doc,
  awareness: awarenessProtocol.Awareness,
  isMeshboardPeer: (peerId: string) => boolean,
  /** every editor is a direct neighbour (a small board): keep y-webrtc's flooding, as before */
  fullMesh: () => boolean,
): void {
  const toStockPeers = (message: Uint8Array) => {
    for (const conn of room.webrtcConns.values() as Iterable<WebrtcConn>) {
      if (!conn.connected || isMeshboardPeer(conn.remotePeerId)) continue;
      try {
        (conn.peer as { send(data: Uint8Array): void }).send(message);
      } catch {
        /* a failing channel is closed and re-announced by y-webrtc itself */
      }
    }
  };

  const originalDoc = room._docUpdateHandler;
  doc.off('update', originalDoc);
  room._docUpdateHandler = ((update: Uint8Array, origin: unknown, _doc: Y.Doc, tr: Y.Transaction) => {
    // Deletes do not advance state vectors, so a delete that missed a peer is invisible to every state-vector
    // comparison (anti-entropy included): a received delete-only change is passed on to direct neighbours.
    if (tr?.local || fullMesh() || deleteOnly(update)) return originalDoc(update, origin);
    const encoder = encoding.createEncoder();
    encoding.writeVarUint(encoder, MESSAGE_SYNC);
    syncProtocol.writeUpdate(encoder, update);
    toStockPeers(encoding.toUint8Array(encoder));
  }) as typeof room._docUpdateHandler;
  doc.on('update', room._docUpdateHandler);

  const originalAwareness = room._awarenessUpdateHandler;
  awareness.off('update', originalAwareness);
  room._awarenessUpdateHandler = (changes: { added: number[]; updated: number[]; removed: number[] }, origin: unknown) => {
    const changed = [...changes.added, ...changes.updated, ...changes.removed];
    if (changed.includes(doc.clientID) || fullMesh()) return originalAwareness(changes, origin);
    const encoder = encoding.createEncoder();
    encoding.writeVarUint(encoder, MESSAGE_AWARENESS);
    encoding.writeVarUint8Array(encoder, awarenessProtocol.encodeAwarenessUpdate(awareness, changed));
    toStockPeers(encoding.toUint8Array(encoder));
  };
  awareness.on('update', room._awarenessUpdateHandler);
}


/** an update that carries deletes and no new content */
function deleteOnly(update: Uint8Array): boolean {
  try {
    return Y.decodeUpdate(update).structs.length === 0;
  } catch {
    return false;
  }
}
