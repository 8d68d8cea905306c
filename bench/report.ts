/** The results file as a Markdown table and an SVG chart a person can look at. */
import { writeFileSync } from 'node:fs';
import type { LatencyRow } from './scenarios/latency.js';
import type { CursorRow } from './scenarios/cursors.js';
import type { JoinRow } from './scenarios/join.js';
import type { FanoutRow } from './scenarios/fanout.js';
import type { IdleRow } from './scenarios/idle.js';
import type { PersistenceResult } from './scenarios/persistence.js';
import type { RealAppResult } from './scenarios/realapp.js';
import { persistenceMarkdown } from './report-persistence.js';
import { ratio } from './lib/util.js';

export interface Results {
  date: string;
  mode: 'quick' | 'full';
  machine: { cpus: number; cpuModel: string; memoryGiB: number; node: string; loadavgAtStart: number[]; loadavgAtEnd?: number[]; loadavgBefore?: Record<string, number[]> };
  versions: Record<string, string>;
  latency: LatencyRow[];
  cursors: CursorRow[];
  join: JoinRow[];
  fanout: FanoutRow[];
  idle: IdleRow[];
  persistence?: PersistenceResult;
  realApp?: RealAppResult;
  seconds?: number;
  /** scenarios that threw; the run went on without their rows */
  failures?: Array<{ scenario: string; error: string }>;
}

export function markdown(r: Results): string {
  const out: string[] = [];
  out.push(`### ${r.mode} run, ${r.date}`);
  out.push('');
  out.push(
    `Machine: ${r.machine.cpus} cores (${r.machine.cpuModel}), ${r.machine.memoryGiB} GiB, Node ${r.machine.node}; load average ${r.machine.loadavgAtStart.join(' / ')} at start, ${r.machine.loadavgAtEnd?.join(' / ') ?? '?'} at end; ${r.seconds ?? '?'} s.` +
      (r.machine.loadavgBefore ? ` Load as each scenario started: ${Object.entries(r.machine.loadavgBefore).map(([s, l]) => `${s} ${l[0]}`).join(', ')}.` : ''),
  );
  out.push(`Versions: ${Object.entries(r.versions).map(([k, v]) => `${k} ${v}`).join(', ')}.`);
  out.push('');
  if (r.latency.length) {
    out.push('**Edit latency**, one-way to every other editor (ratio: Meshboard / peer, below 1 = Meshboard faster)');
    out.push('');
    out.push('| N | row | p50 ms | p99 ms | peer p50 ms | peer p99 ms | p99 ratio | lost (Meshboard / peer) | server CPU-s (Meshboard / peer) |');
    out.push('|---|---|---|---|---|---|---|---|---|');
    const sizes = [...new Set(r.latency.map((x) => x.n))];
    for (const n of sizes) {
      const at = (s: string) => r.latency.find((x) => x.n === n && x.system === s);
      for (const mine of ['Meshboard', 'Meshboard relay-only']) {
        const m = at(mine);
        if (!m) continue;
        for (const peer of ['y-websocket', 'Hocuspocus']) {
          const p = at(peer);
          if (!p) continue;
          out.push(
            `| ${n} | ${mine}${mine === 'Meshboard' && m.maxDirectConnections !== undefined ? ` (≤${m.maxDirectConnections} direct)` : ''} vs ${peer} | ${m.latency.p50} | ${m.latency.p99} | ${p.latency.p50} | ${p.latency.p99} | ${ratio(m.latency.p99, p.latency.p99)}${m.latency.p99 > p.latency.p99 ? ' (Meshboard loses)' : ''} | ${m.lost} / ${p.lost} of ${m.expected} | ${m.serverCpuSeconds} / ${p.serverCpuSeconds} |`,
          );
        }
      }
    }
    out.push('');
    const caps = r.latency.filter((x) => x.system.startsWith('Meshboard cap'));
    if (caps.length) {
      out.push('');
      out.push('**Cap sweep** (maxDirectPeers): Meshboard alone, same N, one row per cap');
      out.push('');
      out.push('| N | cap | max held | p50 ms | p99 ms | lost | server CPU-s | client CPU-s |');
      out.push('|---|---|---|---|---|---|---|---|');
      for (const x of caps) out.push(`| ${x.n} | ${x.system.slice('Meshboard cap '.length)} | ${x.maxDirectConnections ?? '-'} | ${x.latency.p50} | ${x.latency.p99} | ${x.lost}/${x.expected} | ${x.serverCpuSeconds} | ${x.clientCpuSeconds} |`);
      out.push('');
    }
    out.push('Meshboard\'s server CPU is its signaling + persistence processes (every edit is also stored durably); the peers store nothing.');
    out.push('');
  }
  if (r.cursors.length) out.push(...cursorTables(r.cursors));
  if (r.join.length) out.push(...joinTables(r.join));
  if (r.fanout.length) {
    const m = r.fanout.find((x) => x.system.startsWith('Meshboard'));
    const y = r.fanout.find((x) => x.system.startsWith('y-webrtc'));
    out.push('**Signaling fan-out**, 50 rooms x 10 subscribers: highest stepped publish rate with p99 delivery ≤ 50 ms and ≥ 99.9 % delivered');
    out.push('');
    out.push('| row | Meshboard /y-webrtc | y-webrtc server | ratio |');
    out.push('|---|---|---|---|');
    if (m && y) out.push(`| publishes/s sustained | ${m.sustainedPublishesPerSecond} | ${y.sustainedPublishesPerSecond} | ${ratio(m.sustainedPublishesPerSecond, y.sustainedPublishesPerSecond)}${m.sustainedPublishesPerSecond < y.sustainedPublishesPerSecond ? ' (Meshboard loses)' : ''} |`);
    out.push('');
    out.push('| system | rate/s | p50 ms | p99 ms | delivered | server CPU-s per s |');
    out.push('|---|---|---|---|---|---|');
    for (const row of r.fanout) for (const s of row.steps) out.push(`| ${s.system} | ${s.rate} | ${s.latency.p50} | ${s.latency.p99} | ${s.deliveries}/${s.expected} | ${s.serverCpuPerSecond} |`);
    out.push('');
  }
  if (r.idle.length) {
    out.push('**Idle cost**: server RSS per idle connection after a full GC (KB; marginal = from N/2 to N)');
    out.push('');
    out.push('| connections | system | KB / connection | marginal KB | JS heap KB |');
    out.push('|---|---|---|---|---|');
    for (const x of r.idle) out.push(`| ${x.connections} | ${x.system} | ${x.rssKBPerConnection} | ${x.marginalKB} | ${x.heapKBPerConnection} |`);
    out.push('');
  }
  if (r.persistence) out.push(...persistenceMarkdown(r.persistence));
  if (r.realApp) {
    const a = r.realApp;
    out.push(`**Real app opens a ${a.shapes.toLocaleString('en')}-shape board** (${(a.stateBytes / 1e6).toFixed(1)} MB state; \`next start\` stack, fresh headless Chromium context per open, navigation until every shape is on the canvas; target ≤ 1,500 ms)`);
    out.push('');
    out.push('| link | p50 ms | max ms | runs |');
    out.push('|---|---|---|---|');
    out.push(`| edit | ${a.editLink.p50} | ${a.editLink.max} | ${a.runs.edit.map((x) => x.toFixed(0)).join(', ')} |`);
    out.push(`| view | ${a.viewLink.p50} | ${a.viewLink.max} | ${a.runs.view.map((x) => x.toFixed(0)).join(', ')} |`);
    out.push(`| first open after the upload (store compacts) | ${a.firstOpenAfterUploadMs} | | |`);
    out.push('');
    if (a.breakdown?.length) {
      out.push(`Where the time goes (ms from navigation, per open: DOMContentLoaded / state download start-end / all shapes drawn): ${a.breakdown.map((b) => `${b.domContentLoaded} / ${b.stateStart}-${b.stateEnd} / ${b.ms}`).join('; ')}`);
      out.push('');
    }
  }
  return out.join('\n');
}

const PEERS = ['y-websocket', 'Hocuspocus'];
/** "a / b | ratio", the ratio marked when Meshboard is worse (`lowerIsBetter`: times, CPU) */
function versus(m: number, p: number, lowerIsBetter: boolean): string {
  const loses = lowerIsBetter ? m > p : m < p;
  return `${m} / ${p} | ${ratio(m, p)}${loses ? ' (Meshboard loses)' : ''}`;
}
const pct = (x: number) => `${(x * 100).toFixed(1)} %`;

function cursorTables(rows: CursorRow[]): string[] {
  const out: string[] = [];
  const m = rows.find((x) => x.system === 'Meshboard');
  const first = rows[0]!;
  out.push(
    `**Cursor storm**, ${first.boards} boards x ${first.people} people moving cursors at ${first.hz} Hz, ${first.seconds} s counted (awareness; Meshboard through connectBoard.setCursor and its Socket.IO relay, which sends at most 20 positions/s per person by design). Ratio: Meshboard / peer.`,
  );
  out.push('');
  if (m) {
    out.push('| Meshboard vs peer | received/s per receiver | ratio | p99 delay ms | ratio | server CPU-s | ratio |');
    out.push('|---|---|---|---|---|---|---|');
    for (const peer of PEERS) {
      const p = rows.find((x) => x.system === peer);
      if (p) out.push(`| vs ${peer} | ${versus(m.receivedPerSecond, p.receivedPerSecond, false)} | ${versus(m.delay.p99, p.delay.p99, true)} | ${versus(m.serverCpuSeconds, p.serverCpuSeconds, true)} |`);
    }
    out.push('');
  }
  out.push('| system | sent/s per person | emitted/s per person | received/s per receiver | delivered of emitted | delivered of sent | p50 ms | p99 ms | max ms | of which held in the sender p50 / p99 ms | server CPU-s | client CPU-s | over s | everyone present / awareness seen before the storm |');
  out.push('|---|---|---|---|---|---|---|---|---|---|---|---|---|---|');
  for (const x of rows) {
    out.push(
      `| ${x.system} | ${x.sentPerSecond} | ${x.emittedPerSecond} | ${x.receivedPerSecond} | ${pct(x.deliveredOfEmitted)} | ${pct(x.deliveredOfSent)} | ${x.delay.p50} | ${x.delay.p99} | ${x.delay.max} | ${x.heldInClient.p50} / ${x.heldInClient.p99} | ${x.serverCpuSeconds} | ${x.clientCpuSeconds} | ${x.spanSeconds} | ${x.ready ? 'yes' : 'no'} / ${x.awarenessBeforeStorm ? 'yes' : 'no'} |`,
    );
  }
  out.push('');
  if (m?.serverRateDropped !== undefined) out.push(`Meshboard's signaling service dropped ${m.serverRateDropped} cursor frames over its per-connection awareness rate (its rejected-total metric); the rest of what was emitted and not received was lost on the way (cursor frames are volatile Socket.IO packets by design, dropped while a connection is busy) or arrived after the 1.5 s drain.`, '');
  out.push('Sent: pointer moves handed to the client; emitted: positions that left it (changes of its own awareness state); received: other people\'s positions that arrived, per receiver. Server CPU: every server process of the system (Meshboard: signaling + persistence).');
  out.push('');
  return out;
}

function joinTables(rows: JoinRow[]): string[] {
  const out: string[] = [];
  const first = rows[0]!;
  out.push(
    `**Join a ${first.shapes.toLocaleString('en')}-shape board** (${(first.stateBytes / 1e6).toFixed(1)} MB state): ms from opening a client until its document holds every shape, ${first.runs.length} joins per row. Ratio: Meshboard / peer.`,
  );
  out.push('');
  out.push('| peers online | Meshboard vs peer | median ms | ratio | max ms | ratio |');
  out.push('|---|---|---|---|---|---|');
  for (const online of [...new Set(rows.map((x) => x.peersOnline))]) {
    const m = rows.find((x) => x.system === 'Meshboard' && x.peersOnline === online);
    if (!m) continue;
    for (const peer of PEERS) {
      const p = rows.find((x) => x.system === peer && x.peersOnline === online);
      if (p) out.push(`| ${online || '0 (alone)'} | vs ${peer} | ${versus(m.ms.p50, p.ms.p50, true)} | ${versus(m.ms.max, p.ms.max, true)} |`);
    }
  }
  out.push('');
  out.push('| system | peers online | median ms | max ms | runs ms |');
  out.push('|---|---|---|---|---|');
  for (const x of rows) out.push(`| ${x.system} | ${x.peersOnline} | ${x.ms.p50} | ${x.ms.max} | ${x.runs.map((v) => v.toFixed(0)).join(', ')} |`);
  out.push('');
  return out;
}

const COLORS: Record<string, string> = { Meshboard: '#2563eb', 'Meshboard relay-only': '#60a5fa', 'y-websocket': '#f59e0b', Hocuspocus: '#10b981' };
const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;');

/** grouped bars: p99 latency per N and system (left), sustained fan-out (right) */
export function svg(r: Results): string {
  const W = 900;
  const H = 380;
  const parts: string[] = [];
  parts.push(`<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="sans-serif" font-size="12">`);
  parts.push(`<rect width="${W}" height="${H}" fill="#fff"/>`);
  parts.push(`<text x="16" y="22" font-size="15" font-weight="bold">Meshboard bench (${r.mode}, ${esc(r.date.slice(0, 16))}Z, load ${r.machine.loadavgAtStart[0]})</text>`);
  // latency panel
  const lx = 60;
  const ly = 50;
  const lw = 520;
  const lh = 270;
  const systems = ['Meshboard', 'Meshboard relay-only', 'y-websocket', 'Hocuspocus'].filter((s) => r.latency.some((x) => x.system === s));
  const sizes = [...new Set(r.latency.map((x) => x.n))];
  const maxP99 = Math.max(1, ...r.latency.map((x) => x.latency.p99).filter(Number.isFinite));
  const top = niceCeil(maxP99);
  parts.push(`<text x="${lx}" y="${ly - 8}" font-weight="bold">Edit latency p99, one-way (ms) by number of editors</text>`);
  for (let i = 0; i <= 4; i++) {
    const y = ly + lh - (lh * i) / 4;
    parts.push(`<line x1="${lx}" x2="${lx + lw}" y1="${y}" y2="${y}" stroke="#e5e7eb"/><text x="${lx - 6}" y="${y + 4}" text-anchor="end">${((top * i) / 4).toFixed(0)}</text>`);
  }
  const groupW = lw / Math.max(1, sizes.length);
  const barW = Math.min(28, (groupW - 16) / Math.max(1, systems.length));
  sizes.forEach((n, gi) => {
    const gx = lx + gi * groupW + (groupW - barW * systems.length) / 2;
    systems.forEach((s, si) => {
      const row = r.latency.find((x) => x.n === n && x.system === s);
      if (!row || !Number.isFinite(row.latency.p99)) return;
      const h = (lh * row.latency.p99) / top;
      parts.push(`<rect x="${gx + si * barW}" y="${ly + lh - h}" width="${barW - 2}" height="${h}" fill="${COLORS[s]}"><title>${esc(s)} N=${n}: p50 ${row.latency.p50} ms, p99 ${row.latency.p99} ms, lost ${row.lost}</title></rect>`);
      parts.push(`<text x="${gx + si * barW + barW / 2 - 1}" y="${ly + lh - h - 3}" text-anchor="middle" font-size="9">${row.latency.p99.toFixed(0)}</text>`);
    });
    parts.push(`<text x="${lx + gi * groupW + groupW / 2}" y="${ly + lh + 16}" text-anchor="middle">N = ${n}</text>`);
  });
  systems.forEach((s, i) => parts.push(`<rect x="${lx + i * 170}" y="${ly + lh + 30}" width="12" height="12" fill="${COLORS[s]}"/><text x="${lx + i * 170 + 16}" y="${ly + lh + 40}">${esc(s)}</text>`));
  // fan-out panel
  const fx = 650;
  const fw = 220;
  parts.push(`<text x="${fx}" y="${ly - 8}" font-weight="bold">Signaling fan-out (publishes/s,</text><text x="${fx}" y="${ly + 6}" font-weight="bold">p99 ≤ 50 ms, 50 rooms x 10)</text>`);
  const maxF = niceCeil(Math.max(1, ...r.fanout.map((f) => f.sustainedPublishesPerSecond)));
  r.fanout.forEach((f, i) => {
    const h = ((lh - 30) * f.sustainedPublishesPerSecond) / maxF;
    const x = fx + 30 + i * 90;
    parts.push(`<rect x="${x}" y="${ly + lh - h}" width="60" height="${h}" fill="${i === 0 ? COLORS.Meshboard : '#9ca3af'}"/>`);
    parts.push(`<text x="${x + 30}" y="${ly + lh - h - 4}" text-anchor="middle">${f.sustainedPublishesPerSecond}</text>`);
    parts.push(`<text x="${x + 30}" y="${ly + lh + 16}" text-anchor="middle" font-size="10">${esc(f.system)}</text>`);
  });
  void fw;
  parts.push('</svg>');
  return parts.join('\n');
}

function niceCeil(x: number): number {
  const p = 10 ** Math.floor(Math.log10(x));
  for (const m of [1, 2, 2.5, 5, 10]) if (m * p >= x) return m * p;
  return 10 * p;
}

export function writeReport(r: Results, base: string): void {
  const failed = r.failures?.length ? `\n\n**Scenarios that failed in this run** (their rows are missing):\n${r.failures.map((f) => `- ${f.scenario}: ${f.error}`).join('\n')}` : '';
  writeFileSync(`${base}.md`, markdown(r) + failed + '\n');
  writeFileSync(`${base}.svg`, svg(r) + '\n');
}
