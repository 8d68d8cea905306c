/**
 * Images as content-addressed blobs, in real headless Chromium against the real built services: two browser
 * contexts on one board, the store STOPPED, one pastes a ~2 MB image; it must appear in the other (checked on
 * screenshot pixels) within 3 s, carried peer to peer; once the store is back, the blob is stored. Then offline
 * (store stopped, no peer) a reload still shows it from the browser's cache, and a view link shows it from the store.
 */
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inkIn, launch, newPeer, waitForShapeCount, type Region } from './browser';
import { startStack, type Stack } from './harness';

let stack: Stack;
let browser: Browser;
let a: { context: BrowserContext; page: Page };
let b: { context: BrowserContext; page: Page };

beforeAll(async () => {
  stack = await startStack();
  browser = await launch();
  a = await newPeer(browser, stack.webUrl);
  b = await newPeer(browser, stack.webUrl);
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await stack?.stop();
});

async function openBoard(page: Page, url: string) {
  await page.goto(url);
  await page.waitForSelector('[data-testid="canvas"][data-shape-count]', { timeout: 30_000 });
}

/** Centre of the canvas on the page. */
async function canvasCentre(page: Page): Promise<{ x: number; y: number }> {
  const box = (await page.locator('[data-testid="canvas"]').boundingBox())!;
  return { x: Math.round(box.x + box.width / 2), y: Math.round(box.y + box.height / 2) };
}

describe('images as blobs', () => {
  it('an image pasted while the store is stopped appears in the other browser within 3 s, and is stored once the store is back', async () => {
    const created = await (await fetch(`${stack.storeUrl}/v1/boards`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' })).json();
    const url = `${stack.webUrl}/b/${created.id}#${created.editToken}`;
    await openBoard(a.page, url);
    await openBoard(b.page, url);
    // both tabs joined: each lists the other (and itself) on the board
    for (const page of [a.page, b.page]) {
      await page.waitForSelector('[data-testid="presence-list"][data-count="2"]', { timeout: 30_000 });
    }
    // and are linked (P2P, or the relay once the P2P deadline passed): edits flow between them
    for (const page of [a.page, b.page]) {
      await page.waitForFunction(() => [...document.querySelectorAll('[data-testid="presence-list"] li')].some((li) => ['p2p', 'relay'].includes(li.getAttribute('data-mode') ?? '')), undefined, {
        timeout: 30_000,
      });
    }
    const modes = await b.page.$$eval('[data-testid="presence-list"] li', (items) => items.map((item) => item.getAttribute('data-mode')));
    console.log(`connection modes seen by B: ${JSON.stringify(modes)}`);

    await stack.stopStore();

    // A ~2 MB PNG made in page A: noise (incompressible) around a solid red centre the check looks for.
    const centre = await canvasCentre(a.page);
    a.page.on('console', (message) => message.type() === 'warning' && console.log(`page A: ${message.text()}`));
    await a.page.mouse.click(centre.x, centre.y); // select tool on empty canvas: focuses it, remembers the pointer
    const made = await a.page.evaluate(async () => {
      const side = 900;
      const canvas = new OffscreenCanvas(side, side);
      const ctx = canvas.getContext('2d')!;
      const pixels = ctx.createImageData(side, side);
      for (let offset = 0; offset < pixels.data.length; offset += 65_536) {
        crypto.getRandomValues(pixels.data.subarray(offset, offset + 65_536));
      }
      for (let i = 3; i < pixels.data.length; i += 4) pixels.data[i] = 255;
      ctx.putImageData(pixels, 0, 0);
      ctx.fillStyle = '#ff0000';
      ctx.fillRect(side * 0.3, side * 0.3, side * 0.4, side * 0.4);
      const blob = await canvas.convertToBlob({ type: 'image/png' });
      const bytes = new Uint8Array(await blob.arrayBuffer());
      const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', bytes));
      (window as unknown as { __pasteImage: Blob }).__pasteImage = blob;
      return { size: bytes.byteLength, hash: [...digest].map((v) => v.toString(16).padStart(2, '0')).join('') };
    });
    expect(made.size).toBeGreaterThan(1.8 * 1024 * 1024);
    expect(made.size).toBeLessThan(3 * 1024 * 1024);

    const region: Region = { x: centre.x - 30, y: centre.y - 30, width: 60, height: 60 };
    expect((await inkIn(b.page, region, '#ff0000')).colour).toBeLessThan(0.1);
    const pastedAt = Date.now();
    await a.page.evaluate(() => {
      const blob = (window as unknown as { __pasteImage: Blob }).__pasteImage;
      const data = new DataTransfer();
      data.items.add(new File([blob], 'pasted.png', { type: 'image/png' }));
      document.dispatchEvent(new ClipboardEvent('paste', { clipboardData: data, bubbles: true, cancelable: true }));
    });
    await waitForShapeCount(a.page, 1, 3_000);
    // The shape (metadata) arrives first and shows a placeholder; the bytes follow from peer A.
    await waitForShapeCount(b.page, 1, 3_000);
    let red = 0;
    while (Date.now() - pastedAt < 10_000) {
      red = (await inkIn(b.page, region, '#ff0000')).colour;
      if (red > 0.8) break;
    }
    const elapsed = Date.now() - pastedAt;
    console.log(`pasted ${made.size} bytes; visible in the other browser after ${elapsed} ms (store stopped)`);
    expect(red).toBeGreaterThan(0.8);
    expect(elapsed).toBeLessThan(3_000);
    // A shows it too, from its own bytes
    expect((await inkIn(a.page, region, '#ff0000')).colour).toBeGreaterThan(0.8);

    // Nobody could upload: the store is down. Start it again: the blob gets stored (A's upload retries).
    await stack.startStore();
    const head = () =>
      fetch(`${stack.storeUrl}/v1/boards/${created.id}/blobs/${made.hash}`, { method: 'HEAD', headers: { authorization: `Bearer ${created.viewToken}` } }).then((r) => r.status);
    await expect.poll(head, { timeout: 30_000, interval: 250 }).toBe(200);
    const stored = await fetch(`${stack.storeUrl}/v1/boards/${created.id}/blobs/${made.hash}`, { headers: { authorization: `Bearer ${created.viewToken}` } });
    expect(Number(stored.headers.get('content-length'))).toBe(made.size);
    // and the board's state holds metadata only (no image bytes)
    await expect
      .poll(async () => (await fetch(`${stack.storeUrl}/v1/boards/${created.id}/state`, { headers: { authorization: `Bearer ${created.viewToken}` } })).status, { timeout: 20_000 })
      .toBe(200);
    const state = await (await fetch(`${stack.storeUrl}/v1/boards/${created.id}/state`, { headers: { authorization: `Bearer ${created.viewToken}` } })).arrayBuffer();
    expect(state.byteLength).toBeLessThan(8 * 1024);

    // Offline: with the store stopped again and no peer left, a reload of B shows the image from this browser's
    // own copies (the document from IndexedDB, the bytes from Cache Storage).
    await a.page.goto('about:blank');
    await stack.stopStore();
    await b.page.reload();
    await b.page.waitForSelector('[data-testid="canvas"][data-shape-count="1"]', { timeout: 30_000 });
    await expect.poll(async () => (await inkIn(b.page, region, '#ff0000')).colour, { timeout: 10_000 }).toBeGreaterThan(0.8);
    await stack.startStore();

    // A view link opened now (store up) shows the image from the store; a late joiner needs no peer for it.
    const viewer = await newPeer(browser, stack.webUrl);
    try {
      await openBoard(viewer.page, `${stack.webUrl}/b/${created.id}#${created.viewToken}`);
      await waitForShapeCount(viewer.page, 1, 10_000);
      const shown = await canvasCentre(viewer.page);
      // the viewer's camera fits the board (it was not empty when it opened): the red centre is at the view centre
      await expect.poll(async () => (await inkIn(viewer.page, { x: shown.x - 10, y: shown.y - 10, width: 20, height: 20 }, '#ff0000')).colour, { timeout: 10_000 }).toBeGreaterThan(0.8);
    } finally {
      await viewer.context.close();
    }
  }, 180_000);
});
