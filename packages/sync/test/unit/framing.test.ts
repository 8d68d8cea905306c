import { describe, expect, it } from 'vitest';
import { CHUNK_MESSAGE_TYPE, Reassembler, SAFE_MESSAGE_BYTES, frameMessage, installFraming, type FramedPeer } from '../../src/DataChannelFraming.js';

/**
 * A stand-in for one simple-peer end whose channel refuses what Chromium refuses (> 256 KiB) and records
 * every message size handed to it. The real data channels are exercised in test/webrtc-big.test.ts.
 */
function fakePair() {
  const sizes: number[] = [];
  const received: Uint8Array[] = [];
  const b: FramedPeer = {
    send: () => undefined,
    _onChannelMessage: (e) => received.push(new Uint8Array(e.data as ArrayBuffer)),
    connected: true,
    destroy: () => undefined,
  };
  const a: FramedPeer & { destroyedWith?: Error | undefined } = {
    send: (data) => {
      const bytes = data as Uint8Array;
      if (bytes.byteLength > 256 * 1024) throw new Error('RTCDataChannel send queue is full');
      sizes.push(bytes.byteLength);
      const copy = bytes.slice();
      queueMicrotask(() => b._onChannelMessage({ data: copy.buffer }));
    },
    _onChannelMessage: () => undefined,
    _channel: { bufferedAmount: 0 },
    connected: true,
    destroy(error?: Error) {
      this.destroyed = true;
      this.destroyedWith = error;
    },
  };
  return { a, b, sizes, received };
}

describe('data channel framing', () => {
  it('frames and reassembles in any order, rejects malformed frames', () => {
    const message = new Uint8Array(100_000);
    for (let i = 0; i < message.length; i++) message[i] = (i * 7) % 256;
    const frames = frameMessage(message, 42);
    expect(frames.every((f) => f.byteLength <= SAFE_MESSAGE_BYTES && f[0] === CHUNK_MESSAGE_TYPE)).toBe(true);
    const r = new Reassembler();
    const shuffled = [...frames].reverse();
    let whole: Uint8Array | null = null;
    for (const f of shuffled) whole = r.accept(f) ?? whole;
    expect(Buffer.from(whole!).equals(message)).toBe(true);
    expect(() => r.accept(new Uint8Array([CHUNK_MESSAGE_TYPE, 1, 5, 2]))).toThrow();
    expect(() => r.accept(new Uint8Array([0, 1]))).toThrow();
  });

  it('nothing over the safe size reaches the channel; a 5 MB message arrives whole; small ones pass as they are', async () => {
    const { a, b, sizes, received } = fakePair();
    let errors = 0;
    installFraming(a, { remoteFrames: () => true, onSendError: () => errors++ });
    installFraming(b, { remoteFrames: () => true, onSendError: () => errors++ });
    const big = new Uint8Array(5 * 1024 * 1024);
    for (let i = 0; i < big.length; i++) big[i] = i % 253;
    a.send(new Uint8Array([0, 1, 2]));
    a.send(big);
    a.send(new Uint8Array([1, 9]));
    await new Promise((r) => setTimeout(r, 50));
    expect(Math.max(...sizes)).toBeLessThanOrEqual(SAFE_MESSAGE_BYTES);
    expect(received.map((m) => m.byteLength)).toEqual([3, big.byteLength, 2]);
    expect(Buffer.from(received[1]!).equals(big)).toBe(true);
    expect(errors).toBe(0);
  });

  it('a failed send is reported and closes the connection (never swallowed)', () => {
    const { a } = fakePair();
    const reported: Error[] = [];
    installFraming(a, { remoteFrames: () => false, onSendError: (e) => reported.push(e) });
    a.send(new Uint8Array(300 * 1024)); // a stock peer gets it whole; the channel refuses it
    expect(reported.map((e) => e.message)).toEqual(['RTCDataChannel send queue is full']);
    expect(a.destroyed).toBe(true);
  });

  it('before the channel opens, sends are dropped (y-webrtc syncs fully on connect)', () => {
    const { a, sizes } = fakePair();
    a.connected = false;
    installFraming(a, { remoteFrames: () => true, onSendError: () => undefined });
    a.send(new Uint8Array(10));
    expect(sizes).toEqual([]);
  });
});
