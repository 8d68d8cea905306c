import * as encoding from 'lib0/encoding';
import * as decoding from 'lib0/decoding';
import { limits } from '@meshboard/protocol';

/**
 * The largest message every browser pair accepts on a data channel (Chromium refuses above 256 KiB, older
 * Firefox/Safari pairs above ~16 KiB; https://developer.mozilla.org/docs/Web/API/WebRTC_API/Using_data_channels
 * "Understanding message size limits"). Nothing bigger is ever handed to `RTCDataChannel.send`.
 */
export const SAFE_MESSAGE_BYTES = 16 * 1024;
/**
 * y-webrtc's messages start with a y-protocols varuint type (0 sync, 1 awareness, 2-3 BroadcastChannel peer
 * ids). 100 marks one of our chunk frames: `[100][id][index][count][payload]`.
 */
export const CHUNK_MESSAGE_TYPE = 100;
/**
 * stop handing chunks to the channel while this much is still buffered: backpressure, well below the 16 MiB
 * at which Chromium's send queue is full and `send` throws; a 5 MB update is handed over at once.
 */
const HIGH_WATER_BYTES = 8 * 1024 * 1024;
const PAYLOAD_BYTES = SAFE_MESSAGE_BYTES - 32;

/** the part of a simple-peer instance this wraps (simple-peer 9: y-webrtc's `WebrtcConn.peer`) */
export interface FramedPeer {
  send(data: ArrayBufferView | ArrayBuffer | string): void;
  _onChannelMessage(event: { data: unknown }): void;
  _channel?: { bufferedAmount: number } | null;
  connected?: boolean;
  destroyed?: boolean;
  destroy(error?: Error): void;
}

export interface FramingOptions {
  /** whether the remote end reassembles chunk frames (a Meshboard peer; stock y-webrtc does not) */
  remoteFrames(): boolean;
  /** a send on an open channel failed: reported, and the connection is closed so the pair resyncs */
  onSendError(error: Error): void;
  /** a whole message of a type y-webrtc does not know (see P2PProvider.handle); true when consumed */
  onOwnMessage?(message: Uint8Array): boolean;
}

export interface FramingStats {
  messagesSplit: number;
  chunksSent: number;
  messagesJoined: number;
  /** the biggest message reassembled here (bytes): proves a big update came over a data channel */
  largestJoined: number;
  sendErrors: number;
}
export const framingStats: FramingStats = { messagesSplit: 0, chunksSent: 0, messagesJoined: 0, largestJoined: 0, sendErrors: 0 };

const toBytes = (data: unknown): Uint8Array | null => {
  if (data instanceof Uint8Array) return data;
  if (data instanceof ArrayBuffer) return new Uint8Array(data);
  if (ArrayBuffer.isView(data)) return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  return null;
};

/** splits one message into chunk frames of at most SAFE_MESSAGE_BYTES each */
export function frameMessage(message: Uint8Array, id: number, payloadBytes = PAYLOAD_BYTES): Uint8Array[] {
  const count = Math.ceil(message.byteLength / payloadBytes);
  const frames: Uint8Array[] = [];
  for (let index = 0; index < count; index++) {
    const encoder = encoding.createEncoder();
    encoding.writeVarUint(encoder, CHUNK_MESSAGE_TYPE);
    encoding.writeVarUint(encoder, id);
    encoding.writeVarUint(encoder, index);
    encoding.writeVarUint(encoder, count);
    encoding.writeUint8Array(encoder, message.subarray(index * payloadBytes, (index + 1) * payloadBytes));
    frames.push(encoding.toUint8Array(encoder));
  }
  return frames;
}

/** reassembles chunk frames (any order, several messages interleaved); returns a whole message when complete */
export class Reassembler {
  private readonly partial = new Map<number, { parts: Uint8Array[]; got: number; bytes: number }>();

  /** throws on a malformed frame */
  accept(frame: Uint8Array): Uint8Array | null {
    const decoder = decoding.createDecoder(frame);
    if (decoding.readVarUint(decoder) !== CHUNK_MESSAGE_TYPE) throw new Error('not a chunk frame');
    const id = decoding.readVarUint(decoder);
    const index = decoding.readVarUint(decoder);
    const count = decoding.readVarUint(decoder);
    if (count < 1 || index >= count || count > Math.ceil(limits.maxRelayUpdateBytes / 1024)) throw new Error('bad chunk header');
    const payload = frame.subarray(decoder.pos);
    let entry = this.partial.get(id);
    if (!entry) {
      entry = { parts: new Array<Uint8Array>(count), got: 0, bytes: 0 };
      this.partial.set(id, entry);
    }
    if (entry.parts.length !== count) throw new Error('chunk count changed');
    if (entry.parts[index]) return null;
    entry.parts[index] = payload;
    entry.got++;
    entry.bytes += payload.byteLength;
    if (entry.bytes > limits.maxRelayUpdateBytes) {
      this.partial.delete(id);
      throw new Error('chunked message over the size limit');
    }
    if (entry.got < count) return null;
    this.partial.delete(id);
    const whole = new Uint8Array(entry.bytes);
    let offset = 0;
    for (const part of entry.parts) {
      whole.set(part, offset);
      offset += part.byteLength;
    }
    return whole;
  }
}

let messageCounter = 0;

/**
 * Puts our framing under y-webrtc on one simple-peer connection: every message over SAFE_MESSAGE_BYTES is
 * split into chunk frames that the other side's `_onChannelMessage` reassembles before y-webrtc sees it,
 * sends are paced by the channel's `bufferedAmount`, and a failed send is never swallowed (y-webrtc's
 * `try { peer.send(m) } catch (e) {}`): it is reported and the connection closed, so y-webrtc reconnects
 * and both sides exchange full state vectors (the relay serves the pair meanwhile). Installed on every
 * connection the moment y-webrtc creates it, before its data channel opens.
 */
export function installFraming(peer: FramedPeer, options: FramingOptions): void {
  const rawSend = peer.send.bind(peer);
  const rawReceive = peer._onChannelMessage.bind(peer);
  const queue: Uint8Array[] = [];
  let timer: ReturnType<typeof setTimeout> | null = null;
  const reassembler = new Reassembler();

  const fail = (error: Error) => {
    queue.length = 0;
    if (peer.destroyed || (peer as { destroying?: boolean }).destroying) return; // closing anyway: nothing to report
    framingStats.sendErrors++;
    options.onSendError(error);
    try {
      peer.destroy();
    } catch {
      /* already gone */
    }
  };
  const pump = () => {
    timer = null;
    if (peer.destroyed) {
      queue.length = 0;
      return;
    }
    while (queue.length > 0) {
      if ((peer._channel?.bufferedAmount ?? 0) > HIGH_WATER_BYTES) {
        timer = setTimeout(pump, 5);
        return;
      }
      try {
        rawSend(queue.shift()!);
      } catch (error) {
        return fail(error as Error);
      }
    }
  };

  peer.send = (data) => {
    // Before the channel opens y-webrtc still broadcasts to this connection; those sends fail by design and
    // lose nothing: on 'connect' y-webrtc starts with a full state-vector exchange.
    if (!peer.connected || peer.destroyed) return;
    const bytes = toBytes(data);
    if (!bytes || bytes.byteLength <= SAFE_MESSAGE_BYTES) {
      queue.push(bytes ?? (data as unknown as Uint8Array));
    } else if (options.remoteFrames()) {
      const frames = frameMessage(bytes, ++messageCounter);
      framingStats.messagesSplit++;
      framingStats.chunksSent += frames.length;
      queue.push(...frames);
    } else {
      // a stock y-webrtc peer cannot reassemble: it gets the message whole, as it would from stock y-webrtc
      console.warn(`meshboard: sending ${bytes.byteLength} bytes unsplit to a peer that does not understand chunk frames`);
      queue.push(bytes);
    }
    if (!timer) pump();
  };

  peer._onChannelMessage = (event) => {
    const bytes = toBytes(event.data);
    if (!bytes || bytes[0] !== CHUNK_MESSAGE_TYPE) {
      if (bytes && options.onOwnMessage?.(bytes)) return;
      return rawReceive(event);
    }
    let whole: Uint8Array | null;
    try {
      whole = reassembler.accept(bytes);
    } catch (error) {
      console.warn('meshboard: dropped a malformed chunk frame from a peer', (error as Error).message);
      return;
    }
    if (!whole) return;
    framingStats.messagesJoined++;
    framingStats.largestJoined = Math.max(framingStats.largestJoined, whole.byteLength);
    if (options.onOwnMessage?.(whole)) return;
    rawReceive({ data: whole.buffer });
  };
}
