import { describe, expect, it } from 'vitest';
import { DOMParser } from '@xmldom/xmldom';
import { PDFDocument } from 'pdf-lib';
import { boardFileJsonSchema } from '@meshboard/board';
import { exportPdf, exportSvg, snapshotOf } from '../src/index.js';
import { newBoard, sampleBoard } from './helpers.js';

describe('SVG export', () => {
  it('is well-formed SVG holding every shape, with no script, handlers or external references', async () => {
    const board = await sampleBoard();
    const { svg, width, height } = exportSvg(snapshotOf(board), { scale: 2, padding: 10, theme: 'dark' });
    const doc = new DOMParser().parseFromString(svg, 'image/svg+xml');
    const root = doc.documentElement!;
    expect(root.localName).toBe('svg');
    expect(Number(root.getAttribute('width'))).toBe(width);
    expect(Number(root.getAttribute('height'))).toBe(height);
    const kinds = [...svg.matchAll(/data-shape="(\w+)"/g)].map((m) => m[1]);
    expect(kinds.sort()).toEqual(board.listShapes().map((s) => s.type).sort());
    expect(svg).toContain('>Start</text>'); // a box label
    expect(svg).toContain('>next</text>'); // an arrow label
    expect(svg).toContain('stroke-dasharray'); // dashed ellipse, dotted line
    expect(svg).toContain('clip-path="url(#frame-clip-0)"'); // the frame clips its children
    expect(svg).not.toMatch(/<script|\son[a-z]+\s*=|javascript:|href="http/i);
    expect(svg).toContain('#121212'); // dark background
  });

  it('escapes text that looks like markup, so a label cannot inject elements', () => {
    const board = newBoard();
    board.addShape({ type: 'text', x: 0, y: 0, w: 100, h: 20, text: '<script>alert(1)</script>&<img src=x onerror=alert(1)>' });
    board.addShape({ type: 'rectangle', x: 0, y: 50, w: 10, h: 10, strokeColor: 'red" onload="alert(1)' });
    const { svg } = exportSvg(snapshotOf(board), { embed: false });
    expect(svg).not.toMatch(/<script|<img|onload=/);
    expect(svg).toContain('&lt;script&gt;');
  });

  it('exports only the selection, or a frame area, when asked', async () => {
    const board = await sampleBoard();
    const text = board.listShapes().find((s) => s.type === 'text')!;
    const selection = snapshotOf(board, [text.id]);
    // the text is grouped with the diamond: selecting one exports the group
    expect(selection.shapes.map((s) => s.type).sort()).toEqual(['diamond', 'text']);
    const { bounds } = exportSvg(selection, { padding: 0 });
    expect(bounds.minX).toBe(-1); // the diamond's left edge less half its 2-unit stroke
  });
});

describe('PDF export', () => {
  it('has one page per frame, each the frame’s size plus padding', async () => {
    const board = await sampleBoard();
    board.addShape({ type: 'frame', x: 2000, y: 0, w: 400, h: 300, name: 'Second' });
    const pdf = await exportPdf(snapshotOf(board), { padding: 20 });
    expect(pdf.pages).toBe(2);
    const doc = await PDFDocument.load(pdf.bytes);
    expect(doc.getPageCount()).toBe(2);
    expect(doc.getPage(0).getSize()).toEqual({ width: 740, height: 290 });
    expect(doc.getPage(1).getSize()).toEqual({ width: 440, height: 340 });
  });

  it('puts a board without frames on one page, with its text as real text', async () => {
    const board = newBoard();
    board.addShapes([
      { type: 'text', x: 0, y: 0, w: 200, h: 30, text: 'Selectable text' },
      { type: 'rectangle', x: 0, y: 100, w: 100, h: 50, text: 'Ünïcode ✓ label' },
    ]);
    const pdf = await exportPdf(snapshotOf(board));
    expect(pdf.pages).toBe(1);
    const doc = await PDFDocument.load(pdf.bytes);
    expect(doc.getPageCount()).toBe(1);
    // the check mark is outside the standard font: replaced and reported, never a crash
    expect(pdf.notices.join(' ')).toMatch(/standard font/);
    const raw = new TextDecoder('latin1').decode(pdf.bytes);
    expect(raw).toContain('/BaseFont /Helvetica');
  });
});

describe('the board file schema', () => {
  it('is published as JSON Schema from packages/board', () => {
    const schema = boardFileJsonSchema() as { properties: Record<string, unknown> };
    expect(Object.keys(schema.properties)).toEqual(expect.arrayContaining(['type', 'version', 'shapes', 'assets']));
  });
});
