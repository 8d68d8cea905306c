/**
 * The real app opening a 50,000-shape board (issue 15 item 3): the built stack (`next start`, persistence with
 * PGlite, signaling; apps/web/test/e2e/harness.ts), the canvas benchmark's board (packages/canvas/bench/
 * shapes.ts) built with @meshboard/board and uploaded to the store, then a fresh headless Chromium context per
 * open, timed from navigation start until the canvas reports all 50,000 shapes (`data-shape-count`), read in
 * the page as performance.now() (ms since navigation start) right after the frame that showed them.
 * The first open after the upload is reported apart (the store compacts the board on that read).
 */
import { StoreClient } from '@meshboard/sync';
import { startStack } from '../../apps/web/test/e2e/harness.js';
import { launch, newPeer } from '../../apps/web/test/e2e/browser.js';
import { bigBoardUpdates, openUntilDrawn } from '../lib/big-board.js';
import { log, stats, type Stats } from '../lib/util.js';

export interface Phase {
  ms: number;
  domContentLoaded: number;
  stateStart: number;
  stateEnd: number;
}

export interface RealAppResult {
  shapes: number;
  stateBytes: number;
  firstOpenAfterUploadMs: number;
  editLink: Stats;
  viewLink: Stats;
  runs: { edit: number[]; view: number[] };
  /** per open, ms since navigation start: DOMContentLoaded, the state download's start and end, all shapes drawn */
  breakdown: Phase[];
}

export async function realAppScenario(o: { shapes: number; opens: number }): Promise<RealAppResult> {
  // built before anything talks to the store (lib/big-board.ts says why)
  const { updates, stateBytes } = bigBoardUpdates(o.shapes);
  const stack = await startStack();
  const browser = await launch();
  try {
    const created = (await fetch(`${stack.storeUrl}/v1/boards`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ title: `${o.shapes} shapes` }) }).then((r) => r.json())) as {
      id: string;
      editToken: string;
      viewToken: string;
    };
    // fetch's own error carries the reason (reset, refused, timeout) in `cause`; StoreClient keeps only the message
    const fetchWithCause: typeof fetch = (...args) =>
      fetch(...args).catch((error: unknown) => {
        const cause = (error as { cause?: { code?: string; message?: string } }).cause;
        throw new Error(`${(error as Error).message} (${cause?.code ?? ''} ${cause?.message ?? 'no cause'})`);
      });
    const store = new StoreClient(stack.storeUrl, { timeoutMs: 180_000, fetch: fetchWithCause });
    for (const update of updates) await store.appendUpdate(created.id, created.editToken, update);
    log(`real app: board of ${o.shapes} shapes uploaded (${(stateBytes / 1e6).toFixed(1)} MB state)`);
    const breakdown: Phase[] = [];
    const open = async (token: string) => {
      const { context, page } = await newPeer(browser, stack.webUrl);
      let stateRequests = 0;
      page.on('request', (r) => {
        if (r.method() === 'GET' && r.url().endsWith('/state')) stateRequests++;
      });
      try {
        const ms = await openUntilDrawn(page, `${stack.webUrl}/b/${created.id}#${token}`, o.shapes);
        // the page's prefetch and the connection share one download (apps/web/src/lib/state-prefetch.ts)
        if (stateRequests !== 1) log(`   ${stateRequests} state downloads in one open (expected 1)`);
        const phases = await page.evaluate(() => {
          const nav = performance.getEntriesByType('navigation')[0] as PerformanceNavigationTiming | undefined;
          const state = (performance.getEntriesByType('resource') as PerformanceResourceTiming[]).find((e) => e.name.endsWith('/state'));
          return { domContentLoaded: nav?.domContentLoadedEventEnd ?? NaN, stateStart: state?.startTime ?? NaN, stateEnd: state?.responseEnd ?? NaN };
        });
        breakdown.push({ ms: Math.round(ms), ...Object.fromEntries(Object.entries(phases).map(([k, v]) => [k, Math.round(v)])) } as Phase);
        return ms;
      } finally {
        await context.close();
      }
    };
    const firstOpenAfterUploadMs = await open(created.viewToken);
    log(`   first open after the upload: ${firstOpenAfterUploadMs.toFixed(0)} ms`);
    const runs = { edit: [] as number[], view: [] as number[] };
    for (let i = 0; i < o.opens; i++) {
      runs.edit.push(await open(created.editToken));
      runs.view.push(await open(created.viewToken));
    }
    log(`   edit link ${runs.edit.map((x) => x.toFixed(0)).join(', ')} ms; view link ${runs.view.map((x) => x.toFixed(0)).join(', ')} ms`);
    log(`   phases (ms from navigation: DOMContentLoaded / state download start-end / drawn): ${breakdown.map((b) => `${b.domContentLoaded}/${b.stateStart}-${b.stateEnd}/${b.ms}`).join(', ')}`);
    return { shapes: o.shapes, stateBytes, firstOpenAfterUploadMs: Math.round(firstOpenAfterUploadMs), editLink: stats(runs.edit), viewLink: stats(runs.view), runs, breakdown };
  } finally {
    await browser.close();
    await stack.stop();
  }
}
