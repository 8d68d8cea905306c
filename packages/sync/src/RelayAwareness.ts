import * as awarenessProtocol from 'y-protocols/awareness';

/** after this long without a change of our awareness state, it is sent once more, reliably */
const SETTLE_MS = 250;

export interface RelayAwarenessHooks {
  /** joined to the board (nothing is sent before) */
  joined(): boolean;
  /** puts one frame on the Socket.IO connection; `volatile`: Socket.IO may drop it while the socket is busy */
  emit(frame: { data: Uint8Array; to?: string; settled?: true }, volatile: boolean): void;
  /** anyone is reached through the relay (else WebRTC carries awareness) */
  hasRelayPeers(): boolean;
  later(fn: () => void, ms: number): ReturnType<typeof setTimeout>;
}

/**
 * Our awareness state through the relay. Volatile (dropped while the socket is still writing, here and at the
 * server) only for the stream of cursor moves, where a newer frame follows; the state after a join, to a peer
 * entering the relay, on leave, and the settled state after the moves stop are sent reliably and marked
 * `settled`, which the server forwards reliably too. Volatile everywhere lost the first state behind the
 * state-vector exchange, so relay peers saw nobody's name or cursor until they moved (up to the 15 s renewal),
 * and a cursor's last position now and then (bench cursor storm: 14-55 % of positions lost).
 */
export class RelayAwareness {
  private settleTimer: ReturnType<typeof setTimeout> | null = null;
  private changedAt = 0;

  constructor(
    private readonly awareness: awarenessProtocol.Awareness,
    private readonly hooks: RelayAwarenessHooks,
  ) {}

  /** our state, reliably: to everyone, or to the sid `to` */
  send(to?: string, volatile = false): void {
    if (!this.hooks.joined()) return;
    const data = awarenessProtocol.encodeAwarenessUpdate(this.awareness, [this.awareness.clientID]);
    this.hooks.emit({ data, ...(to ? { to } : {}), ...(volatile ? {} : { settled: true as const }) }, volatile);
  }

  /** our own state changed: sent at once (volatile), and reliably once it has not changed for SETTLE_MS */
  changed(): void {
    if (!this.hooks.hasRelayPeers()) return;
    this.send(undefined, true);
    this.changedAt = Date.now();
    this.settleTimer ??= this.hooks.later(this.settle, SETTLE_MS);
  }

  // one timer per pause, not one per move
  private readonly settle = () => {
    const quietFor = Date.now() - this.changedAt;
    if (quietFor < SETTLE_MS) {
      this.settleTimer = this.hooks.later(this.settle, SETTLE_MS - quietFor);
      return;
    }
    this.settleTimer = null;
    if (this.hooks.hasRelayPeers()) this.send();
  };
}
