import { describe, expect, it } from 'vitest';
import type { Presence } from '@meshboard/protocol';
import { PeerTable } from '../../src/PeerTable.js';
import { StuckConnectionRecovery } from '../../src/StuckConnectionRecovery.js';

// The recovery on its own: which connections it closes, whom it offers to, when it re-announces. It acts
// only through its hooks (y-webrtc's own paths in production), never on the connection map.
const presence = (sid: string, clientId: number, peerId: string): Presence =>
  ({ sid, clientId, user: { id: sid, name: sid, color: '#000000' }, role: 'edit', mode: 'connecting', peerId }) as Presence;

function setup() {
  const table = new PeerTable({ role: () => 'edit', signaling: () => 'connected', hasP2P: () => true, p2pConnected: () => false }, 1000);
  const conns = new Map<string, { remotePeerId: string; connected: boolean; closed: boolean }>();
  const room = { peerId: 'me', webrtcConns: conns };
  const calls: string[] = [];
  const later: Array<() => void> = [];
  const recovery = new StuckConnectionRecovery(
    table,
    {
      provider: () => ({ room }) as never,
      close: (conn) => calls.push(`close ${conn.remotePeerId}`),
      offer: (peerId) => calls.push(`offer ${peerId}`),
      signalingUp: () => true,
      isEditor: () => true,
      announce: (peerId) => calls.push(`announce ${peerId}`),
      stopped: () => false,
      later: (fn) => later.push(fn),
    },
    1000,
  );
  return { table, conns, calls, later, recovery };
}

describe('StuckConnectionRecovery', () => {
  it('closes a connection stuck past its patience; offers again to a peer outside presence; leaves open ones alone', () => {
    const { table, conns, calls, later, recovery } = setup();
    table.upsert(presence('s1', 1, 'p1'));
    const stuck = { remotePeerId: 'p1', connected: false, closed: false };
    const stock = { remotePeerId: 'stock', connected: false, closed: false };
    const up = { remotePeerId: 'p3', connected: true, closed: false };
    conns.set('p1', stuck).set('stock', stock).set('p3', up);
    for (const c of conns.values()) expect(recovery.track(c as never, 0)).toBe(true);
    expect(recovery.track(stuck as never, 0)).toBe(false);
    recovery.reap(3000); // patience is at least 4 s
    expect(calls).toEqual([]);
    recovery.reap(10_000);
    expect(calls).toEqual(['close p1', 'close stock']);
    expect(conns.size).toBe(3); // the map is y-webrtc's: untouched here
    for (const fn of later) fn();
    expect(calls).toEqual(['close p1', 'close stock', 'offer stock']);
  });

  it('re-announces to a present editor it has no connection to, after the same patience', () => {
    const { table, calls, recovery } = setup();
    table.upsert(presence('s2', 2, 'p2'));
    recovery.reap(0); // starts the clock
    recovery.reap(1000);
    expect(calls).toEqual([]);
    recovery.reap(20_000);
    expect(calls).toEqual(['announce me']);
  });
});
