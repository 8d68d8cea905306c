import type { IncomingMessage } from 'node:http';
import type { Server, Socket } from 'socket.io';
import type { ClientToServerEvents, ErrorCode, PresenceMode, PresenceUser, Role, ServerToClientEvents, TokenClaims, YWebrtcData } from '@meshboard/protocol';
import type { Logger } from '@meshboard/service-kit';
import type { TokenAuthority } from './auth.js';
import type { SignalingConfig } from './config.js';
import type { CursorBatches } from './cursor-batches.js';
import type { SignalingMetrics } from './metrics.js';
import type { ConnectionLimits, IpLimits } from './rate.js';
import type { PeerRevocations } from './revocation.js';

/** What the service keeps per Socket.IO connection (visible across nodes through `fetchSockets`). */
export interface SocketData {
  boardId?: string;
  claims?: TokenClaims;
  /** kept to re-check the generation while connected (never logged) */
  token?: string;
  role?: Role;
  user?: PresenceUser;
  clientId?: number;
  /** the y-webrtc peer id this connection speaks for (bound once: join, presence or first publish) */
  peerId?: string;
  mode?: PresenceMode;
  joined?: boolean;
  /** sha-256 of the tab's join session (see JoinRequest.session): proves a reconnect is the same tab */
  sessionHash?: string;
  /** client IP as counted by the per-IP limits */
  ip?: string;
}

export type IoServer = Server<ClientToServerEvents, ServerToClientEvents, Record<string, (...args: unknown[]) => void>, SocketData>;
export type IoSocket = Socket<ClientToServerEvents, ServerToClientEvents, Record<string, (...args: unknown[]) => void>, SocketData>;

/** Why the service closed a connection (metric label). */
export type CutReason = 'flood' | 'failed_joins' | 'handshake_timeout' | 'revoked';

/** The parts of the service every connection handler uses. */
export interface Hub {
  config: SignalingConfig;
  logger: Logger;
  metrics: SignalingMetrics;
  authority: TokenAuthority;
  io: IoServer;
  limits: ConnectionLimits;
  /** cursor moves gathered per board and tick (cursor-batches.ts) */
  cursors: CursorBatches;
  ipLimits: IpLimits;
  revocations: PeerRevocations;
  peerIds: PeerIdClaims;
  /** which joined sockets live on this node, so other nodes can announce their leave if it dies (cluster.ts) */
  cluster: { track(sid: string, boardId: string): void; untrack(sid: string): void };
  /** fan a y-webrtc publish out to every subscriber of the topic, on both endpoints and every node */
  publish(topic: string, data: YWebrtcData): void;
  /** count one refused frame or connection */
  rejected(code: ErrorCode | string): void;
  count(type: string, path: 'relay' | 'signaling' | 'presence' | 'control', bytes: number): void;
  /** count one ended Socket.IO connection by Socket.IO's reason */
  disconnected(reason: string): void;
}

/** The client address the per-IP limits count: the socket's peer, or the proxy's last X-Forwarded-For hop. */
export function clientIp(req: IncomingMessage, trustProxy: boolean): string {
  if (trustProxy) {
    const header = req.headers['x-forwarded-for'];
    const hops = (Array.isArray(header) ? header.join(',') : (header ?? '')).split(',').map((h) => h.trim()).filter(Boolean);
    if (hops.length > 0) return hops[hops.length - 1]!.slice(0, 64);
  }
  return req.socket.remoteAddress ?? 'unknown';
}

/**
 * Which connection on this node speaks for each y-webrtc peer id of a board. A connection is bound to one peer
 * id (its join's, or its first publish's); a second connection claiming the same id is refused, so nobody can
 * announce or signal as another peer (that could steer the victim's negotiations or, with `peers:revoked`,
 * get an honest peer dropped). Across nodes, joins are checked through `fetchSockets`.
 */
export class PeerIdClaims {
  private readonly holders = new Map<string, object>();

  /** true when `holder` now holds the id; `force` takes it over (the same tab replacing its stale connection) */
  claim(boardId: string, peerId: string, holder: object, force = false): boolean {
    const key = `${boardId}:${peerId}`;
    const current = this.holders.get(key);
    if (current && current !== holder && !force) return false;
    this.holders.set(key, holder);
    return true;
  }

  release(boardId: string, peerId: string, holder: object): void {
    const key = `${boardId}:${peerId}`;
    if (this.holders.get(key) === holder) this.holders.delete(key);
  }
}
