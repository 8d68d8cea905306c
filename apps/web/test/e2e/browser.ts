/** Real headless Debian Chromium through playwright-core, plus pixel checks on screenshots. */
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export async function launch(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--allow-loopback-in-peer-connection',
    ],
  });
}

/** One peer = one context (pages in one context would sync over BroadcastChannel, not the network). */
export async function newPeer(browser: Browser, origin: string, viewport = { width: 1280, height: 800 }): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({ viewport, deviceScaleFactor: 1 });
  // Without camera/microphone, Chromium gathers no ICE candidates and WebRTC never connects.
  await context.grantPermissions(['camera', 'microphone', 'clipboard-read', 'clipboard-write'], { origin });
  const page = await context.newPage();
  return { context, page };
}

export interface Region {
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface InkStats {
  /** fraction of pixels that differ clearly from the region's background colour */
  ink: number;
  /** fraction of pixels close to the given colour (when one is asked for) */
  colour: number;
}

/**
 * Screenshots `region` of the page and measures it: the PNG is decoded by the browser itself
 * (createImageBitmap), so no image library is needed in Node.
 */
export async function inkIn(page: Page, region: Region, colour?: string, shot?: Buffer): Promise<InkStats> {
  const png = shot ?? (await page.screenshot({ clip: region, animations: 'disabled', caret: 'hide' }));
  return page.evaluate(
    async ({ b64, colour }) => {
      const blob = await (await fetch(`data:image/png;base64,${b64}`)).blob();
      const bitmap = await createImageBitmap(blob);
      const canvas = new OffscreenCanvas(bitmap.width, bitmap.height);
      const ctx = canvas.getContext('2d')!;
      ctx.drawImage(bitmap, 0, 0);
      const { data } = ctx.getImageData(0, 0, bitmap.width, bitmap.height);
      const n = bitmap.width * bitmap.height;
      // background = the most common colour (quantised)
      const counts = new Map<number, number>();
      for (let i = 0; i < data.length; i += 4) {
        const key = ((data[i]! >> 3) << 10) | ((data[i + 1]! >> 3) << 5) | (data[i + 2]! >> 3);
        counts.set(key, (counts.get(key) ?? 0) + 1);
      }
      let bgKey = 0;
      let best = -1;
      for (const [key, count] of counts) if (count > best) [bgKey, best] = [key, count];
      const bg = [((bgKey >> 10) & 31) * 8 + 4, ((bgKey >> 5) & 31) * 8 + 4, (bgKey & 31) * 8 + 4];
      const target = colour ? [1, 3, 5].map((i) => parseInt(colour.slice(i, i + 2), 16)) : null;
      let ink = 0;
      let near = 0;
      for (let i = 0; i < data.length; i += 4) {
        const d = Math.abs(data[i]! - bg[0]!) + Math.abs(data[i + 1]! - bg[1]!) + Math.abs(data[i + 2]! - bg[2]!);
        if (d > 60) ink++;
        if (target && Math.abs(data[i]! - target[0]!) + Math.abs(data[i + 1]! - target[1]!) + Math.abs(data[i + 2]! - target[2]!) < 60) near++;
      }
      return { ink: ink / n, colour: near / n };
    },
    { b64: png.toString('base64'), colour },
  );
}

export async function shapeCount(page: Page): Promise<number> {
  return Number(await page.getAttribute('[data-testid="canvas"]', 'data-shape-count'));
}

export async function waitForShapeCount(page: Page, expected: number, timeout = 15_000): Promise<void> {
  await page.waitForFunction(
    (n) => document.querySelector('[data-testid="canvas"]')?.getAttribute('data-shape-count') === String(n),
    expected,
    { timeout, polling: 50 },
  );
}

/** A pointer drag through the given page points, with intermediate moves (so the engine sees a gesture). */
export async function drag(page: Page, points: Array<[number, number]>, steps = 6): Promise<void> {
  const [first, ...rest] = points;
  await page.mouse.move(first![0], first![1]);
  await page.mouse.down();
  for (const [x, y] of rest) await page.mouse.move(x, y, { steps });
  await page.mouse.up();
}

/** Opens a board link and waits until its canvas has shapes loaded and the store says synced. */
export async function openSyncedBoard(page: Page, url: string): Promise<void> {
  await page.goto(url);
  await page.waitForSelector('[data-testid="canvas"][data-shape-count]', { timeout: 30_000 });
  await page.waitForSelector('[data-testid="connection-status"][data-store="synced"]', { timeout: 30_000 });
}
