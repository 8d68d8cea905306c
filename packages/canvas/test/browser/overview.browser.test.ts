// The overview images (src/overview.ts) in real Chromium: built while idle after the first frame, drawn at the
// right place and scale, and never shown for a board that changed since. Uses the benchmark's page as harness.
import { createServer, type Server } from 'node:http';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const here = dirname(fileURLToPath(import.meta.url));
const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

interface Look {
  overview: boolean;
  ink: number;
  cx: number;
  cy: number;
}
interface BenchApi {
  generate(count: number): unknown;
  loadBoard(): unknown;
  openEngine(mode: 'optimized'): Promise<unknown>;
  look(): Look;
  edit(): void;
}
const bench = (page: Page) => ({
  look: () => page.evaluate(() => (window as unknown as { meshboardBench: BenchApi }).meshboardBench.look()),
  untilOverview: () => page.waitForFunction(() => (window as unknown as { meshboardBench: BenchApi }).meshboardBench.look().overview, null, { timeout: 15_000, polling: 100 }),
});

let dir: string;
let server: Server;
let browser: Browser;
let url: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'meshboard-canvas-browser-'));
  await build({ entryPoints: [join(here, '../../bench/page.ts')], bundle: true, format: 'esm', platform: 'browser', target: 'es2022', outfile: join(dir, 'page.js'), logLevel: 'warning' });
  const html = '<!doctype html><html><head><meta charset="utf-8"><style>html,body{margin:0;height:100%;overflow:hidden}#board{width:100vw;height:100vh}</style></head><body><div id="board"></div><script type="module" src="/page.js"></script></body></html>';
  server = createServer(async (req, res) => {
    if (req.url === '/page.js') res.writeHead(200, { 'content-type': 'text/javascript' }).end(await readFile(join(dir, 'page.js')));
    else res.writeHead(200, { 'content-type': 'text/html' }).end(html);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as { port: number }).port}/`;
  browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: ['--headless', '--no-sandbox', '--disable-gpu'] });
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await new Promise((resolve) => server?.close(resolve));
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('overview images in Chromium', () => {
  it('a big board zoomed to fit is drawn from an overview once idle: same picture in the same place; an edit goes back to direct frames until rebuilt', async () => {
    const page = await browser.newPage({ viewport: { width: 1000, height: 700 }, deviceScaleFactor: 1 });
    await page.goto(url);
    await page.waitForFunction(() => 'meshboardBench' in window);
    // the first look in the same task as opening, before the idle build could have run (300 ms later)
    const direct = await page.evaluate(async () => {
      const api = (window as unknown as { meshboardBench: BenchApi }).meshboardBench;
      api.generate(8000);
      api.loadBoard();
      await api.openEngine('optimized');
      return api.look();
    });
    const { look, untilOverview } = bench(page);
    expect(direct.overview).toBe(false); // the first frame cannot wait for an image
    expect(direct.ink).toBeGreaterThan(0.05);

    await untilOverview();
    const cached = await look();
    expect(cached.overview).toBe(true);
    // scaled down from a level drawn at up to twice the zoom, so the ink is spread a little differently,
    // but it covers about as much and sits in the same place
    expect(cached.ink).toBeGreaterThan(direct.ink * 0.5);
    expect(cached.ink).toBeLessThan(direct.ink * 2);
    expect(Math.abs(cached.cx - direct.cx)).toBeLessThan(0.01);
    expect(Math.abs(cached.cy - direct.cy)).toBeLessThan(0.01);

    const afterEdit = await page.evaluate(() => {
      const api = (window as unknown as { meshboardBench: BenchApi }).meshboardBench;
      api.edit();
      return api.look();
    });
    expect(afterEdit.overview).toBe(false);
    await untilOverview();
    await page.close();
  }, 60_000);
});
