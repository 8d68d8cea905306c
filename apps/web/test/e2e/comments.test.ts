/**
 * Issue 13 item 5 in real headless Chromium, separate browser contexts (owner, editor, viewer) against the real
 * built services:
 * - a thread pinned to a point round-trips: the owner opens it, the editor sees an unread marker, reads and
 *   replies, the owner sees the reply; resolve and reopen reach the others;
 * - a thread pinned to a shape follows the shape when it moves;
 * - the view link reads every thread but cannot write one: no UI for it, and a request forged from its page
 *   is refused by the store; once the owner allows it, it can comment;
 * Takes the README screenshot of comments (docs/images/comments.png with MESHBOARD_UPDATE_SCREENSHOT=1).
 */
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

const bodies = (page: Page, threadId: string) => page.$$eval(`[data-testid="comment-thread"][data-thread-id="${threadId}"] [data-testid="comment-body"]`, (els) => els.map((e) => e.textContent));

beforeAll(async () => {
  mkdirSync(artifacts, { recursive: true });
  stack = await startStack();
  browser = await launch();
}, 180_000);

afterAll(async () => {
  for (const context of contexts) await context.close().catch(() => undefined);
  await browser?.close();
  await stack?.stop();
});

describe('comments', () => {
  it('round-trip between owner, editor and viewer; a view link reads but cannot write until the owner allows it', async () => {
    const owner = await peer();
    const editor = await peer();
    const viewer = await peer();
    const links = (await (await fetch(`${stack.storeUrl}/v1/boards`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ title: 'Launch plan' }) })).json()) as {
      id: string;
      ownerToken: string;
      editToken: string;
      viewToken: string;
    };
    await openBoard(owner.page, `${stack.webUrl}/b/${links.id}#${links.ownerToken}`);
    await openBoard(editor.page, `${stack.webUrl}/b/${links.id}#${links.editToken}`);
    await openBoard(viewer.page, `${stack.webUrl}/b/${links.id}#${links.viewToken}`);

    // a shape to pin a comment on
    await owner.page.click('[data-testid="tool-rectangle"]');
    await owner.page.click('[aria-label="Fill #a5d8ff"]');
    await drag(owner.page, [
      [420, 300],
      [640, 440],
    ]);
    await waitForShapeCount(owner.page, 1);
    await waitForShapeCount(editor.page, 1, 20_000);

    // owner: a comment pinned to a point
    await owner.page.click('[data-testid="comments-button"]');
    // the open panel never covers the button that closes it: the button's centre is the topmost element there
    expect(
      await owner.page.$eval('[data-testid="comments-button"]', (button) => {
        const r = button.getBoundingClientRect();
        return button.contains(document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2));
      }),
    ).toBe(true);
    await owner.page.click('[data-testid="comment-add"]');
    await owner.page.mouse.click(760, 260);
    await owner.page.fill('[data-testid="comment-input"]', 'Should the launch date move to May?');
    await owner.page.click('[data-testid="comment-submit"]');
    await owner.page.waitForSelector('[data-testid="comment-thread"]');
    const pointThread = (await owner.page.getAttribute('[data-testid="comment-thread"]', 'data-thread-id'))!;
    // the pin sits where it was clicked
    const pin = (await owner.page.locator(`[data-testid="comment-pin"][data-thread-id="${pointThread}"]`).boundingBox())!;
    expect(Math.abs(pin.x - 760)).toBeLessThan(4);
    expect(Math.abs(pin.y + pin.height - 260)).toBeLessThan(4);

    // editor: an unread marker appears without reloading, then reads and replies
    await editor.page.waitForSelector(`[data-testid="comment-pin"][data-thread-id="${pointThread}"][data-unread="true"]`, { timeout: 20_000 });
    expect(await editor.page.textContent('[data-testid="comments-unread-count"]')).toBe('1');
    await editor.page.click(`[data-testid="comment-pin"][data-thread-id="${pointThread}"]`);
    await editor.page.waitForSelector(`[data-testid="comment-thread"][data-thread-id="${pointThread}"]`);
    expect(await bodies(editor.page, pointThread)).toEqual(['Should the launch date move to May?']);
    await editor.page.waitForSelector(`[data-testid="comment-pin"][data-thread-id="${pointThread}"][data-unread="false"]`);
    expect(await editor.page.$('[data-testid="comments-unread-count"]')).toBeNull();
    await editor.page.fill(`[data-testid="comment-thread"][data-thread-id="${pointThread}"] [data-testid="comment-reply-input"]`, 'Yes, the venue is booked for May 12.');
    await editor.page.click(`[data-testid="comment-thread"][data-thread-id="${pointThread}"] [data-testid="comment-reply"]`);

    // owner sees the reply
    await expect.poll(() => bodies(owner.page, pointThread), { timeout: 20_000 }).toEqual(['Should the launch date move to May?', 'Yes, the venue is booked for May 12.']);

    // editor: a comment pinned to the selected shape; it follows the shape when the owner moves it
    await editor.page.mouse.click(530, 370);
    await editor.page.click('[data-testid="comment-on-selection"]');
    await editor.page.fill('[data-testid="comment-input"]', 'Make this box the hero image');
    await editor.page.click('[data-testid="comment-submit"]');
    await expect.poll(async () => (await owner.page.$$('[data-testid="comment-pin"]')).length, { timeout: 20_000 }).toBe(2);
    const shapeThread = (await owner.page.$$eval('[data-testid="comment-pin"]', (pins) => pins.map((p) => p.getAttribute('data-thread-id')))).find((id) => id !== pointThread)!;
    const before = (await owner.page.locator(`[data-testid="comment-pin"][data-thread-id="${shapeThread}"]`).boundingBox())!;
    await owner.page.click('[data-testid="tool-select"]');
    await drag(owner.page, [
      [500, 330],
      [560, 400],
    ]);
    await expect
      .poll(async () => (await owner.page.locator(`[data-testid="comment-pin"][data-thread-id="${shapeThread}"]`).boundingBox())!.x - before.x, { timeout: 10_000 })
      .toBeGreaterThan(40);

    // viewer: reads both threads, is offered no way to write, and a forged write from its page is refused
    await viewer.page.click('[data-testid="comments-button"]');
    await viewer.page.waitForSelector('[data-testid="comments-read-only"]');
    await expect.poll(async () => (await viewer.page.$$('[data-testid="comment-thread"]')).length, { timeout: 20_000 }).toBe(2);
    expect(await bodies(viewer.page, pointThread)).toEqual(['Should the launch date move to May?', 'Yes, the venue is booked for May 12.']);
    expect(await viewer.page.$('[data-testid="comment-add"]')).toBeNull();
    expect(await viewer.page.$('[data-testid="comment-reply-input"]')).toBeNull();
    const forged = await viewer.page.evaluate(
      async ({ storeUrl, id, token, threadId }) => {
        const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
        const open = await fetch(`${storeUrl}/v1/boards/${id}/comments`, { method: 'POST', headers, body: JSON.stringify({ anchor: { x: 0, y: 0 }, body: 'sneaky', author: { id: 'v', name: 'V' } }) });
        const reply = await fetch(`${storeUrl}/v1/boards/${id}/comments/${threadId}/replies`, { method: 'POST', headers, body: JSON.stringify({ body: 'sneaky', author: { id: 'v', name: 'V' } }) });
        const resolve = await fetch(`${storeUrl}/v1/boards/${id}/comments/${threadId}`, { method: 'PATCH', headers, body: JSON.stringify({ resolved: true }) });
        const allow = await fetch(`${storeUrl}/v1/boards/${id}/comment-settings`, { method: 'PUT', headers, body: JSON.stringify({ viewersMayComment: true }) });
        return [open.status, reply.status, resolve.status, allow.status, (await open.json()).error.code];
      },
      { storeUrl: stack.storeUrl, id: links.id, token: links.viewToken, threadId: pointThread },
    );
    expect(forged).toEqual([403, 403, 403, 403, 'forbidden']);
    expect(await bodies(owner.page, pointThread)).toHaveLength(2);
    // the editor cannot change the setting either
    expect(await editor.page.$('[data-testid="comments-viewers-may-comment"]')).toBeNull();

    // editor resolves the point thread: it leaves the others' open list; the owner reopens it
    await editor.page.click(`[data-testid="comment-thread"][data-thread-id="${pointThread}"] [data-testid="comment-resolve"]`);
    await owner.page.waitForSelector(`[data-testid="comment-thread"][data-thread-id="${pointThread}"]`, { state: 'detached', timeout: 20_000 });
    await owner.page.check('[data-testid="comments-show-resolved"]');
    await owner.page.click(`[data-testid="comment-thread"][data-thread-id="${pointThread}"] [data-testid="comment-reopen"]`);
    await editor.page.waitForSelector(`[data-testid="comment-thread"][data-thread-id="${pointThread}"][data-resolved="false"]`, { timeout: 20_000 });

    // the owner allows view links to comment: the viewer can now reply
    await owner.page.check('[data-testid="comments-viewers-may-comment"]');
    await viewer.page.waitForSelector('[data-testid="comment-add"]', { timeout: 20_000 });
    await viewer.page.fill(`[data-testid="comment-thread"][data-thread-id="${pointThread}"] [data-testid="comment-reply-input"]`, 'Viewer here: May works for the press too.');
    await viewer.page.click(`[data-testid="comment-thread"][data-thread-id="${pointThread}"] [data-testid="comment-reply"]`);
    await expect.poll(() => bodies(owner.page, pointThread), { timeout: 20_000 }).toHaveLength(3);
    // and it still cannot draw
    await viewer.page.waitForSelector('[data-testid="view-only-badge"]');

    await owner.page.mouse.move(0, 0);
    const shot = await owner.page.screenshot({ animations: 'disabled', caret: 'hide' });
    writeFileSync(path.join(artifacts, 'comments.png'), shot);
    if (process.env.MESHBOARD_UPDATE_SCREENSHOT === '1') {
      mkdirSync(path.join(webDir, 'docs/images'), { recursive: true });
      writeFileSync(path.join(webDir, 'docs/images/comments.png'), shot);
    }
  }, 300_000);
});
