import { describe, expect, it } from 'vitest';
import { applyImport, importFile, InteropError } from '../src/index.js';
import { fixture, newBoard } from './helpers.js';

/** Real files from the Excalidraw and tldraw projects (see fixtures/FIXTURES.md). */
const EXCALIDRAW = [
  'fixture_library.excalidrawlib',
  'simple-sticky-notes.excalidrawlib',
  'data-flow.excalidrawlib',
  'uml-component-diagram.excalidrawlib',
  'some-handdrawn-signs.excalidrawlib',
  'wardley-maps-symbols.excalidrawlib',
  'test_embedded_v1.excalidraw',
  'test_embedded_v1.png',
  'test_embedded_v1.svg',
  'smiley_embedded_v2.png',
  'smiley_embedded_v2.svg',
];

describe('real Excalidraw files import without errors', () => {
  for (const name of EXCALIDRAW) {
    it(name, async () => {
      const imported = await importFile(fixture(`excalidraw/${name}`), name);
      expect(imported.shapes.length).toBeGreaterThan(0);
      expect(imported.notices.filter((n) => /could not be imported/.test(n))).toEqual([]);
      const board = newBoard();
      const ids = await applyImport(board, imported, { at: { x: 0, y: 0 } });
      expect(board.size).toBe(ids.length);
      expect(board.invalidShapeIds).toEqual([]);
    });
  }

  it('a v1 library keeps its colours, widths and groups', async () => {
    const imported = await importFile(fixture('excalidraw/fixture_library.excalidrawlib'));
    expect(imported.format).toBe('excalidrawlib');
    expect(imported.shapes).toHaveLength(1);
    expect(imported.shapes[0]).toMatchObject({ type: 'rectangle', w: 50, h: 30, strokeColor: '#c92a2a', fillColor: '#e64980', strokeWidth: 1, roughness: 1 });
    expect(imported.notices).toContain('"hachure" fills were drawn solid');
  });

  it('bound text becomes the label of its container', async () => {
    const imported = await importFile(fixture('excalidraw/simple-sticky-notes.excalidrawlib'));
    const labelled = imported.shapes.filter((s) => 'text' in s && s.type !== 'text' && s.text);
    expect(labelled.length).toBeGreaterThan(0);
  });

  it('arrows keep their bindings to shapes', async () => {
    const imported = await importFile(fixture('excalidraw/uml-component-diagram.excalidrawlib'));
    const ids = new Set(imported.shapes.map((s) => s.id));
    const bound = imported.shapes.filter((s) => s.type === 'arrow' && (s.startBinding || s.endBinding));
    expect(bound.length).toBeGreaterThan(0);
    for (const arrow of bound) if (arrow.type === 'arrow') for (const id of [arrow.startBinding, arrow.endBinding]) if (id) expect(ids.has(id)).toBe(true);
  });

  it('freedraw keeps its points', async () => {
    const imported = await importFile(fixture('excalidraw/some-handdrawn-signs.excalidrawlib'));
    const strokes = imported.shapes.filter((s) => s.type === 'freehand');
    expect(strokes.length).toBeGreaterThan(0);
    for (const stroke of strokes) if (stroke.type === 'freehand') expect(stroke.points.length).toBeGreaterThanOrEqual(3);
  });

  it('the scene inside an Excalidraw PNG and SVG (compressed v2) is read: the smiley text', async () => {
    for (const name of ['smiley_embedded_v2.png', 'smiley_embedded_v2.svg']) {
      const imported = await importFile(fixture(`excalidraw/${name}`));
      expect(imported.format).toBe('excalidraw');
      expect(imported.shapes).toEqual([expect.objectContaining({ type: 'text', text: '😀', strokeColor: '#c92a2a', fontSize: 36, fontFamily: 'hand' })]);
    }
  });
});

describe('real tldraw files', () => {
  it('fairy.tldr (schema 2): geo shapes, rich text and arrows with binding records', async () => {
    const imported = await importFile(fixture('tldraw/fairy.tldr'), 'fairy.tldr');
    expect(imported.format).toBe('tldraw');
    const count = (type: string) => imported.shapes.filter((s) => s.type === type).length;
    expect(count('rectangle')).toBe(11);
    expect(count('text')).toBe(9);
    expect(count('arrow')).toBe(7);
    const texts = imported.shapes.flatMap((s) => (s.type === 'text' ? [s.text] : []));
    expect(texts).toEqual(expect.arrayContaining(['Flags', 'PromptPartUtil', 'System prompt', 'Kickoff']));
    const ids = new Set(imported.shapes.map((s) => s.id));
    const arrows = imported.shapes.filter((s) => s.type === 'arrow');
    const bindings = arrows.flatMap((s) => (s.type === 'arrow' ? [s.startBinding, s.endBinding] : [])).filter(Boolean);
    expect(bindings.length).toBe(14);
    for (const id of bindings) expect(ids.has(id!)).toBe(true);
    // tldraw's "draw" dash is its hand-drawn look
    expect(imported.shapes.find((s) => s.type === 'rectangle')).toMatchObject({ roughness: 1, strokeColor: '#1d1d1d', strokeWidth: 3.5 });
    // bent arrows become curved arrows through the arc's middle
    expect(arrows.filter((s) => s.type === 'arrow' && s.arrowType === 'curved').length).toBe(4);
    const board = newBoard();
    await applyImport(board, imported);
    expect(board.size).toBe(imported.shapes.length);
  });

  it('a file newer than the importer gets a clear message', async () => {
    const error = await importFile(fixture('tldraw/version-too-new.tldr')).catch((e) => e);
    expect(error).toBeInstanceOf(InteropError);
    expect(error.code).toBe('unsupported_version');
    expect(error.message).toMatch(/file format 1000, newer than this importer reads/);
  });

  it('a tldraw 1 file gets a clear message', async () => {
    const error = await importFile(fixture('tldraw/copy-svg-even-simpler.tldr')).catch((e) => e);
    expect(error).toBeInstanceOf(InteropError);
    expect(error.message).toMatch(/saved by tldraw 1/);
  });
});
