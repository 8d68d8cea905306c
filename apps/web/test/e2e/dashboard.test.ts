/**
 * Issue 13 item 9 in real headless Chromium, separate browser contexts against the real built services:
 * - the home page lists the boards this browser knows with a thumbnail rendered from the board: its pixels match
 *   the board's own rendering (both cropped to their content and compared cell by cell), and it is refreshed when
 *   someone else edits the board; title, last edited and role are shown; rename and duplicate work;
 * - a revoked link is shown as such on the holder's dashboard;
 * - delete (owner link only, after a confirmation) removes the board for every link holder;
 * - with MESHBOARD_ADMIN_TOKEN, /admin refuses a wrong token, lists every board with its size and deletes one.
 * Takes the README screenshot of the dashboard (docs/images/dashboard.png with MESHBOARD_UPDATE_SCREENSHOT=1).
 */
import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { Board, countShapes } from '@meshboard/board';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import * as Y from 'yjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { drag, inkIn, launch, newPeer, openSyncedBoard as openBoard, waitForShapeCount } from './browser';
import { startStack, webDir, type Stack } from './harness';
import { compareRenderings } from './pixels';

let stack: Stack;
let browser: Browser;
const contexts: BrowserContext[] = [];
const artifacts = path.join(webDir, 'test/e2e/artifacts');
const ADMIN_TOKEN = `admin-${randomBytes(16).toString('hex')}`;

interface Links {
  id: string;
  ownerToken: string;
  editToken: string;
  viewToken: string;
}

async function peer(): Promise<{ context: BrowserContext; page: Page }> {
  const p = await newPeer(browser, stack.webUrl);
  contexts.push(p.context);
  return p;
}

async function rect(page: Page, x: number, y: number, w: number, h: number, fill: string, count: number) {
  await page.click('[data-testid="tool-rectangle"]');
  await page.click(`[aria-label="Fill ${fill}"]`);
  await drag(page, [
    [x, y],
    [x + w, y + h],
  ]);
  await waitForShapeCount(page, count);
  await page.click('[data-testid="tool-select"]');
  await page.keyboard.press('Escape'); // deselect, so no selection handles are drawn
}

/** The owner creates a board in the UI; returns its links (from this browser's list). */
async function createInUi(page: Page, title: string): Promise<Links> {
  await page.goto(stack.webUrl);
  await page.fill('[data-testid="new-board-title"]', title);
  await page.click('[data-testid="create-board"]');
  await page.waitForURL(/\/b\/[A-Za-z0-9_-]{22}#mb1\./, { timeout: 20_000 });
  await page.waitForSelector('[data-testid="connection-status"][data-store="synced"]', { timeout: 30_000 });
  const id = new URL(page.url()).pathname.split('/')[2]!;
  const recent = (await page.evaluate(() => JSON.parse(localStorage.getItem('meshboard:recent-boards') ?? '[]'))) as Links[];
  return recent.find((b) => b.id === id)!;
}

async function shotOf(page: Page, selector: string): Promise<Buffer> {
  const box = (await page.locator(selector).boundingBox())!;
  return page.screenshot({ clip: { x: box.x + 3, y: box.y + 3, width: box.width - 6, height: box.height - 6 }, animations: 'disabled', caret: 'hide' });
}

const card = (boardId: string) => `[data-testid="dashboard-card"][data-board-id="${boardId}"]`;

/** Waits until the store has the board's latest edits (its state has `n` shapes), so a thumbnail shows them. */
async function storeHasShapes(links: Links, n: number) {
  const deadline = Date.now() + 20_000;
  while (Date.now() < deadline) {
    const state = await fetch(`${stack.storeUrl}/v1/boards/${links.id}/state`, { headers: { authorization: `Bearer ${links.viewToken}` } });
    const doc = new Y.Doc();
    Y.applyUpdate(doc, new Uint8Array(await state.arrayBuffer()));
    const count = countShapes(doc);
    doc.destroy();
    if (count >= n) return;
    await new Promise((r) => setTimeout(r, 300));
  }
  throw new Error(`the store never had ${n} shapes`);
}

beforeAll(async () => {
  mkdirSync(artifacts, { recursive: true });
  stack = await startStack({ persistenceEnv: { MESHBOARD_ADMIN_TOKEN: ADMIN_TOKEN }, signalingEnv: { SIGNALING_REVALIDATE_MS: '2000', SIGNALING_GENERATION_CACHE_MS: '0' } });
  browser = await launch();
}, 180_000);

afterAll(async () => {
  for (const context of contexts) await context.close().catch(() => undefined);
  await browser?.close();
  await stack?.stop();
});

describe('dashboard', () => {
  it("shows a thumbnail that matches the board's pixels and follows another person's edits; rename, duplicate; revoked links shown", async () => {
    const owner = await peer();
    const editor = await peer();
    const links = await createInUi(owner.page, 'Roadmap');
    await rect(owner.page, 300, 250, 260, 160, '#a5d8ff', 1);
    await rect(owner.page, 620, 330, 180, 220, '#ffc9c9', 2);
    await storeHasShapes(links, 2);

    // the board's own rendering, fitted to its content
    const boardShot = await owner.page.screenshot({ clip: { x: 250, y: 200, width: 620, height: 400 }, animations: 'disabled', caret: 'hide' });

    await owner.page.goto(stack.webUrl);
    const thumb = `${card(links.id)} [data-testid="dashboard-thumbnail"]`;
    await owner.page.waitForSelector(thumb, { timeout: 20_000 });
    await expect.poll(() => owner.page.textContent(`[data-testid="recent-boards"] li:has(${card(links.id)}) [data-testid="recent-role"]`)).toMatch(/owner/);
    expect(await owner.page.textContent(`${card(links.id)} [data-testid="dashboard-edited"]`)).toMatch(/edited (just now|\d+ min ago)/);
    // the image inset by 3 px, so the card's border is not part of it
    const thumbShot = await shotOf(owner.page, thumb);
    writeFileSync(path.join(artifacts, 'dashboard-board.png'), boardShot);
    writeFileSync(path.join(artifacts, 'dashboard-thumbnail.png'), thumbShot);
    const match = await compareRenderings(owner.page, boardShot, thumbShot);
    // same layout (aspect of the content within 10 %) and the same colours cell by cell
    console.log('thumbnail vs board', match);
    expect(Math.abs(match.aspectA / match.aspectB - 1)).toBeLessThan(0.1);
    expect(match.meanDiff).toBeLessThan(12);
    expect(match.mismatched).toBeLessThan(0.08);
    // the comparison tells layouts apart: the same thumbnail mirrored (blue box right, pink left) does not match
    const mirrored = await compareRenderings(owner.page, boardShot, thumbShot, { mirrorB: true });
    console.log('mirrored thumbnail vs board', mirrored);
    expect(mirrored.mismatched).toBeGreaterThan(0.2);
    const thumbBefore = await owner.page.getAttribute(thumb, 'data-updated-at');

    // someone else edits: the owner's dashboard re-renders the thumbnail with the new shape
    await openBoard(editor.page, `${stack.webUrl}/b/${links.id}#${links.editToken}`);
    await rect(editor.page, 300, 500, 160, 100, '#b2f2bb', 3);
    await storeHasShapes(links, 3);
    await owner.page.waitForFunction(
      ({ sel, before }) => document.querySelector(sel)?.getAttribute('data-updated-at') !== before,
      { sel: thumb, before: thumbBefore },
      { timeout: 30_000, polling: 250 },
    );
    const after = await shotOf(owner.page, thumb);
    expect((await inkIn(owner.page, { x: 0, y: 0, width: 0, height: 0 }, '#b2f2bb', after)).colour).toBeGreaterThan(0.01);

    // rename from the dashboard: the board's title changes for everyone
    await owner.page.click(`${card(links.id)} [data-testid="dashboard-rename"]`);
    await owner.page.fill(`${card(links.id)} [data-testid="dashboard-rename-input"]`, 'Roadmap 2027');
    await owner.page.keyboard.press('Enter');
    await expect.poll(async () => ((await (await fetch(`${stack.storeUrl}/v1/boards/${links.id}`, { headers: { authorization: `Bearer ${links.viewToken}` } })).json()) as { title: string }).title).toBe('Roadmap 2027');
    await owner.page.waitForSelector(`[data-testid="recent-boards"] li:has-text("Roadmap 2027")`);

    // an image on the board (its bytes in the board's blob store), so the duplicate must copy the file too
    const png = randomBytes(2000);
    png.set([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    const hash = createHash('sha256').update(png).digest('hex');
    expect((await fetch(`${stack.storeUrl}/v1/boards/${links.id}/blobs/${hash}`, { method: 'PUT', headers: { authorization: `Bearer ${links.editToken}`, 'content-type': 'image/png' }, body: png })).status).toBe(201);
    {
      const doc = new Y.Doc();
      Y.applyUpdate(doc, new Uint8Array(await (await fetch(`${stack.storeUrl}/v1/boards/${links.id}/state`, { headers: { authorization: `Bearer ${links.viewToken}` } })).arrayBuffer()));
      const before = Y.encodeStateVector(doc);
      new Board(doc, { userId: 'test' }).addShape({ type: 'image', assetId: hash, x: 900, y: 250, w: 40, h: 40 });
      const appended = await fetch(`${stack.storeUrl}/v1/boards/${links.id}/updates`, { method: 'POST', headers: { authorization: `Bearer ${links.editToken}`, 'content-type': 'application/octet-stream' }, body: Y.encodeStateAsUpdate(doc, before) as BodyInit });
      expect(appended.status).toBe(200);
    }

    // duplicate: a new board this browser owns, with the same shapes and the image's file
    await owner.page.click(`${card(links.id)} [data-testid="dashboard-duplicate"]`);
    await owner.page.waitForSelector('[data-testid="recent-boards"] li:has-text("Roadmap 2027 (copy)")', { timeout: 20_000 });
    const copy = ((await owner.page.evaluate(() => JSON.parse(localStorage.getItem('meshboard:recent-boards') ?? '[]'))) as Array<Links & { title: string }>).find((b) => b.title === 'Roadmap 2027 (copy)')!;
    expect(copy.id).not.toBe(links.id);
    await owner.page.waitForSelector(`${card(copy.id)} [data-testid="dashboard-thumbnail"]`, { timeout: 20_000 });
    await storeHasShapes({ ...copy }, 4);
    expect((await fetch(`${stack.storeUrl}/v1/boards/${copy.id}/blobs/${hash}`, { method: 'HEAD', headers: { authorization: `Bearer ${copy.viewToken}` } })).status).toBe(200);

    // the owner revokes the edit link: the editor's dashboard says so
    const rotated = await fetch(`${stack.storeUrl}/v1/boards/${links.id}/links/edit/rotate`, { method: 'POST', headers: { authorization: `Bearer ${links.ownerToken}` } });
    expect(rotated.status).toBe(200);
    await editor.page.goto(stack.webUrl);
    await editor.page.waitForSelector(`${card(links.id)} [data-testid="dashboard-revoked"]`, { timeout: 20_000 });
    expect(await editor.page.textContent(`[data-testid="recent-boards"] li:has(${card(links.id)})`)).toMatch(/link revoked/);
    // an editor holds no owner link: no delete button
    expect(await editor.page.$(`${card(links.id)} [data-testid="dashboard-delete"]`)).toBeNull();

    await owner.page.mouse.move(0, 0);
    const shot = await owner.page.screenshot({ animations: 'disabled', caret: 'hide' });
    writeFileSync(path.join(artifacts, 'dashboard.png'), shot);
    if (process.env.MESHBOARD_UPDATE_SCREENSHOT === '1') {
      mkdirSync(path.join(webDir, 'docs/images'), { recursive: true });
      writeFileSync(path.join(webDir, 'docs/images/dashboard.png'), shot);
    }
  }, 300_000);

  it('delete (owner, after a confirmation) removes the board for every link holder', async () => {
    const owner = await peer();
    const editor = await peer();
    const viewer = await peer();
    const links = await createInUi(owner.page, 'Short-lived');
    await rect(owner.page, 400, 300, 200, 120, '#ffec99', 1);
    await storeHasShapes(links, 1);
    await openBoard(editor.page, `${stack.webUrl}/b/${links.id}#${links.editToken}`);
    await openBoard(viewer.page, `${stack.webUrl}/b/${links.id}#${links.viewToken}`);

    await owner.page.goto(stack.webUrl);
    await owner.page.waitForSelector(`${card(links.id)} [data-testid="dashboard-thumbnail"]`, { timeout: 20_000 });
    await owner.page.click(`${card(links.id)} [data-testid="dashboard-delete"]`);
    await owner.page.waitForSelector(`${card(links.id)} [data-testid="dashboard-delete-confirmation"]`);
    // cancelling keeps it
    await owner.page.click(`${card(links.id)} [data-testid="dashboard-delete-cancel"]`);
    expect((await fetch(`${stack.storeUrl}/v1/boards/${links.id}`, { headers: { authorization: `Bearer ${links.viewToken}` } })).status).toBe(200);
    await owner.page.click(`${card(links.id)} [data-testid="dashboard-delete"]`);
    await owner.page.click(`${card(links.id)} [data-testid="dashboard-delete-confirm"]`);
    await owner.page.waitForSelector(card(links.id), { state: 'detached', timeout: 20_000 });

    for (const token of [links.ownerToken, links.editToken, links.viewToken]) {
      expect((await fetch(`${stack.storeUrl}/v1/boards/${links.id}/state`, { headers: { authorization: `Bearer ${token}` } })).status).toBe(404);
    }
    // open tabs of the other link holders are cut off, and their dashboards say the board is gone
    await editor.page.waitForSelector('[data-testid="error-screen"]', { timeout: 45_000 });
    await viewer.page.waitForSelector('[data-testid="error-screen"]', { timeout: 45_000 });
    await editor.page.goto(stack.webUrl);
    await editor.page.waitForSelector(`${card(links.id)} [data-testid="dashboard-deleted"]`, { timeout: 20_000 });
  }, 240_000);
});

describe('admin view', () => {
  it('refuses a wrong token, lists every board with its size, and deletes one for everyone', async () => {
    const admin = await peer();
    const someone = await peer();
    const links = await createInUi(someone.page, 'Somebody else’s board');
    await rect(someone.page, 400, 300, 200, 120, '#eebefa', 1);
    await storeHasShapes(links, 1);

    await admin.page.goto(`${stack.webUrl}/admin`);
    await admin.page.fill('[data-testid="admin-token"]', 'not-the-admin-token');
    await admin.page.click('[data-testid="admin-unlock"]');
    await admin.page.waitForSelector('[data-testid="admin-error"]');
    expect(await admin.page.textContent('[data-testid="admin-error"]')).toMatch(/not right/);
    expect(await admin.page.$('[data-testid="admin-boards"]')).toBeNull();
    // a board's owner token is not an admin token either
    await admin.page.fill('[data-testid="admin-token"]', links.ownerToken);
    await admin.page.click('[data-testid="admin-unlock"]');
    await admin.page.waitForSelector('[data-testid="admin-error"]');
    expect(await admin.page.$('[data-testid="admin-boards"]')).toBeNull();

    await admin.page.fill('[data-testid="admin-token"]', ADMIN_TOKEN);
    await admin.page.click('[data-testid="admin-unlock"]');
    const row = `[data-testid="admin-board"][data-board-id="${links.id}"]`;
    await admin.page.waitForSelector(row, { timeout: 20_000 });
    expect(Number(await admin.page.getAttribute(`${row} [data-testid="admin-board-size"]`, 'data-bytes'))).toBeGreaterThan(0);
    expect(await admin.page.textContent(row)).toContain('Somebody else’s board');
    await admin.page.screenshot({ path: path.join(artifacts, 'admin.png') });

    await admin.page.click(`${row} [data-testid="admin-delete"]`);
    await admin.page.click(`${row} [data-testid="admin-delete-confirm"]`);
    await admin.page.waitForSelector(row, { state: 'detached', timeout: 20_000 });
    expect((await fetch(`${stack.storeUrl}/v1/boards/${links.id}`, { headers: { authorization: `Bearer ${links.ownerToken}` } })).status).toBe(404);
    await someone.page.waitForSelector('[data-testid="error-screen"]', { timeout: 45_000 });
  }, 240_000);
});
