import { describe, expect, it } from 'vitest';
import { decode } from 'fast-png';
import {
  applyImport,
  exportExcalidraw,
  exportPng,
  exportSvg,
  importFile,
  serializeBoardFile,
  snapshotOf,
} from '../src/index.js';
import { resvgRasterizer } from './resvg.js';
import { canonical, newBoard, sampleBoard } from './helpers.js';

const text = (value: string) => new TextEncoder().encode(value);

describe('round trips: board -> file -> import gives the same shapes', () => {
  it('Meshboard JSON', async () => {
    const board = await sampleBoard();
    const imported = await importFile(text(serializeBoardFile(snapshotOf(board))), 'board.json');
    expect(imported.format).toBe('meshboard');
    expect(imported.title).toBe('Sample board');
    expect(imported.notices).toEqual([]);
    expect(canonical(imported.shapes)).toEqual(canonical(board.listShapes()));
    expect([...imported.assets.keys()]).toEqual([...snapshotOf(board).assets.keys()]);
  });

  it('SVG with the board in its metadata', async () => {
    const board = await sampleBoard();
    const { svg } = exportSvg(snapshotOf(board));
    expect(svg).not.toMatch(/<script|\son[a-z]+=/i);
    const imported = await importFile(text(svg), 'board.svg');
    expect(canonical(imported.shapes)).toEqual(canonical(board.listShapes()));
  });

  it('PNG with the board in a tEXt chunk (rendered by resvg)', async () => {
    const board = await sampleBoard();
    const png = await exportPng(snapshotOf(board), resvgRasterizer, { scale: 2 });
    const decoded = decode(png);
    expect(decoded.width).toBeGreaterThan(1000);
    const imported = await importFile(png, 'board.png');
    expect(canonical(imported.shapes)).toEqual(canonical(board.listShapes()));
    expect(imported.assets.size).toBe(1);
  });

  it('.excalidraw', async () => {
    const board = await sampleBoard();
    const json = exportExcalidraw(snapshotOf(board));
    const scene = JSON.parse(json);
    expect(scene.type).toBe('excalidraw');
    // the arrow is bound on both sides, as Excalidraw expects
    const arrow = scene.elements.find((el: { type: string }) => el.type === 'arrow');
    expect(arrow.startBinding.elementId).toBeTruthy();
    const target = scene.elements.find((el: { id: string }) => el.id === arrow.endBinding.elementId);
    expect(target.boundElements).toContainEqual({ type: 'arrow', id: arrow.id });
    expect(Object.keys(scene.files)).toHaveLength(1);
    const imported = await importFile(text(json), 'board.excalidraw');
    expect(imported.format).toBe('excalidraw');
    expect(imported.notices).toEqual([]);
    expect(canonical(imported.shapes)).toEqual(canonical(board.listShapes()));
  });

  it('an import lands at the view centre with fresh ids, in one undo step', async () => {
    const source = await sampleBoard();
    const imported = await importFile(text(serializeBoardFile(snapshotOf(source))));
    const target = newBoard('someone');
    target.addShape({ type: 'rectangle', x: 0, y: 0, w: 10, h: 10 });
    target.stopCapturing();
    const ids = await applyImport(target, imported, { at: { x: 5000, y: 5000 } });
    expect(ids).toHaveLength(source.size);
    expect(ids.some((id) => source.has(id))).toBe(false);
    const added = target.listShapes().filter((s) => ids.includes(s.id));
    const xs = added.flatMap((s) => [s.x, s.x + s.w]);
    expect((Math.min(...xs) + Math.max(...xs)) / 2).toBeGreaterThan(4500);
    // bindings point at the new copies
    const arrow = added.find((s) => s.type === 'arrow');
    expect(arrow && arrow.type === 'arrow' && ids.includes(arrow.startBinding!)).toBe(true);
    target.stopCapturing();
    target.undo();
    expect(target.size).toBe(1);
  });
});
