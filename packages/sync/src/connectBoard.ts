import * as Y from 'yjs';
import * as awarenessProtocol from 'y-protocols/awareness';
import { io, type Socket } from 'socket.io-client';
import {
  MeshboardError,
  SocketEvent,
  newJoinSession,
  limits,
  peekTokenClaims,
  accessRoleOf,
  toBytes,
  type AwarenessFrameOut,
  type ClientToServerEvents,
  type FailureBody,
  type JoinAck,
  type Presence,
  type PresenceMode,
  type Role,
  type ServerToClientEvents,
} from '@meshboard/protocol';
import { StoreClient, isFatalStoreError, toMeshboardError } from './store-client.js';
import { Timers } from './Timers.js';
import { DurableUploader } from './DurableUploader.js';
import { AntiEntropy } from './AntiEntropy.js';
import { RelayTransport } from './RelayTransport.js';
import { RelayAwareness } from './RelayAwareness.js';
import { RelaySync } from './RelaySync.js';
import { PeerTable } from './PeerTable.js';
import { P2PProvider } from './P2PProvider.js';
import { StuckConnectionRecovery } from './StuckConnectionRecovery.js';
import { CursorThrottle } from './CursorThrottle.js';
import { LiveAwareness } from './LiveAwareness.js';
import { refuseRevokedPeers } from './revocation.js';
import { BlobClient } from './BlobClient.js';
import { OfflineCopy } from './OfflineCopy.js';
import {
  PRESENCE_ORIGIN,
  RELAY_ORIGIN,
  STORE_ORIGIN,
  type BoardConnection,
  type ConnectBoardOptions,
  type ConnectionStatus,
  type SignalingState,
  type StoreState,
} from './types.js';

/**
 * Own changes at least this big are sent through the relay to everyone as well as over the data channels.
 * Chromium hands the first multi-MB burst on a new data channel over slowly: 5 MiB took 0.7-5.5 s on loopback
 * with plain RTCDataChannels and no Meshboard code (a 2 MiB first burst 0.3-0.7 s, later bursts ~0.25 s).
 * Changes this big are rare (pastes of thousands of shapes, imports; images are blobs, restores already go to
 * everyone); the data-channel copy still arrives, so a big paste also travels while signaling is down.
 */
export const BIG_UPDATE_RELAY_BYTES = 1024 * 1024;

const FATAL_JOIN = new Set(['unauthorized', 'forbidden', 'token_revoked', 'board_not_found', 'not_found', 'origin_not_allowed']);

let connectionCounter = 0;

/**
 * Composes one board connection: the durable uploader and anti-entropy with the store, the Socket.IO
 * connection (join, presence, relay), the y-webrtc provider and its stuck-connection recovery, and status.
 * Each part lives in its own file; this function only wires them and owns the lifecycle.
 */
export function connectBoard(boardId: string, token: string, options: ConnectBoardOptions): BoardConnection {
  const doc = options.doc ?? new Y.Doc();
  let role: Role = accessRoleOf(peekTokenClaims(token)?.r ?? 'view'); // an owner link edits
  const deadline = options.p2pDeadlineMs ?? 3000;
  const store = new StoreClient(options.storeUrl, options.fetch ? { fetch: options.fetch } : {});
  const awareness = new awarenessProtocol.Awareness(doc);
  awareness.setLocalState({ user: options.user, cursor: null, selection: [] });
  const timers = new Timers();
  const later = (fn: () => void, ms: number) => timers.later(fn, ms);
  const connectionId = `${Date.now().toString(36)}${(++connectionCounter).toString(36)}${Math.random().toString(36).slice(2, 8)}`;

  const listeners = new Set<(s: ConnectionStatus) => void>();
  let signaling: SignalingState = 'connecting';
  let storeState: StoreState = 'syncing';
  let destroyed = false;
  let joined = false;
  let lastStatusJson = '';
  let myMode: PresenceMode = 'connecting';
  let storeRefusal: ConnectionStatus['storeRefusal'] = null;
  let p2p: P2PProvider | null = null;

  // ------------------------------------------------------------------ status
  /** the last computed modes; `status()` recomputes them first (see refreshModes) */
  const snapshot = (): ConnectionStatus => ({
    signaling,
    store: storeState,
    pendingUploadBytes: uploader.pendingBytes(),
    storeRefusal,
    peers: peerTable.snapshot(),
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

  const fatal = (error: MeshboardError) => {
    storeState = 'error';
    if (!seededSettled) seededReject(error);
    emitStatus();
    void teardown(false);
  };

  // ------------------------------------------------------------------ durable path and anti-entropy
  const uploader = new DurableUploader(
    {
      append: (update) => store.appendUpdate(boardId, token, update),
      canUpload: () => role === 'edit',
      stopped: () => destroyed,
      onQueued: () => {
        if (storeState === 'synced') storeState = 'syncing';
        emitStatus();
      },
      onAcked: (ack, more) => {
        storeRefusal = null;
        antiEntropy.storeSV = ack.stateVectorBytes;
        if (storeState !== 'error') storeState = more ? 'syncing' : 'synced';
        emitStatus();
      },
      onOffline: (error) => {
        storeState = 'offline';
        // the store answered and said no (HTTP 4xx/5xx with a code): unlike a network failure, waiting may not help
        storeRefusal = error.code === 'internal' || error.code === 'unavailable' ? null : { code: error.code, message: error.message };
        emitStatus();
      },
      onFatal: fatal,
      later,
    },
    options.uploadDelayMs ?? 100,
  );
  const antiEntropy = new AntiEntropy(doc, {
    getDiff: (sv) => store.getDiff(boardId, token, sv),
    canUpload: () => role === 'edit',
    upload: (update) => uploader.push(update),
    stopped: () => destroyed,
    onAnswered: () => {
      if (storeState !== 'error') storeState = uploader.idle() ? 'synced' : 'syncing';
      emitStatus();
    },
    onOffline: () => {
      storeState = 'offline';
      emitStatus();
    },
    onFatal: fatal,
  });
  const runAntiEntropy = () => void antiEntropy.run();

  // ------------------------------------------------------------------ relay
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
  const relay = new RelayTransport(connectionId, {
    canSend: () => socket.connected && joined,
    emit: (frame) => socket.emit(SocketEvent.relay, frame),
    onMessage: (from, message) => relaySync.receive(from, message),
    later,
  });
  const relaySync = new RelaySync(doc, {
    send: (message, to) => relay.send(message, to),
    canAnswer: () => role === 'edit',
  });
  const relayAwareness = new RelayAwareness(awareness, {
    joined: () => joined,
    emit: (frame, volatile) => (volatile ? socket.volatile : socket).emit(SocketEvent.awareness, frame),
    hasRelayPeers: () => peerTable.relayTargets().length > 0,
    later,
  });
  const sendAwareness = (to?: string) => relayAwareness.send(to);

  const onDocUpdate = (update: Uint8Array, _origin: unknown, _doc: Y.Doc, tr: Y.Transaction) => {
    if (!tr.local) return; // remote data (peers, relay, store, indexeddb) is not ours to upload or relay
    uploader.push(update);
    if (update.byteLength >= BIG_UPDATE_RELAY_BYTES && peerTable.peers.size > 0) {
      // a big change also goes to direct neighbours through the relay; whichever copy lands first is applied
      // (README "Big messages on the data channels", the measurement behind it)
      relaySync.sendUpdate(update, 'all');
      return;
    }
    const targets = peerTable.relayTargets();
    if (targets.length > 0) relaySync.sendUpdate(update, targets);
  };
  doc.on('update', onDocUpdate);

  // ------------------------------------------------------------------ peers and modes
  const peerTable = new PeerTable(
    {
      role: () => role,
      signaling: () => signaling,
      hasP2P: () => p2p !== null,
      p2pConnected: (peerId) => p2p?.isConnected(peerId) ?? false,
      expectsP2P: (peerId) => p2p?.expectsConnection(peerId) ?? false,
    },
    deadline,
  );
  const refreshModes = () => {
    p2p?.topology.update(p2p.peerId, peerTable.presentEditorPeerIds());
    const { entering, mine } = peerTable.refresh();
    // full state-vector exchange with every peer that now depends on the relay
    for (const sid of entering) {
      if (role === 'edit' || peerTable.peers.get(sid)?.presence.role === 'edit') relaySync.sendStep1([sid]);
      if (role === 'edit') sendAwareness(sid);
    }
    if (mine !== myMode && joined) {
      myMode = mine;
      socket.emit(SocketEvent.presenceUpdate, { mode: mine });
    }
    emitStatus();
  };

  // ------------------------------------------------------------------ P2P (editors only)
  const recovery = new StuckConnectionRecovery(
    peerTable,
    {
      provider: () => p2p?.provider ?? null,
      close: (conn) => p2p?.closeConnection(conn),
      offer: (peerId) => p2p?.offerConnection(peerId),
      signalingUp: () => signaling === 'connected' && joined,
      isEditor: () => role === 'edit',
      announce: (peerId) => socket.emit(SocketEvent.signal, { type: 'publish', topic: boardId, data: { type: 'announce', from: peerId } } as never),
      stopped: () => destroyed,
      expectsConnection: (peerId) => p2p?.expectsConnection(peerId) ?? true,
      later,
    },
    deadline,
  );
  const startProvider = () => {
    if (p2p || role !== 'edit' || options.disableP2P || destroyed) return;
    p2p = new P2PProvider(
      {
        boardId,
        doc,
        awareness,
        connectionId,
        ...(options.iceServers ? { iceServers: options.iceServers } : {}),
        ...(options.rtcConfiguration ? { rtcConfiguration: options.rtcConfiguration } : {}),
        ...(options.wrtc ? { wrtc: options.wrtc } : {}),
        ...(options.maxDirectPeers ? { maxDirectPeers: options.maxDirectPeers } : {}),
      },
      {
        signalingReady: () => socket.connected && joined && role === 'edit',
        sendSignal: (message) => socket.emit(SocketEvent.signal, message as never),
        onConnection: (conn) => recovery.track(conn),
        onConnected: (conn) => {
          recovery.connected(conn);
          if (!destroyed) refreshModes();
        },
        onPeersChanged: refreshModes,
        remoteFrames: (peerId) => peerTable.isMeshboardPeer(peerId),
        presentEditors: () => peerTable.presentEditorPeerIds(),
      },
    );
  };

  // ------------------------------------------------------------------ Socket.IO connection
  /** proves to the server that a reconnect is this tab (see JoinRequest.session); never shown to anyone */
  const joinSession = newJoinSession();
  /** sids whose presence:leave arrived between our join request and its ack (the ack may still list them) */
  let leftSinceJoin = new Set<string>();
  const join = () => {
    const peerId = p2p?.peerId;
    // The presence list of this connection starts at the request, not at the ack: once the server has put us in
    // the room it announces us and lists the room, and a peer joining on another process at that moment may be
    // heard through presence:join before our ack arrives without being in the ack's list. Clearing at the ack
    // lost such a peer for good (seen with 12 clients joining at once across two signaling processes).
    peerTable.clear();
    leftSinceJoin = new Set();
    const request = {
      boardId,
      token,
      user: options.user,
      clientId: doc.clientID,
      mode: myMode,
      session: joinSession,
      ...(peerId ? { peerId } : {}),
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
      peerTable.mySid = ack.sid;
      role = ack.role;
      signaling = 'connected';
      for (const presence of ack.peers) {
        // what presence:join/update told us since the request is newer than the ack's list
        if (!leftSinceJoin.has(presence.sid) && !peerTable.peers.has(presence.sid)) peerTable.upsert(presence);
      }
      leftSinceJoin = new Set();
      p2p?.openSignaling();
      // after any (re)join: full state-vector exchange with everyone who can answer, and with the store
      relaySync.sendStep1('all');
      sendAwareness();
      runAntiEntropy();
      refreshModes();
      p2p?.maintain();
    });
  };

  const onFailure = (failure: FailureBody) => {
    if (relay.onFailure(failure)) return;
    if (failure.event === SocketEvent.join && FATAL_JOIN.has(failure.error.code)) return; // handled by the ack
    if (failure.error.code === 'token_revoked' || failure.error.code === 'board_not_found') {
      fatal(new MeshboardError(failure.error.code, failure.error.message));
    }
  };

  socket.on('connect', join);
  socket.on('disconnect', () => {
    joined = false;
    if (!destroyed) signaling = 'connecting';
    p2p?.dropSignaling();
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
  socket.on(SocketEvent.signal, (message) => p2p?.deliverSignal(message));
  socket.on(SocketEvent.presenceJoin, (presence: Presence) => {
    peerTable.upsert(presence);
    // the newcomer asked everyone with its step 1; ask it with ours so the exchange is two-way
    if (role === 'edit' && presence.role === 'edit') relaySync.sendStep1([presence.sid]);
    refreshModes();
    p2p?.maintain();
  });
  socket.on(SocketEvent.presenceUpdate, (presence: Presence) => {
    peerTable.upsert(presence);
    refreshModes();
  });
  socket.on(SocketEvent.presenceLeave, ({ sid }) => {
    if (!joined) leftSinceJoin.add(sid);
    const entry = peerTable.remove(sid);
    if (!entry) return;
    // a clientId is a claim, not an identity: keep the cursor while another live connection still holds it
    if (!peerTable.holdsClientId(entry.presence.clientId)) {
      awarenessProtocol.removeAwarenessStates(awareness, [entry.presence.clientId], PRESENCE_ORIGIN);
    }
    refreshModes();
    p2p?.maintain();
  });
  socket.on(SocketEvent.relay, (frame) => relay.receive(frame));
  socket.on(SocketEvent.peersRevoked, (message) => refuseRevokedPeers(p2p?.provider ?? null, message));
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
    if (mine) relayAwareness.changed();
  };
  awareness.on('update', onAwarenessUpdate);

  const modeTimer = setInterval(() => {
    p2p?.hookConnections();
    p2p?.maintain();
    recovery.reap();
    refreshModes();
  }, 250);
  const antiEntropyTimer = setInterval(runAntiEntropy, (options.antiEntropyIntervalMs ?? 15_000) * (0.8 + Math.random() * 0.4));
  const sweepTimer = setInterval(() => relay.sweep(), 5000);

  // browser niceties
  const win = (globalThis as { window?: Window }).window;
  const onPageHide = () => {
    const rest = uploader.takeAll();
    if (rest && role === 'edit') store.beaconUpdate(boardId, token, rest);
    // leaving: everyone drops our cursor and presence now, not after the awareness or WebRTC timeouts
    // (peers over WebRTC hear the removal from y-webrtc, the relay from onAwarenessUpdate, presence from leave)
    if (!destroyed && joined) {
      stateBeforeHide = awareness.getLocalState();
      awareness.setLocalState(null);
      sendAwareness();
      socket.emit(SocketEvent.leave);
    }
  };
  // a page kept in the back/forward cache and shown again: come back (the server ended our connection on leave)
  let stateBeforeHide: Record<string, unknown> | null = null;
  const onPageShow = (event: Event) => {
    if (destroyed || !(event as PageTransitionEvent).persisted) return;
    if (stateBeforeHide && !awareness.getLocalState()) awareness.setLocalState(stateBeforeHide);
    stateBeforeHide = null;
    if (!socket.connected) socket.connect();
  };
  win?.addEventListener('pagehide', onPageHide);
  win?.addEventListener('pageshow', onPageShow);
  win?.addEventListener('online', runAntiEntropy);

  // ------------------------------------------------------------------ start: local cache, store, then signaling
  // editors' local copy (y-indexeddb): off the first-frame path when the store answers (OfflineCopy.ts)
  const offlineCopy =
    options.offline && OfflineCopy.available()
      ? new OfflineCopy(`meshboard:${boardId}`, doc, (restored) => {
          if (destroyed) return;
          // edits made offline in an earlier session: to the store and to everyone on the board now
          if (restored && role === 'edit') {
            uploader.push(restored);
            relaySync.sendUpdate(restored, 'all');
          }
          runAntiEntropy();
        })
      : null;
  const start = async () => {
    // y-webrtc's room opens now, while the doc is still empty: its BroadcastChannel hello then carries an
    // empty state instead of re-encoding the whole board (another tab of this browser that has the board
    // answers with what it has).
    startProvider();
    let attempt = 0;
    while (!destroyed) {
      try {
        const state = await store.getState(boardId, token);
        if (destroyed) return;
        // the board's first state: not ours to upload or relay (onDocUpdate ignores it, y-webrtc is told to),
        // so with both listeners off Yjs never re-encodes it (P2PProvider.withoutBroadcast)
        doc.off('update', onDocUpdate);
        try {
          const seed = () => Y.applyUpdate(doc, state.update, STORE_ORIGIN);
          if (p2p) p2p.withoutBroadcast(seed);
          else seed();
        } finally {
          if (!destroyed) doc.on('update', onDocUpdate);
        }
        antiEntropy.storeSV = state.stateVector ?? Y.encodeStateVector(doc);
        storeState = 'synced';
        seededResolve();
        // upload what we have and the store lacks (offline work, edits made before seeding)
        antiEntropy.uploadMissing();
        emitStatus();
        offlineCopy?.openLater();
        break;
      } catch (error) {
        const err = toMeshboardError(error);
        if (isFatalStoreError(err)) return fatal(err);
        storeState = 'offline';
        emitStatus();
        // never stuck: the store being down must not keep us off the live board; this browser's copy is the
        // board meanwhile
        if (attempt === 0 && offlineCopy) await offlineCopy.open();
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
    // and the ICE servers, when the caller is still minting TURN credentials: no negotiation starts without them
    void Promise.all([p2p?.whenRoomReady(), options.iceServersReady?.catch(() => undefined)]).then(() => {
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
    timers.clear();
    win?.removeEventListener('pagehide', onPageHide);
    win?.removeEventListener('pageshow', onPageShow);
    win?.removeEventListener('online', runAntiEntropy);
    awareness.setLocalState(null);
    if (joined) {
      // let peers drop our cursor now rather than after the awareness timeout
      sendAwareness();
      socket.emit(SocketEvent.leave);
    }
    doc.off('update', onDocUpdate);
    awareness.off('update', onAwarenessUpdate);
    p2p?.destroy();
    p2p = null;
    socket.disconnect();
    signaling = 'offline';
    await offlineCopy?.destroy();
    awareness.destroy();
  };

  // live fields (cursor, drafts, laser, viewport) share one bounded stream of awareness frames
  const liveFields = new LiveAwareness((patch) => {
    if (destroyed) return;
    const current = awareness.getLocalState();
    if (current) awareness.setLocalState({ ...current, ...patch });
  }, later);
  const cursor = new CursorThrottle(limits.maxCursorHz, (point) => liveFields.set('cursor', point), later);

  return {
    boardId,
    doc,
    get role() {
      return role;
    },
    awareness,
    blobs,
    get provider() {
      return p2p?.provider ?? null;
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
    setCursor: (point) => cursor.set(point),
    setSelection(ids) {
      if (!destroyed) awareness.setLocalStateField('selection', [...ids]);
    },
    setLive: (field, value) => liveFields.set(field, value),
    setPresent(request) {
      if (!destroyed) liveFields.now({ present: request });
    },
    setUser(user) {
      if (destroyed) return;
      options.user = { ...user };
      // awareness reaches peers at once (WebRTC and relay); presence (the server's list) follows
      liveFields.now({ user: { id: user.id, name: user.name, color: user.color } });
      if (joined) socket.emit(SocketEvent.presenceUpdate, { user: { id: user.id, name: user.name, color: user.color } });
    },
    whenSeeded: () => seeded,
    async flush() {
      if (role !== 'edit') return;
      await uploader.flush();
      // and anything the store still lacks (e.g. edits or deletes that came from peers whose authors left)
      await antiEntropy.run();
      await uploader.flush();
    },
    destroy: () => teardown(true),
  };
}
