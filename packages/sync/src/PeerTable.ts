import type { Presence, PresenceMode, Role } from '@meshboard/protocol';
import type { PeerMode, PeerStatus, SignalingState } from './types.js';

export interface PeerEntry {
  presence: Presence;
  /** when we last had reason to expect a P2P connection (seen, or P2P lost) */
  since: number;
  mode: PeerMode;
}

export interface PeerTableHooks {
  role(): Role;
  signaling(): SignalingState;
  /** a y-webrtc provider runs here (editors with P2P enabled) */
  hasP2P(): boolean;
  /** a data channel to this y-webrtc peer id is open */
  p2pConnected(peerId: string): boolean;
  /** a direct connection to this peer is chosen by the topology or exists; if not, it is served by the relay at once */
  expectsP2P?(peerId: string): boolean;
}

/**
 * Everyone else on the board, by presence, and how each is reached: `p2p` (an open data channel),
 * `connecting` (a WebRTC connection is expected within `deadlineMs`), `relay` (served through the Socket.IO
 * relay) or `offline`. Pure bookkeeping: the caller acts on `refresh()`'s answer.
 */
export class PeerTable {
  readonly peers = new Map<string, PeerEntry>();
  mySid = '';
  /** y-webrtc peer ids ever seen in presence: Meshboard clients (they reassemble chunk frames) */
  private readonly meshboardPeerIds = new Set<string>();

  constructor(
    private readonly hooks: PeerTableHooks,
    private readonly deadlineMs: number,
  ) {}

  upsert(presence: Presence, now = Date.now()): void {
    if (presence.sid === this.mySid) return;
    if (presence.peerId) {
      if (this.meshboardPeerIds.size > 10_000) this.meshboardPeerIds.clear();
      this.meshboardPeerIds.add(presence.peerId);
    }
    // entries are keyed by sid only: a clientId is a claim, not an identity (issue 11, defect 6); a reconnected
    // tab's stale connection is closed by the server (same join session), which sends its presence:leave
    const existing = this.peers.get(presence.sid);
    if (existing) existing.presence = presence;
    else this.peers.set(presence.sid, { presence, since: now, mode: 'connecting' });
  }

  /** whether any entry still claims this Yjs clientId */
  holdsClientId(clientId: number): boolean {
    for (const entry of this.peers.values()) if (entry.presence.clientId === clientId) return true;
    return false;
  }

  remove(sid: string): PeerEntry | undefined {
    const entry = this.peers.get(sid);
    this.peers.delete(sid);
    return entry;
  }

  clear(): void {
    this.peers.clear();
  }

  relayTargets(): string[] {
    const targets: string[] = [];
    for (const [sid, entry] of this.peers) if (entry.mode === 'relay') targets.push(sid);
    return targets;
  }

  /** a Meshboard client has announced this y-webrtc peer id in presence (now or earlier) */
  isMeshboardPeer(peerId: string): boolean {
    return this.meshboardPeerIds.has(peerId);
  }

  /** y-webrtc peer ids of everyone in presence */
  presentPeerIds(): Set<string> {
    const ids = new Set<string>();
    for (const entry of this.peers.values()) if (entry.presence.peerId) ids.add(entry.presence.peerId);
    return ids;
  }

  /** y-webrtc peer ids of the editors in presence: the members of the direct-connection topology */
  presentEditorPeerIds(): string[] {
    const ids: string[] = [];
    for (const entry of this.peers.values()) if (entry.presence.role === 'edit' && entry.presence.peerId) ids.push(entry.presence.peerId);
    return ids;
  }

  /** recomputes every mode; returns the sids that just entered relay and this tab's own mode for presence */
  refresh(now = Date.now()): { entering: string[]; mine: PresenceMode } {
    const entering: string[] = [];
    for (const [sid, entry] of this.peers) {
      const mode = this.modeOf(entry, now);
      if (entry.mode === 'p2p' && mode !== 'p2p') entry.since = now; // P2P lost: give it a deadline again
      const next = entry.mode === 'p2p' && mode !== 'p2p' ? this.modeOf(entry, now) : mode;
      if (next === 'relay' && entry.mode !== 'relay') entering.push(sid);
      entry.mode = next;
    }
    const modes = [...this.peers.values()].map((p) => p.mode);
    const mine: PresenceMode =
      this.hooks.signaling() !== 'connected'
        ? 'offline'
        : this.hooks.role() === 'view' || modes.includes('relay')
          ? 'relay'
          : modes.includes('connecting')
            ? 'connecting'
            : 'p2p';
    return { entering, mine };
  }

  snapshot(): PeerStatus[] {
    return [...this.peers.values()].map((p) => ({ clientId: p.presence.clientId, user: p.presence.user, role: p.presence.role, mode: p.mode }));
  }

  private modeOf(entry: PeerEntry, now: number): PeerMode {
    const { presence } = entry;
    const role = this.hooks.role();
    if (role === 'edit' && presence.role === 'edit' && presence.peerId && this.hooks.p2pConnected(presence.peerId)) return 'p2p';
    if (this.hooks.signaling() !== 'connected') return 'offline';
    if (role === 'view' || presence.role === 'view' || !this.hooks.hasP2P()) return 'relay';
    // big boards: a peer outside our chosen neighbours never gets a WebRTC connection: no deadline to wait
    if (presence.peerId && this.hooks.expectsP2P && !this.hooks.expectsP2P(presence.peerId)) return 'relay';
    return now - entry.since < this.deadlineMs ? 'connecting' : 'relay';
  }
}
