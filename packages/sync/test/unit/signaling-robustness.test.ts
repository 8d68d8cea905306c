import { afterEach, describe, expect, it } from 'vitest';

// y-webrtc syncs same-process providers over BroadcastChannel and keeps the process alive: remove it first.
delete (globalThis as { BroadcastChannel?: unknown }).BroadcastChannel;
const Y = await import('yjs');
const awarenessProtocol = await import('y-protocols/awareness');
const wrtc = ((await import('@roamhq/wrtc')) as { default: unknown }).default;
const { P2PProvider, isWellFormedSignal } = await import('../../src/P2PProvider.js');
const { SioWebSocket, registerChannel } = await import('../../src/sio-websocket.js');

// Issue 15: at 20 editors peers crashed with `TypeError: Cannot set properties of undefined (setting
// 'glareToken')` thrown from y-webrtc's signaling handler through our dispatcher: an answer arrived for a
// connection the stuck-connection recovery had closed. These drive the real y-webrtc provider.

const wait = (ms: number) => new Promise((r) => setTimeout(r, ms));
let open: Array<{ destroy(): void }> = [];
afterEach(() => {
  for (const o of open) o.destroy();
  open = [];
});

async function provider(boardId: string) {
  const doc = new Y.Doc();
  const sent: Array<{ type: string; topic?: string; data?: { type: string; to?: string; signal?: { type: string } } }> = [];
  const p2p = new P2PProvider(
    { boardId, doc, awareness: new awarenessProtocol.Awareness(doc), connectionId: `t-${boardId}`, wrtc },
    { signalingReady: () => true, sendSignal: (m) => sent.push(m as never), onConnection: () => undefined, onConnected: () => undefined, onPeersChanged: () => undefined, remoteFrames: () => true },
  );
  open.push(p2p);
  await p2p.whenRoomReady();
  await wait(20); // the adapter opens a tick later; y-webrtc then subscribes and announces
  return { p2p, sent, room: p2p.provider.room! };
}

describe('signaling never throws into the dispatcher', () => {
  it('an answer for a connection that no longer exists is dropped, not thrown (the glareToken crash)', async () => {
    const { p2p, sent, room } = await provider('board-answer');
    expect(sent.some((m) => m.type === 'publish' && m.data?.type === 'announce')).toBe(true);
    const answer = { type: 'publish', topic: 'board-answer', data: { type: 'signal', from: 'ghost', to: room.peerId, token: 1, signal: { type: 'answer', sdp: 'x' } } };
    expect(() => p2p.deliverSignal(answer)).not.toThrow();
    expect(room.webrtcConns.size).toBe(0);
    for (const bad of [null, 'x', { type: 'publish', topic: 'board-answer' }, { type: 'publish', data: { type: 'signal', from: 'g' } }, { type: 'publish', data: { from: 5 } }]) {
      expect(isWellFormedSignal(bad)).toBe(false);
      expect(() => p2p.deliverSignal(bad)).not.toThrow();
    }
  });

  it('recovery opens and closes connections only through y-webrtc; a late answer after a close is harmless', async () => {
    const { p2p, sent, room } = await provider('board-recover');
    p2p.offerConnection('remote-1');
    const conn = room.webrtcConns.get('remote-1');
    expect(conn).toBeDefined();
    // y-webrtc made it an initiator: it publishes an offer to that peer
    for (let i = 0; i < 100 && !sent.some((m) => m.data?.to === 'remote-1' && m.data.signal?.type === 'offer'); i++) await wait(20);
    expect(sent.some((m) => m.data?.to === 'remote-1' && m.data.signal?.type === 'offer')).toBe(true);
    p2p.closeConnection(conn!);
    for (let i = 0; i < 50 && room.webrtcConns.has('remote-1'); i++) await wait(10);
    expect(room.webrtcConns.has('remote-1')).toBe(false);
    const late = { type: 'publish', topic: 'board-recover', data: { type: 'signal', from: 'remote-1', to: room.peerId, token: 1, signal: { type: 'answer', sdp: 'v=0' } } };
    expect(() => p2p.deliverSignal(late)).not.toThrow();
    expect(room.webrtcConns.has('remote-1')).toBe(false);
  });

  it('the WebSocket adapter catches whatever the signaling handler throws', async () => {
    const unregister = registerChannel('meshboard-sio://throwing', { ready: () => true, send: () => undefined, attach: () => undefined, detach: () => undefined });
    const ws = new SioWebSocket('meshboard-sio://throwing');
    await wait(5);
    ws.onmessage = () => {
      throw new TypeError("Cannot set properties of undefined (setting 'glareToken')");
    };
    expect(() => ws.deliver({ type: 'publish' })).not.toThrow();
    ws.close();
    unregister();
  });
});
