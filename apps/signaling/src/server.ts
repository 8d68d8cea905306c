import { createServer, type IncomingMessage, type Server as HttpServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { Server, type Socket } from 'socket.io';
import { createAdapter } from '@socket.io/redis-adapter';
import { Redis } from 'ioredis';
import { WebSocketServer, type WebSocket, type RawData } from 'ws';
import {
  AwarenessFrameIn,
  JoinRequest,
  MAX_SIGNAL_MESSAGE_BYTES,
  type MeshboardError,
  PresenceUpdate,
  RelayFrameIn,
  SignalClientMessage,
  SocketEvent,
  YMessageType,
  YSyncType,
  errorBody,
  limits,
  roomOf,
  toBytes,
  type ClientToServerEvents,
  type ErrorCode,
  type FailureBody,
  type JoinAck,
  type Presence,
  type PresenceMode,
  type PresenceUser,
  type Role,
  type ServerToClientEvents,
  type SignalServerMessage,
  type TokenClaims,
} from '@meshboard/protocol';
import { createLogger, healthBody, pathOnly, type Logger } from '@meshboard/service-kit';
import { TokenAuthority } from './auth.js';
import type { SignalingConfig } from './config.js';
import { createIceServersRoute } from './turn.js';
import { ClusterPresence } from './cluster.js';
import { createSignalingMetrics, type SignalingMetrics, type TrafficPath } from './metrics.js';
import { ConnectionBudget, HzGate, approxSize } from './rate.js';

export const STOCK_YWEBRTC_PATH = '/y-webrtc';
/** Repeated refusals in a row after which a flooding connection is cut. */
const MAX_STRIKES = 200;
/** Failed joins after which a connection is cut. */
const MAX_FAILED_JOINS = 5;
/** y-protocols awareness frames per second per connection (cursors at 30 Hz plus presence changes). */
const AWARENESS_SLACK = 1.5;
const MAX_AWARENESS_BYTES = 64 * 1024;
const SERVER_SIDE_WS_PUBLISH = 'mb:ws-publish';

interface SocketData {
  boardId?: string;
  claims?: TokenClaims;
  /** kept to re-check the generation while connected (never logged) */
  token?: string;
  role?: Role;
  user?: PresenceUser;
  clientId?: number;
  peerId?: string;
  mode?: PresenceMode;
  joined?: boolean;
}

type IoServer = Server<ClientToServerEvents, ServerToClientEvents, Record<string, (...args: unknown[]) => void>, SocketData>;
type IoSocket = Socket<ClientToServerEvents, ServerToClientEvents, Record<string, (...args: unknown[]) => void>, SocketData>;

interface WsPeer {
  ws: WebSocket;
  claims: TokenClaims;
  token: string;
  topics: Set<string>;
  budget: ConnectionBudget;
  lastMessage: number;
}

export interface SignalingServer {
  readonly io: IoServer;
  readonly http: HttpServer;
  readonly metrics: SignalingMetrics;
  readonly logger: Logger;
  /** listens on config.port/host (0 = ephemeral); resolves with the bound port */
  listen(): Promise<number>;
  readonly port: number;
  readonly url: string;
  close(): Promise<void>;
}

export function createSignalingServer(config: SignalingConfig, options: { logger?: Logger } = {}): SignalingServer {
  const logger = options.logger ?? createLogger('signaling');
  const wsPeers = new Set<WsPeer>();
  /** topic -> local stock-endpoint subscribers */
  const wsTopics = new Map<string, Set<WsPeer>>();
  const metrics = createSignalingMetrics(() => {
    let rooms = 0;
    for (const name of io.sockets.adapter.rooms.keys()) if (name.startsWith('board:')) rooms++;
    return { socketio: io.engine.clientsCount, ws: wsPeers.size, rooms };
  });
  const authority = new TokenAuthority(config.tokenSecret, config.persistenceUrl, config.generationCacheMs, logger, metrics);
  let redis: { pub: Redis; sub: Redis } | null = null;
  let cluster: ClusterPresence | null = null; // cluster.ts: presence of killed nodes' sockets

  const originAllowed = (origin: string | undefined): boolean =>
    config.allowedOrigins.length === 0 || origin === undefined || config.allowedOrigins.includes(origin);

  // ---------------------------------------------------------------- HTTP: health and metrics
  const iceServersRoute = createIceServersRoute({ turn: config.turn ?? null, authority, originAllowed, logger });
  const http = createServer((req: IncomingMessage, res: ServerResponse) => {
    if (iceServersRoute(req, res)) return;
    const path = pathOnly(req.url);
    if (req.method === 'GET' && path === '/healthz') {
      const checks: Record<string, boolean> = {};
      if (redis) checks.redis = redis.pub.status === 'ready' && redis.sub.status === 'ready';
      const { status, body } = healthBody('signaling', config.version, redis ? checks : undefined);
      res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
      return;
    }
    if (req.method === 'GET' && path === '/metrics') {
      metrics.registry
        .metrics()
        .then((text) => res.writeHead(200, { 'content-type': metrics.registry.contentType }).end(text))
        .catch(() => res.writeHead(500).end());
      return;
    }
    res.writeHead(404, { 'content-type': 'application/json' }).end(JSON.stringify(errorBody('not_found', 'no such route')));
  });
  http.headersTimeout = 10_000;
  http.requestTimeout = 30_000;

  // ---------------------------------------------------------------- Socket.IO
  const io: IoServer = new Server(http, {
    // Frames between maxFrameBytes and twice that get a `payload_too_large` failure from our own check;
    // only a frame beyond the hard transport cap closes the connection (the client resyncs on reconnect).
    maxHttpBufferSize: config.maxFrameBytes * 2,
    pingInterval: config.pingIntervalMs,
    pingTimeout: config.pingTimeoutMs,
    connectTimeout: config.handshakeTimeoutMs,
    perMessageDeflate: false,
    httpCompression: false,
    destroyUpgrade: false,
    serveClient: false,
    cors: { origin: config.allowedOrigins.length === 0 ? true : config.allowedOrigins, credentials: false },
    allowRequest: (req, callback) => {
      if (originAllowed(req.headers.origin)) return callback(null, true);
      metrics.rejected.inc({ reason: 'origin_not_allowed' });
      callback('origin_not_allowed', false);
    },
  });

  // Memory per idle connection (Socket.IO's own advice): engine.io keeps each session's first HTTP request
  // (IncomingMessage, headers, parser state) for its lifetime. Nothing here reads it after allowRequest, and
  // dropping it also leaves `socket.handshake` without the copied headers.
  io.engine.on('connection', (raw: { request: unknown }) => {
    raw.request = null;
  });

  const count = (type: string, path: TrafficPath, bytes: number) => {
    metrics.messages.inc({ type, path });
    metrics.bytes.inc({ type, path }, bytes);
  };
  const fail = (socket: IoSocket, code: ErrorCode, message: string, event?: string, ref?: string) => {
    metrics.rejected.inc({ reason: code });
    const body: FailureBody = { ...errorBody(code, message) };
    if (event) body.event = event;
    if (ref) body.ref = ref;
    socket.emit(SocketEvent.failure, body);
  };
  const presenceOf = (socket: { id: string; data: SocketData }): Presence => {
    const d = socket.data;
    const presence: Presence = { sid: socket.id, user: d.user!, role: d.role!, clientId: d.clientId!, mode: d.mode ?? 'connecting' };
    if (d.peerId) presence.peerId = d.peerId;
    return presence;
  };
  const peerRoom = (boardId: string, sid: string) => `peer:${boardId}:${sid}`;

  const knownEvents = new Set<string>([
    SocketEvent.join,
    SocketEvent.leave,
    SocketEvent.signal,
    SocketEvent.relay,
    SocketEvent.awareness,
    SocketEvent.presenceUpdate,
  ]);

  io.on('connection', (socket: IoSocket) => {
    const budget = new ConnectionBudget(config.rate);
    const awarenessGate = new HzGate(Math.ceil(limits.maxCursorHz * AWARENESS_SLACK));
    let failedJoins = 0;
    const handshake = setTimeout(() => {
      if (!socket.data.joined) {
        fail(socket, 'unauthorized', 'no board joined in time', SocketEvent.join);
        socket.disconnect(true);
      }
    }, config.handshakeTimeoutMs);

    // Every incoming packet: known event, inside the connection's budget.
    socket.use((packet, next) => {
      const [event, ...args] = packet as [string, ...unknown[]];
      if (!knownEvents.has(event)) {
        fail(socket, 'bad_request', `unknown event "${String(event).slice(0, 40)}"`, String(event).slice(0, 40));
        return;
      }
      const size = approxSize(args);
      if (event === SocketEvent.awareness) {
        // volatile by contract: over the cursor rate, frames are dropped (never edits)
        if (!awarenessGate.pass()) {
          metrics.rejected.inc({ reason: 'awareness_rate_dropped' });
          return;
        }
      } else if (!budget.take(size)) {
        const ref = event === SocketEvent.relay ? (args[0] as { ref?: unknown } | undefined)?.ref : undefined;
        fail(socket, 'rate_limited', 'too many messages or bytes on this connection; slow down and resync', event, typeof ref === 'string' ? ref : undefined);
        if (budget.strikes > MAX_STRIKES) {
          logger.warn({ sid: socket.id }, 'flooding connection cut');
          socket.disconnect(true);
        }
        return;
      }
      next();
    });

    socket.on(SocketEvent.join, async (raw: unknown, ack: unknown) => {
      count('join', 'control', approxSize(raw));
      const reply = (result: JoinAck) => {
        if (typeof ack === 'function') ack(result);
      };
      const refuse = (code: ErrorCode, message: string) => {
        fail(socket, code, message, SocketEvent.join);
        reply({ ok: false, error: { code, message } });
        if (++failedJoins >= MAX_FAILED_JOINS) socket.disconnect(true);
      };
      if (socket.data.joined) return refuse('bad_request', 'this connection already joined a board; open another connection');
      const parsed = JoinRequest.safeParse(raw);
      if (!parsed.success) return refuse('bad_request', `bad join request: ${parsed.error.issues[0]?.message ?? 'invalid'}`);
      const request = parsed.data;
      const auth = await authority.check(request.token, request.boardId);
      if (!auth.ok) return refuse(auth.error.code, auth.error.message);
      if (!socket.connected) return;
      const role = auth.claims.r;
      if (role === 'view' && request.peerId) return refuse('forbidden', 'view-only clients do not take part in WebRTC signaling');
      Object.assign(socket.data, {
        boardId: request.boardId,
        claims: auth.claims,
        token: request.token,
        role,
        user: request.user,
        clientId: request.clientId,
        mode: request.mode,
        joined: true,
        ...(request.peerId ? { peerId: request.peerId } : {}),
      } satisfies SocketData);
      clearTimeout(handshake);
      // Join the room BEFORE listing it: two clients joining at once (on two nodes, or one node awaiting
      // fetchSockets) would otherwise each list the room without the other and announce themselves to a room
      // the other is not in yet, and never see each other. This way each either lists the other or hears its
      // presence:join (possibly both; clients key presence by sid).
      await socket.join([roomOf.board(request.boardId), peerRoom(request.boardId, socket.id)]);
      let peers: Presence[] = [];
      try {
        const sockets = await io.in(roomOf.board(request.boardId)).fetchSockets();
        peers = sockets.filter((s) => s.id !== socket.id && s.data.joined).map((s) => presenceOf(s));
      } catch (error) {
        logger.warn({ err: (error as Error).message }, 'presence fetch failed; joining with a partial list');
      }
      socket.to(roomOf.board(request.boardId)).emit(SocketEvent.presenceJoin, presenceOf(socket));
      if (socket.connected) cluster?.track(socket.id, request.boardId);
      reply({
        ok: true,
        sid: socket.id,
        role,
        peers,
        limits: { maxFrameBytes: config.maxFrameBytes, relayChunkBytes: limits.relayChunkBytes, maxCursorHz: limits.maxCursorHz },
      });
    });

    const requireJoined = (event: string): SocketData | null => {
      if (!socket.data.joined) {
        fail(socket, 'unauthorized', 'join a board first', event);
        return null;
      }
      return socket.data;
    };

    socket.on(SocketEvent.leave, () => {
      count('leave', 'control', 0);
      socket.disconnect(true);
    });

    socket.on(SocketEvent.presenceUpdate, (raw: unknown) => {
      const data = requireJoined(SocketEvent.presenceUpdate);
      if (!data) return;
      const parsed = PresenceUpdate.safeParse(raw);
      if (!parsed.success) return fail(socket, 'bad_request', 'bad presence update', SocketEvent.presenceUpdate);
      count('presence', 'presence', approxSize(raw));
      if (parsed.data.peerId && data.role !== 'edit') return fail(socket, 'forbidden', 'view-only clients have no WebRTC peer id', SocketEvent.presenceUpdate);
      if (parsed.data.mode) data.mode = parsed.data.mode;
      if (parsed.data.user) data.user = parsed.data.user;
      if (parsed.data.peerId) data.peerId = parsed.data.peerId;
      socket.to(roomOf.board(data.boardId!)).emit(SocketEvent.presenceUpdate, presenceOf(socket));
    });

    socket.on(SocketEvent.awareness, (raw: unknown) => {
      const data = requireJoined(SocketEvent.awareness);
      if (!data) return;
      const parsed = AwarenessFrameIn.safeParse(raw);
      if (!parsed.success) return fail(socket, 'bad_request', 'an awareness frame is {data: binary, to?}', SocketEvent.awareness);
      const bytes = toBytes(parsed.data.data);
      if (bytes.byteLength > MAX_AWARENESS_BYTES) return fail(socket, 'payload_too_large', `awareness frames are at most ${MAX_AWARENESS_BYTES} bytes`, SocketEvent.awareness);
      count('awareness', 'presence', bytes.byteLength);
      const target = parsed.data.to ? peerRoom(data.boardId!, parsed.data.to) : roomOf.board(data.boardId!);
      socket.volatile.to(target).emit(SocketEvent.awareness, { from: socket.id, data: bytes });
    });

    socket.on(SocketEvent.relay, (raw: unknown) => {
      const data = requireJoined(SocketEvent.relay);
      if (!data) return;
      const parsed = RelayFrameIn.safeParse(raw);
      const rawRef = (raw as { ref?: unknown } | null)?.ref;
      const ref = typeof rawRef === 'string' ? rawRef.slice(0, 64) : undefined;
      if (!parsed.success) return fail(socket, 'bad_request', `bad relay frame: ${parsed.error.issues[0]?.message ?? 'invalid'}`, SocketEvent.relay, ref);
      const frame = parsed.data;
      const bytes = toBytes(frame.data);
      if (bytes.byteLength > config.maxFrameBytes) {
        return fail(socket, 'payload_too_large', `relay frames are at most ${config.maxFrameBytes} bytes: split into chunks of ${limits.relayChunkBytes}`, SocketEvent.relay, ref);
      }
      if (bytes.byteLength === 0) return fail(socket, 'bad_request', 'empty relay frame', SocketEvent.relay, ref);
      const first = !frame.chunk || frame.chunk.index === 0;
      let kind = 'chunk';
      if (first) {
        if (bytes[0] !== YMessageType.sync || bytes.byteLength < 2) {
          return fail(socket, 'bad_request', 'relay frames carry y-protocols sync messages (awareness goes in `awareness`)', SocketEvent.relay, ref);
        }
        const sub = bytes[1];
        kind = sub === YSyncType.step1 ? 'sync_step1' : sub === YSyncType.step2 ? 'sync_step2' : sub === YSyncType.update ? 'update' : '';
        if (!kind) return fail(socket, 'bad_request', 'unknown y-protocols sync message type', SocketEvent.relay, ref);
      }
      if (data.role !== 'edit' && (kind !== 'sync_step1' || frame.chunk)) {
        return fail(socket, 'forbidden', 'this board link is view-only: edits are not accepted', SocketEvent.relay, ref);
      }
      count(kind, 'relay', bytes.byteLength);
      const target = frame.to ? peerRoom(data.boardId!, frame.to) : roomOf.board(data.boardId!);
      const out: { from: string; data: Uint8Array; chunk?: typeof frame.chunk } = { from: socket.id, data: bytes };
      if (frame.chunk) out.chunk = frame.chunk;
      socket.to(target).emit(SocketEvent.relay, out as never);
    });

    socket.on(SocketEvent.signal, (raw: unknown) => {
      const data = requireJoined(SocketEvent.signal);
      if (!data) return;
      if (data.role !== 'edit') return fail(socket, 'forbidden', 'view-only clients receive the board through the relay, not WebRTC', SocketEvent.signal);
      const size = approxSize(raw);
      if (size > MAX_SIGNAL_MESSAGE_BYTES) return fail(socket, 'payload_too_large', 'signaling message too large', SocketEvent.signal);
      const parsed = SignalClientMessage.safeParse(raw);
      if (!parsed.success) return fail(socket, 'bad_request', 'not a y-webrtc signaling message', SocketEvent.signal);
      const message = parsed.data;
      count(message.type, 'signaling', size);
      const room = roomOf.signaling(data.boardId!);
      switch (message.type) {
        case 'ping':
          socket.emit(SocketEvent.signal, { type: 'pong' });
          return;
        case 'subscribe': {
          const mine = message.topics.filter((t) => t === data.boardId);
          if (mine.length !== message.topics.length) fail(socket, 'forbidden', 'a connection may only subscribe to its own board', SocketEvent.signal);
          if (mine.length > 0) void socket.join(room);
          return;
        }
        case 'unsubscribe':
          if (message.topics.includes(data.boardId!)) void socket.leave(room);
          return;
        case 'publish':
          if (message.topic !== data.boardId || !socket.rooms.has(room)) {
            return fail(socket, 'forbidden', 'publish only to your own, subscribed board', SocketEvent.signal);
          }
          publish(message.topic, message.data);
          return;
      }
    });

    socket.on('disconnect', () => {
      clearTimeout(handshake);
      cluster?.untrack(socket.id);
      if (socket.data.joined && socket.data.boardId) {
        io.to(roomOf.board(socket.data.boardId)).emit(SocketEvent.presenceLeave, { sid: socket.id });
      }
    });
  });

  /** Fan a y-webrtc publish out to every subscriber of the topic, on both endpoints and every node. */
  const publish = (topic: string, data: unknown) => {
    const room = roomOf.signaling(topic);
    const local = (io.sockets.adapter.rooms.get(room)?.size ?? 0) + (wsTopics.get(topic)?.size ?? 0);
    const message: SignalServerMessage = { type: 'publish', topic, data, clients: local };
    io.to(room).emit(SocketEvent.signal, message);
    deliverToWs(topic, message);
    if (redis) io.serverSideEmit(SERVER_SIDE_WS_PUBLISH, topic, message);
  };
  const deliverToWs = (topic: string, message: SignalServerMessage) => {
    const subscribers = wsTopics.get(topic);
    if (!subscribers) return;
    const text = JSON.stringify(message);
    for (const peer of subscribers) if (peer.ws.readyState === peer.ws.OPEN) peer.ws.send(text);
  };
  io.on(SERVER_SIDE_WS_PUBLISH, (topic: unknown, message: unknown) => {
    if (typeof topic === 'string') deliverToWs(topic, message as SignalServerMessage);
  });

  // ---------------------------------------------------------------- stock y-webrtc endpoint (plain WebSocket)
  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_SIGNAL_MESSAGE_BYTES, perMessageDeflate: false });
  const refuseUpgrade = (socket: Duplex, status: number, code: ErrorCode, message: string) => {
    metrics.rejected.inc({ reason: code });
    const body = JSON.stringify(errorBody(code, message));
    socket.end(
      `HTTP/1.1 ${status} ${code}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
    );
  };
  http.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (url.pathname.startsWith('/socket.io')) return; // engine.io's own upgrade listener handles it
    if (url.pathname !== STOCK_YWEBRTC_PATH) return refuseUpgrade(socket, 404, 'not_found', 'no such endpoint');
    if (!originAllowed(req.headers.origin)) return refuseUpgrade(socket, 403, 'origin_not_allowed', 'origin not allowed');
    socket.on('error', () => socket.destroy());
    void authority.check(url.searchParams.get('token') ?? undefined).then((auth) => {
      if (socket.destroyed) return;
      if (!auth.ok) return refuseUpgrade(socket, auth.error.status, auth.error.code, auth.error.message);
      if (auth.claims.r !== 'edit') {
        return refuseUpgrade(socket, 403, 'forbidden', 'view-only links receive the board through the relay, not WebRTC');
      }
      const token = url.searchParams.get('token') ?? '';
      wss.handleUpgrade(req, socket, head, (ws) => onStockClient(ws, auth.claims, token));
    });
  });

  const onStockClient = (ws: WebSocket, claims: TokenClaims, token: string) => {
    const peer: WsPeer = { ws, claims, token, topics: new Set(), budget: new ConnectionBudget(config.rate), lastMessage: Date.now() };
    wsPeers.add(peer);
    const send = (message: SignalServerMessage) => {
      if (ws.readyState === ws.OPEN) ws.send(JSON.stringify(message));
    };
    const reject = (code: ErrorCode, message: string) => {
      metrics.rejected.inc({ reason: code });
      send({ type: 'error', code, message });
    };
    ws.on('message', (raw: RawData, isBinary: boolean) => {
      peer.lastMessage = Date.now();
      const size = Array.isArray(raw) ? raw.reduce((n, b) => n + b.length, 0) : (raw as Buffer).byteLength;
      if (!peer.budget.take(size)) {
        reject('rate_limited', 'too many messages');
        if (peer.budget.strikes > MAX_STRIKES) ws.close(4429, 'rate limited');
        return;
      }
      if (isBinary) return reject('bad_request', 'y-webrtc signaling is JSON text');
      let json: unknown;
      try {
        json = JSON.parse(raw.toString());
      } catch {
        return reject('bad_request', 'malformed JSON');
      }
      const parsed = SignalClientMessage.safeParse(json);
      if (!parsed.success) return reject('bad_request', 'unknown signaling message');
      const message = parsed.data;
      count(message.type, 'signaling', size);
      switch (message.type) {
        case 'ping':
          return send({ type: 'pong' });
        case 'subscribe':
          for (const topic of message.topics) {
            if (topic !== claims.b) {
              reject('forbidden', 'this token is for another board');
              continue;
            }
            peer.topics.add(topic);
            let set = wsTopics.get(topic);
            if (!set) wsTopics.set(topic, (set = new Set()));
            set.add(peer);
          }
          return;
        case 'unsubscribe':
          for (const topic of message.topics) {
            peer.topics.delete(topic);
            wsTopics.get(topic)?.delete(peer);
          }
          return;
        case 'publish':
          if (message.topic !== claims.b || !peer.topics.has(message.topic)) return reject('forbidden', 'publish only to your own, subscribed board');
          publish(message.topic, message.data);
          return;
      }
    });
    ws.on('error', () => ws.terminate());
    ws.on('close', () => {
      wsPeers.delete(peer);
      for (const topic of peer.topics) {
        const set = wsTopics.get(topic);
        set?.delete(peer);
        if (set && set.size === 0) wsTopics.delete(topic);
      }
    });
  };

  // Idle stock clients (they ping every 15 s) and revoked tokens on live connections.
  const sweeper = setInterval(() => {
    const now = Date.now();
    for (const peer of wsPeers) if (now - peer.lastMessage > config.idleTimeoutMs) peer.ws.terminate();
  }, Math.min(config.idleTimeoutMs, 5000));
  sweeper.unref();
  const revalidator = setInterval(() => void revalidate(), config.revalidateIntervalMs);
  revalidator.unref();
  const revalidate = async () => {
    const byKey = new Map<string, { token: string; kick: Array<(error: MeshboardError) => void> }>();
    const add = (claims: TokenClaims, token: string, kick: (error: MeshboardError) => void) => {
      const key = `${claims.b}:${claims.g}`;
      const entry = byKey.get(key) ?? { token, kick: [] };
      entry.kick.push(kick);
      byKey.set(key, entry);
    };
    for (const socket of io.sockets.sockets.values()) {
      const { claims, token } = socket.data;
      if (!claims || !token) continue;
      add(claims, token, (error) => {
        fail(socket, error.code, error.message);
        socket.disconnect(true);
      });
    }
    for (const peer of wsPeers) add(peer.claims, peer.token, () => peer.ws.close(4401, 'token revoked'));
    for (const { token, kick } of byKey.values()) {
      const result = await authority.check(token);
      if (!result.ok && (result.error.code === 'token_revoked' || result.error.code === 'board_not_found')) {
        for (const k of kick) k(result.error);
      }
    }
  };

  // ---------------------------------------------------------------- lifecycle
  let boundPort = 0;
  const server: SignalingServer = {
    io,
    http,
    metrics,
    logger,
    get port() {
      return boundPort;
    },
    get url() {
      return `http://${config.host === '0.0.0.0' ? '127.0.0.1' : config.host}:${boundPort}`;
    },
    async listen() {
      if (config.redisUrl) {
        const pub = new Redis(config.redisUrl, { maxRetriesPerRequest: null, lazyConnect: true });
        const sub = pub.duplicate();
        pub.on('error', (error) => logger.warn({ err: error.message }, 'redis (pub) error'));
        sub.on('error', (error) => logger.warn({ err: error.message }, 'redis (sub) error'));
        await Promise.all([pub.connect(), sub.connect()]);
        redis = { pub, sub };
        io.adapter(createAdapter(pub, sub, { requestsTimeout: 3000, key: 'meshboard-signaling' }));
        cluster = new ClusterPresence(pub, {
          onDeadSocket: (boardId, sid) => io.to(roomOf.board(boardId)).emit(SocketEvent.presenceLeave, { sid }),
          onRevived: (sids) => {
            for (const s of sids.map((sid) => io.sockets.sockets.get(sid))) if (s?.data.joined) s.to(roomOf.board(s.data.boardId!)).emit(SocketEvent.presenceJoin, presenceOf(s));
          },
        }, logger);
        await cluster.start();
      }
      await new Promise<void>((resolve, reject) => {
        http.once('error', reject);
        http.listen(config.port, config.host, () => {
          http.off('error', reject);
          resolve();
        });
      });
      boundPort = (http.address() as AddressInfo).port;
      logger.info({ port: boundPort, host: config.host, redis: Boolean(config.redisUrl) }, 'signaling listening');
      return boundPort;
    },
    async close() {
      clearInterval(sweeper);
      clearInterval(revalidator);
      for (const peer of wsPeers) peer.ws.terminate();
      wss.close();
      await new Promise<void>((resolve) => io.close(() => resolve()));
      http.closeAllConnections?.();
      await cluster?.stop();
      cluster = null;
      if (redis) {
        await Promise.allSettled([redis.pub.quit(), redis.sub.quit()]);
        redis = null;
      }
    },
  };
  return server;
}

