import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { Board, compareZ, zBetween, zBetweenN } from '../src/index.js';
import { rect, twoPeers } from './helpers.js';

const snapshot = (board: Board) => board.listShapes().map((s) => ({ ...s }));

describe('concurrent edits', () => {
  it('two docs editing offline converge to the same state', () => {
    const { alice, bob, connect, disconnect } = twoPeers();
    const shared = alice.addShape(rect);
    disconnect();
    alice.addShape({ type: 'ellipse', x: 1, y: 1, w: 5, h: 5 });
    bob.addShape({ type: 'diamond', x: 2, y: 2, w: 5, h: 5 });
    alice.updateShape(shared.id, { strokeColor: '#e03131' });
    bob.updateShape(shared.id, { fillColor: '#a5d8ff' });
    connect();
    expect(snapshot(alice)).toEqual(snapshot(bob));
    // Different properties of one shape: both people win.
    expect(alice.getShape(shared.id)).toMatchObject({ strokeColor: '#e03131', fillColor: '#a5d8ff' });
    expect(alice.size).toBe(3);
  });

  it('concurrent inserts on top get distinct z keys and one order everywhere', () => {
    const { alice, bob, connect, disconnect } = twoPeers();
    alice.addShape(rect);
    disconnect();
    const a = alice.addShapes(Array.from({ length: 20 }, () => rect));
    const b = bob.addShapes(Array.from({ length: 20 }, () => rect));
    connect();
    const zs = new Set([...a, ...b].map((s) => s.z));
    expect(zs.size).toBe(40);
    expect(alice.listShapes().map((s) => s.id)).toEqual(bob.listShapes().map((s) => s.id));
    // The merged order still accepts inserts between any neighbours.
    const list = alice.listShapes();
    for (let i = 0; i + 1 < list.length; i++) {
      const key = zBetween(list[i]!.z, list[i + 1]!.z);
      expect(key > list[i]!.z && key < list[i + 1]!.z).toBe(true);
    }
  });

  it('a delete and a concurrent update converge (delete wins, nothing resurrects half a shape)', () => {
    const { alice, bob, connect, disconnect } = twoPeers();
    const shape = alice.addShape(rect);
    disconnect();
    alice.deleteShapes([shape.id]);
    bob.updateShape(shape.id, { x: 99 });
    connect();
    expect(alice.has(shape.id)).toBe(false);
    expect(bob.has(shape.id)).toBe(false);
  });
});

describe('z keys', () => {
  it('stay ordered and valid under jitter, even between colliding neighbours', () => {
    let keys = zBetweenN(null, null, 50);
    for (let i = 0; i + 1 < keys.length; i++) expect(keys[i]! < keys[i + 1]!).toBe(true);
    keys = [zBetween('a0', 'a1'), zBetween('a0', 'a0')];
    expect(keys[0]! > 'a0' && keys[0]! < 'a1').toBe(true);
    expect(keys[1]! > 'a0').toBe(true);
    expect(compareZ({ z: 'a0', id: 'b' }, { z: 'a0', id: 'a' })).toBe(1);
  });
});

describe('per-user undo', () => {
  it('undo removes only my own work, never the other person\'s', () => {
    const { alice, bob } = twoPeers();
    const mine = alice.addShape(rect);
    alice.stopCapturing();
    const theirs = bob.addShape({ type: 'ellipse', x: 0, y: 0, w: 1, h: 1 });
    bob.stopCapturing();
    alice.updateShape(theirs.id, { strokeColor: '#2f9e44' }); // I recolour their shape
    alice.stopCapturing();
    bob.updateShape(theirs.id, { x: 50 }); // they move it

    expect(alice.undo()).toBe(true); // undo my recolour: their move stays
    expect(bob.getShape(theirs.id)).toMatchObject({ strokeColor: '#1e1e1e', x: 50 });
    expect(alice.undo()).toBe(true); // undo my add
    expect(bob.has(mine.id)).toBe(false);
    expect(bob.has(theirs.id)).toBe(true);
    expect(alice.canUndo()).toBe(false);
    expect(alice.redo()).toBe(true);
    expect(bob.has(mine.id)).toBe(true);
  });

  it('one transaction (e.g. a group move) is one undo step', () => {
    const board = new Board(new Y.Doc(), { userId: 'u' });
    const ids = board.addShapes([rect, rect, rect]).map((s) => s.id);
    board.stopCapturing();
    board.translateShapes(ids, 10, 10);
    board.stopCapturing();
    board.undo();
    expect(board.listShapes().every((s) => s.x === 0)).toBe(true);
    expect(board.size).toBe(3);
  });
});

describe('forward restore', () => {
  it('makes the board equal to an old state by a new, syncable, undoable edit', () => {
    const { alice, bob } = twoPeers();
    alice.setTitle('v1');
    const kept = alice.addShape(rect);
    const removedLater = alice.addShape({ type: 'ellipse', x: 0, y: 0, w: 1, h: 1 });
    const old = Y.encodeStateAsUpdate(alice.doc);
    const oldView = snapshot(alice);

    bob.updateShape(kept.id, { x: 500, strokeColor: '#e03131' });
    bob.deleteShapes([removedLater.id]);
    bob.addShape({ type: 'diamond', x: 0, y: 0, w: 1, h: 1 });
    bob.setTitle('v2');
    alice.stopCapturing();

    alice.restoreFrom(old);
    expect(snapshot(alice)).toEqual(oldView);
    expect(snapshot(bob)).toEqual(oldView); // it synced like any edit
    expect(bob.title).toBe('v1');

    alice.undo(); // and the restore itself can be undone
    expect(bob.size).toBe(2);
    expect(bob.getShape(kept.id)?.x).toBe(500);
    expect(bob.title).toBe('v2');
  });
});
