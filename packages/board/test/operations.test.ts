import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { Board, copyShapes, countShapesInState, shapeBounds, shapesOf, type BoardChange } from '../src/index.js';
import { rect } from './helpers.js';

const newBoard = (userId = 'u1') => new Board(new Y.Doc(), { userId, now: () => 1000 });

describe('add', () => {
  it('stores every shape type with defaults, author and timestamps', () => {
    const board = newBoard();
    const shapes = board.addShapes([
      { type: 'freehand', x: 1, y: 2, w: 10, h: 10, points: [0, 0, 0.5, 10, 10, 0.5] },
      { ...rect },
      { type: 'ellipse', x: 0, y: 0, w: 10, h: 10 },
      { type: 'diamond', x: 0, y: 0, w: 10, h: 10 },
      { type: 'line', x: 0, y: 0, w: 10, h: 0, points: [0, 0, 10, 0] },
      { type: 'arrow', x: 0, y: 0, w: 10, h: 0, points: [0, 0, 10, 0] },
      { type: 'text', x: 0, y: 0, w: 10, h: 10, text: 'hello\nworld' },
      { type: 'sticky', x: 0, y: 0, w: 200, h: 200, text: 'todo', fillColor: '#ffec99' },
      { type: 'image', x: 0, y: 0, w: 10, h: 10, assetId: 'a'.repeat(64) },
    ]);
    expect(board.size).toBe(9);
    expect(new Set(board.listShapes().map((s) => s.type)).size).toBe(9);
    const first = board.getShape(shapes[0]!.id)!;
    expect(first).toMatchObject({ author: 'u1', createdAt: 1000, strokeColor: '#1e1e1e', opacity: 1, rotation: 0 });
    // Newer shapes stack on top.
    expect(board.listShapes().map((s) => s.id)).toEqual(shapes.map((s) => s.id));
  });

  it('refuses invalid shapes instead of storing them', () => {
    const board = newBoard();
    expect(() => board.addShape({ ...rect, x: Number.NaN })).toThrow();
    expect(() => board.addShape({ ...rect, opacity: 2 })).toThrow();
    expect(() => board.addShape({ type: 'line', x: 0, y: 0, w: 1, h: 1, points: [0] })).toThrow();
    expect(board.size).toBe(0);
  });

  it('keeps the title in metadata', () => {
    const board = newBoard();
    board.setTitle('  Sprint planning  ');
    expect(board.title).toBe('Sprint planning');
  });
});

describe('update and delete', () => {
  it('patches only the given fields', () => {
    const board = newBoard();
    const { id } = board.addShape({ ...rect, fillColor: '#fff' });
    board.updateShape(id, { strokeColor: '#e03131', w: 120 });
    expect(board.getShape(id)).toMatchObject({ strokeColor: '#e03131', w: 120, fillColor: '#fff', h: 50 });
    expect(() => board.updateShape(id, { w: -5 })).toThrow();
    expect(() => board.updateShape('missing', { w: 5 })).toThrow(/no shape/);
  });

  it('deletes shapes and unbinds arrows that pointed at them', () => {
    const board = newBoard();
    const a = board.addShape(rect);
    const b = board.addShape({ ...rect, x: 300 });
    const arrow = board.addShape({ type: 'arrow', x: 100, y: 25, w: 200, h: 0, points: [0, 0, 200, 0], startBinding: a.id, endBinding: b.id });
    board.deleteShapes([a.id]);
    expect(board.has(a.id)).toBe(false);
    expect(board.getShape(arrow.id)).toMatchObject({ startBinding: null, endBinding: b.id });
  });

  it('duplicates with new ids, offset, and bindings only inside the copy', () => {
    const board = newBoard();
    const a = board.addShape(rect);
    const arrow = board.addShape({ type: 'arrow', x: 0, y: 0, w: 10, h: 0, points: [0, 0, 10, 0], startBinding: a.id });
    const [copyA, copyArrow] = board.duplicateShapes([a.id, arrow.id]);
    expect(board.getShape(copyA!)).toMatchObject({ x: 16, y: 16 });
    expect(board.getShape(copyArrow!)).toMatchObject({ startBinding: copyA });
    const [lonelyArrow] = board.duplicateShapes([arrow.id]);
    expect(board.getShape(lonelyArrow!)).toMatchObject({ startBinding: null });
  });

  it('copies shapes into another board (paste) with groups kept together under a new group id', () => {
    const source = newBoard();
    const ids = source.addShapes([rect, { ...rect, x: 50 }]).map((shape) => shape.id);
    const groupId = source.group(ids);
    const copies = copyShapes(source.listShapes(), { x: 5, y: 0 });
    expect(new Set(copies.map((copy) => copy.groupId)).size).toBe(1);
    expect(copies[0]!.groupId).not.toBe(groupId);
    expect(copies.map((copy) => copy.id)).not.toContain(ids[0]);
    const target = newBoard();
    const pasted = target.addShapes(copies);
    expect(pasted.map((shape) => shape.x).sort((a, b) => a - b)).toEqual([rect.x + 5, rect.x + 55].sort((a, b) => a - b));
  });
});

describe('reorder', () => {
  it('moves to front, back, forward and backward', () => {
    const board = newBoard();
    const [a, b, c, d] = board.addShapes([rect, rect, rect, rect]).map((s) => s.id) as [string, string, string, string];
    const order = () => board.listShapes().map((s) => s.id);
    board.reorder([a], 'front');
    expect(order()).toEqual([b, c, d, a]);
    board.reorder([a], 'back');
    expect(order()).toEqual([a, b, c, d]);
    board.reorder([a], 'forward');
    expect(order()).toEqual([b, a, c, d]);
    board.reorder([d], 'backward');
    expect(order()).toEqual([b, a, d, c]);
    board.reorder([b, d], 'front');
    expect(order()).toEqual([a, c, b, d]);
    board.reorder([c], 'backward');
    expect(order()).toEqual([c, a, b, d]);
    board.reorder([c], 'backward'); // already at the back: no-op
    expect(order()).toEqual([c, a, b, d]);
  });
});

describe('group transforms', () => {
  it('translate, scale and rotate a selection in one step each', () => {
    const board = newBoard();
    const a = board.addShape({ ...rect, x: 0, y: 0, w: 10, h: 10 });
    const line = board.addShape({ type: 'line', x: 20, y: 0, w: 10, h: 10, points: [0, 0, 10, 10] });
    board.translateShapes([a.id, line.id], 5, -5);
    expect(board.getShape(a.id)).toMatchObject({ x: 5, y: -5 });
    board.scaleShapes([a.id, line.id], 2, 3, { x: 5, y: -5 });
    expect(board.getShape(a.id)).toMatchObject({ x: 5, y: -5, w: 20, h: 30 });
    expect(board.getShape(line.id)).toMatchObject({ x: 45, w: 20, h: 30, points: [0, 0, 20, 30] });
    expect(() => board.scaleShapes([a.id], 0, 1, { x: 0, y: 0 })).toThrow();

    const box = board.addShape({ ...rect, x: 10, y: -5, w: 10, h: 10 }); // centre (15, 0)
    board.rotateShapes([box.id], Math.PI / 2, { x: 0, y: 0 });
    const turned = board.getShape(box.id)!;
    expect(turned.x + turned.w / 2).toBeCloseTo(0);
    expect(turned.y + turned.h / 2).toBeCloseTo(15);
    expect(turned.rotation).toBeCloseTo(Math.PI / 2);
    expect(shapeBounds(turned).minX).toBeCloseTo(-6); // rotated 10x10 plus stroke padding
  });

  it('groups select together and ungroup', () => {
    const board = newBoard();
    const [a, b, c] = board.addShapes([rect, rect, rect]).map((s) => s.id) as [string, string, string];
    const groupId = board.group([a, b]);
    expect(board.getShape(a)?.groupId).toBe(groupId);
    expect(board.expandGroups([a]).sort()).toEqual([a, b].sort());
    expect(board.expandGroups([c])).toEqual([c]);
    board.ungroup([a, b]);
    expect(board.expandGroups([a])).toEqual([a]);
  });
});

describe('reads from the network', () => {
  it('skip malformed shapes written by a bad peer, without crashing', () => {
    const board = newBoard();
    const good = board.addShape(rect);
    const shapes = shapesOf(board.doc);
    board.doc.transact(() => {
      shapes.set('not-a-map', 'hello' as never);
      shapes.set('nan', new Y.Map<unknown>([['type', 'rectangle'], ['x', Number.NaN], ['y', 0], ['w', 1], ['h', 1], ['z', 'a0']]));
      shapes.set('unknown-type', new Y.Map<unknown>([['type', 'laser'], ['x', 0], ['y', 0], ['w', 1], ['h', 1], ['z', 'a0']]));
      shapes.set('huge', new Y.Map<unknown>([['type', 'text'], ['x', 0], ['y', 0], ['w', 1], ['h', 1], ['z', 'a0'], ['text', 5]]));
    }, 'remote');
    expect(board.listShapes().map((s) => s.id)).toEqual([good.id]);
    expect([...board.invalidShapeIds].sort()).toEqual(['huge', 'nan', 'not-a-map', 'unknown-type']);
    expect(countShapesInState(Y.encodeStateAsUpdate(board.doc))).toBe(5);
  });

  it('reports incremental changes with their origin', () => {
    const board = newBoard();
    const changes: BoardChange[] = [];
    board.observe((change) => changes.push(change));
    const { id } = board.addShape(rect);
    board.updateShape(id, { x: 10 });
    board.deleteShapes([id]);
    expect(changes.map((c) => [c.added, c.updated, c.removed, c.local])).toEqual([
      [[id], [], [], true],
      [[], [id], [], true],
      [[], [], [id], true],
    ]);
  });
});

describe('assets', () => {
  it('are stored once by content hash', async () => {
    const board = newBoard();
    const data = new Uint8Array([137, 80, 78, 71, 1, 2, 3]);
    const first = await board.addAsset({ mimeType: 'image/png', data, width: 1, height: 1 });
    const second = await board.addAsset({ mimeType: 'image/png', data, width: 1, height: 1 });
    expect(first).toMatch(/^[0-9a-f]{64}$/);
    expect(second).toBe(first);
    expect(board.getAsset(first)).toEqual({ mimeType: 'image/png', size: data.byteLength, width: 1, height: 1 });
    expect(board.getAssetBytes(first)).toEqual(data);
  });
});
