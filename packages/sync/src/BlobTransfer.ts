import { sha256Hex } from '@meshboard/board';
import { BLOB_EVENT, BlobMimeType, blobLimits, toBytes, type BlobFrameIn, type BlobFrameOut } from '@meshboard/protocol';

/** The part of the Socket.IO client this needs (the board's joined connection). */
export interface BlobSocket {
  readonly id?: string | undefined;
  readonly connected: boolean;
  emit(event: typeof BLOB_EVENT, frame: BlobFrameIn): unknown;
  on(event: typeof BLOB_EVENT, listener: (frame: BlobFrameOut) => void): unknown;
  off(event: typeof BLOB_EVENT, listener: (frame: BlobFrameOut) => void): unknown;
}

export interface BlobTransferOptions {
  /** may this tab serve blobs to peers (editors only: the relay refuses view-only senders) */
  canServe: () => boolean;
  /** bytes this tab holds for a hash (memory or cache), or null */
  lookup: (hash: string) => Promise<{ bytes: Uint8Array; mimeType: string } | null>;
  /** how long to wait for a first `have` before asking again (default 3 s) */
  askAgainMs?: number;
  /** a transfer with no chunk for this long is abandoned for the next holder (default 8 s) */
  stallMs?: number;
  chunkBytes?: number;
}

/** Largest blob accepted from a peer (the store's limit is configurable; this bounds a tab's memory). */
const MAX_TRANSFER_BYTES = 64 * 1024 * 1024;

interface Incoming {
  hash: string;
  /** holders that answered `have`, in order; the first is the current source */
  holders: string[];
  source: string | null;
  chunks: (Uint8Array | undefined)[];
  received: number;
  mimeType: string;
  waiters: ((result: { bytes: Uint8Array; mimeType: string } | null) => void)[];
  askTimer: ReturnType<typeof setTimeout> | null;
  stallTimer: ReturnType<typeof setTimeout> | null;
  deadline: ReturnType<typeof setTimeout> | null;
}

/**
 * Peer-to-peer blob transfer over the signaling relay (frames in `@meshboard/protocol` blobs.ts): ask the board
 * (`want`), pick the first tab that answers `have`, `get` it, reassemble its `chunk`s and check the sha-256.
 * A holder that stalls or answers `missing` is dropped for the next one; nobody answering means asking again
 * every `askAgainMs` until the caller's deadline. One transfer per hash at a time, however many callers.
 * The relay carries it (not the WebRTC data channels) because it reaches every tab of the board, view-only
 * ones and those without a direct link included, and it is already chunked and rate-limited per connection.
 */
export class BlobTransfer {
  private readonly incoming = new Map<string, Incoming>();
  private readonly askAgainMs: number;
  private readonly stallMs: number;
  private readonly chunkBytes: number;
  private destroyed = false;
  readonly stats = { served: 0, servedBytes: 0, received: 0, receivedBytes: 0, rejected: 0 };

  constructor(
    private readonly socket: BlobSocket,
    private readonly options: BlobTransferOptions,
  ) {
    this.askAgainMs = options.askAgainMs ?? 3000;
    this.stallMs = options.stallMs ?? 8000;
    this.chunkBytes = Math.min(options.chunkBytes ?? blobLimits.chunkBytes, blobLimits.chunkBytes);
    socket.on(BLOB_EVENT, this.onFrame);
  }

  /** Fetches a blob from the peers on the board; null if nobody served it within `timeoutMs`. */
  request(hash: string, timeoutMs: number): Promise<{ bytes: Uint8Array; mimeType: string } | null> {
    if (this.destroyed) return Promise.resolve(null);
    return new Promise((resolve) => {
      let entry = this.incoming.get(hash);
      if (!entry) {
        entry = { hash, holders: [], source: null, chunks: [], received: 0, mimeType: '', waiters: [], askTimer: null, stallTimer: null, deadline: null };
        this.incoming.set(hash, entry);
        this.ask(entry);
      }
      const current = entry;
      current.waiters.push(resolve);
      // the longest caller's deadline wins: restart it
      if (current.deadline) clearTimeout(current.deadline);
      current.deadline = setTimeout(() => this.finish(current, null), timeoutMs);
    });
  }

  destroy(): void {
    this.destroyed = true;
    this.socket.off(BLOB_EVENT, this.onFrame);
    for (const entry of [...this.incoming.values()]) this.finish(entry, null);
  }

  private ask(entry: Incoming): void {
    if (this.destroyed || this.incoming.get(entry.hash) !== entry) return;
    if (entry.source === null && this.socket.connected) this.socket.emit(BLOB_EVENT, { type: 'want', hash: entry.hash });
    entry.askTimer = setTimeout(() => this.ask(entry), this.askAgainMs);
  }

  private finish(entry: Incoming, result: { bytes: Uint8Array; mimeType: string } | null): void {
    if (this.incoming.get(entry.hash) !== entry) return;
    this.incoming.delete(entry.hash);
    for (const timer of [entry.askTimer, entry.stallTimer, entry.deadline]) if (timer) clearTimeout(timer);
    for (const waiter of entry.waiters) waiter(result);
  }

  private startFrom(entry: Incoming, holder: string): void {
    entry.source = holder;
    entry.chunks = [];
    entry.received = 0;
    this.socket.emit(BLOB_EVENT, { type: 'get', hash: entry.hash, to: holder });
    this.armStall(entry);
  }

  private armStall(entry: Incoming): void {
    if (entry.stallTimer) clearTimeout(entry.stallTimer);
    entry.stallTimer = setTimeout(() => this.dropSource(entry), this.stallMs);
  }

  /** The current source failed: try the next holder, or go back to asking. */
  private dropSource(entry: Incoming): void {
    if (this.incoming.get(entry.hash) !== entry) return;
    if (entry.stallTimer) clearTimeout(entry.stallTimer);
    entry.stallTimer = null;
    if (entry.source) entry.holders = entry.holders.filter((holder) => holder !== entry.source);
    entry.source = null;
    const next = entry.holders[0];
    if (next) this.startFrom(entry, next);
  }

  private readonly onFrame = (frame: BlobFrameOut): void => {
    if (this.destroyed || !frame || typeof frame !== 'object') return;
    switch (frame.type) {
      case 'want':
        void this.answerWant(frame.hash, frame.from);
        return;
      case 'get':
        void this.serve(frame.hash, frame.from);
        return;
      case 'have': {
        const entry = this.incoming.get(frame.hash);
        if (!entry || entry.holders.includes(frame.from)) return;
        entry.holders.push(frame.from);
        if (entry.source === null) this.startFrom(entry, frame.from);
        return;
      }
      case 'missing': {
        const entry = this.incoming.get(frame.hash);
        if (entry && entry.source === frame.from) this.dropSource(entry);
        return;
      }
      case 'chunk':
        void this.receiveChunk(frame);
        return;
    }
  };

  private async answerWant(hash: string, from: string): Promise<void> {
    if (!this.options.canServe()) return;
    const held = await this.options.lookup(hash);
    const mimeType = held && BlobMimeType.safeParse(held.mimeType);
    if (!held || !mimeType?.success || !this.socket.connected) return;
    this.socket.emit(BLOB_EVENT, { type: 'have', hash, to: from, size: held.bytes.byteLength, mimeType: mimeType.data });
  }

  private async serve(hash: string, to: string): Promise<void> {
    if (!this.options.canServe() || !this.socket.connected) return;
    const held = await this.options.lookup(hash);
    const mimeType = held && BlobMimeType.safeParse(held.mimeType);
    if (!held || !mimeType?.success) {
      this.socket.emit(BLOB_EVENT, { type: 'missing', hash, to });
      return;
    }
    const { bytes } = held;
    const count = Math.max(1, Math.ceil(bytes.byteLength / this.chunkBytes));
    for (let index = 0; index < count; index++) {
      const data = bytes.subarray(index * this.chunkBytes, (index + 1) * this.chunkBytes);
      this.socket.emit(BLOB_EVENT, { type: 'chunk', hash, to, mimeType: mimeType.data, size: bytes.byteLength, index, count, data });
    }
    this.stats.served += 1;
    this.stats.servedBytes += bytes.byteLength;
  }

  private async receiveChunk(frame: Extract<BlobFrameOut, { type: 'chunk' }>): Promise<void> {
    const entry = this.incoming.get(frame.hash);
    if (!entry || entry.source !== frame.from) return; // not asked for, or from a holder we did not pick
    const data = toBytes(frame.data);
    const consistent =
      frame.size <= MAX_TRANSFER_BYTES &&
      frame.count * blobLimits.chunkBytes >= frame.size &&
      (entry.received === 0 || entry.chunks.length === frame.count) &&
      !entry.chunks[frame.index];
    if (!consistent) {
      this.stats.rejected += 1;
      this.dropSource(entry);
      return;
    }
    entry.chunks.length = frame.count;
    entry.chunks[frame.index] = data.slice();
    entry.received += 1;
    entry.mimeType = frame.mimeType;
    this.armStall(entry);
    if (entry.received < frame.count) return;
    const bytes = concat(entry.chunks as Uint8Array[], frame.size);
    if (!bytes || (await sha256Hex(bytes)) !== entry.hash) {
      // a holder that sends other bytes under the hash is not asked again for it
      this.stats.rejected += 1;
      this.dropSource(entry);
      return;
    }
    this.stats.received += 1;
    this.stats.receivedBytes += bytes.byteLength;
    this.finish(entry, { bytes, mimeType: entry.mimeType });
  }
}

function concat(parts: Uint8Array[], size: number): Uint8Array | null {
  let total = 0;
  for (const part of parts) {
    if (!part) return null;
    total += part.byteLength;
  }
  if (total !== size) return null;
  const out = new Uint8Array(size);
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.byteLength;
  }
  return out;
}
