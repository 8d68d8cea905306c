// Labels and styles drawn by the real engine in Chromium, checked by their pixels: labels centred and wrapped,
// each stroke style, arrowhead, arrow route, rounded corners, the hand-drawn style, the bundled fonts, and a
// second browser context that receives the board's state drawing every style with exactly the same pixels.
import { createServer, type Server } from 'node:http';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { NewShape } from '@meshboard/board';

// each test draws and reads back several frames in a real browser: on a loaded shared machine that takes seconds
vi.setConfig({ testTimeout: 30_000 });

const here = dirname(fileURLToPath(import.meta.url));
const require = createRequire(import.meta.url);
const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const VIEWPORT = { width: 1000, height: 900 };

/** The bundled fonts, served from the @fontsource packages like the web app serves them (never a CDN). */
const FONTS: Record<string, string> = {
  '/fonts/caveat.woff2': '@fontsource/caveat/files/caveat-latin-400-normal.woff2',
  '/fonts/serif.woff2': '@fontsource/ibm-plex-serif/files/ibm-plex-serif-latin-400-normal.woff2',
  '/fonts/mono.woff2': '@fontsource/ibm-plex-mono/files/ibm-plex-mono-latin-400-normal.woff2',
};
const FONT_CSS = `
@font-face { font-family: 'Caveat'; src: url(/fonts/caveat.woff2) format('woff2'); }
@font-face { font-family: 'IBM Plex Serif'; src: url(/fonts/serif.woff2) format('woff2'); }
@font-face { font-family: 'IBM Plex Mono'; src: url(/fonts/mono.woff2) format('woff2'); }`;

interface StyleApi {
  open(state?: string): void;
  add(shapes: NewShape[]): string[];
  clear(): void;
  state(): string;
  fonts(): Promise<boolean[]>;
  frame(): Promise<void>;
  pixels(x: number, y: number, w: number, h: number): number[];
  dataUrl(): string;
}

let dir: string;
let server: Server;
let browser: Browser;
let url: string;
let page: Page;

const call = <T>(fn: (api: StyleApi, arg: never) => T | Promise<T>, arg?: unknown): Promise<T> =>
  page.evaluate(([source, a]) => new Function('api', 'arg', `return (${source})(api, arg)`)((window as unknown as { styleTest: StyleApi }).styleTest, a), [fn.toString(), arg] as const) as Promise<T>;

async function draw(shapes: NewShape[]): Promise<void> {
  await call((api) => api.clear());
  await call((api, s: NewShape[]) => api.add(s), shapes);
  await call((api) => api.fonts());
  await call((api) => api.frame());
}

/** Dark pixels (ink on the white board) in a region, and their bounding box. */
async function ink(x: number, y: number, w: number, h: number): Promise<{ count: number; minX: number; maxX: number; minY: number; maxY: number }> {
  const data = await call((api, r: number[]) => api.pixels(r[0]!, r[1]!, r[2]!, r[3]!), [x, y, w, h]);
  const box = { count: 0, minX: Infinity, maxX: -Infinity, minY: Infinity, maxY: -Infinity };
  for (let i = 0; i < w * h; i++) {
    const dark = (data[i * 4]! + data[i * 4 + 1]! + data[i * 4 + 2]!) / 3 < 160;
    if (!dark) continue;
    const px = x + (i % w);
    const py = y + Math.floor(i / w);
    box.count++;
    box.minX = Math.min(box.minX, px);
    box.maxX = Math.max(box.maxX, px);
    box.minY = Math.min(box.minY, py);
    box.maxY = Math.max(box.maxY, py);
  }
  return box;
}
const dark = async (x: number, y: number) => (await ink(x, y, 1, 1)).count === 1;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'meshboard-styles-browser-'));
  await build({ entryPoints: [join(here, 'style-page.ts')], bundle: true, format: 'esm', platform: 'browser', target: 'es2022', outfile: join(dir, 'page.js'), logLevel: 'warning' });
  const html = `<!doctype html><html><head><meta charset="utf-8"><style>html,body{margin:0;height:100%;overflow:hidden}#board{width:100vw;height:100vh;position:relative}${FONT_CSS}</style></head><body><div id="board"></div><script type="module" src="/page.js"></script></body></html>`;
  server = createServer(async (req, res) => {
    if (req.url === '/page.js') res.writeHead(200, { 'content-type': 'text/javascript' }).end(await readFile(join(dir, 'page.js')));
    else if (req.url && FONTS[req.url]) res.writeHead(200, { 'content-type': 'font/woff2' }).end(await readFile(require.resolve(FONTS[req.url]!)));
    else res.writeHead(200, { 'content-type': 'text/html' }).end(html);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as { port: number }).port}/`;
  browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-lcd-text', '--disable-font-subpixel-positioning'] });
  page = await browser.newPage({ viewport: VIEWPORT, deviceScaleFactor: 1 });
  await page.goto(url);
  await page.waitForFunction(() => 'styleTest' in window);
  await call((api) => api.open());
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await new Promise((resolve) => server?.close(resolve));
  if (dir) await rm(dir, { recursive: true, force: true });
});

const box = (extra: Partial<NewShape> & Record<string, unknown>) => ({ type: 'rectangle', x: 100, y: 100, w: 300, h: 150, strokeWidth: 2, ...extra }) as NewShape;
const arrow = (x0: number, y0: number, x1: number, y1: number, extra: Record<string, unknown> = {}) =>
  ({ type: 'arrow', x: Math.min(x0, x1), y: Math.min(y0, y1), w: Math.abs(x1 - x0), h: Math.abs(y1 - y0), points: [x0 - Math.min(x0, x1), y0 - Math.min(y0, y1), x1 - Math.min(x0, x1), y1 - Math.min(y0, y1)], strokeWidth: 2, ...extra }) as NewShape;

describe('labels in Chromium', () => {
  it('loads the bundled fonts (hand-drawn, serif, mono) from the page, not the network', async () => {
    expect(await call((api) => api.fonts())).toEqual([true, true, true]);
  });

  it('centres a rectangle label in the box, and wraps a long one inside it', async () => {
    await draw([box({ text: 'Hello world', textAlign: 'center' })]);
    const text = await ink(106, 106, 288, 138);
    expect(text.count).toBeGreaterThan(80);
    expect(Math.abs((text.minX + text.maxX) / 2 - 250)).toBeLessThanOrEqual(3);
    expect(Math.abs((text.minY + text.maxY) / 2 - 175)).toBeLessThanOrEqual(4);

    await draw([box({ w: 120, h: 200, text: 'a label that is much wider than its box', textAlign: 'center' })]);
    const wrapped = await ink(104, 104, 112, 192);
    expect(wrapped.maxY - wrapped.minY).toBeGreaterThan(3 * 20); // several lines
    expect(wrapped.minX).toBeGreaterThanOrEqual(106); // never over the outline
    expect(wrapped.maxX).toBeLessThanOrEqual(214);
  });

  it('aligns left and right, top and bottom', async () => {
    await draw([box({ text: 'Hi', textAlign: 'left', verticalAlign: 'top' })]);
    const topLeft = await ink(104, 104, 292, 142);
    expect(topLeft.minX).toBeLessThan(120);
    expect(topLeft.minY).toBeLessThan(125);
    await draw([box({ text: 'Hi', textAlign: 'right', verticalAlign: 'bottom' })]);
    const bottomRight = await ink(104, 104, 292, 142);
    expect(bottomRight.maxX).toBeGreaterThan(380);
    expect(bottomRight.maxY).toBeGreaterThan(225);
  });

  it('puts an arrow label on the middle of the line, knocking the line out behind it', async () => {
    await draw([arrow(100, 400, 500, 400, { text: 'yes', endArrowhead: 'none' })]);
    // the glyphs above the line's row are centred on the middle (x 300)
    const glyphs = await ink(200, 380, 200, 18);
    expect(glyphs.count).toBeGreaterThan(10);
    expect(Math.abs((glyphs.minX + glyphs.maxX) / 2 - 300)).toBeLessThanOrEqual(3);
    // along the line's own row, the line is knocked out around the label, and the gap is centred too
    const row = await call((api) => api.pixels(100, 400, 400, 1));
    const clear: number[] = [];
    for (let i = 0; i < 400; i++) if ((row[i * 4]! + row[i * 4 + 1]! + row[i * 4 + 2]!) / 3 >= 160) clear.push(100 + i);
    expect(clear.length).toBeGreaterThan(20);
    expect(Math.abs((Math.min(...clear) + Math.max(...clear)) / 2 - 300)).toBeLessThanOrEqual(3);
    expect(await dark(150, 400)).toBe(true);
    expect(await dark(450, 400)).toBe(true);
  });

  it('draws labels in the chosen family: the hand-drawn font sets the same text narrower than mono', async () => {
    await draw([box({ text: 'Meshboard', textAlign: 'center', fontFamily: 'hand' })]);
    const hand = await ink(106, 106, 288, 138);
    await draw([box({ text: 'Meshboard', textAlign: 'center', fontFamily: 'mono' })]);
    const mono = await ink(106, 106, 288, 138);
    expect(mono.maxX - mono.minX).toBeGreaterThan(hand.maxX - hand.minX + 10);
  });
});

describe('styles in Chromium', () => {
  it('draws solid, dashed and dotted strokes with the gaps their patterns say', async () => {
    const shares: Record<string, number> = {};
    for (const strokeStyle of ['solid', 'dashed', 'dotted']) {
      await draw([{ type: 'line', x: 100, y: 50, w: 500, h: 0, points: [0, 0, 500, 0], strokeWidth: 2, strokeStyle } as NewShape]);
      shares[strokeStyle] = (await ink(120, 50, 460, 1)).count / 460;
    }
    expect(shares.solid).toBeGreaterThan(0.95);
    expect(shares.dashed).toBeGreaterThan(0.4);
    expect(shares.dashed).toBeLessThan(0.75);
    expect(shares.dotted).toBeGreaterThan(0.05);
    expect(shares.dotted).toBeLessThan(0.4);
  });

  it('draws each arrowhead at the end of the line', async () => {
    const y = 300;
    const probe = async (endArrowhead: string) => {
      await draw([arrow(200, y, 600, y, { endArrowhead })]);
      return { barb: await dark(589, y - 5), inside: await dark(588, y + 3), bar: await dark(600, y + 6), dot: await dark(595, y + 3), beyond: await dark(604, y) };
    };
    expect(await probe('none')).toEqual({ barb: false, inside: false, bar: false, dot: false, beyond: false });
    expect(await probe('arrow')).toMatchObject({ barb: true, inside: false, bar: false });
    expect(await probe('triangle')).toMatchObject({ inside: true, bar: false });
    expect(await probe('bar')).toMatchObject({ bar: true, inside: false });
    expect(await probe('dot')).toMatchObject({ dot: true, bar: false });
    // and at the start, pointing the other way
    await draw([arrow(200, y, 600, y, { startArrowhead: 'triangle', endArrowhead: 'none' })]);
    expect(await dark(212, y + 3)).toBe(true);
  });

  it('routes elbow arrows with right angles and bows curved ones', async () => {
    await draw([arrow(100, 500, 500, 600, { arrowType: 'elbow' })]);
    expect(await dark(200, 500)).toBe(true); // leaves horizontally
    expect(await dark(300, 550)).toBe(true); // turns halfway
    expect(await dark(400, 600)).toBe(true);
    await draw([arrow(100, 500, 500, 600, { arrowType: 'straight' })]);
    expect(await dark(200, 500)).toBe(false);
    await draw([arrow(100, 700, 500, 700, { arrowType: 'curved' })]);
    expect(await dark(300, 700)).toBe(false);
    expect((await dark(300, 620)) || (await dark(300, 780))).toBe(true);
  });

  it('rounds corners', async () => {
    await draw([box({ strokeWidth: 4 })]);
    expect(await dark(100, 100)).toBe(true);
    await draw([box({ strokeWidth: 4, cornerRadius: 24 })]);
    expect(await dark(100, 100)).toBe(false);
    expect(await dark(250, 100)).toBe(true);
  });

  it('draws the hand-drawn style off the clean lines, the same for the same shape, different per shape', async () => {
    const clean = box({ id: 'rough-a' });
    await draw([clean]);
    const cleanPixels = await call((api) => api.dataUrl());
    await draw([{ ...clean, roughness: 1 } as NewShape]);
    const rough = await call((api) => api.dataUrl());
    expect(rough).not.toBe(cleanPixels);
    await draw([{ ...clean, roughness: 1 } as NewShape]);
    expect(await call((api) => api.dataUrl())).toBe(rough);
    await draw([{ ...clean, id: 'rough-b', roughness: 1 } as NewShape]);
    expect(await call((api) => api.dataUrl())).not.toBe(rough);
  });
});

describe('frames in Chromium', () => {
  it('clip their children, and dragging a frame moves its children with it', async () => {
    const colourAt = async (x: number, y: number) => (await call((api, p: number[]) => api.pixels(p[0]!, p[1]!, 1, 1), [x, y])).slice(0, 3).join(',');
    const BLUE = '165,216,255';
    const RED = '255,201,201';
    await draw([
      { id: 'frame-1', type: 'frame', x: 100, y: 100, w: 300, h: 200, name: 'Intro', strokeWidth: 1 } as NewShape,
      box({ id: 'child-in', x: 150, y: 150, w: 50, h: 50, fillColor: '#a5d8ff', strokeWidth: 0, frameId: 'frame-1' }),
      box({ id: 'child-over', x: 350, y: 150, w: 100, h: 50, fillColor: '#ffc9c9', strokeWidth: 0, frameId: 'frame-1' }),
    ]);
    expect(await colourAt(175, 175)).toBe(BLUE);
    expect(await colourAt(380, 175)).toBe(RED); // inside the frame
    expect(await colourAt(420, 175)).not.toBe(RED); // past the frame's edge: clipped
    // the frame's name sits above its top-left corner
    expect((await ink(100, 80, 80, 18)).count).toBeGreaterThan(10);

    // press on the frame's empty inside (selects it), drag 100 px right with Ctrl (no snapping)
    await page.keyboard.down('Control');
    await page.mouse.move(300, 270);
    await page.mouse.down();
    await page.mouse.move(340, 270, { steps: 2 });
    await page.mouse.move(400, 270, { steps: 4 });
    await page.mouse.up();
    await page.keyboard.up('Control');
    await call((api) => api.frame());
    expect(await colourAt(275, 175)).toBe(BLUE);
    expect(await colourAt(175, 175)).not.toBe(BLUE);
    expect(await colourAt(480, 175)).toBe(RED); // the overflowing child moved too, and is clipped at 500
    expect(await colourAt(520, 175)).not.toBe(RED);
  });
});

describe('snapping in Chromium', () => {
  it('shows a guide while a dragged shape snaps to another one, and none with Ctrl held', async () => {
    // any pixel of x-2..x+2 tinted with the guide's pink-red (a 1 px line between pixels is blended)
    const guideAt = async (x: number, y: number) => {
      const data = await call((api, p: number[]) => api.pixels(p[0]! - 2, p[1]!, 5, 1), [x, y]);
      for (let i = 0; i < 5; i++) if (data[i * 4]! > 200 && data[i * 4]! - data[i * 4 + 1]! > 50) return true;
      return false;
    };
    const moveBy = async (ctrl: boolean) => {
      await draw([box({ x: 100, y: 100, w: 100, h: 100, fillColor: '#a5d8ff' }), box({ x: 300, y: 300, w: 50, h: 50, fillColor: '#ffc9c9' })]);
      if (ctrl) await page.keyboard.down('Control');
      await page.mouse.move(325, 325);
      await page.mouse.down();
      await page.mouse.move(300, 310, { steps: 2 });
      await page.mouse.move(229, 290, { steps: 4 }); // B's left edge 3 px right of A's right edge
      await call((api) => api.frame());
      // the guide runs along x = 201 (A's painted right edge) through the gap between A and B
      const seen = await guideAt(201, 230);
      await page.mouse.up();
      if (ctrl) await page.keyboard.up('Control');
      await call((api) => api.frame());
      const after = await guideAt(201, 230);
      return { seen, after };
    };
    expect(await moveBy(false)).toEqual({ seen: true, after: false });
    expect(await moveBy(true)).toEqual({ seen: false, after: false });
  });
});

describe('a second browser context', () => {
  it('draws every style exactly as drawn here, hand-drawn lines included (same pixels)', async () => {
    await draw([
      box({ x: 20, y: 20, w: 200, h: 100, text: 'Hand', fontFamily: 'hand', textAlign: 'center', roughness: 1, fillColor: '#a5d8ff' }),
      box({ type: 'ellipse', x: 240, y: 20, w: 200, h: 100, text: 'Serif', fontFamily: 'serif', textAlign: 'center', strokeStyle: 'dashed', roughness: 2 }),
      box({ type: 'diamond', x: 460, y: 20, w: 200, h: 120, text: 'Mono', fontFamily: 'mono', textAlign: 'center', strokeStyle: 'dotted', cornerRadius: 12 }),
      box({ x: 680, y: 20, w: 200, h: 100, cornerRadius: 20, text: 'left top', textAlign: 'left', verticalAlign: 'top' }),
      ...(['none', 'arrow', 'triangle', 'bar', 'dot'] as const).map((head, i) => arrow(40, 200 + i * 40, 400, 200 + i * 40, { startArrowhead: head, endArrowhead: head })),
      arrow(450, 200, 850, 380, { arrowType: 'elbow', text: 'elbow', roughness: 1 }),
      arrow(450, 420, 850, 420, { arrowType: 'curved', strokeStyle: 'dashed', text: 'curved' }),
      arrow(40, 500, 400, 700, { roughness: 2, endArrowhead: 'triangle', strokeStyle: 'dotted' }),
    ]);
    const here = await call((api) => api.dataUrl());
    const state = await call((api) => api.state());
    const context = await browser.newContext({ viewport: VIEWPORT, deviceScaleFactor: 1 });
    try {
      const other = await context.newPage();
      await other.goto(url);
      await other.waitForFunction(() => 'styleTest' in window);
      const there = await other.evaluate(async (s) => {
        const api = (window as unknown as { styleTest: StyleApi }).styleTest;
        api.open(s);
        await api.fonts();
        await api.frame();
        return api.dataUrl();
      }, state);
      expect(there.length).toBeGreaterThan(10_000);
      expect(there).toBe(here);
    } finally {
      await context.close();
    }
  });
});
