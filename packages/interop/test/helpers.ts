import * as Y from 'yjs';
import { Board, type Shape } from '@meshboard/board';
import { encode } from 'fast-png';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export function fixture(path: string): Uint8Array {
  return new Uint8Array(readFileSync(fileURLToPath(new URL(`./fixtures/${path}`, import.meta.url))));
}

export function newBoard(userId = 'tester'): Board {
  return new Board(new Y.Doc(), { userId });
}

/** A small real PNG (4 x 3 pixels, a red/blue pattern). */
export function tinyPng(): Uint8Array {
  const data = new Uint8Array(4 * 3 * 4);
  for (let i = 0; i < 12; i++) data.set(i % 2 ? [0, 0, 255, 255] : [255, 0, 0, 255], i * 4);
  return encode({ width: 4, height: 3, data, channels: 4, depth: 8 });
}

/** A board with one of every shape kind, styles off their defaults, a group, a bound arrow and an image. */
export async function sampleBoard(): Promise<Board> {
  const board = newBoard();
  board.setTitle('Sample board');
  const assetId = await board.addAsset({ mimeType: 'image/png', data: new Uint8Array(tinyPng()), width: 4, height: 3 });
  const [frame] = board.addShapes([{ type: 'frame', x: -50, y: -50, w: 700, h: 250, name: 'Overview' }]);
  const [a, b] = board.addShapes([
    { type: 'rectangle', x: 0, y: 0, w: 200, h: 100, strokeColor: '#e03131', fillColor: '#ffc9c9', strokeWidth: 4, opacity: 0.8, cornerRadius: 16, text: 'Start', textAlign: 'center', fontSize: 28, fontFamily: 'hand', frameId: frame!.id },
    { type: 'ellipse', x: 400, y: 0, w: 160, h: 120, strokeColor: '#1971c2', fillColor: 'transparent', rotation: 0.5, strokeStyle: 'dashed', roughness: 1, seed: 42, text: 'End', verticalAlign: 'top', frameId: frame!.id },
  ]);
  board.addShapes([
    { type: 'diamond', x: 0, y: 300, w: 120, h: 120, fillColor: '#b2f2bb' },
    { type: 'text', x: 200, y: 300, w: 220, h: 50, text: 'Hello, board!\nSecond line', fontSize: 24, textAlign: 'center', strokeColor: '#2f9e44', fontFamily: 'serif' },
    { type: 'sticky', x: 500, y: 300, w: 200, h: 200, text: 'A sticky note with some words', fontSize: 20, fillColor: '#a5d8ff' },
    { type: 'freehand', x: 50, y: 600, w: 100, h: 50, points: [0, 0, 0.2, 50, 25, 0.6, 100, 50, 0.9], strokeWidth: 3 },
    { type: 'freehand', x: 250, y: 600, w: 100, h: 20, points: [0, 10, 0.5, 50, 0, 0.5, 100, 20, 0.5], variant: 'highlighter', strokeColor: '#fab005' },
    { type: 'line', x: 400, y: 600, w: 200, h: 60, points: [0, 0, 100, 60, 200, 0], strokeWidth: 2, strokeStyle: 'dotted', endArrowhead: 'dot' },
    { type: 'arrow', x: 200, y: 40, w: 200, h: 20, points: [0, 0, 200, 20], startBinding: a!.id, endBinding: b!.id, startArrowhead: 'bar', endArrowhead: 'triangle', text: 'next', fontSize: 16, frameId: frame!.id },
    { type: 'arrow', x: 100, y: 450, w: 300, h: 80, points: [0, 80, 150, 0, 300, 80], arrowType: 'curved', locked: true },
    { type: 'image', x: 700, y: 600, w: 80, h: 60, assetId },
  ]);
  const ids = board.listShapes().filter((s) => s.type === 'diamond' || s.type === 'text').map((s) => s.id);
  board.group(ids);
  return board;
}

const round = (v: number) => Math.round(v * 1000) / 1000;

/**
 * A shape list reduced to what a person sees: type, geometry (points in board coordinates), style, text,
 * which shapes an arrow binds (by position in the list) and which shapes share a group — never ids or z keys.
 */
export function canonical(shapes: readonly Shape[]): unknown[] {
  const index = new Map(shapes.map((s, i) => [s.id, i]));
  const groupFirst = new Map<string, number>();
  shapes.forEach((s, i) => {
    if (s.groupId && !groupFirst.has(s.groupId)) groupFirst.set(s.groupId, i);
  });
  return shapes.map((s) => {
    const { id: _id, z: _z, author: _a, createdAt: _c, groupId, ...rest } = s as Shape & Record<string, unknown>;
    const out: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(rest)) out[key] = typeof value === 'number' ? round(value) : value;
    out.group = groupId ? groupFirst.get(groupId) : null;
    if ('points' in s) {
      const stride = s.type === 'freehand' ? 3 : 2;
      out.points = s.points.map((v, i) => round(i % stride === 0 ? v + s.x : i % stride === 1 ? v + s.y : v));
      delete out.x;
      delete out.y;
    }
    // the seed only shows in hand-drawn lines; 0 means "derive from the id", which an import renews anyway
    if (s.roughness === 0) delete out.seed;
    out.frameId = s.frameId ? index.get(s.frameId) : null;
    if (s.type === 'arrow') {
      out.startBinding = s.startBinding ? index.get(s.startBinding) : null;
      out.endBinding = s.endBinding ? index.get(s.endBinding) : null;
    }
    return out;
  });
}
