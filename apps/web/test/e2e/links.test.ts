/**
 * Issue 13 item 1 in real headless Chromium, three separate browser contexts against the real built services:
 * owner, editor and viewer.
 * - the editor (who did not create the board) copies the view link from the share dialog; sees no owner link
 *   and no revoke buttons; a forged rotate request from its page is refused by the store;
 * - the viewer's share dialog shows no links at all;
 * - the owner revokes the VIEW link only: the viewer gets a "revoked" screen, the editor keeps editing and the
 *   owner sees the edit; the owner sets an expiry; deleting the board takes it away from every link holder;
 * - "Forget" on the home page asks first and offers the links as a file.
 */
import { readFileSync } from 'node:fs';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { drag, launch, newPeer, openSyncedBoard as openBoard, waitForShapeCount } from './browser';
import { startStack, webDir, type Stack } from './harness';

let stack: Stack;
let browser: Browser;
const contexts: BrowserContext[] = [];
const artifacts = path.join(webDir, 'test/e2e/artifacts');

async function peer(): Promise<{ context: BrowserContext; page: Page }> {
  const p = await newPeer(browser, stack.webUrl);
  contexts.push(p.context);
  return p;
}

async function drawRect(page: Page, x: number, y: number, expectedCount: number) {
  await page.click('[data-testid="tool-rectangle"]');
  await drag(page, [
    [x, y],
    [x + 120, y + 90],
  ]);
  await waitForShapeCount(page, expectedCount);
  await page.click('[data-testid="tool-select"]');
}

async function openShare(page: Page) {
  await page.click('[data-testid="share"]');
  await page.waitForSelector('[data-testid="share-dialog"]');
}

const save = async (page: Page, name: string) => writeFileSync(path.join(artifacts, `${name}.png`), await page.screenshot({ animations: 'disabled', caret: 'hide' }));

beforeAll(async () => {
  mkdirSync(artifacts, { recursive: true });
  // live connections' tokens re-checked every 2 s (default 30 s), so a revoked open tab is told quickly
  stack = await startStack({ signalingEnv: { SIGNALING_REVALIDATE_MS: '2000', SIGNALING_GENERATION_CACHE_MS: '0' } });
  browser = await launch();
}, 180_000);

afterAll(async () => {
  for (const context of contexts) await context.close().catch(() => undefined);
  await browser?.close();
  await stack?.stop();
});

describe('owner, editor and viewer links', () => {
  it('editor copies the view link but cannot revoke; owner revokes the view link only and editors keep working', async () => {
    const owner = await peer();
    const editor = await peer();
    const viewer = await peer();

    // the owner creates the board in the UI: its tab holds the owner link
    await owner.page.goto(stack.webUrl);
    await owner.page.fill('[data-testid="new-board-title"]', 'Three people');
    await owner.page.click('[data-testid="create-board"]');
    await owner.page.waitForURL(/\/b\/[A-Za-z0-9_-]{22}#mb1\./, { timeout: 20_000 });
    await owner.page.waitForSelector('[data-testid="connection-status"][data-store="synced"]', { timeout: 30_000 });
    const boardId = new URL(owner.page.url()).pathname.split('/')[2]!;
    await openShare(owner.page);
    await owner.page.waitForSelector('[data-testid="share-owner-link"]');
    expect(await owner.page.inputValue('[data-testid="share-owner-link"]')).toBe(owner.page.url());
    const editLink = await owner.page.inputValue('[data-testid="share-edit-link"]');
    const ownerViewLink = await owner.page.inputValue('[data-testid="share-view-link"]');
    await owner.page.keyboard.press('Escape');

    // the editor opens the edit link; its share dialog comes from the store: edit + view, nothing to manage
    await openBoard(editor.page, editLink);
    await drawRect(editor.page, 400, 300, 1);
    await openShare(editor.page);
    await editor.page.waitForSelector('[data-testid="share-view-link"]');
    expect(await editor.page.$('[data-testid="share-owner-link"]')).toBeNull();
    expect(await editor.page.$('[data-testid^="revoke-"]')).toBeNull();
    expect(await editor.page.$('[data-testid="rotate-links"]')).toBeNull();
    expect(await editor.page.$('[data-testid="delete-board"]')).toBeNull();
    await editor.page.waitForSelector('[data-testid="share-editor-note"]');
    await editor.page.click('[data-testid="share-view-link-copy"]');
    await expect.poll(() => editor.page.textContent('[data-testid="share-view-link-copy"]')).toBe('Copied');
    const copied = await editor.page.evaluate(() => navigator.clipboard.readText());
    expect(copied).toBe(ownerViewLink);
    await save(editor.page, 'links-editor-share');
    await editor.page.keyboard.press('Escape');

    // a forged request from the editor's page: the store refuses what the UI does not offer
    const forged = await editor.page.evaluate(
      async ({ storeUrl, id, token }) => {
        const rotate = await fetch(`${storeUrl}/v1/boards/${id}/links/view/rotate`, { method: 'POST', headers: { authorization: `Bearer ${token}` } });
        const remove = await fetch(`${storeUrl}/v1/boards/${id}`, { method: 'DELETE', headers: { authorization: `Bearer ${token}` } });
        return [rotate.status, remove.status];
      },
      { storeUrl: stack.storeUrl, id: boardId, token: editLink.split('#')[1]! },
    );
    expect(forged).toEqual([403, 403]);

    // the viewer opens the link the editor copied; its share dialog shows no links at all
    await openBoard(viewer.page, copied);
    await waitForShapeCount(viewer.page, 1, 20_000);
    await openShare(viewer.page);
    await viewer.page.waitForSelector('[data-testid="share-view-only"]');
    expect(await viewer.page.$$('[data-testid^="share-"][data-testid$="-link"]')).toHaveLength(0);
    await viewer.page.keyboard.press('Escape');

    // the owner revokes the view link only (with a confirmation)
    await openShare(owner.page);
    await owner.page.click('[data-testid="revoke-view"]');
    await owner.page.click('[data-testid="revoke-view-confirm"]');
    await owner.page.waitForSelector('[data-testid="share-done"]');
    const newViewLink = await owner.page.inputValue('[data-testid="share-view-link"]');
    expect(newViewLink).not.toBe(ownerViewLink);
    expect(await owner.page.inputValue('[data-testid="share-edit-link"]')).toBe(editLink);
    // and sets an expiry on the new view link
    await owner.page.selectOption('[data-testid="expiry-view"]', String(86_400_000));
    await owner.page.waitForSelector('[data-testid="share-view-expiry"]');
    // re-issued with its expiry as claim `x`: a new string for the same kind of link
    const expiringViewLink = await owner.page.inputValue('[data-testid="share-view-link"]');
    expect(JSON.parse(Buffer.from(expiringViewLink.split('#')[1]!.split('.')[1]!, 'base64url').toString()).x).toBeGreaterThan(Date.now() / 1000 + 3600);
    await save(owner.page, 'links-owner-share');
    await owner.page.keyboard.press('Escape');

    await viewer.page.waitForSelector('[data-testid="error-screen"]', { timeout: 45_000 });
    expect(await viewer.page.textContent('[data-testid="error-screen"]')).toContain('This link was revoked');
    // the editor keeps working, and the owner sees its edit
    await editor.page.waitForSelector('[data-testid="connection-status"][data-store="synced"]');
    expect(await editor.page.$('[data-testid="error-screen"]')).toBeNull();
    await drawRect(editor.page, 600, 300, 2);
    await waitForShapeCount(owner.page, 2, 20_000);
    // the new view link works
    const late = await peer();
    await openBoard(late.page, newViewLink);
    await waitForShapeCount(late.page, 2, 20_000);

    // "Forget" on the home page asks first and offers the links as a file
    await owner.page.goto(stack.webUrl);
    await owner.page.click('[data-testid="forget"]');
    await owner.page.waitForSelector('[data-testid="forget-confirmation"]');
    expect(await owner.page.textContent('[data-testid="forget-confirmation"]')).toContain('owner link');
    const [download] = await Promise.all([owner.page.waitForEvent('download'), owner.page.click('[data-testid="forget-export"]')]);
    const file = readFileSync(await download.path());
    expect(file.toString()).toContain(`Owner link (manage, keep private): ${stack.webUrl}/b/${boardId}#`);
    expect(file.toString()).toContain(expiringViewLink);
    await owner.page.click('[data-testid="forget-cancel"]');
    expect(await owner.page.$$('[data-testid="recent-boards"] li')).toHaveLength(1);

    // the owner deletes the board: gone for every link holder
    await owner.page.click('[data-testid="recent-boards"] a');
    await owner.page.waitForSelector('[data-testid="connection-status"][data-store="synced"]', { timeout: 30_000 });
    await openShare(owner.page);
    await owner.page.click('[data-testid="delete-board"]');
    await owner.page.click('[data-testid="delete-board-confirm"]');
    await owner.page.waitForURL(`${stack.webUrl}/`, { timeout: 20_000 });
    const gone = await fetch(`${stack.storeUrl}/v1/boards/${boardId}`, { headers: { authorization: `Bearer ${editLink.split('#')[1]}` } });
    expect(gone.status).toBe(404);
    await editor.page.waitForSelector('[data-testid="error-screen"]', { timeout: 45_000 });
  }, 240_000);
});

describe('link expiry', () => {
  it('an expiry the owner sets cuts an open view tab off with a clear "expired" screen; editors keep working', async () => {
    const created = (await (await fetch(`${stack.storeUrl}/v1/boards`, { method: 'POST' })).json()) as { id: string; ownerToken: string; editToken: string; viewToken: string };
    const viewer = await peer();
    const editor = await peer();
    await openBoard(viewer.page, `${stack.webUrl}/b/${created.id}#${created.viewToken}`);
    await openBoard(editor.page, `${stack.webUrl}/b/${created.id}#${created.editToken}`);
    const expiresAt = new Date(Date.now() + 3000).toISOString();
    const set = await fetch(`${stack.storeUrl}/v1/boards/${created.id}/links/view`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${created.ownerToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({ expiresAt }),
    });
    expect(set.status).toBe(200);
    await viewer.page.waitForSelector('[data-testid="error-screen"]', { timeout: 45_000 });
    expect(await viewer.page.textContent('[data-testid="error-screen"]')).toContain('This link expired');
    await save(viewer.page, 'links-expired');
    expect(await editor.page.$('[data-testid="error-screen"]')).toBeNull();
    await drawRect(editor.page, 400, 300, 1);
    await editor.page.waitForSelector('[data-testid="connection-status"][data-store="synced"][data-pending-bytes="0"]', { timeout: 30_000 });
  }, 120_000);
});

describe('named versions', () => {
  it('an editor saves this version with a name; it is listed for everyone (view links too) and named in the store', async () => {
    const created = (await (await fetch(`${stack.storeUrl}/v1/boards`, { method: 'POST' })).json()) as { id: string; editToken: string; viewToken: string };
    const editor = await peer();
    const viewer = await peer();
    await openBoard(editor.page, `${stack.webUrl}/b/${created.id}#${created.editToken}`);
    await drawRect(editor.page, 400, 300, 1);
    await editor.page.click('[data-testid="history-button"]');
    await editor.page.waitForSelector('[data-testid="history-dialog"]');
    await editor.page.fill('[data-testid="save-version-name"]', 'Workshop start');
    await editor.page.click('[data-testid="save-version"]');
    await editor.page.waitForSelector('[data-testid="history-entry"][data-named="true"]', { timeout: 20_000 });
    expect(await editor.page.textContent('[data-testid="history-entry-name"]')).toBe('Workshop start');
    await save(editor.page, 'history-named-version');
    const listed = (await (await fetch(`${stack.storeUrl}/v1/boards/${created.id}/history`, { headers: { authorization: `Bearer ${created.viewToken}` } })).json()) as { entries: Array<{ name?: string; shapeCount: number }> };
    expect(listed.entries.find((e) => e.name === 'Workshop start')).toMatchObject({ shapeCount: 1 });

    await openBoard(viewer.page, `${stack.webUrl}/b/${created.id}#${created.viewToken}`);
    await viewer.page.click('[data-testid="history-button"]');
    await viewer.page.waitForSelector('[data-testid="history-entry"][data-named="true"]', { timeout: 20_000 });
    expect(await viewer.page.$('[data-testid="save-version"]')).toBeNull();
  }, 120_000);
});
