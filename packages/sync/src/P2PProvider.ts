import type * as Y from 'yjs';
import type * as awarenessProtocol from 'y-protocols/awareness';
import { WebrtcProvider, type WebrtcConn } from 'y-webrtc';
import { SIGNALING_SCHEME, installSignalingDispatcher, registerChannel, type SioWebSocket } from './sio-websocket.js';

export interface P2PProviderOptions {
  boardId: string;
  doc: Y.Doc;
  awareness: awarenessProtocol.Awareness;
  /** unique per connection: names this tab's signaling channel */
  connectionId: string;
  iceServers?: RTCIceServer[];
  rtcConfiguration?: RTCConfiguration;
  wrtc?: unknown;
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

  constructor(options: P2PProviderOptions, hooks: P2PProviderHooks) {
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
      maxConns: 64,
      filterBcConns: true,
      peerOpts: {
        ...(options.wrtc ? { wrtc: options.wrtc } : {}),
        config: { iceServers: options.iceServers ?? [], ...(options.rtcConfiguration ?? {}) },
      },
    });
    // y-webrtc emits 'peers' when a connection is created or closed, but not when its data channel opens
    // (WebrtcConn only flips `connected`). Without this hook a peer stayed 'connecting' in status() until the
    // next poll, i.e. after edits had already converged over that very connection.
    this.provider.on('peers', () => {
      for (const conn of this.provider.room?.webrtcConns.values() ?? []) {
        if (this.hooked.has(conn)) continue;
        this.hooked.add(conn);
        hooks.onConnection(conn);
        (conn.peer as { on(event: string, fn: () => void): void }).on('connect', () => hooks.onConnected(conn));
      }
      hooks.onPeersChanged();
    });
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

  /** a signaling message from the server */
  deliverSignal(message: unknown): void {
    for (const ws of this.attached) ws.deliver(message);
  }

  destroy(): void {
    this.provider.destroy();
    this.unregister();
  }
}
