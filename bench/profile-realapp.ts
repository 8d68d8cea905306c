/**
 * Where the real app's time goes when it opens the 50,000-shape board (issue 15 item 3): the realapp
 * scenario's stack and board, then opens under Chromium's CPU profiler (CDP Profiler), printing the self time
 * of the hottest functions and of each script. A diagnosis tool, not part of `npm run bench`.
 *
 *   npx tsx profile-realapp.ts [--opens=3] [--shapes=50000] [--top=40]
 */
import { StoreClient } from '@meshboard/sync';
import { startStack } from '../apps/web/test/e2e/harness.js';
import { launch, newPeer } from '../apps/web/test/e2e/browser.js';
import { bigBoardUpdates, openUntilDrawn } from './lib/big-board.js';

const arg = (name: string, fallback: number) => Number(process.argv.find((a) => a.startsWith(`--${name}=`))?.split('=')[1] ?? fallback);
const opens = arg('opens', 3);
const count = arg('shapes', 50_000);
const top = arg('top', 40);
const trace = process.argv.includes('--trace');

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface TraceEvent {
  name: string;
  ph: string;
  ts: number;
  dur?: number;
  pid: number;
  tid: number;
  args?: { data?: { url?: string; functionName?: string; type?: string; frame?: string } };
}

/** tasks of 20 ms and more on the renderer's main thread, ms from navigation start, with their biggest parts */
function printTimeline(events: TraceEvent[]): void {
  const nav = events.find((e) => e.name === 'navigationStart' || e.name === 'NavigationStart' || e.name === 'TracingStartedInBrowser');
  const main = events.find((e) => e.name === 'thread_name' && (e as unknown as { args: { name: string } }).args.name === 'CrRendererMain' && events.some((x) => x.pid === e.pid && x.name === 'EvaluateScript'));
  if (!main) return void console.log('no renderer main thread in the trace');
  const t0 = events.filter((e) => e.pid === main.pid && e.name === 'navigationStart')[0]?.ts ?? nav?.ts ?? 0;
  const onMain = events.filter((e) => e.pid === main.pid && e.tid === main.tid && e.ph === 'X' && e.dur !== undefined);
  const tasks = onMain.filter((e) => e.name === 'RunTask' && e.dur! >= 20_000).sort((a, b) => a.ts - b.ts);
  for (const task of tasks) {
    const inside = onMain.filter((e) => e !== task && e.ts >= task.ts && e.ts + e.dur! <= task.ts + task.dur! && e.name !== 'RunTask');
    const parts = new Map<string, number>();
    for (const e of inside) {
      if (!['EvaluateScript', 'FunctionCall', 'v8.compile', 'v8.compileModule', 'TimerFire', 'FireAnimationFrame', 'EventDispatch', 'ParseHTML', 'Layout', 'Paint', 'MajorGC', 'MinorGC', 'V8.GC_MC_BACKGROUND', 'XHRLoad', 'ResourceReceivedData', 'v8.parseOnBackground', 'RunMicrotasks'].includes(e.name)) continue;
      const what = e.args?.data?.url ? `${e.name} ${e.args.data.url.replace(/^.*\//, '')}` : e.args?.data?.functionName ? `${e.name} ${e.args.data.functionName}` : e.args?.data?.type ? `${e.name} ${e.args.data.type}` : e.name;
      parts.set(what, (parts.get(what) ?? 0) + e.dur!);
    }
    const top = [...parts].sort((a, b) => b[1] - a[1]).slice(0, 4).map(([k, v]) => `${k} ${(v / 1000).toFixed(0)}`).join('; ');
    console.log(`  ${((task.ts - t0) / 1000).toFixed(0).padStart(6)} +${(task.dur! / 1000).toFixed(0).padStart(5)} ms  ${top}`);
  }
}

/** a script by its path under /_next/static/ (or '(native)' for V8's own entries) */
const scriptOf = (url: string) => url.replace(/^.*\/_next\/static\//, '').replace(/^https?:\/\/[^/]+/, '') || '(native)';
const nameOf = (n: ProfileNode) => `${n.callFrame.functionName || '(anonymous)'}  ${scriptOf(n.callFrame.url)}:${n.callFrame.lineNumber}`;

interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

const { updates } = bigBoardUpdates(count, 'profile');
const stack = await startStack();
const browser = await launch();
try {
  const created = (await fetch(`${stack.storeUrl}/v1/boards`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' }).then((r) => r.json())) as { id: string; editToken: string };
  const store = new StoreClient(stack.storeUrl, { timeoutMs: 180_000 });
  for (const update of updates) await store.appendUpdate(created.id, created.editToken, update);
  // the store's side alone: the same download from Node (the first read after the upload compacts)
  for (let i = 0; i < 4; i++) {
    const t0 = performance.now();
    const response = await fetch(`${stack.storeUrl}/v1/boards/${created.id}/state`, { headers: { authorization: `Bearer ${created.editToken}` } });
    const bytes = (await response.arrayBuffer()).byteLength;
    console.log(`store GET /state from Node: ${(performance.now() - t0).toFixed(0)} ms, ${(bytes / 1e6).toFixed(1)} MB`);
  }
  const byFunction = new Map<string, number>();
  const byScript = new Map<string, number>();
  /** inclusive time by function (each function counted once per sample, however deep it recurses) */
  const inclusive = new Map<string, number>();
  let total = 0;
  for (let i = 0; i <= opens; i++) {
    const { context, page } = await newPeer(browser, stack.webUrl);
    const link = `${stack.webUrl}/b/${created.id}#${created.editToken}`;
    if (trace) {
      // the main thread's long tasks in order, with what ran in them (a timeline, not self times)
      await browser.startTracing(page, { categories: ['devtools.timeline', 'v8.execute', 'disabled-by-default-devtools.timeline'] });
      const ms = await openUntilDrawn(page, link, count);
      const events = (JSON.parse((await browser.stopTracing()).toString()) as { traceEvents: TraceEvent[] }).traceEvents;
      await context.close();
      console.log(`open ${i}: ${ms.toFixed(0)} ms (traced)`);
      printTimeline(events);
      continue;
    }
    const cdp = await context.newCDPSession(page);
    await cdp.send('Profiler.enable');
    await cdp.send('Profiler.setSamplingInterval', { interval: 200 });
    await cdp.send('Profiler.start');
    const ms = await openUntilDrawn(page, link, count);
    const { profile } = (await cdp.send('Profiler.stop')) as unknown as { profile: Profile };
    await context.close();
    console.log(`open ${i}: ${ms.toFixed(0)} ms${i === 0 ? ' (first after upload: not counted)' : ''}`);
    if (i === 0) continue;
    const nodes = new Map(profile.nodes.map((n) => [n.id, n]));
    const parent = new Map<number, number>();
    for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
    profile.samples.forEach((id, k) => {
      const us = profile.timeDeltas[k] ?? 0;
      const node = nodes.get(id)!;
      const script = scriptOf(node.callFrame.url);
      byFunction.set(nameOf(node), (byFunction.get(nameOf(node)) ?? 0) + us);
      byScript.set(script, (byScript.get(script) ?? 0) + us);
      total += us;
      // every function on the stack once, however deep it recurses
      const seen = new Set<string>();
      for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) seen.add(nameOf(nodes.get(at)!));
      for (const key of seen) inclusive.set(key, (inclusive.get(key) ?? 0) + us);
    });
  }
  const print = (title: string, map: Map<string, number>, n: number) => {
    console.log(`\n${title} (ms per open, of ${(total / 1000 / opens).toFixed(0)} ms profiled)`);
    for (const [key, us] of [...map].sort((a, b) => b[1] - a[1]).slice(0, n)) console.log(`${(us / 1000 / opens).toFixed(1).padStart(8)}  ${key}`);
  };
  print('self time by function', byFunction, top);
  print('self time by script', byScript, 15);
  print('inclusive time by function', inclusive, top);
} finally {
  await browser.close();
  await stack.stop();
}
