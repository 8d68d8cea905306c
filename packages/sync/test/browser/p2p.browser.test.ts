// Issue 9 item 1 in real Chromium: two browser contexts connected peer-to-peer (asserted: mode p2p, not
// relay), the store stopped; one pastes 2,000 shapes and writes a 5 MB update: both arrive in the other
// within 3 s, and the 5 MB update also arrives whole over the data channel (Chromium refuses data-channel
// messages over 256 KiB: before framing, y-webrtc's swallowed send error lost them until the next store
// round). Changes of 1 MiB and more also travel through the relay (connectBoard BIG_UPDATE_RELAY_BYTES):
// Chromium's first multi-MB burst on a new channel took 0.7-5.5 s, which missed the 3 s here about half the
// time under load. Restart the store: both stored.
import { createServer, type Server } from 'node:http';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { cpus, loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { Board } from '@meshboard/board';
import { startPersistence, storeApi, type PersistenceProcess, type StoreApi } from '../support/persistence.js';
import { startSignaling, type SignalingProcess } from '../support/signaling.js';

const here = dirname(fileURLToPath(import.meta.url));
const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const SECRET = 'sync-browser-secret-'.padEnd(48, 'c');
const BIG = 5 * 1024 * 1024;

let dir: string;
let server: Server;
let browser: Browser;
let origin: string;
let persistence: PersistenceProcess;
let signaling: SignalingProcess;
let store: StoreApi;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'meshboard-sync-browser-'));
  await build({
    entryPoints: [join(here, 'page.ts')],
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    outfile: join(dir, 'page.js'),
    logLevel: 'warning',
  });
  const files: Record<string, [string, string]> = {
    '/': ['text/html', '<!doctype html><meta charset="utf-8"><title>sync</title><script type="module" src="/page.js"></script>'],
    '/page.js': ['text/javascript', await readFile(join(dir, 'page.js'), 'utf8')],
  };
  server = createServer((req, res) => {
    const file = files[req.url ?? '/'];
    if (!file) return void res.writeHead(404).end();
    res.writeHead(200, { 'content-type': file[0] }).end(file[1]);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  origin = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  persistence = await startPersistence(SECRET, { env: { MESHBOARD_ALLOWED_ORIGINS: origin } });
  store = storeApi(persistence.url);
  signaling = await startSignaling({ secret: SECRET, persistenceUrl: persistence.url, extra: { MESHBOARD_ALLOWED_ORIGINS: origin } });
  browser = await chromium.launch({
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--allow-loopback-in-peer-connection'],
  });
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await new Promise((r) => server?.close(r));
  await signaling?.stop();
  await persistence?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
}, 60_000);

type Api = {
  connect(o: Record<string, string>): Promise<boolean>;
  modes(): string[];
  paste(n: number): void;
  prepareBig(bytes: number): void;
  big(): number;
  arrivals(): { paste?: number; big?: number };
  seen(): { shapes: number; big: number };
  store(): string;
  framing(): { messagesSplit: number; chunksSent: number; messagesJoined: number; largestJoined: number; sendErrors: number };
};
const call = <K extends keyof Api>(page: Page, name: K, ...args: Parameters<Api[K]>) =>
  page.evaluate(([n, a]) => (window as unknown as Record<string, Record<string, (...x: unknown[]) => unknown>>).meshboardSync![n as string]!(...(a as unknown[])), [name, args] as const) as Promise<
    Awaited<ReturnType<Api[K]>>
  >;

async function peer(name: string, board: { id: string; editToken: string }): Promise<Page> {
  const context = await browser.newContext();
  // Without camera/microphone permission Chromium hides host candidates and loopback WebRTC never connects.
  await context.grantPermissions(['camera', 'microphone'], { origin });
  const page = await context.newPage();
  page.on('console', (m) => m.type() === 'warning' && console.log(`[${name}] ${m.text()}`));
  await page.goto(origin);
  await page.waitForFunction(() => 'meshboardSync' in window);
  await call(page, 'connect', { boardId: board.id, token: board.editToken, signalingUrl: signaling.url, storeUrl: persistence.url, name });
  return page;
}

describe('Chromium: big updates peer-to-peer with the store stopped', () => {
  it('2,000 shapes and a 5 MB update reach the other context within 3 s, the 5 MB also over the data channel; stored after the store restarts', async () => {
    const board = await store.createBoard();
    const a = await peer('a', board);
    const b = await peer('b', board);
    await expect.poll(async () => [await call(a, 'modes'), await call(b, 'modes')], { timeout: 30_000, interval: 100 }).toEqual([['p2p'], ['p2p']]);

    await persistence.stop();
    await call(a, 'prepareBig', BIG);
    const t0 = Date.now();
    await call(a, 'paste', 2000);
    const bigAt = await call(a, 'big');
    await expect.poll(() => call(b, 'seen'), { timeout: 15_000, interval: 25 }).toEqual({ shapes: 2000, big: BIG });
    // measured in the pages (same machine clock): from each write in A to its arrival in B
    const arrived = await call(b, 'arrivals');
    console.log(
      `Chromium P2P, store stopped: 2,000-shape paste arrived after ${arrived.paste! - t0} ms; ` +
        `5 MB update after ${arrived.big! - bigAt} ms from its write (${Date.now() - t0} ms for both, incl. polling)`,
    );
    // a miss names the machine's load: CI once measured 3.5 s where a quiet run takes 0.45 s
    const load = `load average ${loadavg().map((x) => x.toFixed(1)).join(' ')} on ${cpus().length} cores`;
    expect(arrived.paste! - t0, load).toBeLessThanOrEqual(3000);
    expect(arrived.big! - bigAt, load).toBeLessThanOrEqual(3000);
    expect(await call(a, 'modes')).toEqual(['p2p']);
    expect(await call(b, 'modes')).toEqual(['p2p']);
    // the data channel carries the whole 5 MB update too (it is what arrives while signaling is down)
    await expect.poll(async () => (await call(b, 'framing')).largestJoined, { timeout: 15_000, interval: 100 }).toBeGreaterThanOrEqual(BIG);
    const [fa, fb] = [await call(a, 'framing'), await call(b, 'framing')];
    expect(fa.messagesSplit).toBeGreaterThan(0);
    expect(fb.messagesJoined).toBeGreaterThan(0);
    expect(fa.sendErrors + fb.sendErrors).toBe(0);
    expect(await call(a, 'store')).toBe('offline');

    await persistence.restart();
    await expect
      .poll(
        async () => {
          const doc = new Y.Doc();
          Y.applyUpdate(doc, await store.state(board.id, board.editToken));
          return { shapes: new Board(doc, { userId: 'r' }).size, big: (doc.getMap('m').get('big') as string | undefined)?.length ?? 0 };
        },
        { timeout: 30_000, interval: 250 },
      )
      .toEqual({ shapes: 2000, big: BIG });
  });
});
