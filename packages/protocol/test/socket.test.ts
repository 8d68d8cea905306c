import { describe, expect, it } from 'vitest';
import {
  FORWARD_BOUNDS,
  jsonTextDepth,
  measureJson,
  parseSignalMessage,
  JoinRequest,
  RelayChunk,
  RelayFrameIn,
  SignalClientMessage,
  limits,
  newBoardId,
  splitIntoChunks,
  toBytes,
} from '../src/index.js';

const user = { id: 'u1', name: 'Ada', color: '#ff0000' };

describe('socket events', () => {
  it('accept a well-formed join and refuse titles as board ids, long names, bad colors, extra fields', () => {
    const boardId = newBoardId();
    expect(JoinRequest.parse({ boardId, token: 'mb1.a.b', user, clientId: 1 }).mode).toBe('connecting');
    const bad = [
      { boardId: 'My board', token: 't', user, clientId: 1 },
      { boardId, token: 't', user: { ...user, name: 'x'.repeat(limits.maxDisplayNameLength + 1) }, clientId: 1 },
      { boardId, token: 't', user: { ...user, color: 'red;background:url(x)' }, clientId: 1 },
      { boardId, token: 't', user, clientId: -1 },
      { boardId, token: 't', user, clientId: 1, admin: true },
      { boardId, token: 't', user, clientId: 1, peerId: 'not-a-uuid' },
    ];
    for (const request of bad) expect(JoinRequest.safeParse(request).success).toBe(false);
  });

  it('relay frames are binary, chunks are in range', () => {
    expect(RelayFrameIn.safeParse({ data: new Uint8Array([0, 2]) }).success).toBe(true);
    expect(RelayFrameIn.safeParse({ data: new ArrayBuffer(2) }).success).toBe(true);
    expect(RelayFrameIn.safeParse({ data: 'AAE=' }).success).toBe(false);
    expect(RelayFrameIn.safeParse({ data: [0, 2] }).success).toBe(false);
    expect(RelayChunk.safeParse({ id: 'a', index: 1, count: 2 }).success).toBe(true);
    expect(RelayChunk.safeParse({ id: 'a', index: 2, count: 2 }).success).toBe(false);
    expect(RelayChunk.safeParse({ id: 'a', index: 0, count: 1 }).success).toBe(false);
    expect(RelayChunk.safeParse({ id: 'a', index: 0, count: 1e9 }).success).toBe(false);
  });

  it('y-webrtc signaling messages', () => {
    expect(SignalClientMessage.safeParse({ type: 'subscribe', topics: ['x'] }).success).toBe(true);
    const from = crypto.randomUUID();
    const to = crypto.randomUUID();
    expect(SignalClientMessage.safeParse({ type: 'publish', topic: 'x', data: { type: 'announce', from } }).success).toBe(true);
    const offer = { type: 'signal', from, to, token: Date.now() + Math.random(), signal: { type: 'offer', sdp: 'v=0\r\n' } };
    expect(SignalClientMessage.safeParse({ type: 'publish', topic: 'x', data: offer }).success).toBe(true);
    const candidate = { ...offer, signal: { type: 'candidate', candidate: { candidate: 'candidate:1 1 udp 1 127.0.0.1 5000 typ host', sdpMLineIndex: 0, sdpMid: '0' } } };
    expect(SignalClientMessage.safeParse({ type: 'publish', topic: 'x', data: candidate }).success).toBe(true);
    expect(SignalClientMessage.safeParse({ type: 'publish', topic: 'x', data: 'AAECAwQ=' }).success).toBe(true); // room password
    expect(SignalClientMessage.safeParse({ type: 'ping' }).success).toBe(true);
    expect(SignalClientMessage.safeParse({ type: 'boom' }).success).toBe(false);
    // strict: y-webrtc's data shapes only
    expect(SignalClientMessage.safeParse({ type: 'publish', topic: 'x', data: { type: 'announce' } }).success).toBe(false);
    expect(SignalClientMessage.safeParse({ type: 'publish', topic: 'x', data: { type: 'announce', from, extra: 1 } }).success).toBe(false);
    expect(SignalClientMessage.safeParse({ type: 'publish', topic: 'x', data: { ...offer, signal: undefined } }).success).toBe(false);
  });

  it('bounds depth and size without recursion (the 10,000-deep repro)', () => {
    const deep = JSON.parse('['.repeat(10_000) + ']'.repeat(10_000));
    expect(measureJson(deep, FORWARD_BOUNDS)).toMatchObject({ ok: false });
    const from = crypto.randomUUID();
    const to = crypto.randomUUID();
    for (const data of [deep, { type: 'signal', from, to, signal: { type: 'offer', x: deep } }]) {
      expect(parseSignalMessage({ type: 'publish', topic: 'x', data }).success).toBe(false);
    }
    expect(parseSignalMessage(JSON.parse('{"type":"ping","x":' + '['.repeat(100_000) + ']'.repeat(100_000) + '}')).success).toBe(false);
    expect(parseSignalMessage({ type: 'publish', topic: 'x', data: { type: 'signal', from, to, signal: { type: 'offer', sdp: 'x'.repeat(70_000) } } }).success).toBe(false);
    expect(measureJson({ a: [1, 'two', { b: null }] }, FORWARD_BOUNDS)).toMatchObject({ ok: true, depth: 3 });
    expect(jsonTextDepth('{"a":"[[[[","b":[[1]]}')).toBe(3);
    expect(jsonTextDepth('['.repeat(1000), 64)).toBe(Infinity);
  });

  it('splits into chunks no larger than the chunk size and reassembles exactly', () => {
    const data = new Uint8Array(limits.relayChunkBytes * 2 + 17).map((_, i) => i % 251);
    const chunks = splitIntoChunks(data);
    expect(chunks.map((c) => c.length)).toEqual([limits.relayChunkBytes, limits.relayChunkBytes, 17]);
    const joined = new Uint8Array(data.length);
    let offset = 0;
    for (const c of chunks) {
      joined.set(c, offset);
      offset += c.length;
    }
    expect(joined).toEqual(data);
    expect(toBytes(new Uint8Array([1, 2]).buffer)).toEqual(new Uint8Array([1, 2]));
  });
});
