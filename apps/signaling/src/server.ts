import { createServer, type IncomingMessage, type Server as HttpServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { Server } from 'socket.io';
import { createAdapter } from '@socket.io/redis-adapter';
import { Redis } from 'ioredis';
import { SocketEvent, errorBody, limits, roomOf, type SignalServerMessage, type YWebrtcData } from '@meshboard/protocol';
import { createLogger, healthBody, pathOnly, type Logger } from '@meshboard/service-kit';
import { TokenAuthority } from './auth.js';
import type { SignalingConfig } from './config.js';
import { CursorBatches } from './cursor-batches.js';
import { PeerIdClaims, clientIp, type Hub, type IoServer } from './hub.js';
import { createSignalingMetrics, type SignalingMetrics } from './metrics.js';
import { ConnectionLimits, IpLimits } from './rate.js';
import { PeerRevocations, type Checked } from './revocation.js';
import { kickSocket, onSocketConnection, presenceOf } from './socket-connection.js';
import { STOCK_YWEBRTC_PATH, createStockEndpoint } from './stock-endpoint.js';
import { createIceServersRoute } from './turn.js';
import { ClusterPresence } from './cluster.js';

export { STOCK_YWEBRTC_PATH };
/** Refusals within STRIKE_WINDOW_SECONDS after which a flooding connection is cut (accepted messages do not forgive). */
const MAX_STRIKES = 200;
const STRIKE_WINDOW_SECONDS = 10;
/** y-protocols awareness frames per second per connection (cursors at 30 Hz plus presence changes). */
const AWARENESS_SLACK = 1.5;
const SERVER_SIDE_WS_PUBLISH = 'mb:ws-publish';
const ADMITTED_IP = Symbol('meshboard:ip');

export interface SignalingServer {
  readonly io: IoServer;
  readonly http: HttpServer;
  readonly metrics: SignalingMetrics;
  readonly logger: Logger;
  /** listens on config.port/host (0 = ephemeral); resolves with the bound port */
  listen(): Promise<number>;
  readonly port: number;
  readonly url: string;
  /**
   * Re-checks every live (and recently closed) connection's token now, as the periodic revalidation does:
   * revoked ones are cut and their WebRTC peer ids announced. For operators and tests; runs on its own every
   * `SIGNALING_REVALIDATE_MS`.
   */
  revalidate(): Promise<void>;
  close(): Promise<void>;
}

export function createSignalingServer(config: SignalingConfig, options: { logger?: Logger } = {}): SignalingServer {
  const logger = options.logger ?? createLogger('signaling');
  const metrics = createSignalingMetrics(() => {
    let rooms = 0;
    for (const name of io.sockets.adapter.rooms.keys()) if (name.startsWith('board:')) rooms++;
    return { socketio: io.engine.clientsCount, ws: stock.size, rooms };
  });
  const authority = new TokenAuthority(config.tokenSecret, config.persistenceUrl, config.generationCacheMs, logger, metrics, config.failOpenMs);
  let redis: { pub: Redis; sub: Redis } | null = null;
  const ipLimits = new IpLimits(config.maxConnectionsPerIp, config.connectionsPerIpPerMinute);
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
      if (!originAllowed(req.headers.origin)) {
        metrics.rejected.inc({ reason: 'origin_not_allowed' });
        return callback('origin_not_allowed', false);
      }
      const ip = clientIp(req, config.trustProxy);
      ipLimits.admit(ip).then(
        (refused) => {
          if (refused) {
            metrics.rejected.inc({ reason: refused });
            return callback(refused, false);
          }
          (req as unknown as Record<symbol, string>)[ADMITTED_IP] = ip;
          callback(null, true);
        },
        () => callback(null, true),
      );
    },
  });

  io.engine.on('connection', (raw: { request: unknown; once(event: 'close', fn: () => void): void }) => {
    const ip = (raw.request as Record<symbol, string> | null)?.[ADMITTED_IP];
    if (ip) {
      ipLimits.opened(ip);
      raw.once('close', () => ipLimits.release(ip));
    }
    // Memory per idle connection (Socket.IO's own advice): engine.io keeps each session's first HTTP request
    // (IncomingMessage, headers, parser state) for its lifetime. Nothing here reads it after allowRequest, and
    // dropping it also leaves `socket.handshake` without the copied headers.
    raw.request = null;
  });

  const connectionLimits = new ConnectionLimits(config.rate, {
    strikes: MAX_STRIKES,
    strikeWindowSeconds: STRIKE_WINDOW_SECONDS,
    awarenessHz: Math.ceil(limits.maxCursorHz * AWARENESS_SLACK),
  });
  const revocations = new PeerRevocations(io, authority, metrics, logger, config.revalidateIntervalMs * 2 + 5_000);

  /** Fan a y-webrtc publish out to every subscriber of the topic, on both endpoints and every node. */
  const publish = (topic: string, data: YWebrtcData) => {
    const room = roomOf.signaling(topic);
    const local = (io.sockets.adapter.rooms.get(room)?.size ?? 0) + stock.subscribers(topic);
    const message: SignalServerMessage = { type: 'publish', topic, data, clients: local };
    io.to(room).emit(SocketEvent.signal, message);
    stock.deliver(topic, message);
    if (redis) io.serverSideEmit(SERVER_SIDE_WS_PUBLISH, topic, message);
  };

  // volatile: a receiver still writing the previous tick skips this one (the next carries newer positions)
  const cursors = new CursorBatches((room, update) => io.volatile.to(room).emit(SocketEvent.awareness, { data: update }), config.cursorBatchMs);
  const hub: Hub = {
    config,
    logger,
    metrics,
    authority,
    io,
    limits: connectionLimits,
    cursors,
    ipLimits,
    revocations,
    peerIds: new PeerIdClaims(),
    cluster: { track: (sid, boardId) => cluster?.track(sid, boardId), untrack: (sid) => cluster?.untrack(sid) },
    publish,
    rejected: (code) => metrics.rejected.inc({ reason: code }),
    disconnected: (reason) => metrics.disconnects.inc({ reason }),
    count: (type, path, bytes) => {
      metrics.messages.inc({ type, path });
      metrics.bytes.inc({ type, path }, bytes);
    },
  };
  const stock = createStockEndpoint(hub);

  io.on('connection', (socket) => onSocketConnection(hub, socket));
  // from another node over Redis (validated there); guarded all the same
  io.on(SERVER_SIDE_WS_PUBLISH, (topic: unknown, message: unknown) => {
    try {
      if (typeof topic === 'string') stock.deliver(topic, message as SignalServerMessage);
    } catch (error) {
      metrics.handlerErrors.inc({ event: SERVER_SIDE_WS_PUBLISH });
      logger.error({ err: (error as Error).message }, 'delivering a publish from another node failed; dropped');
    }
  });

  // ---------------------------------------------------------------- stock y-webrtc endpoint (plain WebSocket)
  http.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    let url: URL;
    try {
      url = new URL(req.url ?? '/', 'http://localhost');
    } catch {
      return socket.destroy();
    }
    if (url.pathname.startsWith('/socket.io')) return; // engine.io's own upgrade listener handles it
    const refuse = (status: number, code: string, message: string) => {
      metrics.rejected.inc({ reason: code });
      const body = JSON.stringify(errorBody(code as never, message));
      socket.end(`HTTP/1.1 ${status} ${code}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`);
    };
    if (url.pathname !== STOCK_YWEBRTC_PATH) return refuse(404, 'not_found', 'no such endpoint');
    if (!originAllowed(req.headers.origin)) return refuse(403, 'origin_not_allowed', 'origin not allowed');
    stock.upgrade(req, socket, head, url);
  });

  // Idle stock clients (they ping every 15 s) and revoked tokens on live connections.
  const sweeper = setInterval(() => stock.sweepIdle(Date.now()), Math.min(config.idleTimeoutMs, 5000));
  sweeper.unref();
  let revalidating: Promise<void> | null = null;
  const revalidate = (): Promise<void> => {
    revalidating ??= (async () => {
      const live: Checked[] = [...stock.checked()];
      for (const socket of io.sockets.sockets.values()) {
        const { claims, token, peerId } = socket.data;
        if (!claims || !token) continue;
        live.push({ claims, token, peerIds: peerId ? [peerId] : [], kick: (error) => kickSocket(socket, error.code, error.message) });
      }
      await revocations.revalidate(live);
    })()
      .catch((error: unknown) => logger.error({ err: (error as Error).message }, 'revalidation failed'))
      .finally(() => (revalidating = null));
    return revalidating;
  };
  const revalidator = setInterval(() => void revalidate(), config.revalidateIntervalMs);
  revalidator.unref();

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
    revalidate,
    async listen() {
      if (config.redisUrl) {
        const pub = new Redis(config.redisUrl, { maxRetriesPerRequest: null, lazyConnect: true });
        const sub = pub.duplicate();
        pub.on('error', (error) => logger.warn({ err: error.message }, 'redis (pub) error'));
        sub.on('error', (error) => logger.warn({ err: error.message }, 'redis (sub) error'));
        await Promise.all([pub.connect(), sub.connect()]);
        redis = { pub, sub };
        // one key per deployment: processes of another deployment on the same Redis are not part of fetchSockets
        io.adapter(createAdapter(pub, sub, { requestsTimeout: 3000, key: config.redisKey }));
        ipLimits.useRedis(pub, `${config.redisKey}:ip-connect`);
        cluster = new ClusterPresence(pub, {
          onDeadSocket: (boardId, sid) => io.to(roomOf.board(boardId)).emit(SocketEvent.presenceLeave, { sid }),
          onRevived: (sids) => {
            for (const s of sids.map((sid) => io.sockets.sockets.get(sid))) if (s?.data.joined) s.to(roomOf.board(s.data.boardId!)).emit(SocketEvent.presenceJoin, presenceOf(s));
          },
        }, logger, { prefix: `${config.redisKey}:presence` });
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
      stock.close();
      cursors.close();
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
