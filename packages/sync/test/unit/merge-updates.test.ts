// mergeMany (src/merge-updates.ts): the uploader's batches of a long offline queue. Same document state as
// applying every update in order, for interleaved clients, deletes and updates that arrive out of order.
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { mergeMany } from '../../src/merge-updates.js';

function editsOf(count: number): { updates: Uint8Array[]; doc: Y.Doc } {
  const a = new Y.Doc();
  const b = new Y.Doc();
  const updates: Uint8Array[] = [];
  a.on('update', (u: Uint8Array) => updates.push(u));
  b.on('update', (u: Uint8Array, origin: unknown) => origin !== 'a' && updates.push(u));
  for (let i = 0; i < count; i++) {
    const doc = i % 7 === 0 ? b : a;
    const shapes = doc.getMap<Y.Map<number>>('shapes');
    if (i % 10 === 0 || shapes.size === 0) {
      const shape = new Y.Map<number>();
      shape.set('x', i);
      shapes.set(`s${i}`, shape);
    } else if (i % 13 === 0) {
      shapes.delete([...shapes.keys()][0]!);
    } else {
      const key = [...shapes.keys()][i % shapes.size]!;
      shapes.get(key)!.set('x', i);
    }
    if (doc === b) Y.applyUpdate(a, updates[updates.length - 1]!, 'a');
  }
  return { updates, doc: a };
}

const state = (update: Uint8Array) => {
  const doc = new Y.Doc();
  Y.applyUpdate(doc, update);
  return doc.getMap('shapes').toJSON();
};

describe('mergeMany', () => {
  it('gives the state of every update applied in order, in rounds of at most 64', () => {
    const { updates, doc } = editsOf(5000);
    const started = performance.now();
    const merged = mergeMany(updates);
    const roundsMs = performance.now() - started;
    expect(state(merged)).toEqual(doc.getMap('shapes').toJSON());
    // out of order (a queue re-merged after a failed request puts the old batch first)
    const shuffled = [...updates.slice(2500), ...updates.slice(0, 2500)];
    expect(state(mergeMany(shuffled))).toEqual(doc.getMap('shapes').toJSON());
    console.log(`mergeMany of ${updates.length} updates: ${roundsMs.toFixed(0)} ms`);
  });

  it('handles none, one and a few updates', () => {
    expect(state(mergeMany([]))).toEqual({});
    const { updates, doc } = editsOf(3);
    expect(state(mergeMany(updates.slice(0, 1)))).toEqual(state(updates[0]!));
    expect(state(mergeMany(updates))).toEqual(doc.getMap('shapes').toJSON());
  });
});
