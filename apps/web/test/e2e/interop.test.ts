/**
 * Boards in and out, end to end in real headless Chromium against the real built services: real Excalidraw and
 * tldraw files (packages/interop/test/fixtures) imported and rendered by the board page with their pixels
 * checked where each shape should be; import on the home page and on a board (file input and pasted
 * Excalidraw clipboard JSON); and the export menu's downloads read back (PNG decodes and carries the board,
 * SVG parses with every shape, PDF has one page per frame).
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { Board, type Bounds } from '@meshboard/board';
import { applyImport, boundsOfShapes as boundsOf, decodePng, importFile, lookupIn, serializeBoardFile, type ImportedBoard } from '@meshboard/interop';
import { StoreClient } from '@meshboard/sync';
import { launch, newPeer, waitForShapeCount } from './browser';
import { repoRoot, startStack, type Stack } from './harness';

let stack: Stack;
let browser: Browser;
const contexts: BrowserContext[] = [];
const fixtures = path.join(repoRoot, 'packages/interop/test/fixtures');
const fixture = (name: string) => new Uint8Array(readFileSync(path.join(fixtures, name)));

beforeAll(async () => {
  stack = await startStack();
  browser = await launch();
});

afterAll(async () => {
  for (const context of contexts) await context.close().catch(() => undefined);
  await browser?.close();
  await stack?.stop();
});

async function peer(): Promise<Page> {
  const p = await newPeer(browser, stack.webUrl);
  contexts.push(p.context);
  return p.page;
}

/** A board holding `imported`, created the way the CLI and the home page do (create, then one upload). */
async function boardWith(imported: ImportedBoard, title: string): Promise<{ url: string; board: Board }> {
  const store = new StoreClient(stack.storeUrl);
  const created = await store.createBoard({ title });
  const board = new Board(new Y.Doc(), { userId: 'test' });
  await applyImport(board, imported);
  await store.appendUpdate(created.id, created.editToken, Y.encodeStateAsUpdate(board.doc));
  return { url: `${stack.webUrl}/b/${created.id}#${created.editToken}`, board };
}

async function openBoard(page: Page, url: string, shapes: number) {
  await page.goto(url);
  await page.waitForSelector('[data-testid="canvas"][data-shape-count]', { timeout: 30_000 });
  await page.waitForSelector('[data-testid="connection-status"][data-store="synced"]', { timeout: 30_000 });
  await waitForShapeCount(page, shapes, 30_000);
}

/** Fraction of pixels in each region that differ from the canvas background (the most common colour overall). */
async function coverage(page: Page, regions: Array<{ x: number; y: number; w: number; h: number }>): Promise<{ total: number; regions: number[] }> {
  const shot = await page.screenshot({ animations: 'disabled', caret: 'hide' });
  return page.evaluate(
    async ({ b64, regions }) => {
      const bitmap = await createImageBitmap(await (await fetch(`data:image/png;base64,${b64}`)).blob());
      const canvas = new OffscreenCanvas(bitmap.width, bitmap.height);
      const ctx = canvas.getContext('2d')!;
      ctx.drawImage(bitmap, 0, 0);
      const { data, width, height } = ctx.getImageData(0, 0, bitmap.width, bitmap.height);
      const counts = new Map<number, number>();
      for (let i = 0; i < data.length; i += 16) {
        const key = (data[i]! << 16) | (data[i + 1]! << 8) | data[i + 2]!;
        counts.set(key, (counts.get(key) ?? 0) + 1);
      }
      const bg = [...counts.entries()].sort((a, b) => b[1] - a[1])[0]![0];
      const differs = (i: number) => Math.abs(data[i]! - (bg >> 16)) + Math.abs(data[i + 1]! - ((bg >> 8) & 255)) + Math.abs(data[i + 2]! - (bg & 255)) > 40;
      const fraction = (x0: number, y0: number, x1: number, y1: number) => {
        let hit = 0;
        let n = 0;
        for (let y = Math.max(0, Math.floor(y0)); y < Math.min(height, Math.ceil(y1)); y++)
          for (let x = Math.max(0, Math.floor(x0)); x < Math.min(width, Math.ceil(x1)); x++) {
            n++;
            if (differs((y * width + x) * 4)) hit++;
          }
        return n ? hit / n : 0;
      };
      return { total: fraction(0, 0, width, height), regions: regions.map((r) => fraction(r.x, r.y, r.x + r.w, r.y + r.h)) };
    },
    { b64: shot.toString('base64'), regions },
  );
}

/** Where the board page's zoom-to-fit puts world bounds on screen (packages/canvas camera.fitBounds, 40 px padding). */
function screenMapper(content: Bounds, viewport: { width: number; height: number }) {
  const w = Math.max(content.maxX - content.minX, 1);
  const h = Math.max(content.maxY - content.minY, 1);
  const zoom = Math.max(0.1, Math.min((viewport.width - 80) / w, (viewport.height - 80) / h, 1));
  const camX = (content.minX + content.maxX) / 2 - viewport.width / 2 / zoom;
  const camY = (content.minY + content.maxY) / 2 - viewport.height / 2 / zoom;
  return (b: Bounds) => ({ x: (b.minX - camX) * zoom - 2, y: (b.minY - camY) * zoom - 2, w: (b.maxX - b.minX) * zoom + 4, h: (b.maxY - b.minY) * zoom + 4 });
}

const RENDERED = [
  'excalidraw/fixture_library.excalidrawlib',
  'excalidraw/simple-sticky-notes.excalidrawlib',
  'excalidraw/data-flow.excalidrawlib',
  'excalidraw/uml-component-diagram.excalidrawlib',
  'excalidraw/some-handdrawn-signs.excalidrawlib',
  'excalidraw/wardley-maps-symbols.excalidrawlib',
  'excalidraw/test_embedded_v1.excalidraw',
  'excalidraw/smiley_embedded_v2.png',
  'tldraw/fairy.tldr',
];

describe('real Excalidraw and tldraw files, imported and rendered by the board page', () => {
  for (const name of RENDERED) {
    it(name, async () => {
      const imported = await importFile(fixture(name), name);
      const { url, board } = await boardWith(imported, path.basename(name));
      const page = await peer();
      await openBoard(page, url, board.size);
      // the whole board in view (the page keeps the camera where content is visible), then only the canvas:
      // the page's panels float over it
      await page.click('[data-testid="zoom-fit"]');
      await page.addStyleTag({ content: '.board-page > :not(.canvas-host) { visibility: hidden !important; }' });
      await page.waitForTimeout(300);
      const canvasBox = (await page.locator('[data-testid="canvas"] canvas').first().boundingBox())!;
      const shapes = board.listShapes();
      const content = boundsOf(shapes, lookupIn(shapes))!;
      const toScreen = screenMapper(content, { width: canvasBox.width, height: canvasBox.height });
      // shapes large enough on screen to check, each on its own
      const checked = shapes
        .filter((s) => s.type !== 'frame' && !(s.type === 'text' && !s.text.trim()))
        .map((s) => ({ shape: s, region: toScreen(boundsOf([s], lookupIn(shapes))!) }))
        .filter(({ region }) => region.w >= 6 && region.h >= 6);
      if (process.env.INTEROP_SHOTS) await page.screenshot({ path: `/tmp/interop-${path.basename(name)}.png` });
      const result = await coverage(page, checked.map(({ region }) => ({ ...region, x: region.x + canvasBox.x, y: region.y + canvasBox.y })));
      expect(result.total, 'the board is not blank').toBeGreaterThan(0.0001); // over ~100 pixels of 1280 x 800
      const empty = checked.filter((_, i) => result.regions[i]! < 0.01).map(({ shape }) => `${shape.type} ${shape.id}`);
      expect(empty, 'every shape has ink where it should be').toEqual([]);
      // and nothing is drawn far outside the content: the strip along the left edge of the view is background
      const outside = toScreen({ minX: content.minX, minY: content.minY, maxX: content.maxX, maxY: content.maxY });
      if (outside.x > 30) {
        const margin = await coverage(page, [{ x: canvasBox.x + 2, y: canvasBox.y + 2, w: outside.x - 12, h: canvasBox.height - 4 }]);
        expect(margin.regions[0]).toBeLessThan(0.01);
      }
    });
  }
});

describe('import in the web app', () => {
  it('a file opened on the home page becomes a new board', async () => {
    const page = await peer();
    await page.goto(stack.webUrl);
    const [chooser] = await Promise.all([page.waitForEvent('filechooser'), page.click('[data-testid="open-file"]')]);
    await chooser.setFiles(path.join(fixtures, 'tldraw/fairy.tldr'));
    await page.waitForURL(/\/b\/[^#]+#.+/, { timeout: 30_000 });
    await waitForShapeCount(page, 27, 30_000);
    expect(await page.inputValue('[data-testid="board-title"]')).toBe('fairy');
  });

  it('a file imported on a board lands at the view centre and says what it could not keep', async () => {
    const { url } = await boardWith({ format: 'meshboard', title: '', shapes: [], assets: new Map(), notices: [] }, 'import target');
    const page = await peer();
    await openBoard(page, url, 0);
    const [chooser] = await Promise.all([page.waitForEvent('filechooser'), page.click('[data-testid="import-button"]')]);
    await chooser.setFiles(path.join(fixtures, 'excalidraw/fixture_library.excalidrawlib'));
    await waitForShapeCount(page, 1);
    await expect.poll(() => page.textContent('[data-testid="board-notice"]')).toMatch(/Imported 1 shape from an Excalidraw library .*"hachure" fills were drawn solid/);
    // a broken file changes nothing and says why
    const [again] = await Promise.all([page.waitForEvent('filechooser'), page.click('[data-testid="import-button"]')]);
    await again.setFiles({ name: 'broken.excalidraw', mimeType: 'application/json', buffer: Buffer.from('{"type":"excalidraw","elements":[{"type":"rect') });
    await expect.poll(() => page.textContent('[data-testid="board-notice"]')).toMatch(/broken\.excalidraw was not imported: .*cut short/);
    await waitForShapeCount(page, 1);
  });

  it('Excalidraw clipboard JSON pasted on a board is imported', async () => {
    const { url } = await boardWith({ format: 'meshboard', title: '', shapes: [], assets: new Map(), notices: [] }, 'paste target');
    const page = await peer();
    await openBoard(page, url, 0);
    const clipboard = JSON.stringify({
      type: 'excalidraw/clipboard',
      elements: [
        { id: 'a', type: 'rectangle', x: 0, y: 0, width: 120, height: 60, strokeColor: '#1971c2', backgroundColor: '#a5d8ff', fillStyle: 'solid', strokeWidth: 2, roughness: 0, opacity: 100, angle: 0, groupIds: [], boundElements: [{ type: 'text', id: 't' }] },
        { id: 't', type: 'text', x: 10, y: 20, width: 100, height: 20, text: 'pasted', fontSize: 16, fontFamily: 5, textAlign: 'center', verticalAlign: 'middle', containerId: 'a', strokeColor: '#1971c2', opacity: 100, angle: 0, groupIds: [] },
      ],
      files: {},
    });
    await page.click('[data-testid="canvas"]', { position: { x: 600, y: 400 } });
    await page.evaluate((text) => {
      const data = new DataTransfer();
      data.setData('text/plain', text);
      document.dispatchEvent(new ClipboardEvent('paste', { clipboardData: data, bubbles: true, cancelable: true }));
    }, clipboard);
    await waitForShapeCount(page, 1);
    await expect.poll(() => page.textContent('[data-testid="board-notice"]')).toMatch(/Imported 1 shape from Excalidraw/);
  });
});

describe('export downloads', () => {
  it('PNG decodes and carries the board, SVG parses with every shape, PDF has one page per frame', async () => {
    const source = new Board(new Y.Doc(), { userId: 'test' });
    const [first] = source.addShapes([{ type: 'frame', x: 0, y: 0, w: 400, h: 300, name: 'One' }]);
    const [second] = source.addShapes([{ type: 'frame', x: 600, y: 0, w: 300, h: 300, name: 'Two' }]);
    source.addShapes([
      { type: 'rectangle', x: 40, y: 40, w: 200, h: 100, fillColor: '#ffc9c9', text: 'in one', frameId: first!.id },
      { type: 'ellipse', x: 650, y: 50, w: 150, h: 150, strokeColor: '#1971c2', frameId: second!.id },
      { type: 'text', x: 1000, y: 0, w: 200, h: 30, text: 'outside the frames' },
    ]);
    const imported = await importFile(new TextEncoder().encode(serializeBoardFile({ title: 'exports', shapes: source.listShapes(), assets: new Map() })));
    const { url } = await boardWith(imported, 'exports');
    const page = await peer();
    await openBoard(page, url, 5);
    await page.click('[data-testid="export-button"]');
    await page.waitForSelector('[data-testid="export-dialog"] [data-testid="export-preview"] img');
    const save = async (button: string) => {
      const [download] = await Promise.all([page.waitForEvent('download'), page.click(`[data-testid="${button}"]`)]);
      return { name: download.suggestedFilename(), bytes: new Uint8Array(readFileSync((await download.path())!)) };
    };
    const png = await save('export-png');
    expect(png.name).toBe('exports.png');
    const pixels = decodePng(png.bytes);
    expect(pixels.width).toBeGreaterThan(1000); // 2x by default
    expect((await importFile(png.bytes, png.name)).shapes).toHaveLength(5);
    const svg = await save('export-svg');
    const svgText = new TextDecoder().decode(svg.bytes);
    expect(svgText.match(/data-shape="/g)).toHaveLength(5);
    expect(svgText).not.toMatch(/<script/i);
    expect((await importFile(svg.bytes, svg.name)).shapes).toHaveLength(5);
    const pdf = await save('export-pdf');
    const raw = new TextDecoder('latin1').decode(pdf.bytes);
    expect(raw.startsWith('%PDF-')).toBe(true);
    expect(raw.match(/\/Type \/Page\b(?!s)/g)).toHaveLength(2);
    const json = await save('export-json');
    expect(JSON.parse(new TextDecoder().decode(json.bytes))).toMatchObject({ type: 'meshboard', version: 1 });
    const excalidraw = await save('export-excalidraw');
    expect((await importFile(excalidraw.bytes)).shapes).toHaveLength(5);
    // one frame only: its page alone
    await page.selectOption('[data-testid="export-area"]', { label: 'Frame: Two' });
    const framePdf = new TextDecoder('latin1').decode((await save('export-pdf')).bytes);
    expect(framePdf.match(/\/Type \/Page\b(?!s)/g)).toHaveLength(1);
    // copy PNG puts an image on the clipboard (the clipboard needs the page focused)
    await page.bringToFront();
    await page.click('[data-testid="copy-png"]');
    await expect.poll(() => page.textContent('[data-testid="export-status"]'), { timeout: 30_000 }).toMatch(/Copy PNG: (done|failed.*)/);
    expect(await page.textContent('[data-testid="export-status"]')).toBe('Copy PNG: done');
    const types = await page.evaluate(async () => (await navigator.clipboard.read()).flatMap((item) => item.types));
    expect(types).toContain('image/png');
  });
});
