import { SocketEvent, limits, splitIntoChunks, toBytes, type FailureBody, type RelayFrameIn, type RelayFrameOut } from '@meshboard/protocol';

const CHUNK_TIMEOUT_MS = 60_000;
const RESEND_KEEP_MS = 15_000;
const RESEND_KEEP_BYTES = 32 * 1024 * 1024;

export interface RelayTransportHooks {
  /** Socket.IO connected and the board joined */
  canSend(): boolean;
  /** puts one frame on the Socket.IO connection */
  emit(frame: RelayFrameIn): void;
  /** a whole (reassembled) message from the sid `from` */
  onMessage(from: string, message: Uint8Array): void;
  later(fn: () => void, ms: number): ReturnType<typeof setTimeout>;
}

/**
 * Byte messages through the Socket.IO relay: split into `limits.relayChunkBytes` frames and reassembled on
 * the other side, kept for `RESEND_KEEP_MS` so frames the server refused with `rate_limited` are re-sent with
 * backoff. Knows nothing about Yjs.
 */
export class RelayTransport {
  private frameCounter = 0;
  private readonly sent = new Map<string, { frame: RelayFrameIn; at: number; attempts: number }>();
  private sentBytes = 0;
  private readonly partial = new Map<string, { parts: Uint8Array[]; got: number; bytes: number; timer: ReturnType<typeof setTimeout> }>();

  constructor(
    private readonly connectionId: string,
    private readonly hooks: RelayTransportHooks,
    private readonly chunkBytes = limits.relayChunkBytes,
  ) {}

  /** Sends one message, chunked if big. `to`: sids, or everyone on the board ('all' or more than one sid). */
  send(message: Uint8Array, to: string[] | 'all'): void {
    if (!this.hooks.canSend()) return;
    const targets: Array<string | undefined> = to === 'all' || to.length > 1 ? [undefined] : to;
    for (const target of targets) {
      const base = target ? { to: target } : {};
      if (message.byteLength <= this.chunkBytes) {
        this.emitFrame({ ...base, data: message, ref: `${++this.frameCounter}` });
        continue;
      }
      const chunks = splitIntoChunks(message, this.chunkBytes);
      const id = `${this.connectionId}-${++this.frameCounter}`;
      chunks.forEach((data, index) => this.emitFrame({ ...base, data, chunk: { id, index, count: chunks.length }, ref: `${id}-${index}` }));
    }
  }

  /** a frame from the server; undecodable frames are dropped with a warning, never thrown */
  receive(frame: RelayFrameOut): void {
    try {
      const data = toBytes(frame.data);
      if (!frame.chunk) return this.hooks.onMessage(frame.from, data);
      const key = `${frame.from}:${frame.chunk.id}`;
      let entry = this.partial.get(key);
      if (!entry) {
        entry = { parts: new Array<Uint8Array>(frame.chunk.count), got: 0, bytes: 0, timer: this.hooks.later(() => this.partial.delete(key), CHUNK_TIMEOUT_MS) };
        this.partial.set(key, entry);
      }
      if (entry.parts[frame.chunk.index]) return;
      entry.parts[frame.chunk.index] = data;
      entry.got++;
      entry.bytes += data.byteLength;
      if (entry.bytes > limits.maxRelayUpdateBytes) return void this.partial.delete(key);
      if (entry.got < frame.chunk.count) return;
      this.partial.delete(key);
      clearTimeout(entry.timer);
      const whole = new Uint8Array(entry.bytes);
      let offset = 0;
      for (const part of entry.parts) {
        whole.set(part, offset);
        offset += part.byteLength;
      }
      this.hooks.onMessage(frame.from, whole);
    } catch (error) {
      console.warn('meshboard: dropped an undecodable relay frame', (error as Error).message);
    }
  }

  /** a `failure` event from the server: returns true when it was about one of our relay frames */
  onFailure(failure: FailureBody): boolean {
    if (failure.event !== SocketEvent.relay || !failure.ref) return false;
    if (failure.error.code !== 'rate_limited') return false;
    const entry = this.sent.get(failure.ref);
    if (entry && entry.attempts < 8) {
      entry.attempts++;
      this.hooks.later(() => this.hooks.canSend() && this.hooks.emit(entry.frame), 250 * 2 ** entry.attempts);
    }
    return true;
  }

  /** forget frames too old to be refused any more (called periodically) */
  sweep(now = Date.now()): void {
    const cutoff = now - RESEND_KEEP_MS;
    for (const [ref, entry] of this.sent) {
      if (entry.at >= cutoff) break;
      this.sent.delete(ref);
      this.sentBytes -= entry.frame.data.byteLength;
    }
  }

  private emitFrame(frame: RelayFrameIn): void {
    if (!this.hooks.canSend()) return;
    this.sent.set(frame.ref!, { frame, at: Date.now(), attempts: 0 });
    this.sentBytes += frame.data.byteLength;
    while (this.sentBytes > RESEND_KEEP_BYTES && this.sent.size > 0) {
      const [oldest, entry] = this.sent.entries().next().value as [string, { frame: RelayFrameIn }];
      this.sent.delete(oldest);
      this.sentBytes -= entry.frame.data.byteLength;
    }
    this.hooks.emit(frame);
  }
}
