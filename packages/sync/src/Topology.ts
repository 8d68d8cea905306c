/**
 * Which editors this tab keeps a direct WebRTC connection to on a big board.
 *
 * y-webrtc alone opens a full mesh (up to `maxConns`, 20-34 by default): at 100 editors every join starts ~99
 * negotiations and every tab holds dozens of DTLS/SCTP associations. Here each tab holds at most `cap` direct
 * connections and everyone else is reached through the Socket.IO relay (see README "Big boards").
 *
 * Choice: the y-webrtc peer ids of the present editors (from presence, plus our own) sorted on a ring; a tab
 * wants the `floor(cap / 2)` nearest ids on each side. The rule is symmetric (ring distance is), so two tabs
 * with the same presence list agree on every pair, and local: a join or leave changes the choice of at most
 * `cap` tabs, not everyone's. With `cap` or fewer other editors it is the full mesh. Of a wanted pair, the
 * lower id dials (one offer per pair, no glare by construction); see `P2PProvider.admitSignal` for what is
 * let through to y-webrtc.
 *
 * Pure bookkeeping: no timers, no y-webrtc access (the caller passes the live connections in).
 */
/**
 * Direct WebRTC connections per tab by default. Why 6: see README "Big boards" (each connection is a DTLS +
 * SCTP association with its own keep-alives, ICE checks and a send per own edit; beyond a handful, the relay
 * reaches the rest with one upstream frame however many they are).
 */
export const DEFAULT_MAX_DIRECT_PEERS = 6;

export interface TopologyConn {
  connected: boolean;
  closed?: boolean;
}

export interface TopologyPlan {
  /** peer ids to dial now (we are the designated dialer, a negotiation slot is free) */
  dial: string[];
  /** peer ids whose connection should be closed to make room (never a wanted one) */
  close: string[];
}

export class Topology {
  private ring: string[] = [];
  private wantedSet = new Set<string>();
  private presentSet = new Set<string>();
  private me: string | null = null;

  /**
   * @param cap most direct WebRTC connections per tab
   * @param maxNegotiations most connections this tab dials at once (joining a big board staggers its offers)
   */
  constructor(
    readonly cap: number,
    readonly maxNegotiations = 2,
  ) {
    if (!Number.isInteger(cap) || cap < 1) throw new Error(`maxDirectPeers must be a positive integer, got ${cap}`);
  }

  /** recomputes the choice from our y-webrtc peer id and the peer ids of the editors in presence */
  update(me: string | null, presentEditors: Iterable<string>): void {
    this.me = me;
    this.presentSet = new Set(presentEditors);
    if (me) this.presentSet.delete(me);
    const others = [...this.presentSet].sort();
    this.wantedSet = new Set();
    if (!me) {
      this.ring = others;
      return;
    }
    if (others.length <= this.cap) {
      this.wantedSet = new Set(others);
      this.ring = [...others, me].sort();
      return;
    }
    this.ring = [...others, me].sort();
    const at = this.ring.indexOf(me);
    const n = this.ring.length;
    const half = Math.floor(this.cap / 2);
    for (let d = 1; d <= half; d++) {
      this.wantedSet.add(this.ring[(at + d) % n]!);
      this.wantedSet.add(this.ring[(at - d + n) % n]!);
    }
  }

  /** every editor in presence is a chosen neighbour (a board of at most cap + 1 editors) */
  fullMesh(): boolean {
    return this.presentSet.size <= this.cap;
  }

  /** this peer is one of our chosen neighbours */
  wants(peerId: string): boolean {
    return this.wantedSet.has(peerId);
  }

  /** a Meshboard editor in presence (as opposed to a stock y-webrtc client, or one whose presence is late) */
  isPresent(peerId: string): boolean {
    return this.presentSet.has(peerId);
  }

  wanted(): string[] {
    return [...this.wantedSet];
  }

  /** of a chosen pair, the lower id dials: one offer per pair, so two Meshboard tabs never glare */
  dials(peerId: string): boolean {
    return this.me !== null && this.me < peerId;
  }

  /**
   * May y-webrtc open a connection for this announce (it dials the announcer)? A chosen neighbour if we are
   * its dialer (otherwise it dials us: letting y-webrtc answer the announce too made both sides offer at
   * once, the glare that left pairs stuck for a recovery round or more). A peer
   * not in presence (a stock y-webrtc client on the plain endpoint) only while there is room: it is outside
   * the topology and keeps y-webrtc's own first-come behaviour, bounded by the cap. A present editor we did
   * not choose: no (it reaches us through the relay); this is what keeps a join from starting a negotiation
   * with everyone on the board.
   */
  admitAnnounce(from: string, conns: ReadonlyMap<string, TopologyConn>): boolean {
    if (conns.has(from)) return true;
    if (this.wants(from)) return this.dials(from) && (conns.size < this.cap || this.closable(conns).length > 0);
    if (this.isPresent(from)) return false;
    return conns.size < this.cap;
  }

  /**
   * May an offer from a peer we hold no connection to create one? A chosen neighbour always (the caller
   * first closes an unchosen connection if we are at the cap); anyone else only below the cap (our view of
   * presence may lag theirs by a moment: a spare slot costs nothing and is given back when needed).
   */
  admitOffer(from: string, conns: ReadonlyMap<string, TopologyConn>): boolean {
    if (conns.has(from)) return true;
    if (this.wants(from)) return conns.size < this.cap || this.closable(conns).length > 0;
    return conns.size < this.cap;
  }

  /** connections we may close to make room: not chosen, not-yet-connected ones first */
  closable(conns: ReadonlyMap<string, TopologyConn>): string[] {
    const out: string[] = [];
    for (const [id, c] of conns) if (!this.wants(id) && !c.closed && !c.connected) out.push(id);
    for (const [id, c] of conns) if (!this.wants(id) && !c.closed && c.connected) out.push(id);
    return out;
  }

  /**
   * What to do now, given the live connections: dial missing neighbours we are the dialer of (the lower id),
   * at most `maxNegotiations` unconnected connections at a time, and close unchosen connections when we are
   * over the cap or a chosen neighbour needs the slot.
   */
  plan(me: string | null, conns: ReadonlyMap<string, TopologyConn>): TopologyPlan {
    const close: string[] = [];
    const closable = this.closable(conns);
    let size = 0;
    let negotiating = 0;
    for (const c of conns.values()) {
      if (c.closed) continue;
      size++;
      if (!c.connected) negotiating++;
    }
    while (size > this.cap && closable.length > 0) {
      close.push(closable.shift()!);
      size--;
    }
    const dial: string[] = [];
    if (!me) return { dial, close };
    for (const peer of [...this.wantedSet].sort()) {
      if (conns.has(peer) || me > peer) continue;
      if (negotiating >= this.maxNegotiations) break;
      if (size >= this.cap) {
        const victim = closable.shift();
        if (!victim) break;
        close.push(victim);
        size--;
      }
      dial.push(peer);
      size++;
      negotiating++;
    }
    return { dial, close };
  }
}
