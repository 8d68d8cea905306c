import { BLOB_EVENT, BlobFrameIn, blobLimits, toBytes, type BlobFrameOut, type ErrorCode } from '@meshboard/protocol';
import type { Socket } from 'socket.io';

/**
 * The `blob` event: peer-to-peer transfer of content-addressed blobs (images) through the board's room, so an
 * image pasted while the store is down still reaches everyone (packages/protocol blobs.ts has the exchange).
 * Stateless like the rest of the relay: frames are validated and forwarded, never kept. Receivers check the
 * sha-256 of what they reassemble, so a peer cannot pass off other bytes under a hash.
 * View-only links may ask (`want`, `get`) but never serve: every path stays read-only for them.
 */
export interface BlobRelayContext {
  /** the joined connection's data (board and role), or null after a `failure` was sent */
  requireJoined(event: string): { boardId?: string; role?: 'edit' | 'view' } | null;
  fail(code: ErrorCode, message: string, event: string): void;
  /** Socket.IO room of one connection of a board */
  peerRoom(boardId: string, sid: string): string;
  boardRoom(boardId: string): string;
  count(type: string, bytes: number): void;
  /** wraps the handler so that nothing it throws can take the process down (socket-connection's guard) */
  guard?: (handler: (raw: unknown) => void) => (raw: unknown) => void;
}

const READ_FRAMES = new Set(['want', 'get']);

export function registerBlobRelay(socket: Socket, context: BlobRelayContext): void {
  const guard = context.guard ?? ((handler: (raw: unknown) => void) => handler);
  socket.on(BLOB_EVENT, guard((raw: unknown) => {
    const data = context.requireJoined(BLOB_EVENT);
    if (!data) return;
    const parsed = BlobFrameIn.safeParse(raw);
    if (!parsed.success) return context.fail('bad_request', `bad blob frame: ${parsed.error.issues[0]?.message ?? 'invalid'}`, BLOB_EVENT);
    const frame = parsed.data;
    if (data.role !== 'edit' && !READ_FRAMES.has(frame.type)) {
      return context.fail('forbidden', 'this board link is view-only: it may fetch files but not serve them', BLOB_EVENT);
    }
    let bytes = 0;
    let out: BlobFrameOut;
    if (frame.type === 'chunk') {
      const chunk = toBytes(frame.data);
      if (chunk.byteLength > blobLimits.chunkBytes) {
        return context.fail('payload_too_large', `blob chunks are at most ${blobLimits.chunkBytes} bytes`, BLOB_EVENT);
      }
      bytes = chunk.byteLength;
      const { to: _to, ...rest } = frame;
      out = { ...rest, data: chunk, from: socket.id };
    } else if (frame.type === 'want') {
      out = { ...frame, from: socket.id };
    } else {
      const { to: _to, ...rest } = frame;
      out = { ...rest, from: socket.id };
    }
    context.count(`blob_${frame.type}`, bytes);
    const target = frame.type === 'want' ? context.boardRoom(data.boardId!) : context.peerRoom(data.boardId!, frame.to);
    socket.to(target).emit(BLOB_EVENT, out);
  }));
}
