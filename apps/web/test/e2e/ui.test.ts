/**
 * The board page as a person uses it, in real headless Chromium against the real built services: every
 * toolbar button, style control and menu item does something, the help dialog lists the shortcuts, dark mode
 * repaints the canvas, the page works on a phone (390x844, touch), and the error screens are clear when the
 * link is bad or the services are down.
 */
import path from 'node:path';
import { writeFileSync } from 'node:fs';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { drag, inkIn, launch, newPeer, shapeCount, waitForShapeCount } from './browser';
import { startStack, webDir, type Stack } from './harness';

const TOOL_IDS = ['select', 'hand', 'pen', 'highlighter', 'eraser', 'rectangle', 'ellipse', 'diamond', 'line', 'arrow', 'text', 'sticky', 'image'];
/** A small PNG drawn by the browser itself. */
async function makePng(page: Page): Promise<Buffer> {
  const dataUrl = await page.evaluate(() => {
    const canvas = document.createElement('canvas');
    canvas.width = 40;
    canvas.height = 30;
    const ctx = canvas.getContext('2d')!;
    ctx.fillStyle = '#1971c2';
    ctx.fillRect(0, 0, 40, 30);
    return canvas.toDataURL('image/png');
  });
  return Buffer.from(dataUrl.split(',')[1]!, 'base64');
}

let stack: Stack;
let browser: Browser;
let peer: { context: BrowserContext; page: Page };
let boardUrl = '';
const artifacts = path.join(webDir, 'test/e2e/artifacts');

/** Mean colour of a small screen area, decoded by the browser itself. */
async function colourAt(page: Page, x: number, y: number): Promise<[number, number, number]> {
  const png = await page.screenshot({ clip: { x, y, width: 4, height: 4 } });
  return page.evaluate(async (b64) => {
    const bitmap = await createImageBitmap(await (await fetch(`data:image/png;base64,${b64}`)).blob());
    const ctx = new OffscreenCanvas(bitmap.width, bitmap.height).getContext('2d')!;
    ctx.drawImage(bitmap, 0, 0);
    const { data } = ctx.getImageData(0, 0, bitmap.width, bitmap.height);
    const sum = [0, 0, 0];
    for (let i = 0; i < data.length; i += 4) for (let c = 0; c < 3; c++) sum[c]! += data[i + c]!;
    const n = data.length / 4;
    return sum.map((v) => Math.round(v / n)) as [number, number, number];
  }, png.toString('base64'));
}

async function openBoard(page: Page, url: string) {
  await page.goto(url);
  await page.waitForSelector('[data-testid="canvas"][data-shape-count]', { timeout: 30_000 });
  await page.waitForSelector('[data-testid="tool-select"]');
}

beforeAll(async () => {
  stack = await startStack();
  browser = await launch();
  peer = await newPeer(browser, stack.webUrl);
  await peer.page.goto(stack.webUrl);
  await peer.page.fill('[data-testid="new-board-title"]', 'UI check');
  await peer.page.click('[data-testid="create-board"]');
  await peer.page.waitForURL(/\/b\/[A-Za-z0-9_-]{22}#mb1\./, { timeout: 20_000 });
  boardUrl = peer.page.url();
  await peer.page.waitForSelector('[data-testid="canvas"][data-shape-count="0"]', { timeout: 30_000 });
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await stack?.stop();
});

describe('toolbar, style panel and menus', () => {
  it('every tool button selects its tool; the image button opens a file picker and inserts the picked image', async () => {
    const page = peer.page;
    for (const id of TOOL_IDS.filter((t) => t !== 'image')) {
      await page.click(`[data-testid="tool-${id}"]`);
      expect(await page.getAttribute(`[data-testid="tool-${id}"]`, 'aria-pressed'), id).toBe('true');
    }
    const png = await makePng(page);
    const [chooser] = await Promise.all([page.waitForEvent('filechooser', { timeout: 5000 }), page.click('[data-testid="tool-image"]')]);
    await chooser.setFiles({ name: 'dot.png', mimeType: 'image/png', buffer: png });
    await waitForShapeCount(page, 1);
    // the inserted image is selected: delete it from the style panel's selection actions
    await page.click('[data-testid="delete-selection"]');
    await waitForShapeCount(page, 0);
  });

  it('keyboard shortcuts pick tools, and the help dialog lists every shortcut (button and "?")', async () => {
    const page = peer.page;
    await page.click('[data-testid="canvas"] canvas', { position: { x: 640, y: 600 } });
    await page.keyboard.press('r');
    expect(await page.getAttribute('[data-testid="tool-rectangle"]', 'aria-pressed')).toBe('true');
    await page.keyboard.press('v');
    expect(await page.getAttribute('[data-testid="tool-select"]', 'aria-pressed')).toBe('true');

    await page.click('[data-testid="help"]');
    const help = page.locator('[data-testid="help-dialog"]');
    await help.waitFor();
    const text = (await help.textContent()) ?? '';
    for (const action of ['Select tool', 'Pen', 'Highlighter', 'Eraser', 'Rectangle', 'Ellipse', 'Diamond', 'Line', 'Arrow', 'Text', 'Sticky note', 'Insert image', 'Undo', 'Redo', 'Delete selection', 'Duplicate selection', 'Select all', 'Zoom to fit']) {
      expect(text, action).toContain(action);
    }
    expect(text).toContain('Ctrl+Z');
    await page.keyboard.press('Escape');
    await help.waitFor({ state: 'detached' });
    await page.keyboard.press('?');
    await help.waitFor();
    await page.click('[data-testid="help-dialog"] [aria-label="Close"]');
    await help.waitFor({ state: 'detached' });
  });

  it('style swatches, width, opacity and font size change the style and restyle the selection; selection actions work', async () => {
    const page = peer.page;
    await page.click('[data-testid="tool-rectangle"]');
    await drag(page, [[500, 300], [700, 450]]);
    await waitForShapeCount(page, 1);
    // the new rectangle is selected: picking a stroke colour and a fill recolours it
    await page.click('[aria-label="Stroke #2f9e44"]');
    await page.click('[aria-label="Fill #a5d8ff"]');
    expect(await page.getAttribute('[aria-label="Stroke #2f9e44"]', 'aria-pressed')).toBe('true');
    await expect.poll(async () => (await inkIn(page, { x: 520, y: 320, width: 160, height: 110 }, '#a5d8ff')).colour).toBeGreaterThan(0.9);
    await expect.poll(async () => (await inkIn(page, { x: 490, y: 290, width: 220, height: 170 }, '#2f9e44')).colour).toBeGreaterThan(0.01);
    await page.click('[aria-label="Width 8"]');
    expect(await page.getAttribute('[aria-label="Width 8"]', 'aria-pressed')).toBe('true');
    await page.fill('[data-testid="opacity"]', '50');
    await expect.poll(() => page.textContent('[data-testid="style-panel"]')).toContain('Opacity 50%');
    await page.selectOption('[data-testid="font-size"]', '36');
    expect(await page.inputValue('[data-testid="font-size"]')).toBe('36');
    await page.fill('[data-testid="opacity"]', '100');

    await page.click('[aria-label="Duplicate"]');
    await waitForShapeCount(page, 2);
    await page.click('[aria-label="Send to back"]');
    await page.click('[aria-label="Bring to front"]');
    await page.click('[data-testid="delete-selection"]');
    await waitForShapeCount(page, 1);

    // the style panel can be hidden and shown again
    await page.click('[data-testid="toggle-style"]');
    await page.waitForSelector('[data-testid="style-panel"]', { state: 'detached' });
    await page.click('[data-testid="toggle-style"]');
    await page.waitForSelector('[data-testid="style-panel"]');
  });

  it('undo, redo and the zoom controls', async () => {
    const page = peer.page;
    await page.click('[data-testid="undo"]');
    await waitForShapeCount(page, 2); // the delete is undone
    await page.click('[data-testid="redo"]');
    await waitForShapeCount(page, 1);
    const zoom = () => page.textContent('[data-testid="zoom-reset"]');
    await page.click('[data-testid="zoom-in"]');
    expect(Number.parseInt((await zoom())!, 10)).toBeGreaterThan(100);
    await page.click('[data-testid="zoom-out"]');
    await page.click('[data-testid="zoom-out"]');
    expect(Number.parseInt((await zoom())!, 10)).toBeLessThan(100);
    await page.click('[data-testid="zoom-reset"]');
    expect(await zoom()).toBe('100%');
    // zoom to fit brings the one small shape back to 100% (fit never magnifies past 100%)
    await page.click('[data-testid="zoom-out"]');
    await page.click('[data-testid="zoom-fit"]');
    expect(await zoom()).toBe('100%');
  });

  it('share shows both links and copies; the title, the name badge and the home link work', async () => {
    const page = peer.page;
    await page.click('[data-testid="share"]');
    await page.waitForSelector('[data-testid="share-dialog"]');
    // the creator's tab holds the owner link (issue 13); the dialog lists it with the edit and view links
    await page.waitForSelector('[data-testid="share-owner-link"]');
    expect(await page.inputValue('[data-testid="share-owner-link"]')).toBe(boardUrl);
    expect(await page.inputValue('[data-testid="share-edit-link"]')).toMatch(/#mb1\./);
    expect(await page.inputValue('[data-testid="share-view-link"]')).toMatch(/#mb1\./);
    await page.click('[data-testid="share-view-link-copy"]');
    await expect.poll(() => page.textContent('[data-testid="share-view-link-copy"]')).toBe('Copied');
    await page.keyboard.press('Escape');
    await page.waitForSelector('[data-testid="share-dialog"]', { state: 'detached' });

    await page.fill('[data-testid="board-title"]', 'Renamed board');
    await page.press('[data-testid="board-title"]', 'Enter');
    await expect.poll(() => page.title()).toContain('Renamed board');

    await page.click('[data-testid="user-badge"]');
    await page.fill('[data-testid="display-name"]', 'Tester');
    await page.press('[data-testid="display-name"]', 'Enter');
    await expect.poll(() => page.textContent('[data-testid="user-badge"]')).toContain('Tester');

    await page.click('[aria-label="Your boards"]');
    await page.waitForURL(`${stack.webUrl}/`);
    await expect.poll(() => page.textContent('[data-testid="recent-boards"]')).toContain('Renamed board');
    await openBoard(page, boardUrl);
    expect(await page.inputValue('[data-testid="board-title"]')).toBe('Renamed board');
  });

  it('dark mode repaints the canvas and the chrome, and is remembered', async () => {
    const page = peer.page;
    await waitForShapeCount(page, 1);
    const light = await colourAt(page, 640, 700);
    expect(light[0]).toBeGreaterThan(240);
    await page.click('[data-testid="theme-toggle"]');
    expect(await page.getAttribute('html', 'data-theme')).toBe('dark');
    await expect.poll(async () => (await colourAt(page, 640, 700))[0]).toBeLessThan(40);
    const toolbarBg = await page.$eval('[data-testid="toolbar"]', (el) => getComputedStyle(el).backgroundColor);
    expect(toolbarBg).not.toBe('rgb(255, 255, 255)');
    await page.screenshot({ path: path.join(artifacts, 'ui-dark.png') });
    await page.reload();
    await page.waitForSelector('[data-testid="canvas"][data-shape-count="1"]', { timeout: 30_000 });
    expect(await page.getAttribute('html', 'data-theme')).toBe('dark');
    await expect.poll(async () => (await colourAt(page, 640, 700))[0]).toBeLessThan(40);
    await page.click('[data-testid="theme-toggle"]');
    await expect.poll(async () => (await colourAt(page, 640, 700))[0]).toBeGreaterThan(240);
  });
});

describe('on a phone', () => {
  it('fits a 390x844 touch screen: no sideways scrolling, every tool reachable, drawing and pinch-zoom by touch', async () => {
    const context = await browser.newContext({ viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true });
    await context.grantPermissions(['camera', 'microphone'], { origin: stack.webUrl });
    try {
      const page = await context.newPage();
      await openBoard(page, boardUrl);
      await waitForShapeCount(page, 1);
      // the board's one rectangle was drawn at x 500-700 on a wide screen: the phone opens with it in view
      await expect.poll(async () => (await inkIn(page, { x: 0, y: 180, width: 390, height: 480 }, '#a5d8ff')).colour, { timeout: 10_000 }).toBeGreaterThan(0.05);
      expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
      // the top bar's two halves sit side by side (the buttons used to cover the title)
      const left = (await page.locator('.topbar-left').boundingBox())!;
      const right = (await page.locator('.topbar-right').boundingBox())!;
      expect(left.x + left.width).toBeLessThanOrEqual(right.x + 1);
      expect(right.x + right.width).toBeLessThanOrEqual(390);
      // every tool button can be reached (visible, or by scrolling the toolbar) and tapped
      for (const id of TOOL_IDS.filter((t) => t !== 'image')) {
        const button = page.locator(`[data-testid="tool-${id}"]`);
        await button.scrollIntoViewIfNeeded();
        const box = (await button.boundingBox())!;
        expect(box.x, id).toBeGreaterThanOrEqual(0);
        expect(box.x + box.width, id).toBeLessThanOrEqual(390);
        await button.tap();
        expect(await button.getAttribute('aria-pressed'), id).toBe('true');
      }
      for (const id of ['undo', 'zoom-in', 'zoom-fit', 'share', 'help', 'theme-toggle', 'connection-status']) {
        const box = await page.locator(`[data-testid="${id}"]`).boundingBox();
        expect(box, id).not.toBeNull();
        expect(box!.x + box!.width, id).toBeLessThanOrEqual(390);
        expect(box!.y + box!.height, id).toBeLessThanOrEqual(844);
      }
      await page.screenshot({ path: path.join(artifacts, 'ui-phone.png') });

      const cdp = await context.newCDPSession(page);
      const touch = (type: 'touchStart' | 'touchMove' | 'touchEnd', points: Array<[number, number]>) =>
        cdp.send('Input.dispatchTouchEvent', { type, touchPoints: points.map(([x, y], id) => ({ x, y, id })) });
      // draw a rectangle with one finger
      await page.locator('[data-testid="tool-rectangle"]').tap();
      await touch('touchStart', [[120, 420]]);
      for (let i = 1; i <= 6; i++) await touch('touchMove', [[120 + i * 25, 420 + i * 20]]);
      await touch('touchEnd', []);
      await waitForShapeCount(page, 2);
      // pinch out with two fingers zooms in
      const before = Number.parseInt((await page.textContent('[data-testid="zoom-reset"]'))!, 10);
      await page.locator('[data-testid="tool-hand"]').tap();
      await touch('touchStart', [[150, 600], [240, 600]]);
      for (let i = 1; i <= 6; i++) await touch('touchMove', [[150 - i * 15, 600], [240 + i * 15, 600]]);
      await touch('touchEnd', []);
      await expect.poll(async () => Number.parseInt((await page.textContent('[data-testid="zoom-reset"]'))!, 10)).toBeGreaterThan(before);
      // undo the phone's rectangle from the phone
      await page.locator('[data-testid="undo"]').tap();
      await waitForShapeCount(page, 1);
    } finally {
      await context.close();
    }
  });
});

describe('error screens', () => {
  it('a malformed link, and a link for another board', async () => {
    const page = peer.page;
    const id = new URL(boardUrl).pathname.split('/').pop()!;
    await page.goto(`${stack.webUrl}/b/${id}#garbage`);
    await page.waitForSelector('[data-testid="error-screen"]');
    expect(await page.textContent('[data-testid="error-screen"]')).toContain('not valid');
    const token = new URL(boardUrl).hash.slice(1);
    await page.goto(`${stack.webUrl}/b/AAAAAAAAAAAAAAAAAAAAAA#${token}`);
    await page.waitForSelector('[data-testid="error-screen"]');
    expect(await page.textContent('[data-testid="error-screen"]')).toContain('another board');
    // the way out goes home
    await page.click('[data-testid="error-screen"] >> text=Go to your boards');
    await page.waitForURL(`${stack.webUrl}/`);
  });

  it('the store down: a browser without a local copy gets a clear screen with "Try again", which opens the board once the store is back', async () => {
    // (an editor who opened the board in this browser before is shown its local copy instead: see features.test.ts)
    const fresh = await newPeer(browser, stack.webUrl);
    try {
      const page = fresh.page;
      await page.route(`${stack.storeUrl}/**`, (route) => route.abort('connectionrefused'));
      try {
        await page.goto(boardUrl);
        await page.waitForSelector('[data-testid="error-screen"]', { timeout: 20_000 });
        expect(await page.textContent('[data-testid="error-screen"] h1')).toBe('Cannot reach the board store');
        writeFileSync(path.join(artifacts, 'ui-store-down.png'), await page.screenshot());
      } finally {
        await page.unroute(`${stack.storeUrl}/**`);
      }
      await page.click('[data-testid="error-screen"] >> text=Try again');
      await page.waitForSelector('[data-testid="canvas"][data-shape-count="1"]', { timeout: 30_000 });
    } finally {
      await fresh.context.close();
    }
  });

  it('the store down on the home page: creating a board says why it failed', async () => {
    const page = peer.page;
    await page.goto(stack.webUrl);
    await page.route(`${stack.storeUrl}/**`, (route) => route.abort('connectionrefused'));
    try {
      await page.click('[data-testid="create-board"]');
      await page.waitForSelector('[data-testid="home-error"]', { timeout: 20_000 });
      expect(await page.textContent('[data-testid="home-error"]')).toMatch(/Could not create a board/);
      expect(await page.isEnabled('[data-testid="create-board"]')).toBe(true);
    } finally {
      await page.unroute(`${stack.storeUrl}/**`);
    }
  });

  it('signaling down: the board still opens from the store and the status says live collaboration is not connected', async () => {
    const page = peer.page;
    await page.route(`${stack.signalingUrl}/**`, (route) => route.abort('connectionrefused'));
    await page.routeWebSocket(/.*/, (ws) => {
      if (ws.url().startsWith(stack.signalingUrl.replace('http', 'ws'))) ws.close();
      else ws.connectToServer();
    });
    try {
      await openBoard(page, boardUrl);
      await waitForShapeCount(page, 1, 20_000);
      const status = page.locator('[data-testid="connection-status"]');
      await expect.poll(() => status.getAttribute('data-store'), { timeout: 15_000 }).toBe('synced');
      await page.waitForTimeout(1500);
      expect(await status.getAttribute('data-signaling')).not.toBe('connected');
      expect(await status.textContent()).not.toContain('Live: connected');
      // still drawable, and saved through the store
      await page.click('[data-testid="tool-ellipse"]');
      await drag(page, [[300, 500], [420, 600]]);
      await waitForShapeCount(page, 2);
      expect(await shapeCount(page)).toBe(2);
    } finally {
      await page.unroute(`${stack.signalingUrl}/**`);
    }
  });
});
