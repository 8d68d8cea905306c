import type * as Y from 'yjs';
import type * as awarenessProtocol from 'y-protocols/awareness';
import type { WebrtcProvider } from 'y-webrtc';
import type { BlobClient } from './BlobClient.js';

export interface BoardUser {
  id: string;
  name: string;
  color: string;
}

export interface ConnectBoardOptions {
  /** Socket.IO base URL, e.g. http://localhost:4000 */
  signalingUrl: string;
  /** persistence base URL, e.g. http://localhost:4100 */
  storeUrl: string;
  user: BoardUser;
  doc?: Y.Doc;
  /** default []: TURN from compose goes here */
  iceServers?: RTCIceServer[];
  /**
   * Resolves once `iceServers` holds what P2P needs (e.g. TURN credentials still being minted; the array is
   * read again for every new RTCPeerConnection, so it may be filled in place). Signaling, and with it every
   * WebRTC negotiation, waits for it; the store's state does not.
   */
  iceServersReady?: Promise<unknown>;
  /** extra RTCConfiguration (merged over { iceServers }); e.g. iceTransportPolicy */
  rtcConfiguration?: RTCConfiguration;
  /** a present editor not WebRTC-connected after this long is served through the relay (default 3000) */
  p2pDeadlineMs?: number;
  /** browser: persist the doc in y-indexeddb and upload what the store lacks on reconnect */
  offline?: boolean;
  /** Node: require('@roamhq/wrtc') */
  wrtc?: unknown;
  /** default '/socket.io' */
  socketPath?: string;
  /** Socket.IO transports (default: polling then upgrade to websocket, which works through any proxy) */
  transports?: Array<'polling' | 'websocket' | 'webtransport'>;
  /** how often the client compares its state with the store's (default 15 s) */
  antiEntropyIntervalMs?: number;
  /**
   * most direct WebRTC connections this tab keeps (default 6, see README "Big boards"); everyone else on the
   * board is reached through the relay
   */
  maxDirectPeers?: number;
  /** the fetch the store client uses (default: the global one); the web app hands over a prefetched state */
  fetch?: typeof fetch;
  /** disable WebRTC entirely (relay only) */
  disableP2P?: boolean;
  /**
   * own edits are collected this long before an upload starts (default 100 ms; `flush()` and page hide do not
   * wait). A drag at 60 Hz becomes ~10 requests/s instead of one per frame, which keeps the store's write load
   * and this tab's CPU off the live path.
   */
  uploadDelayMs?: number;
}

export type PeerMode = 'p2p' | 'relay' | 'connecting' | 'offline';
export interface PeerStatus {
  clientId: number;
  user: BoardUser;
  role: 'edit' | 'view';
  mode: PeerMode;
}
export type SignalingState = 'connected' | 'connecting' | 'offline';
export type StoreState = 'synced' | 'syncing' | 'offline' | 'error';
export interface ConnectionStatus {
  signaling: SignalingState;
  store: StoreState;
  pendingUploadBytes: number;
  /**
   * why the store is not taking this tab's edits, when it answered with a refusal (not a network failure): a
   * board over its size limit (`payload_too_large`), `rate_limited`, ... The edits stay queued and in the
   * document (and the offline copy) and are retried; a person must be told they are not saved. Null otherwise.
   */
  storeRefusal: { code: string; message: string } | null;
  /** everyone else on the board, by presence */
  peers: PeerStatus[];
}

export interface BoardConnection {
  readonly boardId: string;
  readonly doc: Y.Doc;
  readonly role: 'edit' | 'view';
  /** local state: { user, cursor?: {x,y}|null, selection?: string[] } */
  readonly awareness: awarenessProtocol.Awareness;
  /** y-webrtc provider (editors only; null for view-only or disableP2P) — for diagnostics and tests */
  readonly provider: WebrtcProvider | null;
  /** image bytes of this board (store, cache, peers): attach to the Board with `board.attachBlobStorage` */
  readonly blobs: BlobClient;
  status(): ConnectionStatus;
  onStatus(listener: (s: ConnectionStatus) => void): () => void;
  setCursor(point: { x: number; y: number } | null): void;
  setSelection(ids: string[]): void;
  /**
   * A live awareness field (see @meshboard/protocol awareness.ts): batched with the cursor into at most
   * LIVE_HZ awareness frames per second, always ending on the latest value.
   */
  setLive(field: 'draft' | 'laser' | 'view', value: unknown): void;
  /** Asks everyone to follow this tab (a presentation), or stops asking (null); sent at once. */
  setPresent(request: { since: number; frame: number | null } | null): void;
  /** A new name or colour: everyone sees it at once (awareness) and in the presence list (presence update). */
  setUser(user: BoardUser): void;
  whenSeeded(): Promise<void>;
  flush(): Promise<void>;
  destroy(): Promise<void>;
}

/** Transaction origins of remote data: never uploaded as "own edits", never re-relayed. */
export const STORE_ORIGIN = Symbol('meshboard:store');
export const RELAY_ORIGIN = Symbol('meshboard:relay');
export const PRESENCE_ORIGIN = Symbol('meshboard:presence');
