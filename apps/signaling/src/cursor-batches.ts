import * as encoding from 'lib0/encoding';

/** One person's awareness state as y-protocols encodes it (the sender's own, checked by awareness.ts). */
export interface AwarenessEntry {
  clientId: number;
  clock: number;
  /** the state as JSON text, exactly as the sender encoded it */
  state: string;
}

/**
 * Cursor moves on a board, gathered for one tick and sent to the board as ONE awareness update.
 *
 * Forwarding every move as its own frame made a board of 10 people moving their cursors 90 Socket.IO packets
 * per tick per receiver (each a text packet plus a binary attachment): the receivers, not the server, ran out
 * of CPU first (bench cursor storm: Meshboard's clients used 1.4 cores, 90 % of the positions were dropped on
 * the way, p99 1.3 s; load run 2: 320 clients missed their heartbeat). A y-protocols awareness update can carry
 * any number of states, so a tick's moves of every sender on the board go out as one update: one packet per
 * receiver per tick, whatever the crowd, and only each sender's newest position (an older one in the same tick
 * would be drawn and replaced before anyone saw it).
 *
 * Only cursor moves wait: a settled state (a join, a newcomer, a leave, a cursor at rest) goes out at once and
 * reliably, and removes the sender's pending move so that the older move cannot follow it. y-protocols clocks
 * make a late move harmless anyway (a receiver ignores a clock it has passed). A sender that leaves loses its
 * pending move: delivered after the leave, it would bring back a cursor its owner took away.
 */
export class CursorBatches {
  private readonly pending = new Map<string, Map<string, AwarenessEntry>>();
  private timer: NodeJS.Timeout | null = null;
  private closed = false;

  constructor(
    /** sends one encoded awareness update to every connection of the board's room (volatile) */
    private readonly send: (room: string, update: Uint8Array) => void,
    private readonly tickMs: number,
  ) {}

  /** a cursor move of connection `sid` in `room` */
  add(room: string, sid: string, entry: AwarenessEntry): void {
    if (this.closed) return;
    let board = this.pending.get(room);
    if (!board) {
      board = new Map();
      this.pending.set(room, board);
    }
    const previous = board.get(sid);
    if (!previous || previous.clock <= entry.clock) board.set(sid, entry);
    if (!this.timer) {
      // one timer for the node, started by the first move after a flush: an idle node wakes for nothing
      this.timer = setTimeout(() => this.flush(), this.tickMs);
      this.timer.unref();
    }
  }

  /** drops `sid`'s pending move (a settled state of theirs went out, or they left) */
  forget(room: string, sid: string): void {
    const board = this.pending.get(room);
    if (!board) return;
    board.delete(sid);
    if (board.size === 0) this.pending.delete(room);
  }

  /** sends every board's pending moves now */
  flush(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    const boards = [...this.pending];
    this.pending.clear();
    for (const [room, board] of boards) this.send(room, encodeAwarenessEntries([...board.values()]));
  }

  close(): void {
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.pending.clear();
  }
}

/** y-protocols' awareness update format (varUint n, then n x (varUint clientID, varUint clock, varString state)) */
export function encodeAwarenessEntries(entries: AwarenessEntry[]): Uint8Array {
  const encoder = encoding.createEncoder();
  encoding.writeVarUint(encoder, entries.length);
  for (const entry of entries) {
    encoding.writeVarUint(encoder, entry.clientId);
    encoding.writeVarUint(encoder, entry.clock);
    encoding.writeVarString(encoder, entry.state);
  }
  return encoding.toUint8Array(encoder);
}
