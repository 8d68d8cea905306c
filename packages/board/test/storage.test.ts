import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { BASE_FORMAT, BASE_KEY, Board, shapesOf, type Shape } from '../src/index.js';
import { rect, twoPeers } from './helpers.js';

/** Yjs structs (items and GC ranges) the doc holds: what decoding a board costs. */
const pointsOf = (shape: Shape | undefined) => (shape && 'points' in shape ? shape.points : undefined);
const structCount = (doc: Y.Doc) => [...doc.store.clients.values()].reduce((sum, structs) => sum + structs.length, 0);

describe('shape storage', () => {
  it('stores a new shape as one positional base array, defaults left out, points as int32 hundredths', () => {
    const board = new Board(new Y.Doc(), { userId: 'u1', now: () => 1000 });
    const box = board.addShape({ ...rect, strokeColor: '#e03131' });
    const stroke = board.addShape({ type: 'freehand', x: 0, y: 0, w: 10, h: 10, points: [0, 0, 0.5, 10, 10.25, 0.75] });
    const map = shapesOf(board.doc).get(box.id)!;
    expect([...map.keys()]).toEqual([BASE_KEY]);
    // format, type index, x y w h, rotation, z, stroke, fill, width, opacity, group, author, created; no rest
    expect(map.get(BASE_KEY)).toEqual([BASE_FORMAT, 1, 0, 0, 100, 50, null, box.z, '#e03131', null, null, null, null, 'u1', 1000]);
    const strokeBase = shapesOf(board.doc).get(stroke.id)!.get(BASE_KEY) as unknown[];
    const rest = strokeBase.at(-1) as { points: unknown };
    expect(Object.keys(rest)).toEqual(['points']); // variant 'pen' is the default
    expect(rest.points).toBeInstanceOf(Uint8Array);
    expect((rest.points as Uint8Array).byteLength).toBe(6 * 4);
    // Every reader, including a fresh one from the encoded state, sees the full record.
    const reader = new Board(new Y.Doc(), { userId: 'u2' });
    Y.applyUpdate(reader.doc, Y.encodeStateAsUpdate(board.doc));
    expect(reader.getShape(box.id)).toEqual(board.getShape(box.id));
    expect(reader.getShape(stroke.id)).toMatchObject({ points: [0, 0, 0.5, 10, 10.25, 0.75], rotation: 0, opacity: 1, fillColor: 'transparent' });
  });

  it('rounds points to hundredths, the same for the writer and every reader; huge values stay plain numbers', () => {
    const board = new Board(new Y.Doc(), { userId: 'u1' });
    const stroke = board.addShape({ type: 'freehand', x: 0, y: 0, w: 1, h: 1, points: [0.123456, 1 / 3, 0.8] });
    expect(pointsOf(stroke)).toEqual([0.12, 0.33, 0.8]);
    expect(pointsOf(board.getShape(stroke.id))).toEqual([0.12, 0.33, 0.8]);
    const far = board.addShape({ type: 'line', x: 0, y: 0, w: 9e8, h: 1, points: [0, 0, 9e8, 1.23456] });
    expect(pointsOf(board.getShape(far.id))).toEqual([0, 0, 9e8, 1.23456]);
  });

  it('keeps a thousand untouched shapes at two Yjs items each', () => {
    const board = new Board(new Y.Doc(), { userId: 'u1' });
    board.addShapes(Array.from({ length: 1000 }, (_, i) => ({ type: 'freehand' as const, x: i, y: i, w: 5, h: 5, points: [0, 0, 0.5, 5, 5, 0.5] })));
    const doc = new Y.Doc();
    Y.applyUpdate(doc, Y.encodeStateAsUpdate(board.doc));
    expect(structCount(doc)).toBeLessThanOrEqual(2 * 1000);
  });

  it('writes each later edit under its own key, and an edit of a field in base overrides it', () => {
    const board = new Board(new Y.Doc(), { userId: 'u1' });
    const line = board.addShape({ type: 'line', x: 0, y: 0, w: 10, h: 10, points: [0, 0, 10, 10] });
    board.updateShape(line.id, { strokeColor: '#2f9e44', points: [0, 0, 20, 5] });
    const map = shapesOf(board.doc).get(line.id)!;
    expect([...map.keys()].sort()).toEqual([BASE_KEY, 'points', 'strokeColor']);
    expect(map.get('points')).toBeInstanceOf(Uint8Array);
    expect(board.getShape(line.id)).toMatchObject({ strokeColor: '#2f9e44', points: [0, 0, 20, 5], x: 0 });
    // Setting a field back to its default is an edit like any other (the base value does not come back).
    board.updateShape(line.id, { strokeColor: '#1e1e1e' });
    expect(board.getShape(line.id)?.strokeColor).toBe('#1e1e1e');
  });

  it('two people editing the same untouched shape: different fields both survive, the same field converges', () => {
    const { alice, bob, connect, disconnect } = twoPeers();
    const shape = alice.addShape(rect);
    disconnect();
    alice.translateShapes([shape.id], 40, 0);
    bob.updateShape(shape.id, { strokeColor: '#e03131', opacity: 0.5 });
    alice.updateShape(shape.id, { opacity: 0.25 });
    connect();
    expect(alice.getShape(shape.id)).toEqual(bob.getShape(shape.id));
    expect(alice.getShape(shape.id)).toMatchObject({ x: 40, strokeColor: '#e03131' });
    expect([0.25, 0.5]).toContain(alice.getShape(shape.id)?.opacity);
  });

  it('reads shapes whose base is a plain object of fields (the first base format)', () => {
    const board = new Board(new Y.Doc(), { userId: 'u1' });
    board.doc.transact(() => {
      shapesOf(board.doc).set('object-base', new Y.Map<unknown>([[BASE_KEY, { type: 'ellipse', x: 1, y: 2, w: 3, h: 4, z: 'a0', fillColor: '#a5d8ff' }], ['x', 9]]));
    });
    expect(board.getShape('object-base')).toMatchObject({ type: 'ellipse', x: 9, y: 2, fillColor: '#a5d8ff', strokeColor: '#1e1e1e' });
  });

  it('reads, edits and restores shapes written one key per field (boards from before base)', () => {
    const board = new Board(new Y.Doc(), { userId: 'u1' });
    board.doc.transact(() => {
      shapesOf(board.doc).set('old', new Y.Map<unknown>([['type', 'arrow'], ['x', 1], ['y', 2], ['w', 10], ['h', 0], ['z', 'a0'], ['points', [0, 0, 10, 0]], ['updatedAt', 5]]));
    });
    expect(board.getShape('old')).toMatchObject({ type: 'arrow', x: 1, points: [0, 0, 10, 0], endArrowhead: 'arrow' });
    const before = Y.encodeStateAsUpdate(board.doc);
    const view = board.getShape('old');
    board.updateShape('old', { x: 50, points: [0, 0, 5, 5] });
    expect(board.getShape('old')).toMatchObject({ x: 50, points: [0, 0, 5, 5] });
    board.restoreFrom(before);
    expect(board.getShape('old')).toEqual(view);
  });

  it('skips malformed stored shapes without touching the others', () => {
    const board = new Board(new Y.Doc(), { userId: 'u1' });
    const good = board.addShape(rect);
    board.doc.transact(() => {
      const shapes = shapesOf(board.doc);
      shapes.set('base-not-object', new Y.Map<unknown>([[BASE_KEY, 'rectangle']]));
      shapes.set('base-array', new Y.Map<unknown>([[BASE_KEY, [1, 2, 3]]]));
      shapes.set('ragged-points', new Y.Map<unknown>([[BASE_KEY, { type: 'line', x: 0, y: 0, w: 1, h: 1, z: 'a1', points: new Uint8Array(17) }]]));
      shapes.set('too-few-points', new Y.Map<unknown>([[BASE_KEY, { type: 'line', x: 0, y: 0, w: 1, h: 1, z: 'a1', points: new Uint8Array(8) }]]));
      shapes.set('unknown-type-index', new Y.Map<unknown>([[BASE_KEY, [BASE_FORMAT, 42, 0, 0, 1, 1, null, 'a1', null, null, null, null, null, 'u', 0]]]));
      shapes.set('unknown-format', new Y.Map<unknown>([[BASE_KEY, [99, 1, 0, 0, 1, 1, null, 'a1']]]));
      shapes.set('short-array', new Y.Map<unknown>([[BASE_KEY, [BASE_FORMAT, 1, 0]]]));
      shapes.set('bad-override', new Y.Map<unknown>([[BASE_KEY, { type: 'rectangle', x: 0, y: 0, w: 1, h: 1, z: 'a1' }], ['x', 'left']]));
    });
    expect(board.listShapes().map((shape) => shape.id)).toEqual([good.id]);
    expect([...board.invalidShapeIds].sort()).toEqual(['bad-override', 'base-array', 'base-not-object', 'ragged-points', 'short-array', 'too-few-points', 'unknown-format', 'unknown-type-index']);
    // A later valid edit of the bad field repairs the shape.
    board.doc.transact(() => shapesOf(board.doc).get('bad-override')!.set('x', 3));
    expect(board.getShape('bad-override')?.x).toBe(3);
  });
});
