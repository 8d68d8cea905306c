import * as Y from 'yjs';

type Ranges = Map<number, Array<{ clock: number; len: number }>>;

/** sorted, merged copy of a delete set's ranges per client */
function normalize(ds: { clients: Ranges }): Map<number, Array<[number, number]>> {
  const out = new Map<number, Array<[number, number]>>();
  for (const [client, items] of ds.clients) {
    const sorted = items.map((i) => [i.clock, i.clock + i.len] as [number, number]).sort((a, b) => a[0] - b[0]);
    const merged: Array<[number, number]> = [];
    for (const [start, end] of sorted) {
      const last = merged[merged.length - 1];
      if (last && start <= last[1]) last[1] = Math.max(last[1], end);
      else merged.push([start, end]);
    }
    out.set(client, merged);
  }
  return out;
}

/**
 * State vectors do not cover deletes: a change that only deletes leaves every clock where it was, so
 * comparing state vectors never notices that the store lacks it (issue 9, item 2). The store's diff answer
 * (`POST /diff`, `Y.encodeStateAsUpdate(storeDoc, ourSV)` or `Y.diffUpdate`) always carries its whole delete
 * set; this tells whether `doc` deleted anything, among the items the store has (below `storeSV`), that the
 * store's delete set lacks. Items above `storeSV` are uploaded with their deletes by the state-vector diff.
 */
export function deletesStoreLacks(doc: Y.Doc, storeDiff: Uint8Array, storeSV: Uint8Array): boolean {
  const store = normalize(Y.decodeUpdate(storeDiff).ds as unknown as { clients: Ranges });
  const mine = normalize(Y.createDeleteSetFromStructStore(doc.store) as unknown as { clients: Ranges });
  const known = Y.decodeStateVector(storeSV);
  for (const [client, ranges] of mine) {
    const limit = known.get(client) ?? 0;
    if (limit === 0) continue;
    const theirs = store.get(client) ?? [];
    let j = 0;
    for (const [rawStart, rawEnd] of ranges) {
      const start = rawStart;
      const end = Math.min(rawEnd, limit);
      if (start >= end) continue;
      // find a store range covering [start, end) (both lists sorted and merged)
      while (j < theirs.length && theirs[j]![1] <= start) j++;
      const cover = theirs[j];
      if (!cover || cover[0] > start || cover[1] < end) return true;
    }
  }
  return false;
}
