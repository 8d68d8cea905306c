import { z } from 'zod';
import { FORWARD_BOUNDS, boundedJson, withinBounds } from './bounded.js';
import { ErrorCode } from './errors.js';
import { BoardId, bytesToBase64Url } from './ids.js';
import { limits } from './limits.js';
import { Role } from './token.js';

/**
 * Socket.IO events between a tab and `apps/signaling`: join/leave, presence and cursors, y-webrtc signaling,
 * relay frames and errors. Owned by the realtime work (issue 3): every event is defined here, once.
 *
 * One Socket.IO connection per tab and board. Flow:
 *   1. connect (any transport; long-polling works through proxies that block WebSocket)
 *   2. `join` {boardId, token, user, peerId?, clientId} -> ack JoinAck (ok + role + who is present, or an error).
 *      A connection that has not joined within the handshake timeout is closed.
 *   3. editors only: `signal` carries y-webrtc's own signaling messages (subscribe / publish / ping), scoped
 *      to the joined board's topic (= the board id). View-only connections never reach the signaling topic,
 *      so they are never offered as WebRTC peers.
 *   4. `relay` carries y-protocols messages (binary: sync step 1 / step 2 / update) through the board's room,
 *      optionally addressed `to` one connection; big messages are split into chunks. `awareness` carries
 *      y-protocols awareness updates, sent volatile (cursors may be dropped, edits never are).
 *   5. `presence:*` tells everyone who is on the board (name, color, role, connection mode).
 *   6. Any refused frame gets a `failure` event (ErrorCode + message + the event and ref it concerns): no limit
 *      silently drops an edit.
 */

/** Event names, so neither side ever types a string twice. */
export const SocketEvent = {
  join: 'join',
  leave: 'leave',
  signal: 'signal',
  relay: 'relay',
  awareness: 'awareness',
  presenceUpdate: 'presence:update',
  presenceJoin: 'presence:join',
  presenceLeave: 'presence:leave',
  /** server -> clients: drop (and refuse) WebRTC links to these y-webrtc peer ids (access revoked) */
  peersRevoked: 'peers:revoked',
  failure: 'failure',
} as const;
export type SocketEventName = (typeof SocketEvent)[keyof typeof SocketEvent];

/** Rooms on the server side (Socket.IO rooms, shared across nodes by the Redis adapter). */
export const roomOf = {
  board: (boardId: string) => `board:${boardId}`,
  signaling: (boardId: string) => `signal:${boardId}`,
} as const;

export const PresenceUser = z
  .object({
    id: z.string().min(1).max(64),
    name: z.string().trim().min(1).max(limits.maxDisplayNameLength),
    color: z.string().regex(/^#[0-9a-fA-F]{3,8}$/, 'a CSS hex color'),
  })
  .strict();
export type PresenceUser = z.infer<typeof PresenceUser>;

/** How a client is connected to the rest of the board, as it reports itself. */
export const PresenceMode = z.enum(['p2p', 'relay', 'connecting', 'offline']);
export type PresenceMode = z.infer<typeof PresenceMode>;

/** y-webrtc's peer id (a uuid v4) for editors; absent for view-only clients. */
export const PeerId = z.string().regex(/^[0-9a-fA-F-]{36}$/, 'a uuid');
/** Y.Doc clientID (uint32). */
export const DocClientId = z.number().int().nonnegative().max(0xffffffff);

export const JoinRequest = z
  .object({
    boardId: BoardId,
    token: z.string().min(1).max(512),
    user: PresenceUser,
    clientId: DocClientId,
    peerId: PeerId.optional(),
    mode: PresenceMode.default('connecting'),
    /**
     * An unguessable value the tab keeps for its whole session and never shows anyone. A clientId is not an
     * identity (anyone can claim any number): the server refuses a join whose clientId is held by another live
     * connection on the board (`conflict`), unless that connection presented the same session, i.e. it is this
     * very tab's stale connection after a reconnect, which is then closed.
     */
    session: z.string().min(16).max(64).optional(),
  })
  .strict();
export type JoinRequest = z.input<typeof JoinRequest>;

/** A fresh JoinRequest.session: 128 random bits, base64url (Web Crypto, so also on plain-HTTP LAN origins). */
export function newJoinSession(): string {
  const bytes = new Uint8Array(16);
  globalThis.crypto.getRandomValues(bytes);
  return bytesToBase64Url(bytes);
}

/** One connection on a board, as the server announces it. `sid` is the Socket.IO id (relay address). */
export const Presence = z.object({
  sid: z.string(),
  user: PresenceUser,
  role: Role,
  clientId: DocClientId,
  peerId: PeerId.optional(),
  mode: PresenceMode,
});
export type Presence = z.infer<typeof Presence>;

export const FailureBody = z.object({
  error: z.object({ code: ErrorCode, message: z.string() }),
  /** the event that was refused */
  event: z.string().optional(),
  /** the sender's reference of the refused frame (relay chunk id), so it can re-send or resync */
  ref: z.string().optional(),
});
export type FailureBody = z.infer<typeof FailureBody>;

export const JoinAck = z.discriminatedUnion('ok', [
  z.object({
    ok: z.literal(true),
    sid: z.string(),
    role: Role,
    /** everyone else on the board right now */
    peers: z.array(Presence),
    limits: z.object({ maxFrameBytes: z.number(), relayChunkBytes: z.number(), maxCursorHz: z.number() }),
  }),
  z.object({ ok: z.literal(false), error: z.object({ code: ErrorCode, message: z.string() }) }),
]);
export type JoinAck = z.infer<typeof JoinAck>;

/** Client -> server: the mutable part of its presence. */
export const PresenceUpdate = z
  .object({ mode: PresenceMode.optional(), user: PresenceUser.optional(), peerId: PeerId.optional() })
  .strict();
export type PresenceUpdate = z.infer<typeof PresenceUpdate>;

/** Server -> clients. */
export const PresenceLeave = z.object({ sid: z.string() });
export type PresenceLeave = z.infer<typeof PresenceLeave>;

/**
 * y-webrtc's signaling protocol (the same JSON the stock plain-WebSocket endpoint speaks), carried in the
 * `signal` event. Topics are board ids; a connection may only use its own board's topic.
 */
export const SignalTopic = BoardId;

/** Largest signaling message (SDP offers with many candidates fit easily). */
export const MAX_SIGNAL_MESSAGE_BYTES = 64 * 1024;

/**
 * The `data` of a y-webrtc publish, strictly (y-webrtc 10.3 `announceSignalingInfo` / `WebrtcConn`):
 * `{type:'announce', from}`, `{type:'signal', from, to, token, signal}` (simple-peer's offer / answer /
 * candidate, opaque but bounded), or, for rooms with a password, the same JSON encrypted as a base64 string.
 * Everything here is re-emitted to other clients, so depth and size are bounded (see bounded.ts).
 */
export const YWebrtcAnnounce = z.object({ type: z.literal('announce'), from: PeerId }).strict();
export const YWebrtcSignal = z
  .object({
    type: z.literal('signal'),
    from: PeerId,
    to: PeerId,
    /** glare token: Date.now() + Math.random() */
    token: z.number().finite().optional(),
    signal: z
      .looseObject({ type: z.string().max(32).optional(), sdp: z.string().max(MAX_SIGNAL_MESSAGE_BYTES).optional() })
      .superRefine(withinBounds({ maxDepth: 4, maxBytes: MAX_SIGNAL_MESSAGE_BYTES, maxNodes: 256 })),
  })
  .strict();
export const YWebrtcEncrypted = z.string().max(MAX_SIGNAL_MESSAGE_BYTES).regex(/^[A-Za-z0-9+/=]*$/, 'base64');
export const YWebrtcData = z.union([YWebrtcAnnounce, YWebrtcSignal, YWebrtcEncrypted]);
export type YWebrtcData = z.infer<typeof YWebrtcData>;

const Topics = z.array(z.string().max(64)).max(16);
export const SignalClientMessage = z.discriminatedUnion('type', [
  z.object({ type: z.literal('subscribe'), topics: Topics }).strict(),
  z.object({ type: z.literal('unsubscribe'), topics: Topics }).strict(),
  z.object({ type: z.literal('publish'), topic: z.string().max(64), data: YWebrtcData }).strict(),
  z.object({ type: z.literal('ping') }).strict(),
]);
export type SignalClientMessage = z.infer<typeof SignalClientMessage>;
export type SignalServerMessage =
  | { type: 'publish'; topic: string; data: YWebrtcData; clients: number }
  | { type: 'pong' }
  | { type: 'error'; code: ErrorCode; message: string };

/** Checks a raw signaling message: bounded first (iteratively), then the strict schema. */
export function parseSignalMessage(raw: unknown): { success: true; data: SignalClientMessage } | { success: false; error: string } {
  const bounded = SignalEnvelope.safeParse(raw);
  if (!bounded.success) return { success: false, error: bounded.error.issues[0]?.message ?? 'invalid' };
  const parsed = SignalClientMessage.safeParse(raw);
  if (!parsed.success) return { success: false, error: parsed.error.issues[0]?.message ?? 'not a y-webrtc signaling message' };
  return { success: true, data: parsed.data };
}
const SignalEnvelope = boundedJson({ ...FORWARD_BOUNDS, maxBytes: MAX_SIGNAL_MESSAGE_BYTES });

/** Server -> clients `peers:revoked`: y-webrtc peer ids whose access ended; drop their links, refuse new ones. */
export const PeersRevoked = z.object({ peerIds: z.array(PeerId).min(1).max(256) }).strict();
export type PeersRevoked = z.infer<typeof PeersRevoked>;

/** y-protocols message types that may appear first in a relay frame. */
export const YMessageType = { sync: 0, awareness: 1 } as const;
/** y-protocols sync sub-types (second varuint of a sync message). */
export const YSyncType = { step1: 0, step2: 1, update: 2 } as const;

export const RelayChunk = z
  .object({
    /** sender-chosen id of the whole message, unique per sender */
    id: z.string().min(1).max(64),
    index: z.number().int().nonnegative(),
    count: z.number().int().min(2).max(Math.ceil(limits.maxRelayUpdateBytes / limits.relayChunkBytes)),
  })
  .strict()
  .refine((c) => c.index < c.count, 'chunk index out of range');
export type RelayChunk = z.infer<typeof RelayChunk>;

const Binary = z.custom<Uint8Array>(
  (value) => value instanceof Uint8Array || value instanceof ArrayBuffer,
  'binary data (Uint8Array / ArrayBuffer / Buffer) expected',
);

/** Client -> server `relay`: one y-protocols sync message, or one chunk of one. */
export const RelayFrameIn = z
  .object({
    data: Binary,
    /** address one connection (sid) instead of the whole board */
    to: z.string().min(1).max(64).optional(),
    chunk: RelayChunk.optional(),
    /** the sender's reference, echoed in a `failure` */
    ref: z.string().max(64).optional(),
  })
  .strict();
export type RelayFrameIn = z.infer<typeof RelayFrameIn>;

/** Server -> client `relay`. */
export interface RelayFrameOut {
  from: string;
  data: Uint8Array | ArrayBuffer;
  chunk?: RelayChunk;
}

/** Client -> server `awareness`: one y-protocols awareness update (without the message type). */
/**
 * `settled`: a state the receivers must get (after a join, to a newcomer, a leave, a cursor at rest). The
 * server forwards other frames volatile, dropped for a receiver whose connection is still writing (a newer
 * cursor frame follows), and settled ones reliably.
 */
export const AwarenessFrameIn = z.object({ data: Binary, to: z.string().min(1).max(64).optional(), settled: z.boolean().optional() }).strict();
export type AwarenessFrameIn = z.infer<typeof AwarenessFrameIn>;
/**
 * Server -> client `awareness`: one y-protocols awareness update. `from` is the sender's connection for a
 * settled state or a frame addressed to one peer; it is absent on the board's cursor batch, which carries the
 * newest move of every sender of one tick (possibly the receiver's own, which y-protocols ignores by its clock).
 */
export interface AwarenessFrameOut {
  from?: string;
  data: Uint8Array | ArrayBuffer;
}

/** Normalises the binary a Socket.IO peer receives (Buffer in Node, ArrayBuffer in browsers). */
export function toBytes(data: Uint8Array | ArrayBuffer): Uint8Array {
  return data instanceof Uint8Array ? data : new Uint8Array(data);
}

/** Splits one relay message into chunks of at most `chunkBytes`. */
export function splitIntoChunks(data: Uint8Array, chunkBytes: number = limits.relayChunkBytes): Uint8Array[] {
  const chunks: Uint8Array[] = [];
  for (let offset = 0; offset < data.length; offset += chunkBytes) chunks.push(data.subarray(offset, offset + chunkBytes));
  return chunks.length === 0 ? [data] : chunks;
}

/** Typed event maps for socket.io and socket.io-client generics. */
export interface ClientToServerEvents {
  join: (request: JoinRequest, ack: (result: JoinAck) => void) => void;
  leave: () => void;
  signal: (message: SignalClientMessage) => void;
  relay: (frame: RelayFrameIn) => void;
  awareness: (frame: AwarenessFrameIn) => void;
  'presence:update': (update: PresenceUpdate) => void;
}
export interface ServerToClientEvents {
  signal: (message: SignalServerMessage) => void;
  relay: (frame: RelayFrameOut) => void;
  awareness: (frame: AwarenessFrameOut) => void;
  'presence:join': (presence: Presence) => void;
  'presence:update': (presence: Presence) => void;
  'presence:leave': (leave: PresenceLeave) => void;
  'peers:revoked': (revoked: PeersRevoked) => void;
  failure: (failure: FailureBody) => void;
}
