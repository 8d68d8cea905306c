import type * as Y from 'yjs';
import type * as awarenessProtocol from 'y-protocols/awareness';
import { WebrtcProvider, type WebrtcConn } from 'y-webrtc';
import { installFraming, type FramedPeer } from './DataChannelFraming.js';
import { SIGNALING_SCHEME, installSignalingDispatcher, registerChannel, type SioWebSocket } from './sio-websocket.js';
import { DEFAULT_MAX_DIRECT_PEERS, Topology } from './Topology.js';
import { broadcastOwnChangesOnly } from './OwnChangesBroadcast.js';

interface SignalData {
  type?: unknown;
  from?: string;
  to?: string;
  signal?: { type?: unknown };
}

/** the shape y-webrtc's handler reads without checking: a publish whose data has a string `from` and, for signals, a `signal` object */
export function isWellFormedSignal(message: unknown): boolean {
  if (!message || typeof message !== 'object') return false;
  const m = message as { type?: unknown; data?: unknown };
  if (m.type !== 'publish') return typeof m.type === 'string';
  const data = m.data as SignalData | null | undefined;
  if (!data || typeof data !== 'object' || typeof data.from !== 'string') return false;
  if (data.to !== undefined && typeof data.to !== 'string') return false;
  if (data.type === 'signal') return !!data.signal && typeof data.signal === 'object';
  return true;
}

export interface P2PProviderOptions {
  boardId: string;
  doc: Y.Doc;
  awareness: awarenessProtocol.Awareness;
  /** unique per connection: names this tab's signaling channel */
  connectionId: string;
  iceServers?: RTCIceServer[];
  rtcConfiguration?: RTCConfiguration;
  wrtc?: unknown;
  /** most direct WebRTC connections (default DEFAULT_MAX_DIRECT_PEERS, see Topology.ts) */
  maxDirectPeers?: number;
}

export interface P2PProviderHooks {
  /** Socket.IO connected and the board joined as an editor */
  signalingReady(): boolean;
  /** puts a y-webrtc signaling message on the Socket.IO connection */
  sendSignal(message: unknown): void;
  /** a y-webrtc connection was created (its data channel is not open yet) */
  onConnection(conn: WebrtcConn): void;
  /** a data channel opened */
  onConnected(conn: WebrtcConn): void;
  /** y-webrtc's connection set changed */
  onPeersChanged(): void;
  /** whether the peer with this y-webrtc id reassembles chunk frames (it is a Meshboard client) */
  remoteFrames(peerId: string): boolean;
  /** y-webrtc peer ids of the editors in presence (Meshboard clients with P2P); none known: y-webrtc's own first-come choice, capped */
  presentEditors?(): Iterable<string>;
}

/**
 * The y-webrtc provider of one board, with its signaling riding this tab's Socket.IO connection through the
 * WebSocket-shaped adapter of `sio-websocket.ts`. Owns the adapter sockets y-webrtc opened: the composer
 * opens them after a join, drops them on disconnect and feeds them server signals.
 */
export class P2PProvider {
  readonly provider: WebrtcProvider;
  private readonly attached = new Set<SioWebSocket>();
  private readonly unregister: () => void;
  private readonly hooked = new WeakSet<WebrtcConn>();
  /** connections we closed (simple-peer reports the close a microtask later) */
  private readonly closing = new WeakSet<WebrtcConn>();
  /** which editors we keep a direct connection to; everyone else is reached through the relay */
  readonly topology: Topology;
  private readonly handlers = new Map<number, (peerId: string, message: Uint8Array) => void>();

  /**
   * Own messages on the data channels, beside y-webrtc's (e.g. blob transfer): a message whose first byte is
   * `type` (4..99 or 101..127; y-webrtc uses 0-3, framing 100) goes to `handler` instead of y-webrtc. Send
   * with `send(peerId, message)`; any size (framing splits it). Returns an unregister function.
   */
  handle(type: number, handler: (peerId: string, message: Uint8Array) => void): () => void {
    if (!Number.isInteger(type) || type < 4 || type > 127 || type === 100) throw new Error(`message type ${type} is reserved`);
    this.handlers.set(type, handler);
    return () => {
      if (this.handlers.get(type) === handler) this.handlers.delete(type);
    };
  }

  /**
   * Runs `apply` (a remote change going into the doc) without y-webrtc re-sending it, when no data channel is
   * open yet. y-webrtc re-sends every document update to the BroadcastChannel and to every connection, whatever
   * its origin: the board's first state from the store (11.5 MB for 50,000 shapes) was encoded again and
   * posted whole to this browser's other tabs, which read the same board from the same store (~0.3 s of the
   * real app's open, issue 15 item 3). With the room's update handler detached, Yjs does not encode the update
   * at all when no other 'update' listener is left. Once a peer is connected the change goes out as usual.
   */
  withoutBroadcast(apply: () => void): void {
    const room = this.provider.room;
    const handler = room?._docUpdateHandler;
    const anyConnected = [...(room?.webrtcConns.values() ?? [])].some((conn) => (conn as WebrtcConn).connected);
    if (!room || !handler || anyConnected) return apply();
    room.doc.off('update', handler);
    try {
      apply();
    } finally {
      // the handler in force now: broadcastOwnChangesOnly may have replaced it meanwhile (it detaches its own)
      if (room._docUpdateHandler === handler) room.doc.on('update', handler);
    }
  }

  /** sends one own message to a connected peer; false when no open data channel to it exists */
  send(peerId: string, message: Uint8Array): boolean {
    const conn = this.provider.room?.webrtcConns.get(peerId);
    if (!conn?.connected) return false;
    (conn.peer as FramedPeer).send(message);
    return true;
  }

  constructor(
    options: P2PProviderOptions,
    private readonly hooks: P2PProviderHooks,
  ) {
    this.topology = new Topology(options.maxDirectPeers ?? DEFAULT_MAX_DIRECT_PEERS);
    installSignalingDispatcher();
    const signalingUrl = `${SIGNALING_SCHEME}//${options.connectionId}`;
    this.unregister = registerChannel(signalingUrl, {
      ready: () => hooks.signalingReady(),
      send: (message) => hooks.sendSignal(message),
      attach: (ws) => this.attached.add(ws),
      detach: (ws) => this.attached.delete(ws),
    });
    this.provider = new WebrtcProvider(options.boardId, options.doc, {
      signaling: [signalingUrl],
      awareness: options.awareness,
      // y-webrtc's own limit: it neither dials on an announce nor announces itself at the cap
      maxConns: this.topology.cap,
      filterBcConns: true,
      peerOpts: {
        ...(options.wrtc ? { wrtc: options.wrtc } : {}),
        config: { iceServers: options.iceServers ?? [], ...(options.rtcConfiguration ?? {}) },
      },
    });
    // registered after y-webrtc's own (which creates the room): only this tab's changes go over WebRTC
    void Promise.resolve(this.provider.key).then(
      () => {
        const room = this.provider.room;
        if (room) broadcastOwnChangesOnly(room, options.doc, options.awareness, (peerId) => hooks.remoteFrames(peerId), () => this.topology.fullMesh());
      },
      () => undefined,
    );
    // y-webrtc emits 'peers' when a connection is created or closed, but not when its data channel opens
    // (WebrtcConn only flips `connected`). Without this hook a peer stayed 'connecting' in status() until the
    // next poll, i.e. after edits had already converged over that very connection.
    this.provider.on('peers', () => {
      this.hookConnections();
      hooks.onPeersChanged();
    });
  }

  /**
   * Hooks every connection y-webrtc created that we have not seen: framing (DataChannelFraming.ts) goes
   * under it before its data channel opens, and its 'connect' is reported. Runs on y-webrtc's 'peers' event
   * (emitted right after it creates a connection) and periodically as a safety net.
   */
  hookConnections(): void {
    for (const conn of this.provider.room?.webrtcConns.values() ?? []) {
      if (this.hooked.has(conn)) continue;
      this.hooked.add(conn);
      const remote = conn.remotePeerId;
      installFraming(conn.peer as FramedPeer, {
        remoteFrames: () => this.hooks.remoteFrames(remote),
        onOwnMessage: (message) => {
          const handler = this.handlers.get(message[0]!);
          if (!handler) return false;
          try {
            handler(remote, message);
          } catch (error) {
            console.warn('meshboard: a data-channel message handler failed', (error as Error)?.message ?? error);
          }
          return true;
        },
        onSendError: (error) => console.warn(`meshboard: a send to WebRTC peer ${remote} failed (${error.message}); reconnecting, the relay serves it meanwhile`),
      });
      this.hooks.onConnection(conn);
      (conn.peer as { on(event: string, fn: () => void): void }).on('connect', () => this.hooks.onConnected(conn));
    }
  }

  /** y-webrtc picks the room (and the peer id we announce in presence) a microtask after construction */
  whenRoomReady(): Promise<unknown> {
    return Promise.resolve(this.provider.key).catch(() => undefined);
  }

  get peerId(): string | null {
    return this.provider.room?.peerId ?? null;
  }

  /** an open data channel to this y-webrtc peer id */
  isConnected(peerId: string): boolean {
    return this.provider.room?.webrtcConns.get(peerId)?.connected === true;
  }

  /** the board was (re)joined: let y-webrtc's signaling sockets open (it then subscribes and announces) */
  openSignaling(): void {
    for (const ws of this.attached) ws.open();
  }

  /** the Socket.IO connection was lost */
  dropSignaling(): void {
    for (const ws of [...this.attached]) ws.drop();
  }

  /**
   * a signaling message from the server. y-webrtc (10.3.0, `execMessage`) dereferences the connection an
   * answer belongs to without checking it exists: an answer that arrives after that connection was closed
   * (the stuck-connection recovery closed it, or the data channel failed) threw `Cannot set properties of
   * undefined (setting 'glareToken')` inside the signaling handler (issue 15, 20 editors). Such an answer is
   * for a negotiation that no longer exists here: drop it. Malformed messages are dropped too. Announces and
   * offers pass only as the topology admits them (`admitSignal`).
   */
  deliverSignal(message: unknown): void {
    if (!isWellFormedSignal(message)) return;
    const data = (message as { data?: SignalData }).data;
    const room = this.provider.room;
    if (room && data && data.from !== room.peerId && !this.admitSignal(data, room.peerId, room.webrtcConns, message)) return;
    for (const ws of this.attached) ws.deliver(message);
  }

  /**
   * Lets y-webrtc see only the signals of connections the topology allows: an announce makes y-webrtc dial
   * the announcer, an offer makes it answer, and any other signal addressed to us for a connection we do
   * not hold would make it create one (y-webrtc creates a connection for any signal addressed to it). Those
   * belong to a negotiation that no longer exists here, or to an offer we refused: dropped (this also covers
   * the glareToken crash above). A chosen neighbour's offer at the cap first closes an unchosen connection
   * and is delivered once that close has gone through (simple-peer closes in a microtask), so the cap holds.
   */
  private admitSignal(data: SignalData, me: string, conns: Map<string, WebrtcConn>, message: unknown): boolean {
    const from = data.from!;
    if (data.type === 'announce') return this.topology.admitAnnounce(from, conns);
    if (data.type !== 'signal' || data.to !== me) return true;
    const existing = conns.get(from);
    if (existing) {
      // A fresh offer from our dialer while we still hold an unconnected connection to it: that one is stale
      // (the dialer gave up on it; fed into it, the offer would leave the pair stuck again). Replace it.
      if (data.signal?.type === 'offer' && !existing.connected && !this.closing.has(existing) && this.topology.isPresent(from) && !this.topology.dials(from)) {
        this.closeConnection(existing);
        queueMicrotask(() => queueMicrotask(() => this.deliverSignal(message)));
        return false;
      }
      return true;
    }
    if (data.signal?.type !== 'offer') return false;
    if (!this.topology.admitOffer(from, conns)) return false;
    if (conns.size < this.topology.cap) return true;
    const victim = this.topology.closable(conns)[0];
    const conn = victim ? conns.get(victim) : undefined;
    if (!conn || this.closing.has(conn)) return false; // (a close that has not gone through: never loop)
    this.closeConnection(conn);
    queueMicrotask(() => queueMicrotask(() => this.deliverSignal(message)));
    return false;
  }

  /**
   * Applies the topology: recomputes the chosen neighbours from presence, closes unchosen connections that
   * are over the cap or whose slot a chosen neighbour needs, and dials (through y-webrtc's announce path)
   * the chosen neighbours this tab is the dialer of, a few at a time. Called on presence changes and
   * periodically.
   */
  maintain(): void {
    const room = this.provider.room;
    this.topology.update(room?.peerId ?? null, this.hooks.presentEditors?.() ?? []);
    if (!room || !this.hooks.signalingReady()) return;
    const plan = this.topology.plan(room.peerId, room.webrtcConns);
    for (const id of plan.close) {
      const conn = room.webrtcConns.get(id);
      if (conn) this.closeConnection(conn);
    }
    if (plan.dial.length === 0) return;
    // after the closes have gone through (y-webrtc refuses to dial at maxConns)
    queueMicrotask(() =>
      queueMicrotask(() => {
        for (const id of plan.dial) this.offerConnection(id);
      }),
    );
  }

  /** a direct connection to this peer is chosen, or exists (the peer is not expected on the relay alone) */
  expectsConnection(peerId: string): boolean {
    return this.topology.wants(peerId) || this.provider.room?.webrtcConns.has(peerId) === true;
  }

  /**
   * Open a fresh initiator connection to `peerId` through y-webrtc's own code path (as if that peer had just
   * announced itself), instead of editing y-webrtc's private connection map.
   */
  offerConnection(peerId: string): void {
    const room = this.provider.room;
    if (!room || room.webrtcConns.has(peerId)) return;
    const announce = { type: 'publish', topic: room.name, data: { type: 'announce', from: peerId } };
    for (const ws of this.attached) ws.deliver(announce);
  }

  /** closes one connection the way y-webrtc itself does (it forgets it on 'close' and re-announces) */
  closeConnection(conn: WebrtcConn): void {
    this.closing.add(conn);
    try {
      conn.destroy();
    } catch (error) {
      console.warn('meshboard: closing a WebRTC connection failed', (error as Error)?.message ?? error);
    }
  }

  destroy(): void {
    this.provider.destroy();
    this.unregister();
  }
}
