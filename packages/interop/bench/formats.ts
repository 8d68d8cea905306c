/**
 * What each format costs on a board of N shapes (default 2,000: a busy diagram), measured in one run beside a
 * named baseline: JSON.stringify / JSON.parse of the same shapes (the least any JSON format can cost) and
 * Board.addShapes of them (what any import must at least do). Run: npx tsx bench/formats.ts [N]
 */
import { performance } from 'node:perf_hooks';
import * as Y from 'yjs';
import { Board, type NewShape } from '@meshboard/board';
import { Resvg } from '@resvg/resvg-js';
import { applyImport, exportExcalidraw, exportPdf, exportPng, exportSvg, importFile, serializeBoardFile, snapshotOf, type Rasterizer } from '../src/index.js';

const n = Number(process.argv[2] ?? 2000);
const board = new Board(new Y.Doc(), { userId: 'bench' });
const shapes: NewShape[] = [];
for (let i = 0; i < n; i++) {
  const x = (i % 50) * 160;
  const y = Math.floor(i / 50) * 120;
  const kind = i % 5;
  if (kind === 0) shapes.push({ type: 'rectangle', x, y, w: 120, h: 80, text: `box ${i}`, fillColor: '#a5d8ff' });
  else if (kind === 1) shapes.push({ type: 'ellipse', x, y, w: 120, h: 80, strokeStyle: 'dashed' });
  else if (kind === 2) shapes.push({ type: 'text', x, y, w: 120, h: 30, text: `note ${i}` });
  else if (kind === 3) shapes.push({ type: 'arrow', x, y, w: 120, h: 40, points: [0, 0, 120, 40] });
  else {
    const points: number[] = [];
    for (let p = 0; p < 40; p++) points.push(p * 3, Math.sin(p / 4) * 20 + 20, 0.5);
    shapes.push({ type: 'freehand', x, y, w: 120, h: 40, points });
  }
}
board.addShapes(shapes);
const snapshot = snapshotOf(board);
const rasterize: Rasterizer = async (svg, width) => {
  const rendered = new Resvg(svg, { fitTo: { mode: 'width', value: width } }).render();
  return { width: rendered.width, height: rendered.height, data: new Uint8Array(rendered.pixels) };
};

async function time<T>(label: string, fn: () => T | Promise<T>, size?: (value: T) => number): Promise<T> {
  const runs: number[] = [];
  let value!: T;
  for (let i = 0; i < 3; i++) {
    const start = performance.now();
    value = await fn();
    runs.push(performance.now() - start);
  }
  runs.sort((a, b) => a - b);
  const bytes = size ? ` ${(size(value) / 1024).toFixed(0)} KiB` : '';
  console.log(`${label.padEnd(44)} median ${runs[1]!.toFixed(1).padStart(8)} ms${bytes}`);
  return value;
}

console.log(`board of ${n} shapes (median of 3)`);
const plain = await time('baseline: JSON.stringify(shapes)', () => JSON.stringify(board.listShapes()), (s) => s.length);
await time('baseline: JSON.parse(shapes)', () => JSON.parse(plain));
await time('baseline: Board.addShapes(shapes)', () => new Board(new Y.Doc(), { userId: 'b' }).addShapes(shapes).length);
const json = await time('export Meshboard JSON', () => serializeBoardFile(snapshot), (s) => s.length);
const svg = await time('export SVG (board embedded)', () => exportSvg(snapshot).svg, (s) => s.length);
await time('baseline: resvg render + its own PNG encoder', () => new Resvg(exportSvg(snapshot, { embed: false }).svg).render().asPng(), (b) => b.byteLength);
await time('export PNG 1x (resvg pixels + fast-png w/ tEXt)', () => exportPng(snapshot, rasterize, { scale: 1 }), (b) => b.byteLength);
await time('export PDF (pdf-lib, vector)', async () => (await exportPdf(snapshot)).bytes, (b) => b.byteLength);
const excalidraw = await time('export .excalidraw', () => exportExcalidraw(snapshot), (s) => s.length);
const text = (s: string) => new TextEncoder().encode(s);
await time('import Meshboard JSON + apply to a board', async () => applyImport(new Board(new Y.Doc(), { userId: 'i' }), await importFile(text(json))));
await time('import SVG (embedded board) + apply', async () => applyImport(new Board(new Y.Doc(), { userId: 'i' }), await importFile(text(svg))));
await time('import .excalidraw + apply', async () => applyImport(new Board(new Y.Doc(), { userId: 'i' }), await importFile(text(excalidraw))));
