import * as Y from 'yjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BoardStore, revertUpdate, type AppendResult } from '../src/store.js';
import { engines, openTestDatabase, type TestDatabase } from './helpers.js';

function addShape(doc: Y.Doc, id: string, fields: Record<string, unknown>): void {
  doc.transact(() => {
    const shape = new Y.Map<unknown>();
    for (const [key, value] of Object.entries(fields)) shape.set(key, value);
    doc.getMap<Y.Map<unknown>>('shapes').set(id, shape);
  });
}

/** A client doc whose local edits are captured as separate updates, like a tab's store client does. */
function clientDoc(clientId: number): { doc: Y.Doc; updates: Uint8Array[] } {
  const doc = new Y.Doc();
  doc.clientID = clientId;
  const updates: Uint8Array[] = [];
  doc.on('update', (update: Uint8Array) => updates.push(update));
  return { doc, updates };
}

function docOf(state: Uint8Array): Y.Doc {
  const doc = new Y.Doc();
  Y.applyUpdate(doc, state);
  return doc;
}

describe('revertUpdate', () => {
  it('turns the current doc back into the old one as a forward update', () => {
    const { doc } = clientDoc(1);
    addShape(doc, 'a', { x: 1 });
    addShape(doc, 'b', { x: 2 });
    doc.getMap('meta').set('title', 'old');
    const old = Y.encodeStateAsUpdate(doc);
    doc.getMap<Y.Map<unknown>>('shapes').delete('a');
    doc.getMap<Y.Map<unknown>>('shapes').get('b')!.set('x', 20);
    addShape(doc, 'c', { x: 3 });
    doc.getMap('meta').set('title', 'new');
    doc.getArray('extra').push([1, 2]);
    const revert = revertUpdate(Y.encodeStateAsUpdate(doc), old);
    Y.applyUpdate(doc, revert);
    expect(doc.getMap('shapes').toJSON()).toEqual(docOf(old).getMap('shapes').toJSON());
    expect(doc.getMap('meta').toJSON()).toEqual({ title: 'old' });
    expect(doc.getArray('extra').toJSON()).toEqual([]);
  });

  it('reverts root-level insertions on untyped roots too (server docs never name their root types)', () => {
    const author = new Y.Doc();
    addShape(author, 'one', { x: 1 });
    author.getText('notes').insert(0, 'hello');
    const server = docOf(Y.encodeStateAsUpdate(author));
    const old = Y.encodeStateAsUpdate(server);
    addShape(author, 'two', { x: 2 });
    author.getText('notes').insert(5, ' world');
    Y.applyUpdate(server, Y.encodeStateAsUpdate(author));
    Y.applyUpdate(author, revertUpdate(Y.encodeStateAsUpdate(server), old));
    expect([...author.getMap('shapes').keys()]).toEqual(['one']);
    expect(author.getText('notes').toString()).toBe('hello');
  });
});

describe.each(engines)('BoardStore on %s', (engine) => {
  let t: TestDatabase;
  let store: BoardStore;
  beforeAll(async () => {
    t = await openTestDatabase(engine);
    store = new BoardStore(t.db.prisma, { compactIdleMs: 0, historyIntervalMs: 0, compactAfterUpdates: 1_000_000 });
  });
  afterAll(async () => {
    await store?.close();
    await t?.cleanup();
  });

  it('stores updates, serves the full state and only the diff a client lacks', async () => {
    const board = await store.createBoard('first');
    const a = clientDoc(101);
    addShape(a.doc, 's1', { kind: 'rect', x: 1 });
    addShape(a.doc, 's2', { kind: 'text', text: 'hi' });
    let last: AppendResult = { seq: 0, changed: false, stateVector: new Uint8Array() };
    for (const update of a.updates) last = await store.append(board.id, update);
    expect(last.changed).toBe(true);
    expect(last.seq).toBe(2);
    expect(Y.decodeStateVector(last.stateVector)).toEqual(Y.decodeStateVector(Y.encodeStateVector(a.doc)));

    const state = await store.getState(board.id);
    expect(docOf(state.update).getMap('shapes').toJSON()).toEqual(a.doc.getMap('shapes').toJSON());

    const b = clientDoc(202);
    Y.applyUpdate(b.doc, a.updates[0]!);
    const diff = await store.getDiff(board.id, Y.encodeStateVector(b.doc));
    expect(diff.update.length).toBeLessThan(state.update.length);
    Y.applyUpdate(b.doc, diff.update);
    expect(b.doc.getMap('shapes').toJSON()).toEqual(a.doc.getMap('shapes').toJSON());
  });

  it('is idempotent: re-sent updates and a full re-sent state change nothing', async () => {
    const board = await store.createBoard('idem');
    const a = clientDoc(303);
    addShape(a.doc, 's1', { x: 1 });
    a.doc.getMap<Y.Map<unknown>>('shapes').delete('s1');
    addShape(a.doc, 's2', { x: 2 });
    for (const update of a.updates) await store.append(board.id, update);
    const rowsBefore = await t.db.prisma.boardUpdate.count({ where: { boardId: board.id } });
    for (const update of a.updates) expect((await store.append(board.id, update)).changed).toBe(false);
    const full = await store.append(board.id, Y.encodeStateAsUpdate(a.doc));
    expect(full.changed).toBe(false);
    expect(full.seq).toBe(a.updates.length);
    expect(await t.db.prisma.boardUpdate.count({ where: { boardId: board.id } })).toBe(rowsBefore);
  });

  it('batches concurrent appends into few durable rows and acks every one', async () => {
    const board = await store.createBoard('batch');
    const a = clientDoc(404);
    for (let i = 0; i < 50; i++) addShape(a.doc, `s${i}`, { x: i });
    const acks = await Promise.all(a.updates.map((update) => store.append(board.id, update)));
    expect(acks.every((ack) => ack.changed)).toBe(true);
    const rows = await t.db.prisma.boardUpdate.count({ where: { boardId: board.id } });
    expect(rows).toBeLessThan(50);
    expect(docOf((await store.getState(board.id)).update).getMap('shapes').size).toBe(50);
  });

  it('stores an update with a causal gap and applies it once the gap is filled', async () => {
    const board = await store.createBoard('gap');
    const a = clientDoc(505);
    addShape(a.doc, 's1', { x: 1 });
    addShape(a.doc, 's2', { x: 2 });
    const second = await store.append(board.id, a.updates[1]!);
    expect(second.changed).toBe(true);
    await store.append(board.id, a.updates[0]!);
    // a fresh store (no cache) must rebuild the same state from the log
    const fresh = new BoardStore(t.db.prisma);
    expect(docOf((await fresh.getState(board.id)).update).getMap('shapes').toJSON()).toEqual(a.doc.getMap('shapes').toJSON());
    await fresh.close();
  });

  it('compacts while writes keep arriving, losing nothing, and keeps the old snapshot as a restore point', async () => {
    const board = await store.createBoard('compact');
    const a = clientDoc(606);
    for (let i = 0; i < 200; i++) addShape(a.doc, `s${i}`, { x: i });
    for (const update of a.updates.slice(0, 100)) await store.append(board.id, update);
    const first = await store.compact(board.id);
    expect(first?.merged).toBeGreaterThan(0);
    // second compaction races 100 appends
    const writes = Promise.all(a.updates.slice(100).map((update) => store.append(board.id, update)));
    const second = store.compact(board.id);
    await Promise.all([writes, second]);
    await store.compact(board.id);
    const fresh = new BoardStore(t.db.prisma);
    const state = await fresh.getState(board.id);
    expect(docOf(state.update).getMap('shapes').toJSON()).toEqual(a.doc.getMap('shapes').toJSON());
    await fresh.close();
    const snapshot = await t.db.prisma.snapshot.findUniqueOrThrow({ where: { boardId: board.id } });
    expect(snapshot.size).toBeLessThanOrEqual(Math.ceil(Y.encodeStateAsUpdate(a.doc).length * 1.2));
    const history = await store.listHistory(board.id);
    expect(history.length).toBeGreaterThanOrEqual(1);
    expect(history[0]!.shapeCount).toBeGreaterThan(0);
  });

  it('serves a compacted board to a joining client straight from the snapshot, and falls back to the log when it has more', async () => {
    const board = await store.createBoard('join');
    const a = clientDoc(1212);
    for (let i = 0; i < 30; i++) addShape(a.doc, `s${i}`, { x: i });
    a.doc.getMap<Y.Map<unknown>>('shapes').delete('s3');
    for (const update of a.updates.splice(0)) await store.append(board.id, update);
    await store.compact(board.id);
    const snapshot = await t.db.prisma.snapshot.findUniqueOrThrow({ where: { boardId: board.id } });
    const reader = new BoardStore(t.db.prisma);
    try {
      const state = await reader.getState(board.id);
      expect(Buffer.compare(Buffer.from(state.update), Buffer.from(snapshot.data))).toBe(0);
      expect(Y.decodeStateVector(state.stateVector)).toEqual(Y.decodeStateVector(Y.encodeStateVector(a.doc)));
      expect(docOf(state.update).getMap('shapes').toJSON()).toEqual(a.doc.getMap('shapes').toJSON());
      const diff = await reader.getDiff(board.id, Y.encodeStateVector(new Y.Doc()));
      expect(docOf(diff.update).getMap('shapes').toJSON()).toEqual(a.doc.getMap('shapes').toJSON());
      const upToDate = await reader.getDiff(board.id, Y.encodeStateVector(a.doc));
      expect(Y.decodeUpdate(upToDate.update).structs).toHaveLength(0);

      // another writer appends: the log now has more than the snapshot, so the reader must not serve it alone
      addShape(a.doc, 'later', { x: 99 });
      await store.append(board.id, a.updates.splice(0)[0]!);
      expect(docOf((await reader.getState(board.id)).update).getMap('shapes').has('later')).toBe(true);
      const caughtUp = docOf(snapshot.data);
      Y.applyUpdate(caughtUp, (await reader.getDiff(board.id, snapshot.stateVector)).update);
      expect(caughtUp.getMap('shapes').toJSON()).toEqual(a.doc.getMap('shapes').toJSON());
      await store.deleteBoard(board.id);
      const third = new BoardStore(t.db.prisma);
      await expect(third.getState(board.id)).rejects.toMatchObject({ code: 'board_not_found' });
      await third.close();
    } finally {
      await reader.close();
    }
  });

  it('the size trigger compacts once, not after every later write, even when writes arrive during compaction', async () => {
    // Hold the (first) compaction's commit until some writes arrived, like a busy board does.
    let gate: { reached: () => void; release: Promise<void> } | null = null;
    const prisma = t.db.prisma;
    const gated = new Proxy(prisma, {
      get(target, prop) {
        const value: unknown = Reflect.get(target, prop);
        if (prop === '$transaction' && gate) {
          const current = gate;
          gate = null;
          return async (...args: unknown[]) => {
            current.reached();
            await current.release;
            return (value as (...a: unknown[]) => unknown).apply(target, args);
          };
        }
        return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
      },
    });
    const sized = new BoardStore(gated, { compactIdleMs: 0, historyIntervalMs: 0, compactAfterUpdates: 1_000_000, compactAfterBytes: 4_000 });
    try {
      const board = await sized.createBoard('size trigger');
      const a = clientDoc(1414);
      addShape(a.doc, 'big', { text: 'x'.repeat(5_000) });
      let release!: () => void;
      const reached = new Promise<void>((resolve) => {
        gate = { reached: resolve, release: new Promise<void>((done) => (release = done)) };
      });
      // the append's own transaction consumes the gate first: pass it straight through, then gate the compaction
      const first = sized.append(board.id, a.updates[0]!);
      await reached;
      release();
      await first;
      let releaseCompaction!: () => void;
      const compactionReached = new Promise<void>((resolve) => {
        gate = { reached: resolve, release: new Promise<void>((done) => (releaseCompaction = done)) };
      });
      await compactionReached; // the size-triggered compaction has read the log and waits to commit
      for (let i = 0; i < 10; i++) {
        addShape(a.doc, `during${i}`, { x: i });
        await sized.append(board.id, a.updates[a.updates.length - 1]!);
      }
      releaseCompaction();
      await sized.compact(board.id); // joins the running one
      expect(sized.stats.compactions).toBe(1);
      for (let i = 0; i < 10; i++) {
        addShape(a.doc, `after${i}`, { x: i });
        await sized.append(board.id, a.updates[a.updates.length - 1]!);
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
      // the rows left are small: no further compaction until they add up to the trigger again
      expect(sized.stats.compactions).toBe(1);
      const fresh = new BoardStore(t.db.prisma);
      expect(docOf((await fresh.getState(board.id)).update).getMap('shapes').size).toBe(21);
      await fresh.close();
    } finally {
      await sized.close();
    }
  });

  it('two compactors on one board (two processes, or one restarted) race harmlessly while writes continue', async () => {
    const board = await store.createBoard('two compactors');
    const other = new BoardStore(t.db.prisma, { compactIdleMs: 0, historyIntervalMs: 0, compactAfterUpdates: 1_000_000 });
    const a = clientDoc(1111);
    for (let i = 0; i < 120; i++) addShape(a.doc, `s${i}`, { x: i });
    try {
      for (let round = 0; round < 4; round++) {
        const slice = a.updates.slice(round * 30, round * 30 + 30);
        const results = await Promise.all([
          Promise.all(slice.map((update, i) => (i % 2 === 0 ? store : other).append(board.id, update))),
          store.compact(board.id),
          other.compact(board.id),
        ]);
        expect(results[0]).toHaveLength(30);
      }
      await store.compact(board.id);
    } finally {
      await other.close();
    }
    const fresh = new BoardStore(t.db.prisma);
    expect(docOf((await fresh.getState(board.id)).update).getMap('shapes').toJSON()).toEqual(a.doc.getMap('shapes').toJSON());
    await fresh.close();
    expect(store.stats.compactionErrors).toBe(0);
  });

  it('restores a restore point as a forward update, and the restore can itself be undone', async () => {
    const board = await store.createBoard('restore');
    const a = clientDoc(707);
    addShape(a.doc, 'keep', { x: 1 });
    addShape(a.doc, 'gone-later', { x: 2 });
    for (const update of a.updates.splice(0)) await store.append(board.id, update);
    await store.compact(board.id);
    const oldShapes = a.doc.getMap('shapes').toJSON();
    a.doc.getMap<Y.Map<unknown>>('shapes').delete('gone-later');
    a.doc.getMap<Y.Map<unknown>>('shapes').get('keep')!.set('x', 100);
    addShape(a.doc, 'new', { x: 3 });
    for (const update of a.updates.splice(0)) await store.append(board.id, update);
    await store.compact(board.id); // the first snapshot becomes history
    const newShapes = a.doc.getMap('shapes').toJSON();
    const [entry] = await store.listHistory(board.id);
    expect(entry).toBeDefined();
    expect(entry!.shapeCount).toBe(2);
    expect(docOf(await store.getHistoryEntry(board.id, entry!.id)).getMap('shapes').toJSON()).toEqual(oldShapes);

    const restored = await store.restore(board.id, entry!.id);
    Y.applyUpdate(a.doc, restored.update); // a client syncs the forward update
    expect(a.doc.getMap('shapes').toJSON()).toEqual(oldShapes);
    expect(docOf((await store.getState(board.id)).update).getMap('shapes').toJSON()).toEqual(oldShapes);

    const before = (await store.listHistory(board.id)).find((item) => item.reason === 'restore');
    expect(before).toBeDefined();
    const undone = await store.restore(board.id, before!.id);
    Y.applyUpdate(a.doc, undone.update);
    expect(a.doc.getMap('shapes').toJSON()).toEqual(newShapes);
  });

  it('never shows uncommitted data: reads during a write that then fails report only what is stored', async () => {
    const board = await store.createBoard('uncommitted');
    const a = clientDoc(909);
    addShape(a.doc, 'stored', { x: 1 });
    addShape(a.doc, 'lost', { x: 2 });
    // The database "goes away" during the second append's transaction (after it was applied in memory).
    let gate: { reached: () => void; release: Promise<void> } | null = null;
    const prisma = t.db.prisma;
    const flaky = new Proxy(prisma, {
      get(target, prop) {
        if (prop === '$transaction' && gate) {
          const current = gate;
          gate = null;
          return async () => {
            current.reached();
            await current.release;
            throw new Error('Connection terminated unexpectedly');
          };
        }
        const value: unknown = Reflect.get(target, prop);
        return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
      },
    });
    const flakyStore = new BoardStore(flaky, { compactIdleMs: 0, compactAfterUpdates: 1_000_000 });
    try {
      await flakyStore.append(board.id, a.updates[0]!);
      const committed = await flakyStore.getStateVector(board.id);
      let reached!: () => void;
      let release!: () => void;
      const reachedGate = new Promise<void>((resolve) => (reached = resolve));
      gate = { reached, release: new Promise<void>((resolve) => (release = resolve)) };
      const failing = flakyStore.append(board.id, a.updates[1]!);
      failing.catch(() => {});
      await reachedGate;
      let answered = false;
      const reads = Promise.all([
        flakyStore.getStateVector(board.id),
        flakyStore.getState(board.id),
        flakyStore.getDiff(board.id, Y.encodeStateVector(new Y.Doc())),
      ]).finally(() => (answered = true));
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect(answered).toBe(false); // reads wait for the outcome instead of reporting the in-flight batch
      release();
      await expect(failing).rejects.toThrow(/terminated/);
      const [stateVector, state, diff] = await reads;
      expect(Y.decodeStateVector(stateVector)).toEqual(Y.decodeStateVector(committed));
      expect(Y.decodeStateVector(state.stateVector)).toEqual(Y.decodeStateVector(committed));
      expect([...docOf(state.update).getMap('shapes').keys()]).toEqual(['stored']);
      expect([...docOf(diff.update).getMap('shapes').keys()]).toEqual(['stored']);
      // the client retries (its queue, or any peer's anti-entropy diff) and the edit is stored
      const retried = await flakyStore.append(board.id, Y.encodeStateAsUpdate(a.doc, committed));
      expect(retried.changed).toBe(true);
      expect(Y.decodeStateVector(retried.stateVector)).toEqual(Y.decodeStateVector(Y.encodeStateVector(a.doc)));
    } finally {
      await flakyStore.close();
    }
    const fresh = new BoardStore(t.db.prisma);
    expect([...docOf((await fresh.getState(board.id)).update).getMap('shapes').keys()].sort()).toEqual(['lost', 'stored']);
    await fresh.close();
  });

  it('stores a multi-megabyte update (no 1 MB cliff) through the log, a fresh load and compaction', async () => {
    // PGlite writes very large rows at a few MB/s, and this file shares two cores with other suites: allow time.
    const board = await store.createBoard('big');
    const a = clientDoc(1001);
    const blob = 'b'.repeat(8 * 1024 * 1024);
    addShape(a.doc, 'image', { kind: 'image', src: blob });
    addShape(a.doc, 'small', { x: 1 });
    expect(a.updates[0]!.length).toBeGreaterThan(8 * 1024 * 1024);
    for (const update of a.updates) await store.append(board.id, update);
    const fromLog = new BoardStore(t.db.prisma);
    expect(docOf((await fromLog.getState(board.id)).update).getMap<Y.Map<unknown>>('shapes').get('image')!.get('src')).toBe(blob);
    await fromLog.close();
    await store.compact(board.id); // over the size trigger: joins the background run if it already started
    const fromSnapshot = new BoardStore(t.db.prisma);
    const state = await fromSnapshot.getState(board.id);
    await fromSnapshot.close();
    expect(docOf(state.update).getMap<Y.Map<unknown>>('shapes').get('image')!.get('src')).toBe(blob);
    expect((await t.db.prisma.snapshot.findUniqueOrThrow({ where: { boardId: board.id }, select: { size: true } })).size).toBeGreaterThan(8 * 1024 * 1024);
  }, 240_000);

  it('refuses bad updates without touching the board', async () => {
    const board = await store.createBoard('bad');
    const a = clientDoc(808);
    addShape(a.doc, 's', { x: 1 });
    await store.append(board.id, a.updates[0]!);
    const before = await store.getState(board.id);
    const truncated = a.updates[0]!.slice(0, Math.floor(a.updates[0]!.length / 2));
    await expect(store.append(board.id, truncated)).rejects.toMatchObject({ code: 'invalid_update' });
    await expect(store.append(board.id, new Uint8Array([0xff, 0xff, 0xff, 0xff, 0x0f, 1, 2, 3]))).rejects.toMatchObject({ code: 'invalid_update' });
    await expect(store.append(board.id, new Uint8Array())).rejects.toMatchObject({ code: 'invalid_update' });
    expect((await store.getState(board.id)).update).toEqual(before.update);
    await expect(store.append('AAAAAAAAAAAAAAAAAAAAAA', a.updates[0]!)).rejects.toMatchObject({ code: 'board_not_found' });
  });

  it('revokes old tokens by bumping the generation, and deleted boards disappear', async () => {
    const board = await store.createBoard('tokens');
    expect(board.tokenGeneration).toBe(0);
    expect(await store.rotateTokens(board.id)).toBe(1);
    expect((await store.getBoard(board.id))?.tokenGeneration).toBe(1);
    await store.deleteBoard(board.id);
    expect(await store.getBoard(board.id)).toBeNull();
    await expect(store.getState(board.id)).rejects.toMatchObject({ code: 'board_not_found' });
  });
});
