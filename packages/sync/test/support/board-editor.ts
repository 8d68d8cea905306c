/**
 * Seeded random edits of every kind a person makes on a board, through packages/board exactly as the app
 * does: add, update the same and different fields, delete, reorder, group, translate, undo/redo, and pastes
 * of big batches. Deterministic for a given seed and sequence of calls (lib0's PRNG).
 */
import * as prng from 'lib0/prng';
import type { Board } from '@meshboard/board';

const COLORS = ['#1e1e1e', '#e03131', '#2f9e44', '#1971c2', '#f08c00'];
const KINDS = ['rectangle', 'ellipse', 'diamond', 'text', 'sticky'] as const;

export class BoardEditor {
  private readonly gen: prng.PRNG;

  constructor(
    readonly board: Board,
    seed: number,
  ) {
    this.gen = prng.create(seed);
  }

  private shape(i: number) {
    const type = prng.oneOf(this.gen, [...KINDS]);
    const base = { x: prng.int32(this.gen, -2000, 2000), y: prng.int32(this.gen, -2000, 2000), w: prng.int32(this.gen, 4, 300), h: prng.int32(this.gen, 4, 300) };
    if (type === 'text' || type === 'sticky') return { type, ...base, text: `t${i}-${prng.word(this.gen, 1, 12)}` };
    return { type, ...base, strokeColor: prng.oneOf(this.gen, COLORS) };
  }

  private pick(n: number): string[] {
    const shapes = this.board.listShapes();
    if (shapes.length === 0) return [];
    const ids = new Set<string>();
    for (let i = 0; i < n; i++) ids.add(shapes[prng.uint32(this.gen, 0, shapes.length - 1)]!.id);
    return [...ids];
  }

  paste(count: number): string[] {
    return this.board.addShapes(Array.from({ length: count }, (_, i) => this.shape(i)) as never).map((s) => s.id);
  }

  /** `count` random edits; returns a tally by kind */
  randomEdits(count: number): Record<string, number> {
    const tally: Record<string, number> = {};
    for (let i = 0; i < count; i++) {
      const roll = prng.uint32(this.gen, 0, 99);
      let kind: string;
      if (this.board.size === 0 || roll < 25) {
        kind = 'add';
        this.board.addShape(this.shape(i) as never);
      } else if (roll < 40) {
        kind = 'update-same'; // everybody fights over x
        for (const id of this.pick(2)) this.board.updateShape(id, { x: prng.int32(this.gen, -2000, 2000) });
      } else if (roll < 52) {
        kind = 'update-different';
        const [id] = this.pick(1);
        if (id) this.board.updateShape(id, prng.bool(this.gen) ? { strokeColor: prng.oneOf(this.gen, COLORS) } : { w: prng.int32(this.gen, 4, 300), opacity: 0.5 });
      } else if (roll < 62) {
        kind = 'delete';
        this.board.deleteShapes(this.pick(prng.int32(this.gen, 1, 3)));
      } else if (roll < 68) {
        kind = 'reorder';
        this.board.reorder(this.pick(2), prng.oneOf(this.gen, ['front', 'back', 'forward', 'backward'] as const));
      } else if (roll < 73) {
        kind = 'group';
        const ids = this.pick(3);
        if (ids.length >= 2) this.board.group(ids);
      } else if (roll < 78) {
        kind = 'ungroup';
        this.board.ungroup(this.pick(2));
      } else if (roll < 85) {
        kind = 'translate';
        this.board.translateShapes(this.pick(3), prng.int32(this.gen, -50, 50), prng.int32(this.gen, -50, 50));
      } else if (roll < 91) {
        kind = 'undo';
        this.board.stopCapturing();
        this.board.undo();
      } else if (roll < 95) {
        kind = 'redo';
        this.board.redo();
      } else if (roll < 98) {
        kind = 'paste';
        this.paste(prng.int32(this.gen, 20, 200));
      } else {
        kind = 'text';
        const [id] = this.pick(1);
        const shape = id ? this.board.getShape(id) : undefined;
        if (shape && (shape.type === 'text' || shape.type === 'sticky')) this.board.updateShape(id!, { text: `${shape.text}+${prng.word(this.gen, 1, 5)}` } as never);
      }
      tally[kind] = (tally[kind] ?? 0) + 1;
    }
    this.board.stopCapturing();
    return tally;
  }
}
