// Big-board benchmark (not a test): 50,000 mixed shapes in headless Debian Chromium, the engine against a
// naive "draw everything every frame, no culling, no caching, no level of detail" renderer of the same shapes.
// Usage: npm run bench -w @meshboard/canvas [-- --shapes 50000 --frames 60 --naive-frames 10 --only optimized|naive --styled]
import { createServer } from 'node:http';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { chromium } from 'playwright-core';

const here = dirname(fileURLToPath(import.meta.url));
const args = process.argv.slice(2);
const arg = (name, fallback) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? Number(args[i + 1]) : fallback;
};
const SHAPES = arg('shapes', 50_000);
const FRAMES = arg('frames', 60);
const NAIVE_FRAMES = arg('naive-frames', 10);
const only = args.includes('--only') ? args[args.indexOf('--only') + 1] : null;
const MODES = only ? [only] : ['optimized', 'naive'];
const PROFILE = args.includes('--profile');
// --styled: labels and drawing styles on a share of the shapes (see styleShape in page.ts)
const STYLED = args.includes('--styled');
// --breakdown: per zoom level, the engine's JS time and the raster time of one frame (medians)
const BREAKDOWN = args.includes('--breakdown');
// --screenshots <dir>: PNGs of each mode at a few zoom levels, to judge what the level of detail looks like
const SHOTS = args.includes('--screenshots') ? args[args.indexOf('--screenshots') + 1] : null;
const VIEWPORT = { width: 1280, height: 800 };

/** --profile: the functions with the most self time while panning and zooming (CDP sampling profiler). */
function printProfile(profile, mode) {
  const self = new Map();
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const dt = new Map();
  profile.samples.forEach((id, i) => dt.set(id, (dt.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0)));
  for (const [id, t] of dt) {
    const { functionName, url, lineNumber } = byId.get(id).callFrame;
    const key = `${functionName || '(anonymous)'} ${url.split('/').pop()}:${lineNumber}`;
    self.set(key, (self.get(key) ?? 0) + t / 1000);
  }
  const total = [...self.values()].reduce((a, b) => a + b, 0);
  console.log(`\nprofile (${mode}), self time, total ${total.toFixed(0)} ms:`);
  for (const [key, t] of [...self].sort((a, b) => b[1] - a[1]).slice(0, 25)) console.log(`  ${t.toFixed(0).padStart(7)} ms  ${key}`);
}
const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--enable-precise-memory-info'];

const out = await mkdtemp(join(tmpdir(), 'meshboard-bench-'));
await build({
  entryPoints: [join(here, 'page.ts')],
  bundle: true,
  format: 'esm',
  platform: 'browser',
  target: 'es2022',
  minify: !PROFILE,
  keepNames: PROFILE,
  outfile: join(out, 'bench.js'),
  logLevel: 'warning',
});
const html = `<!doctype html><html><head><meta charset="utf-8"><title>meshboard bench</title>
<style>html,body{margin:0;height:100%;overflow:hidden}#board{width:100vw;height:100vh}</style></head>
<body><div id="board"></div><script type="module" src="/bench.js"></script></body></html>`;
const server = createServer(async (req, res) => {
  if (req.url === '/bench.js') {
    res.writeHead(200, { 'content-type': 'text/javascript' });
    res.end(await readFile(join(out, 'bench.js')));
  } else {
    res.writeHead(200, { 'content-type': 'text/html' });
    res.end(html);
  }
});
await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
const url = `http://127.0.0.1:${server.address().port}/`;

const percentile = (values, p) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
};
const fmt = (n) => (n >= 100 ? n.toFixed(0) : n.toFixed(1));

const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS });
const results = [];
try {
  for (const mode of MODES) {
    // A fresh page per mode, so heap numbers do not mix.
    const page = await browser.newPage({ viewport: VIEWPORT, deviceScaleFactor: 1 });
    page.on('pageerror', (error) => console.error('page error:', error));
    await page.goto(url);
    await page.waitForFunction(() => 'meshboardBench' in window);
    const cdp = await page.context().newCDPSession(page);
    await cdp.send('Performance.enable');
    const heap = async () => {
      await cdp.send('HeapProfiler.collectGarbage');
      const { metrics } = await cdp.send('Performance.getMetrics');
      return metrics.find((m) => m.name === 'JSHeapUsedSize').value / 1024 / 1024;
    };
    const generated = await page.evaluate(([n, styled]) => window.meshboardBench.generate(n, styled), [SHAPES, STYLED]);
    const baseHeap = await heap();
    const loaded = await page.evaluate(() => window.meshboardBench.loadBoard());
    const boardHeap = await heap();
    const engineOpened = await page.evaluate((m) => window.meshboardBench.openEngine(m), mode);
    const openHeap = await heap();
    const opened = { ...loaded, ...engineOpened, firstRenderMs: loaded.decodeMs + loaded.readMs + engineOpened.engineMs };
    // the web app's order (engine first, then the state arrives), on a fresh page so nothing is warm
    const arrivePage = await browser.newPage({ viewport: VIEWPORT, deviceScaleFactor: 1 });
    await arrivePage.goto(url);
    await arrivePage.waitForFunction(() => 'meshboardBench' in window);
    await arrivePage.evaluate(([n, styled]) => window.meshboardBench.generate(n, styled), [SHAPES, STYLED]);
    opened.arrive = await arrivePage.evaluate((m) => window.meshboardBench.arriveIntoOpenEngine(m), mode);
    await arrivePage.close();
    if (BREAKDOWN) {
      const zooms = args.includes('--zooms') ? args[args.indexOf('--zooms') + 1].split(',').map(Number) : [0.03, 0.05, 0.08, 0.12, 0.2, 0.3, 0.5, 1];
      if (PROFILE) {
        await cdp.send('Profiler.enable');
        await cdp.send('Profiler.setSamplingInterval', { interval: 100 });
        await cdp.send('Profiler.start');
      }
      const rows = await page.evaluate((z) => window.meshboardBench.breakdown(z), zooms);
      if (PROFILE) printProfile((await cdp.send('Profiler.stop')).profile, `${mode}, breakdown`);
      console.log(`\n${mode}: zoom | JS ms (of which query) | raster ms | drawn full / simplified`);
      for (const r of rows) console.log(`  ${r.zoom} | ${r.jsMs.toFixed(1)} (${r.queryMs.toFixed(1)}) | ${r.rasterMs.toFixed(1)} | ${r.drawn} / ${r.simplified}`);
    }
    if (SHOTS) {
      for (const zoom of ['fit', 0.06, 0.12, 0.3, 1]) {
        await page.evaluate((z) => window.meshboardBench.view(z), zoom);
        await page.screenshot({ path: join(SHOTS, `${mode}-zoom-${zoom}.png`) });
      }
    }
    const frames = mode === 'naive' ? NAIVE_FRAMES : FRAMES;
    if (PROFILE) {
      await cdp.send('Profiler.enable');
      await cdp.send('Profiler.setSamplingInterval', { interval: 200 });
      await cdp.send('Profiler.start');
    }
    const samples = await page.evaluate((n) => window.meshboardBench.panZoom(n), frames);
    if (PROFILE) printProfile((await cdp.send('Profiler.stop')).profile, mode);
    const afterHeap = await heap();
    const overviewBytes = await page.evaluate(() => window.meshboardBench.overviewBytes());
    const panCheck = mode === 'optimized' ? await page.evaluate(() => window.meshboardBench.checkPanMatchesRedraw()) : null;
    await page.evaluate(() => window.meshboardBench.close());
    await page.close();
    const all = samples.flatMap((s) => s.frames);
    results.push({ mode, generated, opened, samples, all, baseHeap, boardHeap, openHeap, afterHeap, panCheck, overviewBytes });
  }
} finally {
  await browser.close();
  server.close();
  await rm(out, { recursive: true, force: true });
}

console.log(`\nMeshboard canvas benchmark: ${SHAPES.toLocaleString('en')} mixed shapes${STYLED ? ' (labels and styles on a share)' : ''}, ${VIEWPORT.width}x${VIEWPORT.height} CSS px, DPR 1, headless Chromium (--disable-gpu, software raster)`);
console.log(`${new Date().toISOString()}, ${cpus().length} cores, load average at the end ${loadavg().map((n) => n.toFixed(1)).join(' / ')} (1 / 5 / 15 min)`);
console.log(`Board state ${(results[0].generated.bytes / 1024 / 1024).toFixed(1)} MB. Targets: first render <= 1500 ms, pan/zoom p95 <= 16 ms.\n`);
const rows = [
  ['', ...results.map((r) => (r.mode === 'naive' ? 'naive peer' : 'meshboard'))],
  ['board: Yjs decode (ms)', ...results.map((r) => fmt(r.opened.decodeMs))],
  ['board: read + validate shapes (ms)', ...results.map((r) => fmt(r.opened.readMs))],
  ['engine: index + first frame (ms)', ...results.map((r) => fmt(r.opened.engineMs))],
  ['time to first full render (ms)', ...results.map((r) => fmt(r.opened.firstRenderMs))],
  ['  shapes drawn full / simplified', ...results.map((r) => `${r.opened.drawn} / ${r.opened.simplified}`)],
  ['state arriving into an open engine, to first full frame (ms)', ...results.map((r) => fmt(r.opened.arrive.arriveMs))],
  ['pan/zoom frames measured', ...results.map((r) => String(r.all.length))],
  ['pan/zoom frame p50 (ms)', ...results.map((r) => fmt(percentile(r.all, 50)))],
  ['pan/zoom frame p95 (ms)', ...results.map((r) => fmt(percentile(r.all, 95)))],
  ['pan/zoom frame max (ms)', ...results.map((r) => fmt(Math.max(...r.all)))],
];
const pooled = (r, test) => r.samples.filter((s) => test(s.name)).flatMap((s) => s.frames);
const p50p95 = (frames) => `${fmt(percentile(frames, 50))} / ${fmt(percentile(frames, 95))}`;
rows.push(['  all pan frames p50 / p95', ...results.map((r) => p50p95(pooled(r, (name) => name.startsWith('pan'))))]);
rows.push(['  all zoom frames p50 / p95', ...results.map((r) => p50p95(pooled(r, (name) => !name.startsWith('pan'))))]);
for (const name of results[0].samples.map((s) => s.name)) {
  rows.push([`  ${name} p50 / p95`, ...results.map((r) => {
    const s = r.samples.find((x) => x.name === name);
    return `${fmt(percentile(s.frames, 50))} / ${fmt(percentile(s.frames, 95))}`;
  })]);
}
rows.push(['panned frame = full redraw (pixels differing)', ...results.map((r) => (r.panCheck === null ? '-' : `${(r.panCheck * 100).toFixed(3)}%`))]);
rows.push(['JS heap: page before board (MB)', ...results.map((r) => fmt(r.baseHeap))]);
rows.push(['JS heap: board loaded (MB)', ...results.map((r) => fmt(r.boardHeap))]);
rows.push(['JS heap: board + engine (MB)', ...results.map((r) => fmt(r.openHeap))]);
rows.push(['  engine alone (MB)', ...results.map((r) => fmt(r.openHeap - r.boardHeap))]);
rows.push(['JS heap after pan/zoom (MB)', ...results.map((r) => fmt(r.afterHeap))]);
rows.push(['overview images, canvas memory outside the heap (MB)', ...results.map((r) => fmt(r.overviewBytes / 1024 / 1024))]);
const widths = rows[0].map((_, c) => Math.max(...rows.map((row) => row[c].length)));
for (const [i, row] of rows.entries()) {
  console.log(row.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]) : cell.padStart(widths[c]))).join('  |  '));
  if (i === 0) console.log(widths.map((w) => '-'.repeat(w)).join('--+--'));
}
