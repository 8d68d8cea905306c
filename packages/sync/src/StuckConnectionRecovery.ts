import type { WebrtcConn, WebrtcProvider } from 'y-webrtc';
import type { PeerTable } from './PeerTable.js';

export interface StuckConnectionRecoveryHooks {
  provider(): WebrtcProvider | null;
  /** closes a connection through y-webrtc (never by editing its connection map) */
  close(conn: WebrtcConn): void;
  /** opens a fresh initiator connection to a peer id through y-webrtc's announce path */
  offer(peerId: string): void;
  /** signaling connected and the board joined (starting over needs signaling) */
  signalingUp(): boolean;
  /** this tab is an editor */
  isEditor(): boolean;
  /** publishes a y-webrtc announce for this room on the signaling connection */
  announce(peerId: string): void;
  stopped(): boolean;
  /** the topology wants a direct connection to this peer (only those are re-announced to) */
  expectsConnection?(peerId: string): boolean;
  later(fn: () => void, ms: number): unknown;
}

/**
 * y-webrtc never gives up on a connection that does not come up. The common case is glare: two peers that
 * announce at the same moment both create an initiator connection, one accepts the other's offer into its
 * own initiator and the pair stays unconnected forever (measured: 5 stock peers joining at once left a pair
 * without a data channel). Such a peer is served through the relay after the deadline; in addition, a
 * connection still not up after its patience is destroyed: y-webrtc drops it and announces again, and the
 * pair starts over. Patience grows per remote peer (backoff, with jitter so both sides do not retry in step).
 */
export class StuckConnectionRecovery {
  private readonly born = new WeakMap<WebrtcConn, { at: number; patience: number }>();
  private readonly retries = new Map<string, number>();
  /** presence sid -> since when that editor is present with no y-webrtc connection to it at all */
  private readonly missingSince = new Map<string, { at: number; patience: number }>();

  constructor(
    private readonly peers: PeerTable,
    private readonly hooks: StuckConnectionRecoveryHooks,
    private readonly deadlineMs: number,
  ) {}

  patience(attempts: number): number {
    return Math.max(this.deadlineMs, 4000) * 2 ** Math.min(attempts, 4) * (1 + Math.random() * 0.5);
  }

  /** start the clock of a new y-webrtc connection (idempotent); returns false if it was known already */
  track(conn: WebrtcConn, now = Date.now()): boolean {
    if (this.born.has(conn)) return false;
    this.born.set(conn, { at: now, patience: this.patience(this.retries.get(conn.remotePeerId) ?? 0) });
    return true;
  }

  /** a data channel opened: that pair needs no more patience */
  connected(conn: WebrtcConn): void {
    this.retries.delete(conn.remotePeerId);
  }

  /** called periodically */
  reap(now = Date.now()): void {
    const room = this.hooks.provider()?.room;
    if (!room || !this.hooks.signalingUp()) return;
    const ourPeers = this.peers.presentPeerIds();
    for (const [peerId, conn] of room.webrtcConns) {
      const born = this.born.get(conn);
      if (!born || conn.connected || conn.closed || now - born.at < born.patience) continue;
      this.retries.set(peerId, (this.retries.get(peerId) ?? 0) + 1);
      // -> 'close': y-webrtc forgets it and re-announces. Never delete from its map ourselves: a signal
      // arriving later must find y-webrtc's state consistent (issue 15's glareToken crash).
      this.hooks.close(conn);
      // A client outside our presence (stock y-webrtc on the plain endpoint) never gives up its half of a stuck
      // pair and ignores announces while it holds it. Offer it a fresh connection ourselves: our newer glare
      // token makes it accept the offer on the connection it holds.
      if (!ourPeers.has(peerId)) this.hooks.later(() => !this.hooks.stopped() && this.hooks.offer(peerId), 100);
    }
    // A present editor we have no connection to at all (its announce or ours was lost, e.g. while a socket
    // was reconnecting; y-webrtc announces only on (re)connect and after a close): announce again, so the
    // side without a connection opens one. Same patience and backoff as above.
    for (const [sid, entry] of this.peers.peers) {
      const remote = entry.presence.peerId;
      if (!this.hooks.isEditor() || entry.presence.role !== 'edit' || !remote || room.webrtcConns.has(remote) || this.hooks.expectsConnection?.(remote) === false) {
        this.missingSince.delete(sid);
        continue;
      }
      const since = this.missingSince.get(sid);
      if (!since) {
        this.missingSince.set(sid, { at: now, patience: this.patience(this.retries.get(remote) ?? 0) });
        continue;
      }
      if (now - since.at < since.patience) continue;
      this.retries.set(remote, (this.retries.get(remote) ?? 0) + 1);
      this.missingSince.delete(sid);
      this.hooks.announce(room.peerId);
    }
    for (const sid of this.missingSince.keys()) if (!this.peers.peers.has(sid)) this.missingSince.delete(sid);
    if (this.retries.size > 256) this.retries.clear();
  }
}
