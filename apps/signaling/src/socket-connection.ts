import { createHash } from 'node:crypto';
import {
  AwarenessFrameIn,
  JoinRequest,
  MAX_SIGNAL_MESSAGE_BYTES,
  PresenceUpdate,
  RelayFrameIn,
  BLOB_EVENT,
  SocketEvent,
  YMessageType,
  YSyncType,
  accessRoleOf,
  errorBody,
  limits,
  parseSignalMessage,
  roomOf,
  toBytes,
  type ErrorCode,
  type FailureBody,
  type JoinAck,
  type Presence,
  type YWebrtcData,
} from '@meshboard/protocol';
import { checkAwarenessUpdate } from './awareness.js';
import { registerBlobRelay } from './blob-relay.js';
import { createGuard } from './guard.js';
import type { CutReason, Hub, IoSocket, PeerIdClaims, SocketData } from './hub.js';
import { approxSize } from './rate.js';

/** Failed joins after which a connection is cut. */
const MAX_FAILED_JOINS = 5;
const MAX_AWARENESS_BYTES = 64 * 1024;

const KNOWN_EVENTS = new Set<string>([
  SocketEvent.join,
  SocketEvent.leave,
  SocketEvent.signal,
  SocketEvent.relay,
  SocketEvent.awareness,
  SocketEvent.presenceUpdate,
  BLOB_EVENT,
]);

export const peerRoom = (boardId: string, sid: string) => `peer:${boardId}:${sid}`;

export function presenceOf(socket: { id: string; data: SocketData }): Presence {
  const d = socket.data;
  const presence: Presence = { sid: socket.id, user: d.user!, role: d.role!, clientId: d.clientId!, mode: d.mode ?? 'connecting' };
  if (d.peerId) presence.peerId = d.peerId;
  return presence;
}

const hashSession = (session: string) => createHash('sha256').update(session).digest('base64url');

/** One Socket.IO connection: the budget gate, then one guarded handler per event. */
export function onSocketConnection(hub: Hub, socket: IoSocket): void {
  const { config, logger, metrics, authority, io, limits: budget } = hub;
  const key = `sio:${socket.id}`;
  const guard = createGuard(logger, metrics, socket.id);
  let failedJoins = 0;
  /** set synchronously by the first `join`, before any await: one join per connection (defect 2) */
  let joining = false;
  let cutReason: CutReason | null = null;

  const fail = (code: ErrorCode, message: string, event?: string, ref?: string) => {
    hub.rejected(code);
    const body: FailureBody = { ...errorBody(code, message) };
    if (event) body.event = event;
    if (ref) body.ref = ref;
    socket.emit(SocketEvent.failure, body);
  };
  /** closes the connection once, with one log line and one metric, whatever is still queued behind it */
  const cut = (reason: CutReason) => {
    if (cutReason) return;
    cutReason = reason;
    metrics.cut.inc({ reason });
    if (reason === 'flood') logger.warn({ sid: socket.id, ip: socket.data.ip }, 'flooding connection cut');
    socket.disconnect(true);
  };

  const handshake = setTimeout(() => {
    if (!socket.data.joined) {
      fail('unauthorized', 'no board joined in time', SocketEvent.join);
      cut('handshake_timeout');
    }
  }, config.handshakeTimeoutMs);

  // Every incoming packet, known or not, counts against the connection's budget first.
  // Packets pass the gate one at a time, in arrival order: the limiter is asynchronous, and letting packets
  // overtake each other would reorder relay frames and let hundreds of answers out before a cut lands.
  let gateQueue: Promise<void> = Promise.resolve();
  const gate = guard('budget', async (packet: unknown[], next: (error?: Error) => void) => {
    if (cutReason) return;
    const [rawEvent, ...args] = packet as [unknown, ...unknown[]];
    const event = String(rawEvent).slice(0, 40);
    if (event === SocketEvent.awareness) {
      // volatile by contract: over the cursor rate, frames are dropped (never edits); persistent excess is a flood
      if (!(await budget.awarenessPass(key))) {
        hub.rejected('awareness_rate_dropped');
        if (await budget.strike(key)) cut('flood');
        return;
      }
    } else if (!(await budget.take(key, approxSize(args, config.maxFrameBytes * 2)))) {
      if (cutReason) return;
      const ref = event === SocketEvent.relay ? (args[0] as { ref?: unknown } | undefined)?.ref : undefined;
      fail('rate_limited', 'too many messages or bytes on this connection; slow down and resync', event, typeof ref === 'string' ? ref.slice(0, 64) : undefined);
      if (await budget.strike(key)) cut('flood');
      return;
    }
    if (cutReason) return;
    if (!KNOWN_EVENTS.has(event)) {
      fail('bad_request', `unknown event "${event}"`, event);
      if (await budget.strike(key)) cut('flood');
      return;
    }
    next();
  });
  socket.use((packet, next) => {
    gateQueue = gateQueue.then(() => gate(packet as unknown[], next));
  });

  socket.on(
    SocketEvent.join,
    guard(SocketEvent.join, async (raw: unknown, ack: unknown) => {
      hub.count('join', 'control', approxSize(raw));
      const reply = (result: JoinAck) => {
        if (typeof ack === 'function') ack(result);
      };
      const refuse = (code: ErrorCode, message: string) => {
        fail(code, message, SocketEvent.join);
        reply({ ok: false, error: { code, message } });
        // a `conflict` comes with a valid token and is retried by design (the stale holder goes away): it is
        // not a guess, and cutting the connection would leave a reconnecting tab offline
        if (code !== 'conflict' && ++failedJoins >= MAX_FAILED_JOINS) cut('failed_joins');
      };
      if (socket.data.joined || joining) return refuse('bad_request', 'this connection already joined a board; open another connection');
      joining = true;
      const parsed = JoinRequest.safeParse(raw);
      if (!parsed.success) {
        joining = false;
        return refuse('bad_request', `bad join request: ${parsed.error.issues[0]?.message ?? 'invalid'}`);
      }
      const request = parsed.data;
      const auth = await authority.check(request.token, request.boardId);
      if (!auth.ok) {
        joining = false;
        return refuse(auth.error.code, auth.error.message);
      }
      if (!socket.connected || cutReason) return;
      const role = accessRoleOf(auth.claims.r); // an owner link is an editor for realtime purposes
      if (role === 'view' && request.peerId) {
        joining = false;
        return refuse('forbidden', 'view-only clients do not take part in WebRTC signaling');
      }
      const boardRoom = roomOf.board(request.boardId);
      const sessionHash = request.session ? hashSession(request.session) : undefined;
      let peers: Presence[] = [];
      try {
        const sockets = (await io.in(boardRoom).fetchSockets()).filter((s) => s.id !== socket.id && s.data.joined);
        // A clientId (and a peer id) is a claim, not an identity (defect 6): one live holder per board. The
        // only one who may take over a held id is the same tab (same session) replacing its stale connection.
        const holders = sockets.filter((s) => s.data.clientId === request.clientId || (request.peerId && s.data.peerId === request.peerId));
        for (const holder of holders) {
          if (!sessionHash || holder.data.sessionHash !== sessionHash) {
            joining = false;
            return refuse('conflict', 'this Yjs clientId or WebRTC peer id is in use on this board by another connection');
          }
        }
        for (const holder of holders) holder.disconnect(true); // our own ghost: presence:leave goes out now
        if (request.peerId && !hub.peerIds.claim(request.boardId, request.peerId, socket, holders.length > 0)) {
          joining = false;
          return refuse('conflict', 'this WebRTC peer id is in use on this board by another connection');
        }
        peers = sockets.filter((s) => !holders.includes(s)).map((s) => presenceOf(s));
      } catch (error) {
        logger.warn({ err: (error as Error).message }, 'presence fetch failed; joining with a partial list');
      }
      if (!socket.connected || cutReason) return;
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
        ...(sessionHash ? { sessionHash } : {}),
      } satisfies SocketData);
      clearTimeout(handshake);
      await socket.join([boardRoom, peerRoom(request.boardId, socket.id)]);
      // List the room again now that we are in it: two clients joining at once (on two nodes, or one node
      // awaiting fetchSockets) would otherwise each list the room without the other and announce themselves
      // to a room the other is not in yet, and never see each other. This way each either lists the other or
      // hears its presence:join (possibly both; clients key presence by sid).
      try {
        const after = (await io.in(boardRoom).fetchSockets()).filter(
          (s) => s.id !== socket.id && s.data.joined && !(sessionHash && s.data.sessionHash === sessionHash),
        );
        peers = after.map((s) => presenceOf(s));
      } catch (error) {
        logger.warn({ err: (error as Error).message }, 'presence re-fetch failed; joining with the first list');
      }
      if (!socket.connected || cutReason) return;
      socket.to(boardRoom).emit(SocketEvent.presenceJoin, presenceOf(socket));
      hub.cluster.track(socket.id, request.boardId);
      reply({
        ok: true,
        sid: socket.id,
        role,
        peers,
        limits: { maxFrameBytes: config.maxFrameBytes, relayChunkBytes: limits.relayChunkBytes, maxCursorHz: limits.maxCursorHz },
      });
    }),
  );

  const requireJoined = (event: string): SocketData | null => {
    if (!socket.data.joined) {
      fail('unauthorized', 'join a board first', event);
      return null;
    }
    return socket.data;
  };

  socket.on(
    SocketEvent.leave,
    guard(SocketEvent.leave, () => {
      hub.count('leave', 'control', 0);
      socket.disconnect(true);
    }),
  );

  socket.on(
    SocketEvent.presenceUpdate,
    guard(SocketEvent.presenceUpdate, (raw: unknown) => {
      const data = requireJoined(SocketEvent.presenceUpdate);
      if (!data) return;
      const parsed = PresenceUpdate.safeParse(raw);
      if (!parsed.success) return fail('bad_request', 'bad presence update', SocketEvent.presenceUpdate);
      hub.count('presence', 'presence', approxSize(raw));
      const update = parsed.data;
      if (update.peerId && data.role !== 'edit') return fail('forbidden', 'view-only clients have no WebRTC peer id', SocketEvent.presenceUpdate);
      if (update.peerId && data.peerId && update.peerId !== data.peerId) {
        return fail('forbidden', 'a connection speaks for one WebRTC peer id; reconnect to change it', SocketEvent.presenceUpdate);
      }
      if (update.peerId && !data.peerId && !hub.peerIds.claim(data.boardId!, update.peerId, socket)) {
        return fail('conflict', 'this WebRTC peer id is in use on this board by another connection', SocketEvent.presenceUpdate);
      }
      if (update.mode) data.mode = update.mode;
      if (update.user) data.user = update.user;
      if (update.peerId) data.peerId = update.peerId;
      socket.to(roomOf.board(data.boardId!)).emit(SocketEvent.presenceUpdate, presenceOf(socket));
    }),
  );

  socket.on(
    SocketEvent.awareness,
    guard(SocketEvent.awareness, (raw: unknown) => {
      const data = requireJoined(SocketEvent.awareness);
      if (!data) return;
      const parsed = AwarenessFrameIn.safeParse(raw);
      if (!parsed.success) return fail('bad_request', 'an awareness frame is {data: binary, to?}', SocketEvent.awareness);
      const bytes = toBytes(parsed.data.data);
      if (bytes.byteLength > MAX_AWARENESS_BYTES) return fail('payload_too_large', `awareness frames are at most ${MAX_AWARENESS_BYTES} bytes`, SocketEvent.awareness);
      const check = checkAwarenessUpdate(bytes, data.clientId!);
      if (!check.ok) return fail(check.reason.includes('own clientID') ? 'forbidden' : 'bad_request', check.reason, SocketEvent.awareness);
      hub.count('awareness', 'presence', bytes.byteLength);
      const boardRoom = roomOf.board(data.boardId!);
      // cursor moves to the board wait for the tick's batch (cursor-batches.ts); settled states and frames for
      // one peer go now and reliably (see AwarenessFrameIn), and a pending move of ours must not follow them
      if (!parsed.data.settled && !parsed.data.to) return hub.cursors.add(boardRoom, socket.id, check);
      if (!parsed.data.to) hub.cursors.forget(boardRoom, socket.id);
      const target = parsed.data.to ? peerRoom(data.boardId!, parsed.data.to) : boardRoom;
      (parsed.data.settled ? socket : socket.volatile).to(target).emit(SocketEvent.awareness, { from: socket.id, data: bytes });
    }),
  );

  socket.on(
    SocketEvent.relay,
    guard(SocketEvent.relay, (raw: unknown) => {
      const data = requireJoined(SocketEvent.relay);
      if (!data) return;
      const parsed = RelayFrameIn.safeParse(raw);
      const rawRef = (raw as { ref?: unknown } | null)?.ref;
      const ref = typeof rawRef === 'string' ? rawRef.slice(0, 64) : undefined;
      if (!parsed.success) return fail('bad_request', `bad relay frame: ${parsed.error.issues[0]?.message ?? 'invalid'}`, SocketEvent.relay, ref);
      const frame = parsed.data;
      const bytes = toBytes(frame.data);
      if (bytes.byteLength > config.maxFrameBytes) {
        return fail('payload_too_large', `relay frames are at most ${config.maxFrameBytes} bytes: split into chunks of ${limits.relayChunkBytes}`, SocketEvent.relay, ref);
      }
      if (bytes.byteLength === 0) return fail('bad_request', 'empty relay frame', SocketEvent.relay, ref);
      const first = !frame.chunk || frame.chunk.index === 0;
      let kind = 'chunk';
      if (first) {
        if (bytes[0] !== YMessageType.sync || bytes.byteLength < 2) {
          return fail('bad_request', 'relay frames carry y-protocols sync messages (awareness goes in `awareness`)', SocketEvent.relay, ref);
        }
        const sub = bytes[1];
        kind = sub === YSyncType.step1 ? 'sync_step1' : sub === YSyncType.step2 ? 'sync_step2' : sub === YSyncType.update ? 'update' : '';
        if (!kind) return fail('bad_request', 'unknown y-protocols sync message type', SocketEvent.relay, ref);
      }
      if (data.role !== 'edit' && (kind !== 'sync_step1' || frame.chunk)) {
        return fail('forbidden', 'this board link is view-only: edits are not accepted', SocketEvent.relay, ref);
      }
      hub.count(kind, 'relay', bytes.byteLength);
      const target = frame.to ? peerRoom(data.boardId!, frame.to) : roomOf.board(data.boardId!);
      const out: { from: string; data: Uint8Array; chunk?: typeof frame.chunk } = { from: socket.id, data: bytes };
      if (frame.chunk) out.chunk = frame.chunk;
      socket.to(target).emit(SocketEvent.relay, out as never);
    }),
  );

  registerBlobRelay(socket as never, {
    requireJoined,
    fail: (code, message, event) => fail(code, message, event),
    peerRoom,
    boardRoom: roomOf.board,
    count: (type, bytes) => hub.count(type, 'relay', bytes),
    guard: (handler) => guard(BLOB_EVENT, handler),
  });

  socket.on(
    SocketEvent.signal,
    guard(SocketEvent.signal, (raw: unknown) => {
      const data = requireJoined(SocketEvent.signal);
      if (!data) return;
      if (data.role !== 'edit') return fail('forbidden', 'view-only clients receive the board through the relay, not WebRTC', SocketEvent.signal);
      const size = approxSize(raw, MAX_SIGNAL_MESSAGE_BYTES + 1);
      if (size > MAX_SIGNAL_MESSAGE_BYTES) return fail('payload_too_large', 'signaling message too large', SocketEvent.signal);
      const parsed = parseSignalMessage(raw);
      if (!parsed.success) return fail('bad_request', `not a y-webrtc signaling message: ${parsed.error}`, SocketEvent.signal);
      const message = parsed.data;
      hub.count(message.type, 'signaling', size);
      const room = roomOf.signaling(data.boardId!);
      switch (message.type) {
        case 'ping':
          socket.emit(SocketEvent.signal, { type: 'pong' });
          return;
        case 'subscribe': {
          const mine = message.topics.filter((t) => t === data.boardId);
          if (mine.length !== message.topics.length) fail('forbidden', 'a connection may only subscribe to its own board', SocketEvent.signal);
          if (mine.length > 0) void socket.join(room);
          return;
        }
        case 'unsubscribe':
          if (message.topics.includes(data.boardId!)) void socket.leave(room);
          return;
        case 'publish': {
          if (message.topic !== data.boardId || !socket.rooms.has(room)) {
            return fail('forbidden', 'publish only to your own, subscribed board', SocketEvent.signal);
          }
          const refused = bindPeerId(data, message.data, hub.peerIds, data.boardId!, socket);
          if (refused) return fail('forbidden', refused, SocketEvent.signal);
          hub.publish(message.topic, message.data);
          return;
        }
      }
    }),
  );

  socket.on(
    'disconnect',
    guard('disconnect', (reason: string) => {
      clearTimeout(handshake);
      hub.disconnected(reason);
      hub.cluster.untrack(socket.id);
      void budget.forget(key);
      const d = socket.data;
      if (d.boardId && d.peerId) hub.peerIds.release(d.boardId, d.peerId, socket);
      // a move still waiting for the tick would bring back the cursor of someone who left
      if (d.boardId) hub.cursors.forget(roomOf.board(d.boardId), socket.id);
      if (d.joined && d.boardId) {
        io.to(roomOf.board(d.boardId)).emit(SocketEvent.presenceLeave, { sid: socket.id });
        if (cutReason !== 'revoked' && d.claims && d.token && d.peerId) hub.revocations.closed(d.claims, d.token, [d.peerId]);
      }
    }),
  );

  /** marks a connection kicked for revocation (its peer ids are announced by the revalidation itself) */
  (socket as unknown as { meshboardKick: (code: ErrorCode, message: string) => void }).meshboardKick = (code, message) => {
    fail(code, message);
    cut('revoked');
  };
}

/**
 * A connection speaks for one y-webrtc peer id: the one it joined with, or the first it publishes as. Spoofed
 * announces / signals as somebody else's peer id are refused (they could steer another peer's negotiation).
 */
export function bindPeerId(holder: { peerId?: string }, data: YWebrtcData, claims: PeerIdClaims, boardId: string, owner: object): string | null {
  if (typeof data === 'string') return null; // a room password's ciphertext: nothing readable to bind
  if (!holder.peerId) {
    if (!claims.claim(boardId, data.from, owner)) return 'this WebRTC peer id is in use by another connection';
    holder.peerId = data.from;
  }
  return data.from === holder.peerId ? null : 'publish only as your own WebRTC peer id';
}

/** Closes a live Socket.IO connection whose access was revoked, with the reason as a `failure`. */
export function kickSocket(socket: IoSocket, code: ErrorCode, message: string): void {
  (socket as unknown as { meshboardKick?: (code: ErrorCode, message: string) => void }).meshboardKick?.(code, message);
}
