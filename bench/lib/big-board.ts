import type { Page } from 'playwright-core';
import * as Y from 'yjs';
import { Board } from '@meshboard/board';
import { generateShapes } from '../../packages/canvas/bench/shapes.js';

/**
 * The canvas benchmark's board of `count` shapes, built with @meshboard/board, as the updates a client would
 * upload (5,000 shapes each), and its whole encoded state's size. Build it before anything talks to the store:
 * generating 50,000 shapes blocks the process for seconds, long enough for the store to close an idle
 * keep-alive connection that undici, not having run, still counts as open ("fetch failed").
 */
export function bigBoardUpdates(count: number, userId = 'bench'): { updates: Uint8Array[]; stateBytes: number } {
  const doc = new Y.Doc();
  const board = new Board(doc, { userId });
  const shapes = generateShapes(count);
  const updates: Uint8Array[] = [];
  for (let i = 0; i < shapes.length; i += 5000) {
    const before = Y.encodeStateVector(doc);
    board.addShapes(shapes.slice(i, i + 5000));
    updates.push(Y.encodeStateAsUpdate(doc, before));
  }
  const stateBytes = Y.encodeStateAsUpdate(doc).byteLength;
  board.destroy();
  doc.destroy();
  return { updates, stateBytes };
}

/**
 * Navigates `page` to `url` (a board link) and waits until the canvas reports all `shapes`; returns ms from
 * navigation start to the frame after the one that showed them (performance.now() in the page).
 */
export async function openUntilDrawn(page: Page, url: string, shapes: number): Promise<number> {
  await page.goto(url, { waitUntil: 'commit' });
  await page.waitForFunction((n) => document.querySelector('[data-testid="canvas"]')?.getAttribute('data-shape-count') === String(n), shapes, { polling: 'raf', timeout: 120_000 });
  return page.evaluate(() => new Promise<number>((resolve) => requestAnimationFrame(() => resolve(performance.now()))));
}
