/**
 * End to end in real headless Chromium against the real built services: version history (list, read-only
 * preview, forward restore seen live by another peer and undone with Ctrl+Z), revoking links (old links get a
 * clear "revoked" screen, the new ones and the rotating tab keep working) and offline editing (a shape drawn
 * with the network down survives a closed tab and reaches the store once the network is back).
 *
 * Persistence runs with an idle compaction of 1 s and no minimum interval between restore points, so each
 * pause in editing leaves a restore point (the previous snapshot) within a few seconds.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { drag, inkIn, launch, newPeer, waitForShapeCount } from './browser';
import { startStack, webDir, type Stack } from './harness';

let stack: Stack;
let browser: Browser;
const contexts: BrowserContext[] = [];
const artifacts = path.join(webDir, 'test/e2e/artifacts');

interface NewBoard {
  id: string;
  ownerToken: string;
  editToken: string;
  viewToken: string;
}

async function createBoard(title: string): Promise<NewBoard> {
  const response = await fetch(`${stack.storeUrl}/v1/boards`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ title }) });
  expect(response.status).toBe(201);
  return (await response.json()) as NewBoard;
}

const link = (id: string, token: string) => `${stack.webUrl}/b/${id}#${token}`;

/** Shapes in the store's current state (what a newcomer would load). */
async function storeShapes(id: string, token: string): Promise<number> {
  const response = await fetch(`${stack.storeUrl}/v1/boards/${id}/state`, { headers: { authorization: `Bearer ${token}` } });
  expect(response.status).toBe(200);
  const doc = new Y.Doc();
  Y.applyUpdate(doc, new Uint8Array(await response.arrayBuffer()));
  const count = doc.getMap('shapes').size;
  doc.destroy();
  return count;
}

async function historyEntries(id: string, token: string): Promise<Array<{ id: string; createdAt: string; shapeCount: number }>> {
  const response = await fetch(`${stack.storeUrl}/v1/boards/${id}/history`, { headers: { authorization: `Bearer ${token}` } });
  expect(response.status).toBe(200);
  return ((await response.json()) as { entries: Array<{ id: string; createdAt: string; shapeCount: number }> }).entries;
}

/** Compactions the store has run so far (its /metrics), to know a snapshot was taken without guessing timings. */
async function compactions(): Promise<number> {
  const text = await (await fetch(`${stack.storeUrl}/metrics`)).text();
  const match = /^meshboard_persistence_store\{[^}]*counter="compactions"[^}]*\} (\d+)/m.exec(text);
  return match ? Number(match[1]) : 0;
}

async function peer(): Promise<{ context: BrowserContext; page: Page }> {
  const p = await newPeer(browser, stack.webUrl);
  contexts.push(p.context);
  return p;
}

async function openBoard(page: Page, url: string) {
  await page.goto(url);
  await page.waitForSelector('[data-testid="canvas"][data-shape-count]', { timeout: 30_000 });
  await page.waitForSelector('[data-testid="tool-select"]');
  await page.waitForSelector('[data-testid="connection-status"][data-store="synced"]', { timeout: 30_000 });
}

/** Draws a rectangle with the rectangle tool, then goes back to the select tool. */
async function drawRect(page: Page, x: number, y: number, expectedCount: number) {
  await page.click('[data-testid="tool-rectangle"]');
  await drag(page, [
    [x, y],
    [x + 120, y + 90],
  ]);
  await waitForShapeCount(page, expectedCount);
  await page.click('[data-testid="tool-select"]');
}

async function save(page: Page, name: string) {
  writeFileSync(path.join(artifacts, `${name}.png`), await page.screenshot({ animations: 'disabled', caret: 'hide' }));
}

beforeAll(async () => {
  mkdirSync(artifacts, { recursive: true });
  stack = await startStack({
    persistenceEnv: { MESHBOARD_COMPACT_IDLE_SECONDS: '1', MESHBOARD_HISTORY_INTERVAL_SECONDS: '0' },
    // re-check live connections' tokens every 2 s (default 30 s), so a revoked open tab is told quickly
    signalingEnv: { SIGNALING_REVALIDATE_MS: '2000' },
  });
  browser = await launch();
}, 180_000);

afterAll(async () => {
  for (const context of contexts) await context.close().catch(() => undefined);
  await browser?.close();
  await stack?.stop();
});

describe('version history', () => {
  it('says clearly when a board has no restore points yet', async () => {
    const board = await createBoard('Empty history');
    const { page } = await peer();
    await openBoard(page, link(board.id, board.editToken));
    await page.click('[data-testid="history-button"]');
    await page.waitForSelector('[data-testid="history-dialog"]');
    await page.waitForSelector('[data-testid="history-empty"]');
    expect(await page.textContent('[data-testid="history-empty"]')).toContain('No restore points yet');
    await page.keyboard.press('Escape');
    await page.waitForSelector('[data-testid="history-dialog"]', { state: 'detached' });
  }, 90_000);

  it('lists restore points newest first, previews one read-only, restores it live for everyone, and Ctrl+Z undoes the restore', async () => {
    const board = await createBoard('History board');
    const a = await peer();
    const v = await peer();
    const b = await peer(); // a second editor (P2P with A)
    await openBoard(a.page, link(board.id, board.editToken));
    await openBoard(v.page, link(board.id, board.viewToken));
    await openBoard(b.page, link(board.id, board.editToken));

    // three shapes, each followed by a pause until the store compacted: every compaction after the first keeps
    // the previous snapshot as a restore point (1 shape, then 2 shapes)
    const spots: Array<[number, number]> = [
      [300, 250],
      [520, 250],
      [740, 250],
    ];
    for (const [i, [x, y]] of spots.entries()) {
      const before = await compactions();
      await drawRect(a.page, x, y, i + 1);
      await expect.poll(() => storeShapes(board.id, board.editToken), { timeout: 15_000 }).toBe(i + 1);
      await expect.poll(compactions, { timeout: 20_000 }).toBeGreaterThan(before);
    }
    await expect.poll(async () => (await historyEntries(board.id, board.editToken)).length, { timeout: 20_000 }).toBeGreaterThanOrEqual(2);
    await waitForShapeCount(v.page, 3, 20_000);

    await a.page.click('[data-testid="history-button"]');
    await a.page.waitForSelector('[data-testid="history-entry"]');
    const listed = await a.page.$$eval('[data-testid="history-entry"]', (els) =>
      els.map((el) => ({ shapes: Number(el.getAttribute('data-shape-count')), at: Date.parse(el.getAttribute('data-created-at') ?? '') })),
    );
    expect(listed.length).toBeGreaterThanOrEqual(2);
    for (let i = 1; i < listed.length; i++) expect(listed[i]!.at).toBeLessThanOrEqual(listed[i - 1]!.at);
    expect(listed[0]!.shapes).toBe(2); // the snapshot before the last compaction
    expect(listed.map((e) => e.shapes)).toContain(1);
    const entryText = await a.page.textContent('[data-testid="history-entry"]');
    expect(entryText).toMatch(/2 shapes · \d+(\.\d)? (B|KB)/);

    // preview the one-shape version: a read-only canvas of its own, the live board untouched
    await a.page.click('[data-testid="history-entry"][data-shape-count="1"]');
    await a.page.waitForSelector('[data-testid="history-preview"][data-shape-count="1"]', { timeout: 15_000 });
    expect(await a.page.getAttribute('[data-testid="history-preview-info"]', 'data-shape-count')).toBe('1');
    const box = (await a.page.locator('[data-testid="history-preview"]').boundingBox())!;
    await a.page.waitForTimeout(300);
    expect((await inkIn(a.page, { x: box.x + 2, y: box.y + 2, width: box.width - 4, height: box.height - 4 })).ink).toBeGreaterThan(0.002);
    await save(a.page, 'history-preview');
    await waitForShapeCount(a.page, 3);

    await a.page.click('[data-testid="history-restore"]');
    await a.page.waitForSelector('[data-testid="history-dialog"]', { state: 'detached' });
    await waitForShapeCount(a.page, 1);
    expect(await a.page.textContent('[data-testid="board-notice"]')).toContain('Undo with Ctrl+Z');
    // the other peers see the restore live, and the store gets it like any edit
    await waitForShapeCount(v.page, 1, 20_000);
    await waitForShapeCount(b.page, 1, 20_000);
    await expect.poll(() => storeShapes(board.id, board.editToken), { timeout: 15_000 }).toBe(1);
    // undo is per user: the other editor's Ctrl+Z does not touch A's restore
    await b.page.mouse.click(640, 650);
    await b.page.keyboard.press('Control+z');
    await b.page.waitForTimeout(500);
    await waitForShapeCount(b.page, 1);

    // the restoring user undoes the restore with Ctrl+Z: everyone is back to three shapes
    await a.page.keyboard.press('Control+z');
    await waitForShapeCount(a.page, 3);
    await waitForShapeCount(v.page, 3, 20_000);
    await waitForShapeCount(b.page, 3, 20_000);
    await expect.poll(() => storeShapes(board.id, board.editToken), { timeout: 15_000 }).toBe(3);

    // view-only: can browse and preview, cannot restore
    await v.page.click('[data-testid="history-button"]');
    await v.page.waitForSelector('[data-testid="history-entry"]');
    await v.page.click('[data-testid="history-entry"]');
    await v.page.waitForSelector('[data-testid="history-preview"][data-shape-count]', { timeout: 15_000 });
    await v.page.waitForSelector('[data-testid="history-view-only"]');
    await save(v.page, 'history-view-only');
    expect(await v.page.$('[data-testid="history-restore"]')).toBeNull();
    await v.page.keyboard.press('Escape');
    await waitForShapeCount(v.page, 3);
  }, 180_000);
});

describe('revoking links', () => {
  it('the owner revokes every link, sees the new ones, keeps its tab working, and old links get a "revoked" screen', async () => {
    const board = await createBoard('Rotate board');
    const a = await peer(); // the owner (issue 13: only the owner link rotates)
    const old = await peer(); // a tab that keeps the old view link open
    const oldEditor = await peer(); // another editor, elsewhere, with the old edit link open
    await openBoard(a.page, link(board.id, board.ownerToken));
    await drawRect(a.page, 400, 300, 1);
    await expect.poll(() => storeShapes(board.id, board.editToken), { timeout: 15_000 }).toBe(1);
    await openBoard(old.page, link(board.id, board.viewToken));
    await waitForShapeCount(old.page, 1, 20_000);
    await openBoard(oldEditor.page, link(board.id, board.editToken));
    await waitForShapeCount(oldEditor.page, 1, 20_000);

    await a.page.click('[data-testid="share"]');
    await a.page.waitForSelector('[data-testid="share-dialog"]');
    await a.page.click('[data-testid="rotate-links"]');
    // a confirmation first: cancel works and changes nothing
    await a.page.click('[data-testid="rotate-links-cancel"]');
    await a.page.waitForSelector('[data-testid="rotate-links-confirm"]', { state: 'detached' });
    await a.page.click('[data-testid="rotate-links"]');
    await a.page.click('[data-testid="rotate-links-confirm"]');

    // this tab: new owner link in the URL fragment, new links in the dialog, still connected and editing
    await a.page.waitForFunction((oldToken) => window.location.hash.length > 1 && !window.location.hash.includes(oldToken), board.ownerToken, { timeout: 20_000 });
    const newOwnerToken = decodeURIComponent(new URL(a.page.url()).hash.slice(1));
    await a.page.waitForSelector('[data-testid="rotate-links-done"]', { timeout: 30_000 });
    expect(await a.page.inputValue('[data-testid="share-owner-link"]')).toBe(link(board.id, newOwnerToken));
    const editLink = await a.page.inputValue('[data-testid="share-edit-link"]');
    const viewLink = await a.page.inputValue('[data-testid="share-view-link"]');
    const newEditToken = editLink.split('#')[1]!;
    expect(newEditToken).not.toBe(board.editToken);
    const newViewToken = viewLink.split('#')[1]!;
    expect(newViewToken).not.toBe(board.viewToken);
    await save(a.page, 'share-after-rotation');
    const recent = await a.page.evaluate((id) => JSON.parse(localStorage.getItem('meshboard:recent-boards') ?? '[]').find((b: { id: string }) => b.id === id), board.id);
    expect(recent).toMatchObject({ ownerToken: newOwnerToken, editToken: newEditToken, viewToken: newViewToken });
    await a.page.keyboard.press('Escape');
    await a.page.waitForSelector('[data-testid="connection-status"][data-store="synced"]', { timeout: 30_000 });
    await waitForShapeCount(a.page, 1, 20_000);
    await drawRect(a.page, 640, 300, 2);
    await expect.poll(() => storeShapes(board.id, newEditToken), { timeout: 15_000 }).toBe(2);

    // the tab still open with the old view link is told, not left with a dead canvas
    await old.page.waitForSelector('[data-testid="error-screen"]', { timeout: 45_000 });
    expect(await old.page.textContent('[data-testid="error-screen"]')).toContain('This link was revoked');
    await oldEditor.page.waitForSelector('[data-testid="error-screen"]', { timeout: 45_000 });
    expect(await oldEditor.page.textContent('[data-testid="error-screen"]')).toContain('This link was revoked');

    // opening the old links: revoked screen; the old tokens are refused by the store too
    const c = await peer();
    await c.page.goto(link(board.id, board.viewToken));
    await c.page.waitForSelector('[data-testid="error-screen"]', { timeout: 30_000 });
    expect(await c.page.textContent('[data-testid="error-screen"]')).toContain('This link was revoked');
    await save(c.page, 'revoked-link');
    const oldEdit = await fetch(`${stack.storeUrl}/v1/boards/${board.id}`, { headers: { authorization: `Bearer ${board.editToken}` } });
    expect(oldEdit.status).toBe(401);

    // another tab of the browser that rotated, opened with the old edit link: revoked, and offers the new link
    const sameBrowser = await a.context.newPage();
    await sameBrowser.goto(link(board.id, board.editToken));
    await sameBrowser.waitForSelector('[data-testid="error-screen"]', { timeout: 30_000 });
    expect(await sameBrowser.textContent('[data-testid="error-screen"]')).toContain('This browser already has the board’s new link');
    await sameBrowser.click('[data-testid="error-screen"] button:has-text("Try again")');
    await sameBrowser.waitForSelector('[data-testid="connection-status"][data-store="synced"]', { timeout: 30_000 });
    await waitForShapeCount(sameBrowser, 2, 20_000);
    expect(decodeURIComponent(new URL(sameBrowser.url()).hash.slice(1))).toBe(newEditToken);
    await sameBrowser.close();

    // the new view link works (read-only, with both shapes)
    await openBoard(c.page, viewLink);
    await waitForShapeCount(c.page, 2, 20_000);
    await c.page.waitForSelector('[data-testid="view-only-badge"]');
    expect(await c.page.$('[data-testid="rotate-links"]')).toBeNull();
  }, 180_000);
});

describe('offline', () => {
  it('keeps a shape drawn offline in the browser, uploads it when the network is back, and others then see it', async () => {
    const board = await createBoard('Offline board');
    const d = await peer();
    await openBoard(d.page, link(board.id, board.editToken));

    await d.context.setOffline(true);
    await drawRect(d.page, 500, 320, 1);
    await d.page.waitForSelector('[data-testid="offline-notice"]', { timeout: 20_000 });
    expect(await d.page.textContent('[data-testid="offline-notice"]')).toBe('Offline — changes saved in this browser');
    expect(await d.page.getAttribute('[data-testid="connection-status"]', 'data-local-only')).toBe('true');
    await save(d.page, 'offline-status');
    expect(await storeShapes(board.id, board.editToken)).toBe(0);
    await d.page.waitForTimeout(1000); // let y-indexeddb commit its write
    await d.page.close();

    await d.context.setOffline(false);
    const again = await d.context.newPage();
    await again.goto(link(board.id, board.editToken));
    await waitForShapeCount(again, 1, 30_000);
    await again.waitForSelector('[data-testid="connection-status"][data-store="synced"][data-pending-bytes="0"]', { timeout: 30_000 });
    await expect.poll(() => storeShapes(board.id, board.editToken), { timeout: 20_000 }).toBe(1);
    await again.close();

    // the store unreachable when the page opens (the web app still serving): this browser's copy opens, edits
    // stay local with a clear status, and reach the store once it answers again
    const storeDown = (route: { abort: (code?: string) => Promise<void> }) => route.abort('connectionrefused');
    await d.context.route(`${stack.storeUrl}/**`, storeDown);
    const third = await d.context.newPage();
    await third.goto(link(board.id, board.editToken));
    await waitForShapeCount(third, 1, 30_000);
    await third.waitForSelector('[data-testid="board-notice"]');
    expect(await third.textContent('[data-testid="board-notice"]')).toContain("showing this browser's copy");
    await drawRect(third, 300, 500, 2);
    await third.waitForSelector('[data-testid="offline-notice"]', { timeout: 20_000 });
    // signaling may be up (only the store is down): the status says which half is missing
    expect(await third.textContent('[data-testid="offline-notice"]')).toMatch(/^(Store unreachable|Offline) — changes saved in this browser$/);
    expect(await third.getAttribute('[data-testid="connection-status"]', 'data-local-only')).toBe('true');
    await d.context.unroute(`${stack.storeUrl}/**`, storeDown);
    await third.waitForSelector('[data-testid="connection-status"][data-store="synced"][data-pending-bytes="0"]', { timeout: 45_000 });
    await expect.poll(() => storeShapes(board.id, board.editToken), { timeout: 20_000 }).toBe(2);
    await third.close();

    // a different browser (no local copy, nobody else online) loads it from the store
    const e = await peer();
    await openBoard(e.page, link(board.id, board.editToken));
    await waitForShapeCount(e.page, 2, 20_000);
  }, 180_000);
});
