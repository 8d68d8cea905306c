/**
 * A meeting on one board, in real headless Chromium against the real built services, one browser context per
 * person: live strokes and typing seen before they are committed (pixels), the laser pointer (seen, faded, and
 * never in the Y.Doc or the store), following someone's viewport (until you move), a presentation walking the
 * frames with everyone following, and presence that tells the truth (a rename shows at once, two tabs of one
 * person show once, a closed tab disappears within seconds). Each feature's screenshot goes to
 * test/e2e/artifacts/ and, with MESHBOARD_UPDATE_SCREENSHOT=1, to the web app's README images (docs/images/).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import * as Y from 'yjs';
import { Board } from '@meshboard/board';
import { StoreClient } from '@meshboard/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { drag, inkIn, launch, newPeer, shapeCount, waitForShapeCount } from './browser';
import { startStack, webDir, type Stack } from './harness';

const artifacts = path.join(webDir, 'test/e2e/artifacts');
const readmeImages = path.join(webDir, 'docs/images');

let stack: Stack;
let browser: Browser;
let a: { context: BrowserContext; page: Page };
let b: { context: BrowserContext; page: Page };
let boardUrl = '';
let boardId = '';
let token = '';

/** The feature's screenshot: always an artifact; the README image when MESHBOARD_UPDATE_SCREENSHOT=1. */
async function shot(page: Page, name: string): Promise<Buffer> {
  const png = await page.screenshot({ animations: 'disabled', caret: 'hide' });
  writeFileSync(path.join(artifacts, `meeting-${name}.png`), png);
  if (process.env.MESHBOARD_UPDATE_SCREENSHOT === '1') {
    mkdirSync(readmeImages, { recursive: true });
    writeFileSync(path.join(readmeImages, `meeting-${name}.png`), png);
  }
  return png;
}

async function openBoard(page: Page, url: string): Promise<void> {
  await page.goto(url);
  await page.waitForSelector('[data-testid="canvas"][data-shape-count]', { timeout: 30_000 });
  await page.waitForSelector('[data-testid="connection-status"][data-store="synced"]', { timeout: 30_000 });
}

/** Someone else is connected (peer to peer or through the relay). */
async function waitForPeers(page: Page, n: number): Promise<void> {
  await page.waitForFunction(
    (want) => {
      const status = document.querySelector('[data-testid="connection-status"]');
      return Number(status?.getAttribute('data-p2p')) + Number(status?.getAttribute('data-relay')) >= want;
    },
    n,
    { timeout: 30_000, polling: 100 },
  );
}

/** The visible world rectangle (x, y, w, h) the board page reports. */
async function viewOf(page: Page): Promise<{ x: number; y: number; w: number; h: number }> {
  const raw = (await page.getAttribute('[data-testid="canvas"]', 'data-view')) ?? '';
  const [x, y, w, h] = raw.split(',').map(Number);
  return { x: x!, y: y!, w: w!, h: h! };
}

const centreOf = (v: { x: number; y: number; w: number; h: number }) => ({ x: v.x + v.w / 2, y: v.y + v.h / 2 });

/** Views match: same centre (within 1 % of the width) and same width (within 1 %). */
function sameView(p: { x: number; y: number; w: number; h: number }, q: { x: number; y: number; w: number; h: number }): boolean {
  const cp = centreOf(p);
  const cq = centreOf(q);
  const tol = Math.max(p.w, q.w) * 0.01;
  return Math.abs(cp.x - cq.x) <= tol && Math.abs(cp.y - cq.y) <= tol && Math.abs(p.w - q.w) <= tol;
}

async function presence(page: Page): Promise<Array<{ name: string; userId: string; count: number; self: boolean; following: boolean }>> {
  return page.$$eval('[data-testid="presence-entry"]', (items) =>
    items.map((li) => ({
      name: li.getAttribute('data-name') ?? '',
      userId: li.getAttribute('data-user-id') ?? '',
      count: Number(li.getAttribute('data-count')),
      self: li.getAttribute('data-self') === 'true',
      following: li.getAttribute('data-following') === 'true',
    })),
  );
}

async function rename(page: Page, name: string): Promise<void> {
  await page.click('[data-testid="user-badge"]');
  await page.fill('[data-testid="display-name"]', name);
  await page.keyboard.press('Enter');
}

/** The store's copy of the board, decoded: shape count and whether anything laser-like is in it. */
async function stored(): Promise<{ shapes: number; json: string }> {
  const state = await new StoreClient(stack.storeUrl).getState(boardId, token);
  const doc = new Y.Doc();
  Y.applyUpdate(doc, state.update);
  const board = new Board(doc, { userId: 'test' });
  const out = { shapes: board.size, json: JSON.stringify(doc.toJSON()) };
  board.destroy();
  doc.destroy();
  return out;
}

beforeAll(async () => {
  mkdirSync(artifacts, { recursive: true });
  stack = await startStack();
  browser = await launch();
  a = await newPeer(browser, stack.webUrl);
  await a.page.goto(stack.webUrl);
  await a.page.fill('[data-testid="new-board-title"]', 'Meeting');
  await a.page.click('[data-testid="create-board"]');
  await a.page.waitForURL(/\/b\/[A-Za-z0-9_-]{22}#mb1\./, { timeout: 30_000 });
  boardUrl = a.page.url();
  const url = new URL(boardUrl);
  boardId = url.pathname.split('/').pop()!;
  token = decodeURIComponent(url.hash.slice(1));
  await a.page.waitForSelector('[data-testid="connection-status"][data-store="synced"]', { timeout: 30_000 });
  await rename(a.page, 'Ada');
  b = await newPeer(browser, stack.webUrl);
  await openBoard(b.page, boardUrl);
  await rename(b.page, 'Bo');
  await waitForPeers(a.page, 1);
  await waitForPeers(b.page, 1);
}, 240_000);

afterAll(async () => {
  await browser?.close();
  await stack?.stop();
});

describe('live strokes and typing', () => {
  it('a pen stroke shows on the other side before mouse-up, then lands as one shape', async () => {
    await a.page.click('[data-testid="tool-pen"]');
    await a.page.click('[aria-label="Stroke #e03131"]');
    const region = { x: 320, y: 285, width: 240, height: 30 };
    expect((await inkIn(b.page, region, '#e03131')).colour).toBeLessThan(0.005);
    await a.page.mouse.move(300, 300);
    await a.page.mouse.down();
    try {
      await a.page.mouse.move(700, 300, { steps: 25 });
      // the button is still down on A: B already draws the stroke (pixels), and nothing is in the document yet
      await expect.poll(async () => (await inkIn(b.page, region, '#e03131')).colour, { timeout: 10_000, interval: 100 }).toBeGreaterThan(0.03);
      expect(await shapeCount(b.page)).toBe(0);
      expect(await shapeCount(a.page)).toBe(0);
      await shot(b.page, 'live-stroke');
    } finally {
      await a.page.mouse.up();
    }
    await waitForShapeCount(b.page, 1);
    expect((await inkIn(b.page, region, '#e03131')).colour).toBeGreaterThan(0.03);
  });

  it('a rectangle being dragged out shows on the other side before mouse-up', async () => {
    await a.page.click('[data-testid="tool-rectangle"]');
    const edge = { x: 330, y: 395, width: 200, height: 12 }; // the top edge, away from the cursor's name tag
    const before = await shapeCount(b.page);
    const baseline = (await inkIn(b.page, edge, '#e03131')).colour;
    await a.page.mouse.move(300, 400);
    await a.page.mouse.down();
    try {
      await a.page.mouse.move(600, 560, { steps: 15 });
      await expect.poll(async () => (await inkIn(b.page, edge, '#e03131')).colour, { timeout: 10_000, interval: 100 }).toBeGreaterThan(baseline + 0.02);
      expect(await shapeCount(b.page)).toBe(before);
    } finally {
      await a.page.mouse.up();
    }
    await waitForShapeCount(b.page, before + 1);
  });

  it('text being typed shows on the other side before it is committed, and the cursor stays while typing', async () => {
    await a.page.click('[data-testid="tool-text"]');
    await a.page.mouse.click(800, 200);
    await a.page.waitForSelector('[data-meshboard-text-editor]', { state: 'visible' });
    const region = { x: 760, y: 150, width: 320, height: 100 };
    await a.page.waitForTimeout(300);
    const baseline = (await inkIn(b.page, region)).ink; // A's cursor and name tag are in there already
    const before = await shapeCount(b.page);
    try {
    await a.page.keyboard.type('Typing live', { delay: 30 });
    await expect.poll(async () => (await inkIn(b.page, region)).ink, { timeout: 10_000, interval: 100 }).toBeGreaterThan(baseline + 0.01);
    // the pointer moves onto the text box being typed in: others keep seeing A's cursor (its name tag, in A's colour)
    const box = (await a.page.locator('[data-meshboard-text-editor]').boundingBox())!;
    const at = { x: Math.round(box.x + box.width / 2), y: Math.round(box.y + box.height / 2) };
    await a.page.mouse.move(at.x, at.y, { steps: 4 });
    const adaColour = await a.page.$eval('[data-testid="presence-entry"][data-self="true"] .avatar', (el) => {
      const [r, g, b] = getComputedStyle(el).backgroundColor.match(/\d+/g)!.map(Number);
      return `#${[r, g, b].map((v) => v!.toString(16).padStart(2, '0')).join('')}`;
    });
    const tag = { x: at.x + 11, y: at.y + 17, width: 22, height: 16 };
    await expect.poll(async () => (await inkIn(b.page, tag, adaColour)).colour, { timeout: 5000, interval: 100 }).toBeGreaterThan(0.3);
    await a.page.waitForTimeout(1000);
    expect((await inkIn(b.page, tag, adaColour)).colour).toBeGreaterThan(0.3);
    expect(await a.page.isVisible('[data-meshboard-text-editor]')).toBe(true);
    await shot(b.page, 'live-typing');
    expect(await shapeCount(b.page)).toBe(before); // still only typing: nothing committed yet
    } finally {
      await a.page.keyboard.press('Escape');
    }
    await waitForShapeCount(b.page, before + 1);
    // and on A's own canvas: the next test reads A's count as its baseline (CI caught it reading the count of
    // before the commit, then failing "B has one shape more")
    await waitForShapeCount(a.page, before + 1);
    await a.page.click('[data-testid="tool-select"]');
  });
});

describe('laser pointer', () => {
  it('everyone sees the trail for a moment; it fades, and it never enters the document or the store', async () => {
    const docBefore = await a.page.evaluate(() => document.querySelector('[data-testid="canvas"]')?.getAttribute('data-shape-count'));
    // the baseline is taken once the store holds every shape (the previous test's text was still uploading)
    await expect.poll(async () => (await stored()).shapes, { timeout: 15_000, interval: 100 }).toBe(Number(docBefore));
    const before = await stored();
    const undoBefore = await a.page.isDisabled('[data-testid="undo"]');
    await a.page.click('[data-testid="tool-laser"]');
    expect(await a.page.getAttribute('[data-testid="tool-laser"]', 'aria-pressed')).toBe('true');
    // just above the line the pointer sweeps along: the trail is there, A's cursor arrow and name tag (drawn
    // below and right of the pointer) never are
    const region = { x: 300, y: 658, width: 500, height: 12 };
    try {
    expect((await inkIn(b.page, region)).ink).toBeLessThan(0.005);
    await a.page.mouse.move(320, 670);
    await a.page.mouse.down();
    // a person pointing at things: the pointer keeps sweeping while B looks (a trail lives ~1 s)
    let sweeping = true;
    const sweep = (async () => {
      let x = 320;
      let dx = 20;
      while (sweeping) {
        await a.page.mouse.move(x, 670);
        await a.page.waitForTimeout(25);
        x += dx;
        if (x >= 780 || x <= 320) dx = -dx;
      }
    })();
    try {
      await expect.poll(async () => (await inkIn(b.page, region)).ink, { timeout: 10_000, interval: 100 }).toBeGreaterThan(0.01);
      await shot(b.page, 'laser');
    } finally {
      sweeping = false;
      await sweep;
      await a.page.mouse.up();
    }
    // faded on both sides about a second later
    await expect.poll(async () => (await inkIn(b.page, region)).ink, { timeout: 10_000, interval: 250 }).toBeLessThan(0.005);
    await expect.poll(async () => (await inkIn(a.page, region)).ink, { timeout: 10_000, interval: 250 }).toBeLessThan(0.005);
    // nothing in either Y.Doc, nothing to undo, nothing in the store
    expect(await a.page.evaluate(() => document.querySelector('[data-testid="canvas"]')?.getAttribute('data-shape-count'))).toBe(docBefore);
    expect(await shapeCount(b.page)).toBe(Number(docBefore));
    expect(await a.page.isDisabled('[data-testid="undo"]')).toBe(undoBefore);
    await a.page.evaluate(() => new Promise((r) => setTimeout(r, 1500))); // give any (wrong) upload time to land
    const after = await stored();
    expect(after.shapes).toBe(before.shapes);
    expect(after.json).toBe(before.json);
    expect(after.json).not.toMatch(/laser/i);
    } finally {
      await a.page.click('[data-testid="tool-laser"]');
    }
    expect(await a.page.getAttribute('[data-testid="tool-laser"]', 'aria-pressed')).toBe('false');
  });
});

describe('presence that tells the truth', () => {
  it('a rename and a new colour show on the other side at once', async () => {
    await rename(b.page, 'Bo Renamed');
    await expect.poll(async () => (await presence(a.page)).map((p) => p.name), { timeout: 3000, interval: 100 }).toContain('Bo Renamed');
    await b.page.click('[data-testid="user-badge"]');
    await b.page.click('.popover [role="radio"][aria-checked="false"]');
    await b.page.click('[data-testid="user-badge"]'); // close the popover
    const colour = await b.page.$eval('[data-testid="presence-entry"][data-self="true"] .avatar', (el) => getComputedStyle(el).backgroundColor);
    await expect
      .poll(async () => a.page.$eval('[data-testid="presence-entry"][data-name="Bo Renamed"] .avatar', (el) => getComputedStyle(el).backgroundColor), { timeout: 3000, interval: 100 })
      .toBe(colour);
    await shot(a.page, 'rename');
  });

  it('the same person in two tabs shows once (with a count); a closed tab disappears within seconds', async () => {
    const second = await b.context.newPage();
    await openBoard(second, boardUrl);
    await expect.poll(async () => (await presence(a.page)).find((p) => p.name === 'Bo Renamed')?.count, { timeout: 20_000 }).toBe(2);
    expect((await presence(a.page)).length).toBe(2);
    await shot(a.page, 'two-tabs');
    const closedAt = Date.now();
    await second.close({ runBeforeUnload: true });
    await expect.poll(async () => (await presence(a.page)).find((p) => p.name === 'Bo Renamed')?.count, { timeout: 5000, interval: 100 }).toBe(1);
    expect(Date.now() - closedAt).toBeLessThan(5000);

    // a third person who leaves disappears from everyone's list within seconds
    const c = await newPeer(browser, stack.webUrl);
    await openBoard(c.page, boardUrl);
    await expect.poll(async () => (await presence(a.page)).length, { timeout: 20_000 }).toBe(3);
    const leftAt = Date.now();
    await c.page.close({ runBeforeUnload: true });
    await expect.poll(async () => (await presence(a.page)).length, { timeout: 5000, interval: 100 }).toBe(2);
    await expect.poll(async () => (await presence(b.page)).length, { timeout: 5000, interval: 100 }).toBe(2);
    expect(Date.now() - leftAt).toBeLessThan(5000);
    await c.context.close();
  });
});

describe('follow', () => {
  it("clicking someone follows their viewport until you pan yourself", async () => {
    const adaId = (await presence(a.page)).find((p) => p.self)!.userId;
    await b.page.click(`[data-testid="presence-entry"][data-user-id="${adaId}"]`);
    await b.page.waitForSelector('[data-testid="follow-banner"]');
    // Ada zooms in and pans: Bo's view follows
    await a.page.click('[data-testid="zoom-in"]');
    await a.page.click('[data-testid="zoom-in"]');
    await a.page.mouse.move(640, 450);
    await a.page.mouse.wheel(120, 80);
    await expect.poll(async () => sameView(await viewOf(b.page), await viewOf(a.page)), { timeout: 10_000, interval: 100 }).toBe(true);
    const leader = await viewOf(a.page);
    expect(leader.w).toBeLessThan(1280 / 1.2); // really zoomed in, not the default view
    await shot(b.page, 'follow');
    // Bo pans on his own: following stops, and Ada's next move no longer moves Bo
    await b.page.mouse.move(640, 450);
    await b.page.mouse.wheel(0, 200);
    await b.page.waitForSelector('[data-testid="follow-banner"]', { state: 'detached', timeout: 5000 });
    const own = await viewOf(b.page);
    await a.page.click('[data-testid="zoom-out"]');
    await a.page.waitForTimeout(800);
    expect(sameView(await viewOf(b.page), own)).toBe(true);
    await a.page.click('[data-testid="zoom-reset"]');
  });
});

describe('presentation', () => {
  it('walks the frames in order with everyone following; Esc ends it', async () => {
    const before = await shapeCount(b.page);
    await a.page.click('[data-testid="tool-frame"]');
    await drag(a.page, [[300, 250], [600, 450]]); // right of the style panel
    await a.page.click('[data-testid="tool-frame"]');
    await drag(a.page, [[750, 300], [1150, 600]]);
    await waitForShapeCount(b.page, before + 2);
    const frames = await a.page.$$eval('[data-testid^="frame-item-"]', (items) => items.length);
    expect(frames).toBe(2);
    await a.page.click('[data-testid="tool-select"]');
    // Bo looks somewhere else first
    await b.page.mouse.move(640, 450);
    await b.page.mouse.wheel(-300, -300);

    await a.page.click('[data-testid="present-start"]');
    await a.page.waitForSelector('[data-testid="present-bar"][data-index="0"]');
    expect(await a.page.textContent('[data-testid="present-position"]')).toContain('1 / 2 · Frame 1'); // named order, not z order
    await b.page.waitForSelector('[data-testid="follow-banner"][data-presenting="true"]', { timeout: 10_000 });
    const first = await viewOf(a.page);
    await expect.poll(async () => sameView(await viewOf(b.page), await viewOf(a.page)), { timeout: 10_000, interval: 100 }).toBe(true);
    await shot(b.page, 'presentation');

    await a.page.keyboard.press('ArrowRight');
    await a.page.waitForSelector('[data-testid="present-bar"][data-index="1"]');
    expect(await a.page.textContent('[data-testid="present-position"]')).toContain('2 / 2 · Frame 2');
    const second = await viewOf(a.page);
    expect(Math.hypot(centreOf(second).x - centreOf(first).x, centreOf(second).y - centreOf(first).y)).toBeGreaterThan(200);
    await expect.poll(async () => sameView(await viewOf(b.page), second), { timeout: 10_000, interval: 100 }).toBe(true);

    await a.page.click('[data-testid="present-prev"]');
    await expect.poll(async () => sameView(await viewOf(b.page), first), { timeout: 10_000, interval: 100 }).toBe(true);

    await a.page.keyboard.press('Escape');
    await a.page.waitForSelector('[data-testid="present-bar"]', { state: 'detached' });
    await b.page.waitForSelector('[data-testid="follow-banner"]', { state: 'detached', timeout: 5000 });
  });
});
