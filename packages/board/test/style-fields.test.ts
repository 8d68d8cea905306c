import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { BASE_FORMAT, BASE_KEY, Board, SHAPE_TYPES, shapesOf } from '../src/index.js';
import { rect } from './helpers.js';

/** A reader of everything `board` wrote, from the encoded state (what another peer or a reload sees). */
function reread(board: Board): Board {
  const reader = new Board(new Y.Doc(), { userId: 'reader' });
  Y.applyUpdate(reader.doc, Y.encodeStateAsUpdate(board.doc));
  return reader;
}

describe('labels, styles and frames fields', () => {
  it('appends frame as type index 9, after every type boards already store', () => {
    expect(SHAPE_TYPES.indexOf('frame')).toBe(9);
    expect(SHAPE_TYPES.slice(0, 9)).toEqual(['freehand', 'rectangle', 'ellipse', 'diamond', 'line', 'arrow', 'text', 'sticky', 'image']);
  });

  it('gives shapes written before these fields their defaults (old lines keep no arrowhead)', () => {
    const board = new Board(new Y.Doc(), { userId: 'u1' });
    // A rectangle, an arrow and a line exactly as the previous release stored them (positional base, no rest).
    const old = (type: number, rest?: object) => new Y.Map<unknown>([[BASE_KEY, [BASE_FORMAT, type, 0, 0, 10, 10, null, 'a0', null, null, null, null, null, 'u0', 1, ...(rest ? [rest] : [])]]]);
    board.doc.transact(() => {
      shapesOf(board.doc).set('r', old(1));
      shapesOf(board.doc).set('a', old(5, { points: [0, 0, 10, 10] }));
      shapesOf(board.doc).set('l', old(4, { points: [0, 0, 10, 10] }));
      // the first base format: a plain object of fields
      shapesOf(board.doc).set('o', new Y.Map<unknown>([[BASE_KEY, { type: 'diamond', x: 0, y: 0, w: 5, h: 5, z: 'a1' }]]));
    });
    const common = { locked: false, frameId: null, strokeStyle: 'solid', roughness: 0, seed: 0 };
    expect(board.getShape('r')).toMatchObject({ ...common, text: '', fontSize: 20, textAlign: 'left', fontFamily: 'sans', verticalAlign: 'middle', cornerRadius: 0 });
    expect(board.getShape('o')).toMatchObject({ ...common, type: 'diamond', cornerRadius: 0, text: '' });
    expect(board.getShape('a')).toMatchObject({ ...common, startArrowhead: 'none', endArrowhead: 'arrow', arrowType: 'straight', text: '' });
    expect(board.getShape('l')).toMatchObject({ ...common, startArrowhead: 'none', endArrowhead: 'none' });
  });

  it('stores every new field, leaves defaults out, and every reader sees them', () => {
    const board = new Board(new Y.Doc(), { userId: 'u1' });
    const frame = board.addShape({ type: 'frame', x: 0, y: 0, w: 400, h: 300, name: 'Intro' });
    const box = board.addShape({
      ...rect,
      text: 'Hello',
      textAlign: 'center',
      verticalAlign: 'top',
      fontFamily: 'hand',
      cornerRadius: 12,
      strokeStyle: 'dashed',
      roughness: 1,
      seed: 42,
      locked: true,
      frameId: frame.id,
    });
    const arrow = board.addShape({ type: 'arrow', x: 0, y: 0, w: 10, h: 10, points: [0, 0, 10, 10], startArrowhead: 'dot', endArrowhead: 'triangle', arrowType: 'elbow', text: 'yes' });
    const line = board.addShape({ type: 'line', x: 0, y: 0, w: 10, h: 10, points: [0, 0, 10, 10], endArrowhead: 'arrow' });
    const plain = board.addShape({ type: 'line', x: 0, y: 0, w: 10, h: 10, points: [0, 0, 10, 10] });

    const restOf = (shapeId: string) => {
      const base = shapesOf(board.doc).get(shapeId)!.get(BASE_KEY) as unknown[];
      return base.length > 15 ? (base.at(-1) as Record<string, unknown>) : {};
    };
    expect(restOf(frame.id)).toEqual({ name: 'Intro' });
    expect(Object.keys(restOf(box.id)).sort()).toEqual(['cornerRadius', 'fontFamily', 'frameId', 'locked', 'roughness', 'seed', 'strokeStyle', 'text', 'textAlign', 'verticalAlign']);
    // the line's end default is 'none', so an arrow end on a line is stored and 'none' is not
    expect(restOf(line.id)).toMatchObject({ endArrowhead: 'arrow' });
    expect(Object.keys(restOf(plain.id))).toEqual(['points']);

    const reader = reread(board);
    for (const shape of [frame, box, arrow, line, plain]) expect(reader.getShape(shape.id)).toEqual(board.getShape(shape.id));
    expect(reader.getShape(box.id)).toMatchObject({ frameId: frame.id, locked: true, roughness: 1, seed: 42 });
    expect(reader.getShape(line.id)).toMatchObject({ endArrowhead: 'arrow' });
    expect(reader.getShape(plain.id)).toMatchObject({ endArrowhead: 'none' });
  });

  it('edits the new fields one key each, like every other field', () => {
    const board = new Board(new Y.Doc(), { userId: 'u1' });
    const box = board.addShape(rect);
    board.updateShape(box.id, { text: 'Label', strokeStyle: 'dotted', locked: true });
    expect([...shapesOf(board.doc).get(box.id)!.keys()].sort()).toEqual([BASE_KEY, 'locked', 'strokeStyle', 'text']);
    expect(reread(board).getShape(box.id)).toMatchObject({ text: 'Label', strokeStyle: 'dotted', locked: true });
  });

  it('refuses out-of-range values from a peer and skips only that shape', () => {
    const board = new Board(new Y.Doc(), { userId: 'u1' });
    const good = board.addShape(rect);
    const bad = (rest: object) => new Y.Map<unknown>([[BASE_KEY, [BASE_FORMAT, 1, 0, 0, 10, 10, null, 'a0', null, null, null, null, null, 'u0', 1, rest]]]);
    board.doc.transact(() => {
      shapesOf(board.doc).set('style', bad({ strokeStyle: 'wavy' }));
      shapesOf(board.doc).set('rough', bad({ roughness: 7 }));
      shapesOf(board.doc).set('seed', bad({ seed: 1.5 }));
      shapesOf(board.doc).set('radius', bad({ cornerRadius: -1 }));
      shapesOf(board.doc).set('frame', new Y.Map<unknown>([[BASE_KEY, [BASE_FORMAT, 9, 0, 0, 10, 10, null, 'a0', null, null, null, null, null, 'u0', 1, { name: 'x'.repeat(201) }]]]));
    });
    expect(board.listShapes().map((shape) => shape.id)).toEqual([good.id]);
  });
});
