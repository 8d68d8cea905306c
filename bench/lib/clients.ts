/**
 * One board client of a system under test, as the peer process (peer.ts) opens it. Runs inside a peer process
 * only: import it after peer.ts has removed BroadcastChannel and set the global WebSocket.
 *   meshboard   packages/sync connectBoard (WebRTC when `p2p`; y-webrtc allows one provider per board per
 *               process, so callers ask for it on a process's first client of a board only)
 *   ywebsocket  y-websocket's WebsocketProvider against @y/websocket-server
 *   hocuspocus  @hocuspocus/provider against @hocuspocus/server
 */
import WebSocket from 'ws';
import * as Y from 'yjs';
import type { Awareness } from 'y-protocols/awareness';

export interface OpenOptions {
  kind: string;
  url: string;
  storeUrl?: string;
  boardId: string;
  token?: string;
  p2p?: boolean;
  maxDirectPeers?: number;
  /** shown as the user's name (Meshboard) */
  name: string;
}

export interface BenchClient {
  doc: Y.Doc;
  awareness: Awareness;
  /** a pointer position, through the system's own cursor path (Meshboard: connectBoard.setCursor) */
  setCursor(point: { x: number; y: number }): void;
  /** the document from the server (or Meshboard's store) has arrived */
  synced(): boolean;
  ready(expectedPeers: number): boolean;
  held(): number;
  /** everything this client wrote has reached its server (or Meshboard's store) */
  flushed(): Promise<void>;
  close(): Promise<void>;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
/**
 * who this is, in awareness, as apps set it when they connect (Meshboard's connectBoard does). It also matters:
 * y-protocols gives the initial empty state clock 0, which receivers ignore, so until a first change (or the
 * 15 s renewal) nobody would see this client at all.
 */
const user = (name: string) => ({ id: name, name, color: '#336699' });

/** opens one client; Meshboard's resolves once seeded from the store, the others at once (see `synced`) */
export async function openClient(o: OpenOptions, doc = new Y.Doc()): Promise<BenchClient> {
  if (o.kind === 'meshboard') {
    const { connectBoard } = await import('@meshboard/sync');
    const wrtc = o.p2p ? ((await import('@roamhq/wrtc')) as { default: unknown }).default : undefined;
    const conn = connectBoard(o.boardId, o.token!, {
      signalingUrl: o.url,
      storeUrl: o.storeUrl!,
      user: user(o.name),
      doc,
      ...(o.p2p ? { wrtc, iceServers: [] } : { disableP2P: true }),
      transports: ['websocket'],
      ...(o.maxDirectPeers ? { maxDirectPeers: o.maxDirectPeers } : {}),
    });
    let seeded = false;
    await conn.whenSeeded().then(() => (seeded = true));
    return {
      doc,
      awareness: conn.awareness,
      setCursor: (point) => conn.setCursor(point),
      synced: () => seeded,
      ready: (n) => {
        const peers = conn.status().peers;
        return peers.length >= n && peers.every((p) => p.mode === 'p2p' || p.mode === 'relay');
      },
      held: () => conn.provider?.room?.webrtcConns.size ?? 0,
      flushed: () => conn.flush(),
      close: () => conn.destroy(),
    };
  }
  if (o.kind === 'ywebsocket') {
    const { WebsocketProvider } = await import('y-websocket');
    const provider = new WebsocketProvider(o.url, o.boardId, doc, { WebSocketPolyfill: WebSocket as never, disableBc: true });
    provider.awareness.setLocalStateField('user', user(o.name));
    return {
      doc,
      awareness: provider.awareness,
      setCursor: (point) => provider.awareness.setLocalStateField('cursor', point),
      synced: () => provider.synced,
      ready: () => provider.synced,
      held: () => 0,
      // y-websocket acknowledges nothing: the socket's buffer drained, then a moment for the server to apply it
      flushed: async () => {
        while (!provider.wsconnected || (provider.ws?.bufferedAmount ?? 0) > 0) await sleep(20);
        await sleep(500);
      },
      close: async () => provider.destroy(),
    };
  }
  if (o.kind === 'hocuspocus') {
    const { HocuspocusProvider } = await import('@hocuspocus/provider');
    let synced = false;
    const provider = new HocuspocusProvider({ url: o.url, name: o.boardId, document: doc, WebSocketPolyfill: WebSocket as never, onSynced: () => (synced = true) } as never);
    provider.setAwarenessField('user', user(o.name));
    return {
      doc,
      awareness: provider.awareness!,
      setCursor: (point) => provider.setAwarenessField('cursor', point),
      synced: () => synced,
      ready: () => synced,
      held: () => 0,
      // the server acknowledges every update (SyncStatus): nothing unacknowledged is left
      flushed: async () => {
        while (!synced || provider.hasUnsyncedChanges) await sleep(20);
      },
      close: async () => provider.destroy(),
    };
  }
  throw new Error(`unknown kind ${o.kind}`);
}
