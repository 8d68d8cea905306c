import * as Y from 'yjs';
import * as awarenessProtocol from 'y-protocols/awareness';
import * as syncProtocol from 'y-protocols/sync';
import * as encoding from 'lib0/encoding';
import * as decoding from 'lib0/decoding';
import { io, type Socket } from 'socket.io-client';
import { WebrtcConn, WebrtcProvider } from 'y-webrtc';
import {
  MeshboardError,
  SocketEvent,
  limits,
  peekTokenClaims,
  splitIntoChunks,
  toBytes,
  type ClientToServerEvents,
  type FailureBody,
  type JoinAck,
  type Presence,
  type PresenceMode,
  type RelayFrameIn,
  type RelayFrameOut,
  type Role,
  type ServerToClientEvents,
  type AwarenessFrameOut,
} from '@meshboard/protocol';
import { SIGNALING_SCHEME, installSignalingDispatcher, registerChannel, type SioWebSocket } from './sio-websocket.js';
import { StoreClient, isFatalStoreError, toMeshboardError } from './store-client.js';
import { BlobClient } from './BlobClient.js';

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
export interface ConnectionStatus {
  signaling: 'connected' | 'connecting' | 'offline';
  store: 'synced' | 'syncing' | 'offline' | 'error';
  pendingUploadBytes: number;
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
  whenSeeded(): Promise<void>;
  flush(): Promise<void>;
  destroy(): Promise<void>;
}

/** Transaction origins of remote data: never uploaded as "own edits", never re-relayed. */
export const STORE_ORIGIN = Symbol('meshboard:store');
export const RELAY_ORIGIN = Symbol('meshboard:relay');
export const PRESENCE_ORIGIN = Symbol('meshboard:presence');

const FATAL_JOIN = new Set(['unauthorized', 'forbidden', 'token_revoked', 'board_not_found', 'not_found', 'origin_not_allowed']);
const CHUNK_TIMEOUT_MS = 60_000;
const RESEND_KEEP_MS = 15_000;
const RESEND_KEEP_BYTES = 32 * 1024 * 1024;

interface PeerEntry {
  presence: Presence;
  /** when we last had reason to expect a P2P connection (seen, or P2P lost) */
  since: number;
  mode: PeerMode;
}

let connectionCounter = 0;

export function connectBoard(boardId: string, token: string, options: ConnectBoardOptions): BoardConnection {
  const doc = options.doc ?? new Y.Doc();
  let role: Role = peekTokenClaims(token)?.r ?? 'view';
  const deadline = options.p2pDeadlineMs ?? 3000;
  const uploadDelayMs = options.uploadDelayMs ?? 100;
  const store = new StoreClient(options.storeUrl);
  const awareness = new awarenessProtocol.Awareness(doc);
  awareness.setLocalState({ user: options.user, cursor: null, selection: [] });

  const listeners = new Set<(s: ConnectionStatus) => void>();
  const peers = new Map<string, PeerEntry>();
  let signaling: ConnectionStatus['signaling'] = 'connecting';
  let storeState: ConnectionStatus['store'] = 'syncing';
  let destroyed = false;
  let joined = false;
  let mySid = '';
  let lastStatusJson = '';
  let myMode: PresenceMode = 'connecting';
  const timers = new Set<ReturnType<typeof setTimeout>>();
  const later = (fn: () => void, ms: number) => {
    const t = setTimeout(() => {
      timers.delete(t);
      fn();
    }, ms);
    timers.add(t);
    return t;
  };

  // ------------------------------------------------------------------ status
  /** the last computed modes; `status()` recomputes them first (see refreshModes) */
  const snapshot = (): ConnectionStatus => ({
    signaling,
    store: storeState,
    pendingUploadBytes: uploader.pendingBytes(),
    peers: [...peers.values()].map((p) => ({ clientId: p.presence.clientId, user: p.presence.user, role: p.presence.role, mode: p.mode })),
  });
  const emitStatus = () => {
    const s = snapshot();
    const json = JSON.stringify(s);
    if (json === lastStatusJson) return;
    lastStatusJson = json;
    for (const l of listeners) {
      try {
        l(s);
      } catch (error) {
        console.error('meshboard: status listener failed', error);
      }
    }
  };

  // ------------------------------------------------------------------ seeding
  let seededResolve!: () => void;
  let seededReject!: (e: MeshboardError) => void;
  let seededSettled = false;
  const seeded = new Promise<void>((resolve, reject) => {
    seededResolve = () => {
      seededSettled = true;
      resolve();
    };
    seededReject = (e) => {
      seededSettled = true;
      reject(e);
    };
  });
  seeded.catch(() => undefined); // observed through whenSeeded()

  /** the store's state vector as of the last answer (null: unknown) */
  let storeSV: Uint8Array | null = null;

  const fatal = (error: MeshboardError) => {
    storeState = 'error';
    if (!seededSettled) seededReject(error);
    emitStatus();
    void teardown(false);
  };

  // ------------------------------------------------------------------ durable path: upload own edits
  const uploader = (() => {
    let pending: Uint8Array[] = [];
    let pendingSize = 0;
    let inflight: Promise<void> | null = null;
    let inflightSize = 0;
    let failures = 0;
    let scheduled = false;
    const waiters: Array<{ resolve: () => void; reject: (e: MeshboardError) => void }> = [];

    const settleWaiters = (error?: MeshboardError) => {
      if (!error && (pending.length > 0 || inflight)) return;
      for (const w of waiters.splice(0)) {
        if (error) w.reject(error);
        else w.resolve();
      }
    };
    const drain = () => {
      scheduled = false;
      if (inflight || pending.length === 0 || (destroyed && !flushing)) return;
      const batch = pending.length === 1 ? pending[0]! : Y.mergeUpdates(pending);
      pending = [];
      pendingSize = 0;
      inflightSize = batch.byteLength;
      inflight = store
        .appendUpdate(boardId, token, batch)
        .then((ack) => {
          storeSV = ack.stateVectorBytes;
          failures = 0;
          inflight = null;
          inflightSize = 0;
          if (storeState !== 'error') storeState = pending.length ? 'syncing' : 'synced';
          emitStatus();
          if (pending.length) drain();
          else settleWaiters();
        })
        .catch((error: unknown) => {
          inflight = null;
          inflightSize = 0;
          pending.unshift(batch);
          pendingSize += batch.byteLength;
          const err = toMeshboardError(error);
          if (isFatalStoreError(err)) {
            settleWaiters(err);
            return fatal(err);
          }
          failures++;
          storeState = 'offline';
          emitStatus();
          if (failures >= 3) settleWaiters(err);
          later(drain, Math.min(500 * 2 ** Math.min(failures, 5), 15_000) * (0.75 + Math.random() / 2));
        });
    };
    let flushing = false;
    return {
      push(update: Uint8Array) {
        if (role !== 'edit') return;
        pending.push(update);
        pendingSize += update.byteLength;
        if (storeState === 'synced') storeState = 'syncing';
        if (!scheduled) {
          scheduled = true;
          if (uploadDelayMs > 0) later(drain, uploadDelayMs);
          else queueMicrotask(drain);
        }
        emitStatus();
      },
      pendingBytes: () => pendingSize + inflightSize,
      idle: () => pending.length === 0 && !inflight,
      drain,
      /** resolves when everything queued now is acked; rejects after repeated failures */
      flush(final = false): Promise<void> {
        if (final) flushing = true;
        if (pending.length === 0 && !inflight) return Promise.resolve();
        const p = new Promise<void>((resolve, reject) => waiters.push({ resolve, reject }));
        drain();
        return p;
      },
      /** what is queued and not yet sent (in-flight bytes are on their way already) */
      takeAll(): Uint8Array | null {
        if (pending.length === 0) return null;
        return pending.length === 1 ? pending[0]! : Y.mergeUpdates(pending);
      },
    };
  })();

  /** true when the doc has something the store's state vector does not cover */
  const aheadOfStore = (sv: Uint8Array): boolean => {
    const store = Y.decodeStateVector(sv);
    for (const [client, clock] of Y.decodeStateVector(Y.encodeStateVector(doc))) {
      if ((store.get(client) ?? 0) < clock) return true;
    }
    return false;
  };

  /** Anti-entropy with the store: fetch what we lack, upload exactly what it lacks. */
  let antiEntropyRunning = false;
  const antiEntropy = async (): Promise<void> => {
    if (antiEntropyRunning || destroyed) return;
    antiEntropyRunning = true;
    try {
      const diff = await store.getDiff(boardId, token, Y.encodeStateVector(doc));
      if (diff.update.byteLength > 0) Y.applyUpdate(doc, diff.update, STORE_ORIGIN);
      if (diff.stateVector) storeSV = diff.stateVector;
      if (role === 'edit' && storeSV && aheadOfStore(storeSV)) uploader.push(Y.encodeStateAsUpdate(doc, storeSV));
      if (storeState !== 'error') storeState = uploader.idle() ? 'synced' : 'syncing';
    } catch (error) {
      const err = toMeshboardError(error);
      if (isFatalStoreError(err)) fatal(err);
      else storeState = 'offline';
    } finally {
      antiEntropyRunning = false;
      emitStatus();
    }
  };

  const onDocUpdate = (update: Uint8Array, _origin: unknown, _doc: Y.Doc, tr: Y.Transaction) => {
    if (!tr.local) return; // remote data (peers, relay, store, indexeddb) is not ours to upload or relay
    uploader.push(update);
    if (relayTargets().length > 0) {
      const encoder = encoding.createEncoder();
      encoding.writeVarUint(encoder, 0);
      syncProtocol.writeUpdate(encoder, update);
      sendRelay(encoding.toUint8Array(encoder), relayTargets());
    }
  };
  doc.on('update', onDocUpdate);

  // ------------------------------------------------------------------ relay
  let frameCounter = 0;
  const sent = new Map<string, { frame: RelayFrameIn; at: number; attempts: number }>();
  let sentBytes = 0;
  const emitFrame = (frame: RelayFrameIn) => {
    if (!socket.connected || !joined) return;
    sent.set(frame.ref!, { frame, at: Date.now(), attempts: 0 });
    sentBytes += frame.data.byteLength;
    while (sentBytes > RESEND_KEEP_BYTES && sent.size > 0) {
      const [oldest, entry] = sent.entries().next().value as [string, { frame: RelayFrameIn }];
      sent.delete(oldest);
      sentBytes -= entry.frame.data.byteLength;
    }
    socket.emit(SocketEvent.relay, frame);
  };
  /** Sends one y-protocols sync message through the relay, chunked if big. `to`: sids, or all when many. */
  const sendRelay = (message: Uint8Array, to: string[] | 'all') => {
    if (!joined) return;
    const targets: Array<string | undefined> = to === 'all' || to.length > 1 ? [undefined] : to;
    const chunkBytes = limits.relayChunkBytes;
    for (const target of targets) {
      const base = target ? { to: target } : {};
      if (message.byteLength <= chunkBytes) {
        emitFrame({ ...base, data: message, ref: `${++frameCounter}` });
        continue;
      }
      const chunks = splitIntoChunks(message, chunkBytes);
      const id = `${connectionId}-${++frameCounter}`;
      chunks.forEach((data, index) => emitFrame({ ...base, data, chunk: { id, index, count: chunks.length }, ref: `${id}-${index}` }));
    }
  };
  const sendStep1 = (to: string[] | 'all') => {
    const encoder = encoding.createEncoder();
    encoding.writeVarUint(encoder, 0);
    syncProtocol.writeSyncStep1(encoder, doc);
    sendRelay(encoding.toUint8Array(encoder), to);
  };
  const sendAwareness = (to?: string) => {
    if (!joined) return;
    const data = awarenessProtocol.encodeAwarenessUpdate(awareness, [doc.clientID]);
    socket.volatile.emit(SocketEvent.awareness, to ? { data, to } : { data });
  };

  const partial = new Map<string, { parts: Uint8Array[]; got: number; bytes: number; timer: ReturnType<typeof setTimeout> }>();
  const onRelayMessage = (from: string, message: Uint8Array) => {
    const decoder = decoding.createDecoder(message);
    const type = decoding.readVarUint(decoder);
    if (type !== 0) return;
    const encoder = encoding.createEncoder();
    encoding.writeVarUint(encoder, 0);
    const sub = syncProtocol.readSyncMessage(decoder, encoder, doc, RELAY_ORIGIN);
    // answer a step 1 with our step 2 (view-only clients have nothing to give and may not send it)
    if (sub === syncProtocol.messageYjsSyncStep1 && role === 'edit' && encoding.length(encoder) > 1) {
      sendRelay(encoding.toUint8Array(encoder), [from]);
    }
  };
  const onRelayFrame = (frame: RelayFrameOut) => {
    try {
      const data = toBytes(frame.data);
      if (!frame.chunk) return onRelayMessage(frame.from, data);
      const key = `${frame.from}:${frame.chunk.id}`;
      let entry = partial.get(key);
      if (!entry) {
        entry = { parts: new Array<Uint8Array>(frame.chunk.count), got: 0, bytes: 0, timer: later(() => partial.delete(key), CHUNK_TIMEOUT_MS) };
        partial.set(key, entry);
      }
      if (entry.parts[frame.chunk.index]) return;
      entry.parts[frame.chunk.index] = data;
      entry.got++;
      entry.bytes += data.byteLength;
      if (entry.bytes > limits.maxRelayUpdateBytes) return void partial.delete(key);
      if (entry.got < frame.chunk.count) return;
      partial.delete(key);
      clearTimeout(entry.timer);
      const whole = new Uint8Array(entry.bytes);
      let offset = 0;
      for (const part of entry.parts) {
        whole.set(part, offset);
        offset += part.byteLength;
      }
      onRelayMessage(frame.from, whole);
    } catch (error) {
      console.warn('meshboard: dropped an undecodable relay frame', (error as Error).message);
    }
  };
  const onFailure = (failure: FailureBody) => {
    if (failure.event === SocketEvent.relay && failure.ref && failure.error.code === 'rate_limited') {
      const entry = sent.get(failure.ref);
      if (entry && entry.attempts < 8) {
        entry.attempts++;
        later(() => socket.connected && socket.emit(SocketEvent.relay, entry.frame), 250 * 2 ** entry.attempts);
      }
      return;
    }
    if (failure.event === SocketEvent.join && FATAL_JOIN.has(failure.error.code)) return; // handled by the ack
    if (failure.error.code === 'token_revoked' || failure.error.code === 'board_not_found') {
      fatal(new MeshboardError(failure.error.code, failure.error.message));
    }
  };

  // ------------------------------------------------------------------ stuck WebRTC connections
  // y-webrtc never gives up on a connection that does not come up. The common case is glare: two peers that
  // announce at the same moment both create an initiator connection, one accepts the other's offer into its
  // own initiator and the pair stays unconnected forever (measured: 5 stock peers joining at once left a pair
  // without a data channel). Such a peer is served through the relay after `deadline`; in addition, a
  // connection still not up after its patience is destroyed: y-webrtc drops it and announces again, and the
  // pair starts over. Patience grows per remote peer (backoff, with jitter so both sides do not retry in step).
  const connBorn = new WeakMap<WebrtcConn, { at: number; patience: number }>();
  const connRetries = new Map<string, number>();
  /** presence sid -> since when that editor is present with no y-webrtc connection to it at all */
  const missingSince = new Map<string, { at: number; patience: number }>();
  const stuckPatience = (attempts: number) => Math.max(deadline, 4000) * 2 ** Math.min(attempts, 4) * (1 + Math.random() * 0.5);
  const offerConnection = (peerId: string) => {
    const room = provider?.room;
    const signalingConn = (provider?.signalingConns[0] ?? null) as { connected?: boolean } | null;
    if (destroyed || !room || !signalingConn?.connected || room.webrtcConns.has(peerId)) return;
    room.webrtcConns.set(peerId, new WebrtcConn(signalingConn as never, true, peerId, room));
    (provider as unknown as { emit(name: string, args: unknown[]): void }).emit('peers', [
      { added: [peerId], removed: [], webrtcPeers: [...room.webrtcConns.keys()], bcPeers: [...room.bcConns] },
    ]);
  };
  const reapStuckConns = () => {
    const room = provider?.room;
    if (!room || signaling !== 'connected') return; // starting over needs signaling
    const now = Date.now();
    const ourPeers = new Set<string>();
    for (const entry of peers.values()) if (entry.presence.peerId) ourPeers.add(entry.presence.peerId);
    for (const [peerId, conn] of room.webrtcConns) {
      const born = connBorn.get(conn);
      if (!born || conn.connected || conn.closed || now - born.at < born.patience) continue;
      connRetries.set(peerId, (connRetries.get(peerId) ?? 0) + 1);
      try {
        (conn.peer as { destroy(): void }).destroy(); // -> 'close': y-webrtc forgets it and re-announces
      } catch {
        room.webrtcConns.delete(peerId);
      }
      // A client outside our presence (stock y-webrtc on the plain endpoint) never gives up its half of a stuck
      // pair and ignores announces while it holds it. Offer it a fresh connection ourselves: our newer glare
      // token makes it accept the offer on the connection it holds.
      if (!ourPeers.has(peerId)) later(() => offerConnection(peerId), 100);
    }
    // A present editor we have no connection to at all (its announce or ours was lost, e.g. while a socket
    // was reconnecting; y-webrtc announces only on (re)connect and after a close): announce again, so the
    // side without a connection opens one. Same patience and backoff as above.
    for (const [sid, entry] of peers) {
      const remote = entry.presence.peerId;
      if (role !== 'edit' || entry.presence.role !== 'edit' || !remote || room.webrtcConns.has(remote)) {
        missingSince.delete(sid);
        continue;
      }
      const since = missingSince.get(sid);
      if (!since) {
        missingSince.set(sid, { at: now, patience: stuckPatience(connRetries.get(remote) ?? 0) });
        continue;
      }
      if (now - since.at < since.patience || !joined) continue;
      connRetries.set(remote, (connRetries.get(remote) ?? 0) + 1);
      missingSince.delete(sid);
      socket.emit(SocketEvent.signal, { type: 'publish', topic: boardId, data: { type: 'announce', from: room.peerId } } as never);
    }
    for (const sid of missingSince.keys()) if (!peers.has(sid)) missingSince.delete(sid);
    if (connRetries.size > 256) connRetries.clear();
  };

  // ------------------------------------------------------------------ peers and modes
  const p2pConnected = (presence: Presence): boolean => {
    if (!provider?.room || !presence.peerId) return false;
    return provider.room.webrtcConns.get(presence.peerId)?.connected === true;
  };
  const modeOf = (entry: PeerEntry, now: number): PeerMode => {
    const { presence } = entry;
    if (role === 'edit' && presence.role === 'edit' && p2pConnected(presence)) return 'p2p';
    if (signaling !== 'connected') return 'offline';
    if (role === 'view' || presence.role === 'view' || !provider) return 'relay';
    return now - entry.since < deadline ? 'connecting' : 'relay';
  };
  function relayTargets(): string[] {
    const targets: string[] = [];
    for (const [sid, entry] of peers) if (entry.mode === 'relay') targets.push(sid);
    return targets;
  }
  const refreshModes = () => {
    const now = Date.now();
    const entering: string[] = [];
    for (const [sid, entry] of peers) {
      const mode = modeOf(entry, now);
      if (entry.mode === 'p2p' && mode !== 'p2p') entry.since = now; // P2P lost: give it a deadline again
      const next = entry.mode === 'p2p' && mode !== 'p2p' ? modeOf(entry, now) : mode;
      if (next === 'relay' && entry.mode !== 'relay') entering.push(sid);
      entry.mode = next;
    }
    if (entering.length > 0) {
      // full state-vector exchange with every peer that now depends on the relay
      for (const sid of entering) {
        if (role === 'edit' || peers.get(sid)?.presence.role === 'edit') sendStep1([sid]);
        if (role === 'edit') sendAwareness(sid);
      }
    }
    const modes = [...peers.values()].map((p) => p.mode);
    const mine: PresenceMode =
      signaling !== 'connected' ? 'offline' : role === 'view' || modes.includes('relay') ? 'relay' : modes.includes('connecting') ? 'connecting' : 'p2p';
    if (mine !== myMode && joined) {
      myMode = mine;
      socket.emit(SocketEvent.presenceUpdate, { mode: mine });
    }
    emitStatus();
  };
  const upsertPeer = (presence: Presence) => {
    if (presence.sid === mySid) return;
    // a reconnected tab keeps its doc clientID: drop its stale entry
    for (const [sid, entry] of peers) if (entry.presence.clientId === presence.clientId && sid !== presence.sid) peers.delete(sid);
    const existing = peers.get(presence.sid);
    if (existing) existing.presence = presence;
    else peers.set(presence.sid, { presence, since: Date.now(), mode: 'connecting' });
  };

  // ------------------------------------------------------------------ Socket.IO connection
  const connectionId = `${Date.now().toString(36)}${(++connectionCounter).toString(36)}${Math.random().toString(36).slice(2, 8)}`;
  const socket: Socket<ServerToClientEvents, ClientToServerEvents> = io(options.signalingUrl, {
    path: options.socketPath ?? '/socket.io',
    autoConnect: false,
    forceNew: true,
    reconnection: true,
    reconnectionDelay: 300,
    reconnectionDelayMax: 3000,
    randomizationFactor: 0.5,
    ...(options.transports ? { transports: options.transports } : {}),
  });
  const blobs = new BlobClient({ boardId, token, storeUrl: options.storeUrl, socket: socket as never, role: () => role, doc });

  // y-webrtc signaling over this connection (editors only)
  const signalingUrl = `${SIGNALING_SCHEME}//${connectionId}`;
  const attached = new Set<SioWebSocket>();
  let unregister: (() => void) | null = null;
  let provider: WebrtcProvider | null = null;
  const startProvider = () => {
    if (provider || role !== 'edit' || options.disableP2P || destroyed) return;
    installSignalingDispatcher();
    unregister = registerChannel(signalingUrl, {
      ready: () => socket.connected && joined && role === 'edit',
      send: (message) => socket.emit(SocketEvent.signal, message as never),
      attach: (ws) => attached.add(ws),
      detach: (ws) => attached.delete(ws),
    });
    provider = new WebrtcProvider(boardId, doc, {
      signaling: [signalingUrl],
      awareness,
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
    const hookConns = () => {
      for (const conn of provider?.room?.webrtcConns.values() ?? []) {
        if (connBorn.has(conn)) continue;
        const attempts = connRetries.get(conn.remotePeerId) ?? 0;
        connBorn.set(conn, { at: Date.now(), patience: stuckPatience(attempts) });
        (conn.peer as { on(event: string, fn: () => void): void }).on('connect', () => {
          connRetries.delete(conn.remotePeerId);
          if (!destroyed) refreshModes();
        });
      }
    };
    provider.on('peers', () => {
      hookConns();
      refreshModes();
    });
  };

  const join = () => {
    const request = {
      boardId,
      token,
      user: options.user,
      clientId: doc.clientID,
      mode: myMode,
      ...(provider?.room ? { peerId: provider.room.peerId } : {}),
    };
    socket.timeout(15_000).emit(SocketEvent.join, request, (error: Error | null, ack: JoinAck) => {
      if (destroyed) return;
      if (error) {
        socket.disconnect().connect(); // no answer: start over
        return;
      }
      if (!ack.ok) {
        if (FATAL_JOIN.has(ack.error.code)) return fatal(new MeshboardError(ack.error.code, ack.error.message));
        later(() => socket.connected && join(), 1000);
        return;
      }
      joined = true;
      mySid = ack.sid;
      role = ack.role;
      signaling = 'connected';
      peers.clear();
      for (const presence of ack.peers) upsertPeer(presence);
      for (const ws of attached) ws.open();
      // after any (re)join: full state-vector exchange with everyone who can answer, and with the store
      sendStep1('all');
      sendAwareness();
      void antiEntropy();
      refreshModes();
    });
  };

  socket.on('connect', join);
  socket.on('disconnect', () => {
    joined = false;
    if (!destroyed) signaling = 'connecting';
    for (const ws of [...attached]) ws.drop();
    refreshModes();
  });
  socket.io.on('reconnect_attempt', () => {
    signaling = 'connecting';
    emitStatus();
  });
  socket.on('connect_error', () => {
    signaling = 'offline';
    emitStatus();
  });
  socket.on(SocketEvent.signal, (message) => {
    for (const ws of attached) ws.deliver(message);
  });
  socket.on(SocketEvent.presenceJoin, (presence) => {
    upsertPeer(presence);
    // the newcomer asked everyone with its step 1; ask it with ours so the exchange is two-way
    if (role === 'edit' && presence.role === 'edit') sendStep1([presence.sid]);
    refreshModes();
  });
  socket.on(SocketEvent.presenceUpdate, (presence) => {
    upsertPeer(presence);
    refreshModes();
  });
  socket.on(SocketEvent.presenceLeave, ({ sid }) => {
    const entry = peers.get(sid);
    if (!entry) return;
    peers.delete(sid);
    awarenessProtocol.removeAwarenessStates(awareness, [entry.presence.clientId], PRESENCE_ORIGIN);
    refreshModes();
  });
  socket.on(SocketEvent.relay, onRelayFrame);
  socket.on(SocketEvent.awareness, (frame: AwarenessFrameOut) => {
    try {
      awarenessProtocol.applyAwarenessUpdate(awareness, toBytes(frame.data), RELAY_ORIGIN);
    } catch {
      /* a malformed awareness frame only loses a cursor */
    }
  });
  socket.on(SocketEvent.failure, onFailure);

  const onAwarenessUpdate = ({ added, updated, removed }: { added: number[]; updated: number[]; removed: number[] }, origin: unknown) => {
    if (origin === RELAY_ORIGIN || origin === PRESENCE_ORIGIN) return;
    const mine = [...added, ...updated, ...removed].includes(doc.clientID);
    if (mine && relayTargets().length > 0) sendAwareness();
  };
  awareness.on('update', onAwarenessUpdate);

  const modeTimer = setInterval(() => {
    reapStuckConns();
    refreshModes();
  }, 250);
  const antiEntropyTimer = setInterval(() => void antiEntropy(), (options.antiEntropyIntervalMs ?? 15_000) * (0.8 + Math.random() * 0.4));
  const sweepTimer = setInterval(() => {
    const cutoff = Date.now() - RESEND_KEEP_MS;
    for (const [ref, entry] of sent) {
      if (entry.at >= cutoff) break;
      sent.delete(ref);
      sentBytes -= entry.frame.data.byteLength;
    }
  }, 5000);

  // browser niceties
  const win = (globalThis as { window?: Window }).window;
  const onPageHide = () => {
    const rest = uploader.takeAll();
    if (rest && role === 'edit') store.beaconUpdate(boardId, token, rest);
  };
  const onOnline = () => void antiEntropy();
  win?.addEventListener('pagehide', onPageHide);
  win?.addEventListener('online', onOnline);

  // ------------------------------------------------------------------ start: local cache, store, then signaling
  let indexeddb: { destroy(): Promise<void>; whenSynced: Promise<unknown> } | null = null;
  const start = async () => {
    if (options.offline && typeof (globalThis as { indexedDB?: unknown }).indexedDB !== 'undefined') {
      try {
        const { IndexeddbPersistence } = await import('y-indexeddb');
        indexeddb = new IndexeddbPersistence(`meshboard:${boardId}`, doc);
        await indexeddb.whenSynced;
      } catch (error) {
        console.warn('meshboard: offline cache unavailable', error);
      }
    }
    let attempt = 0;
    while (!destroyed) {
      try {
        const state = await store.getState(boardId, token);
        if (destroyed) return;
        Y.applyUpdate(doc, state.update, STORE_ORIGIN);
        storeSV = state.stateVector ?? Y.encodeStateVector(doc);
        storeState = 'synced';
        seededResolve();
        // upload what we have and the store lacks (offline work, edits made before seeding)
        if (role === 'edit' && aheadOfStore(storeSV)) uploader.push(Y.encodeStateAsUpdate(doc, storeSV));
        emitStatus();
        break;
      } catch (error) {
        const err = toMeshboardError(error);
        if (isFatalStoreError(err)) return fatal(err);
        storeState = 'offline';
        emitStatus();
        // never stuck: the store being down must not keep us off the live board
        if (attempt === 0 && !destroyed) connectLive();
        attempt++;
        await new Promise((r) => later(() => r(undefined), Math.min(500 * 2 ** attempt, 10_000)));
      }
    }
    connectLive();
  };
  let live = false;
  const connectLive = () => {
    if (live || destroyed) return;
    live = true;
    startProvider();
    // y-webrtc opens its room (and picks the peer id we announce in presence) a microtask later
    void Promise.resolve(provider?.key)
      .catch(() => undefined)
      .then(() => {
        if (!destroyed) socket.connect();
      });
  };
  void start();

  // ------------------------------------------------------------------ teardown
  const teardown = async (flush: boolean) => {
    if (destroyed) return;
    if (flush && role === 'edit') {
      await Promise.race([uploader.flush(true).catch(() => undefined), new Promise((r) => setTimeout(r, 3000))]);
    }
    destroyed = true;
    blobs.destroy();
    clearInterval(modeTimer);
    clearInterval(antiEntropyTimer);
    clearInterval(sweepTimer);
    for (const t of timers) clearTimeout(t);
    timers.clear();
    win?.removeEventListener('pagehide', onPageHide);
    win?.removeEventListener('online', onOnline);
    awareness.setLocalState(null);
    if (joined) {
      // let peers drop our cursor now rather than after the awareness timeout
      sendAwareness();
      socket.emit(SocketEvent.leave);
    }
    doc.off('update', onDocUpdate);
    awareness.off('update', onAwarenessUpdate);
    provider?.destroy();
    provider = null;
    unregister?.();
    socket.disconnect();
    signaling = 'offline';
    if (indexeddb) await indexeddb.destroy().catch(() => undefined);
    awareness.destroy();
  };

  let cursorTimer: ReturnType<typeof setTimeout> | null = null;
  let lastCursorAt = 0;
  let pendingCursor: { x: number; y: number } | null | undefined;
  const cursorInterval = 1000 / limits.maxCursorHz;

  const connection: BoardConnection = {
    boardId,
    doc,
    get role() {
      return role;
    },
    awareness,
    blobs,
    get provider() {
      return provider;
    },
    status() {
      // modes derive from live WebRTC connection state: never answer from a stale computation
      if (!destroyed && live) refreshModes();
      return snapshot();
    },
    onStatus(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    setCursor(point) {
      pendingCursor = point ? { x: point.x, y: point.y } : null;
      const now = Date.now();
      const apply = () => {
        cursorTimer = null;
        lastCursorAt = Date.now();
        if (!destroyed && pendingCursor !== undefined) awareness.setLocalStateField('cursor', pendingCursor);
        pendingCursor = undefined;
      };
      if (now - lastCursorAt >= cursorInterval) apply();
      else if (!cursorTimer) cursorTimer = later(apply, cursorInterval - (now - lastCursorAt));
    },
    setSelection(ids) {
      if (!destroyed) awareness.setLocalStateField('selection', [...ids]);
    },
    whenSeeded: () => seeded,
    async flush() {
      if (role !== 'edit') return;
      await uploader.flush();
      // and anything the store still lacks (e.g. edits that came from peers whose authors left)
      if (storeSV && aheadOfStore(storeSV)) {
        uploader.push(Y.encodeStateAsUpdate(doc, storeSV));
        await uploader.flush();
      }
    },
    destroy: () => teardown(true),
  };
  return connection;
}
