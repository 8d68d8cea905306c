import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import type { Presence, RelayFrameIn } from '@meshboard/protocol';
import { RelayTransport } from '../../src/RelayTransport.js';
import { RelaySync } from '../../src/RelaySync.js';
import { PeerTable } from '../../src/PeerTable.js';
import { DurableUploader } from '../../src/DurableUploader.js';
import { AntiEntropy } from '../../src/AntiEntropy.js';
import { Timers } from '../../src/Timers.js';

// Each part of the connection on its own, wired to its neighbours by plain functions.

const presence = (sid: string, clientId: number, extra: Partial<Presence> = {}): Presence =>
  ({ sid, clientId, user: { id: sid, name: sid, color: '#000000' }, role: 'edit', mode: 'connecting', ...extra }) as Presence;

describe('RelayTransport', () => {
  it('chunks big messages and reassembles them in any order; small ones go whole', () => {
    const timers = new Timers();
    const frames: RelayFrameIn[] = [];
    const got: Array<[string, Uint8Array]> = [];
    const a = new RelayTransport('a', { canSend: () => true, emit: (f) => frames.push(f), onMessage: () => undefined, later: (fn, ms) => timers.later(fn, ms) }, 1000);
    const b = new RelayTransport('b', { canSend: () => true, emit: () => undefined, onMessage: (from, m) => got.push([from, m]), later: (fn, ms) => timers.later(fn, ms) }, 1000);
    const big = Uint8Array.from({ length: 4500 }, (_, i) => i % 251);
    a.send(new Uint8Array([1, 2, 3]), ['s1']);
    a.send(big, 'all');
    expect(frames.length).toBe(6);
    expect(frames[0]).toMatchObject({ to: 's1' });
    expect(frames.slice(1).every((f) => f.chunk?.count === 5 && f.to === undefined)).toBe(true);
    for (const f of [frames[0]!, ...frames.slice(1).reverse()]) b.receive({ ...f, from: 'sa' } as never);
    expect(got.map(([from, m]) => [from, m.byteLength])).toEqual([
      ['sa', 3],
      ['sa', 4500],
    ]);
    expect(got[1]![1]).toEqual(big);
    // a malformed frame is dropped, never thrown
    expect(() => b.receive({ from: 'sa', data: 'not bytes' } as never)).not.toThrow();
    timers.clear();
  });

  it('re-sends a frame the server refused as rate_limited, and sends nothing while not joined', async () => {
    const timers = new Timers();
    const frames: RelayFrameIn[] = [];
    let up = false;
    const t = new RelayTransport('a', { canSend: () => up, emit: (f) => frames.push(f), onMessage: () => undefined, later: (fn, ms) => timers.later(fn, ms) });
    t.send(new Uint8Array([1]), 'all');
    expect(frames).toEqual([]);
    up = true;
    t.send(new Uint8Array([1]), 'all');
    expect(t.onFailure({ event: 'relay', ref: frames[0]!.ref, error: { code: 'rate_limited', message: 'slow down' } } as never)).toBe(true);
    await new Promise((r) => setTimeout(r, 600));
    expect(frames.length).toBe(2);
    expect(frames[1]).toEqual(frames[0]);
    timers.clear();
  });
});

describe('RelaySync', () => {
  it('two docs converge through step 1 / step 2 / update messages', () => {
    const a = new Y.Doc();
    const b = new Y.Doc();
    a.getMap('m').set('x', 1);
    b.getMap('m').set('y', 2);
    const sa: RelaySync = new RelaySync(a, { send: (m) => sb.receive('a', m), canAnswer: () => true });
    const sb: RelaySync = new RelaySync(b, { send: (m) => sa.receive('b', m), canAnswer: () => true });
    sa.sendStep1('all');
    sb.sendStep1('all');
    expect(a.getMap('m').toJSON()).toEqual({ x: 1, y: 2 });
    expect(b.getMap('m').toJSON()).toEqual({ x: 1, y: 2 });
  });
});

describe('PeerTable', () => {
  it('connecting until the deadline, then relay (reported once as entering); p2p when a channel is open', () => {
    const open = new Set<string>();
    const table = new PeerTable({ role: () => 'edit', signaling: () => 'connected', hasP2P: () => true, p2pConnected: (id) => open.has(id) }, 1000);
    table.mySid = 'me';
    table.upsert(presence('me', 1));
    table.upsert(presence('s2', 2, { peerId: 'p2' }), 0);
    table.upsert(presence('s3', 3, { peerId: 'p3', role: 'view' }), 0);
    expect(table.refresh(10)).toEqual({ entering: ['s3'], mine: 'relay' });
    expect(table.snapshot().map((p) => p.mode)).toEqual(['connecting', 'relay']);
    expect(table.refresh(2000).entering).toEqual(['s2']);
    expect(table.refresh(2001).entering).toEqual([]);
    open.add('p2');
    table.refresh(2002);
    expect(table.snapshot().map((p) => p.mode)).toEqual(['p2p', 'relay']);
    // a tab that reconnected under a new sid with the same doc client: a clientId is a claim, not an identity
    // (issue 11, defect 6), so the old entry stays until the server's presence:leave for it (the server closes
    // the same tab's stale connection itself)
    table.upsert(presence('s2b', 2, { peerId: 'p2' }), 3000);
    expect([...table.peers.keys()]).toEqual(['s2', 's3', 's2b']);
    table.remove('s2');
    expect([...table.peers.keys()]).toEqual(['s3', 's2b']);
    expect(table.holdsClientId(2)).toBe(true);
  });
});

describe('DurableUploader', () => {
  it('batches edits made during the delay and while a request is in flight, retries failures', async () => {
    const timers = new Timers();
    const sent: Uint8Array[] = [];
    let fail = 1;
    const doc = new Y.Doc();
    const uploader = new DurableUploader(
      {
        append: async (u) => {
          await new Promise((r) => setTimeout(r, 20));
          if (fail-- > 0) throw new Error('down');
          sent.push(u);
          return { seq: sent.length, stateVector: '', changed: true, stateVectorBytes: new Uint8Array() } as never;
        },
        canUpload: () => true,
        stopped: () => false,
        onQueued: () => undefined,
        onAcked: () => undefined,
        onOffline: () => undefined,
        onFatal: () => undefined,
        later: (fn, ms) => timers.later(fn, Math.min(ms, 50)),
      },
      10,
    );
    doc.on('update', (u: Uint8Array) => uploader.push(u));
    for (let i = 0; i < 5; i++) doc.getMap('m').set(`k${i}`, i);
    await uploader.flush().catch(() => undefined);
    await new Promise((r) => setTimeout(r, 200));
    await uploader.flush();
    expect(uploader.idle()).toBe(true);
    const copy = new Y.Doc();
    for (const u of sent) Y.applyUpdate(copy, u);
    expect(copy.getMap('m').toJSON()).toEqual({ k0: 0, k1: 1, k2: 2, k3: 3, k4: 4 });
    expect(sent.length).toBe(1);
    timers.clear();
  });
});

describe('AntiEntropy', () => {
  it('fetches what the store has and queues exactly what it lacks', async () => {
    const storeDoc = new Y.Doc();
    storeDoc.getMap('m').set('fromStore', 1);
    const doc = new Y.Doc();
    doc.getMap('m').set('mine', 2);
    const uploads: Uint8Array[] = [];
    const ae = new AntiEntropy(doc, {
      getDiff: async (sv) => ({ update: Y.encodeStateAsUpdate(storeDoc, sv), stateVector: Y.encodeStateVector(storeDoc) }),
      canUpload: () => true,
      upload: (u) => uploads.push(u),
      stopped: () => false,
      onAnswered: () => undefined,
      onOffline: () => undefined,
      onFatal: () => undefined,
    });
    await ae.run();
    expect(doc.getMap('m').toJSON()).toEqual({ fromStore: 1, mine: 2 });
    expect(uploads.length).toBe(1);
    Y.applyUpdate(storeDoc, uploads[0]!);
    expect(storeDoc.getMap('m').toJSON()).toEqual({ fromStore: 1, mine: 2 });
  });
});
