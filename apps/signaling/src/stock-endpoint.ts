import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type RawData, type WebSocket } from 'ws';
import { MAX_SIGNAL_MESSAGE_BYTES, accessRoleOf, errorBody, parseSignalMessage, type ErrorCode, type SignalServerMessage, type TokenClaims } from '@meshboard/protocol';
import { createGuard } from './guard.js';
import { clientIp, type Hub } from './hub.js';
import type { Checked } from './revocation.js';
import { bindPeerId } from './socket-connection.js';

export const STOCK_YWEBRTC_PATH = '/y-webrtc';

/** One stock y-webrtc client on the plain-WebSocket endpoint. */
interface WsPeer {
  ws: WebSocket;
  key: string;
  claims: TokenClaims;
  token: string;
  topics: Set<string>;
  /** the y-webrtc peer id it publishes as (bound on its first publish) */
  peerId?: string;
  lastMessage: number;
  revoked: boolean;
}

/**
 * y-webrtc's own signaling protocol on `ws://host/y-webrtc?token=<edit token>` (same topic space as the
 * Socket.IO `signal` event: topic = board id). The token is checked on upgrade; every message then goes through
 * the same budget, bounds and strict schema as Socket.IO signaling, inside a guard.
 */
export function createStockEndpoint(hub: Hub) {
  const { config, logger, metrics, authority, limits: budget, ipLimits, peerIds } = hub;
  const peers = new Set<WsPeer>();
  /** topic -> local subscribers */
  const topics = new Map<string, Set<WsPeer>>();
  let counter = 0;
  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_SIGNAL_MESSAGE_BYTES, perMessageDeflate: false });

  const refuseUpgrade = (socket: Duplex, status: number, code: ErrorCode | string, message: string) => {
    hub.rejected(code);
    const body = JSON.stringify(errorBody(code as ErrorCode, message));
    socket.end(`HTTP/1.1 ${status} ${code}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`);
  };

  const upgrade = async (req: IncomingMessage, socket: Duplex, head: Buffer, url: URL) => {
    const ip = clientIp(req, config.trustProxy);
    const refusedIp = await ipLimits.admit(ip);
    if (socket.destroyed) return;
    if (refusedIp) return refuseUpgrade(socket, 429, 'rate_limited', refusedIp === 'too_many_connections' ? 'too many connections from this address' : 'connecting too fast');
    const token = url.searchParams.get('token') ?? undefined;
    const auth = await authority.check(token);
    if (socket.destroyed) return;
    if (!auth.ok) return refuseUpgrade(socket, auth.error.status, auth.error.code, auth.error.message);
    if (accessRoleOf(auth.claims.r) !== 'edit') return refuseUpgrade(socket, 403, 'forbidden', 'view-only links receive the board through the relay, not WebRTC');
    wss.handleUpgrade(req, socket, head, (ws) => onClient(ws, auth.claims, token!, ip));
  };

  const onClient = (ws: WebSocket, claims: TokenClaims, token: string, ip: string) => {
    ipLimits.opened(ip);
    const peer: WsPeer = { ws, key: `ws:${++counter}`, claims, token, topics: new Set(), lastMessage: Date.now(), revoked: false };
    peers.add(peer);
    const guard = createGuard(logger, metrics, peer.key);
    let cut = false;
    const send = (message: SignalServerMessage) => {
      if (ws.readyState === ws.OPEN) ws.send(JSON.stringify(message));
    };
    const reject = (code: ErrorCode, message: string) => {
      hub.rejected(code);
      send({ type: 'error', code, message });
    };
    const strike = async () => {
      if ((await budget.strike(peer.key)) && !cut) {
        cut = true;
        metrics.cut.inc({ reason: 'flood' });
        logger.warn({ connection: peer.key, ip }, 'flooding connection cut');
        ws.close(4429, 'rate limited');
      }
    };
    // one message at a time, in order (the limiter is asynchronous; see socket-connection.ts)
    let queue: Promise<void> = Promise.resolve();
    const onMessage = guard('message', async (raw: RawData, isBinary: boolean) => {
      if (cut) return;
      peer.lastMessage = Date.now();
      const bytes = Array.isArray(raw) ? Buffer.concat(raw) : raw instanceof ArrayBuffer ? Buffer.from(raw) : raw;
      const size = bytes.byteLength;
      if (!(await budget.take(peer.key, size))) {
        if (cut) return;
        reject('rate_limited', 'too many messages');
        return strike();
      }
      if (isBinary) return reject('bad_request', 'y-webrtc signaling is JSON text');
      let json: unknown;
      try {
        json = JSON.parse(bytes.toString('utf8')); // V8's JSON.parse is not recursive: deep text parses, then is bounded
      } catch {
        return reject('bad_request', 'malformed JSON');
      }
      const parsed = parseSignalMessage(json);
      if (!parsed.success) return reject('bad_request', `not a y-webrtc signaling message: ${parsed.error}`);
      const message = parsed.data;
      hub.count(message.type, 'signaling', size);
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
            let set = topics.get(topic);
            if (!set) topics.set(topic, (set = new Set()));
            set.add(peer);
          }
          return;
        case 'unsubscribe':
          for (const topic of message.topics) {
            peer.topics.delete(topic);
            topics.get(topic)?.delete(peer);
          }
          return;
        case 'publish': {
          if (message.topic !== claims.b || !peer.topics.has(message.topic)) return reject('forbidden', 'publish only to your own, subscribed board');
          const refused = bindPeerId(peer, message.data, peerIds, claims.b, peer);
          if (refused) return reject('forbidden', refused);
          hub.publish(message.topic, message.data);
          return;
        }
      }
    });
    ws.on('message', (raw: RawData, isBinary: boolean) => {
      queue = queue.then(() => onMessage(raw, isBinary));
    });
    ws.on('error', () => ws.terminate());
    ws.on('close', () => {
      peers.delete(peer);
      ipLimits.release(ip);
      if (peer.peerId) peerIds.release(claims.b, peer.peerId, peer);
      void budget.forget(peer.key);
      for (const topic of peer.topics) {
        const set = topics.get(topic);
        set?.delete(peer);
        if (set && set.size === 0) topics.delete(topic);
      }
      if (!peer.revoked && peer.peerId) hub.revocations.closed(claims, token, [peer.peerId]);
    });
  };

  return {
    /** handles an upgrade to the stock path (the caller checked the path and the origin) */
    upgrade: (req: IncomingMessage, socket: Duplex, head: Buffer, url: URL) => {
      socket.on('error', () => socket.destroy());
      upgrade(req, socket, head, url).catch((error: unknown) => {
        logger.error({ err: (error as Error).message }, 'stock endpoint upgrade failed');
        if (!socket.destroyed) socket.destroy();
      });
    },
    /** deliver a publish to this node's subscribers of the topic */
    deliver(topic: string, message: SignalServerMessage): void {
      const subscribers = topics.get(topic);
      if (!subscribers) return;
      const text = JSON.stringify(message);
      for (const peer of subscribers) if (peer.ws.readyState === peer.ws.OPEN) peer.ws.send(text);
    },
    subscribers: (topic: string) => topics.get(topic)?.size ?? 0,
    get size() {
      return peers.size;
    },
    /** stock clients silent for longer than the idle timeout (they ping every 15 s) */
    sweepIdle(now: number): void {
      for (const peer of peers) if (now - peer.lastMessage > config.idleTimeoutMs) peer.ws.terminate();
    },
    /** live connections for the revalidation */
    checked(): Checked[] {
      return [...peers].map((peer) => ({
        claims: peer.claims,
        token: peer.token,
        peerIds: peer.peerId ? [peer.peerId] : [],
        kick: () => {
          peer.revoked = true;
          metrics.cut.inc({ reason: 'revoked' });
          peer.ws.close(4401, 'token revoked');
        },
      }));
    },
    close(): void {
      for (const peer of peers) peer.ws.terminate();
      wss.close();
    },
  };
}
export type StockEndpoint = ReturnType<typeof createStockEndpoint>;
