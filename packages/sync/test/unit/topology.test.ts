import { describe, expect, it } from 'vitest';
import { Topology, type TopologyConn } from '../../src/Topology.js';

const ids = (n: number) => Array.from({ length: n }, (_, i) => `p${String(i).padStart(3, '0')}`);
const conns = (entries: Array<[string, boolean]>) => new Map<string, TopologyConn>(entries.map(([id, connected]) => [id, { connected }]));

function views(all: string[], cap: number) {
  return new Map(
    all.map((me) => {
      const t = new Topology(cap);
      t.update(me, all);
      return [me, t] as const;
    }),
  );
}

describe('Topology', () => {
  it('is the full mesh up to the cap', () => {
    const all = ids(7);
    for (const [me, t] of views(all, 6)) expect(t.wanted().sort()).toEqual(all.filter((x) => x !== me));
  });

  it('at 100 editors: every tab wants at most the cap, choices are symmetric, the graph is connected', () => {
    const all = ids(100);
    const v = views(all, 6);
    for (const [me, t] of v) {
      expect(t.wanted().length).toBeLessThanOrEqual(6);
      for (const other of t.wanted()) expect(v.get(other)!.wants(me)).toBe(true);
    }
    const seen = new Set([all[0]!]);
    const queue = [all[0]!];
    while (queue.length) {
      for (const n of v.get(queue.shift()!)!.wanted()) {
        if (seen.has(n)) continue;
        seen.add(n);
        queue.push(n);
      }
    }
    expect(seen.size).toBe(100);
  });

  it('a join changes the choice of at most cap tabs', () => {
    const before = views(ids(50), 6);
    const after = views([...ids(50), 'p0245'], 6);
    let changed = 0;
    for (const [me, t] of before) if (t.wanted().sort().join() !== after.get(me)!.wanted().sort().join()) changed++;
    expect(changed).toBeLessThanOrEqual(6);
  });

  it('the lower id dials, a few at a time; unchosen connections make room', () => {
    const all = ids(20);
    const t = new Topology(4, 2);
    t.update('p010', all);
    expect(t.wanted().sort()).toEqual(['p008', 'p009', 'p011', 'p012']);
    // nothing yet: dials the two higher neighbours (it is their dialer), not the lower ones
    expect(t.plan('p010', conns([]))).toEqual({ dial: ['p011', 'p012'], close: [] });
    // two negotiations running: waits
    expect(t.plan('p010', conns([['p011', false], ['p012', false]])).dial).toEqual([]);
    // at the cap with unchosen connections and a chosen neighbour missing: closes one, dials
    const full = conns([['p001', true], ['p002', false], ['p008', true], ['p009', true]]);
    expect(t.plan('p010', full)).toEqual({ dial: ['p011'], close: ['p002'] });
    // over the cap: trims unchosen ones only
    const over = conns([['p001', true], ['p002', true], ['p008', true], ['p009', true], ['p011', true], ['p012', true]]);
    expect(t.plan('p010', over).close.sort()).toEqual(['p001', 'p002']);
  });

  it('admits announces and offers by the topology; stock clients only while there is room', () => {
    const t = new Topology(4);
    t.update('p010', ids(20));
    expect(t.admitAnnounce('p011', conns([]))).toBe(true); // we are its dialer (lower id)
    expect(t.admitAnnounce('p009', conns([]))).toBe(false); // it dials us: answering its announce too would glare
    expect(t.admitAnnounce('p015', conns([]))).toBe(false); // present, not chosen: reached through the relay
    expect(t.admitAnnounce('stock-client', conns([]))).toBe(true);
    const full = conns([['p008', true], ['p009', true], ['p011', true], ['p012', true]]);
    expect(t.admitAnnounce('stock-client', full)).toBe(false);
    expect(t.admitOffer('p015', conns([]))).toBe(true); // spare slot: views may lag
    expect(t.admitOffer('p015', full)).toBe(false);
    expect(t.admitOffer('p011', full)).toBe(true); // already connected: renegotiation/glare
  });

  it('rejects a bad cap', () => {
    expect(() => new Topology(0)).toThrow(/positive integer/);
  });
});
