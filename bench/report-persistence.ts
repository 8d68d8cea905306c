/** The persistence scenario's Markdown tables: Meshboard (per database) beside Hocuspocus, with ratios. */
import type { PersistenceResult, PersistenceRow } from './scenarios/persistence.js';
import { ratio } from './lib/util.js';

const perSecond = (r: PersistenceRow) => (r.writes / r.durable.seconds).toFixed(1);
const n = (x: number) => (Number.isFinite(x) ? Math.round(x).toLocaleString('en') : 'n/a');

/** Meshboard / peer, and whether that is worse for Meshboard (`higherIsBetter`: throughput) */
function compare(mine: number, peer: number, higherIsBetter = false): string {
  const worse = higherIsBetter ? mine < peer : mine > peer;
  return `${ratio(mine, peer)}${worse ? ' (Meshboard loses)' : ''}`;
}

function pairRows(m: PersistenceRow, h: PersistenceRow): string[] {
  const at = `| ${m.database} |`;
  return [
    `${at} edits durable per second | ${n(m.durable.editsPerSecond)} | ${n(h.durable.editsPerSecond)} | ${compare(m.durable.editsPerSecond, h.durable.editsPerSecond, true)} |`,
    `${at} edit handed to the client -> durable, p50 ms | ${m.durable.latency.p50} | ${h.durable.latency.p50} | ${compare(m.durable.latency.p50, h.durable.latency.p50)} |`,
    `${at} edit handed to the client -> durable, p99 ms | ${m.durable.latency.p99} | ${h.durable.latency.p99} | ${compare(m.durable.latency.p99, h.durable.latency.p99)} |`,
    `${at} writes (Meshboard: HTTP appends; Hocuspocus: row versions), per second | ${n(m.writes)}, ${perSecond(m)}/s | ${n(h.writes)}, ${perSecond(h)}/s | |`,
    `${at} bytes written | ${n(m.bytesWritten)} | ${n(h.bytesWritten)} | ${compare(m.bytesWritten, h.bytesWritten)} |`,
    `${at} stored once all durable (Meshboard: log before compaction) | ${n(m.storedBytes)} (${ratio(m.storedBytes, m.referenceBytes)} of the document) | ${n(h.storedBytes)} (${ratio(h.storedBytes, h.referenceBytes)}) | ${compare(m.storedBytes, h.storedBytes)} |`,
    `${at} server process CPU-s | ${m.serverCpuSeconds} | ${h.serverCpuSeconds} | ${compare(m.serverCpuSeconds, h.serverCpuSeconds)} |`,
  ];
}

export function persistenceMarkdown(p: PersistenceResult): string[] {
  const out: string[] = [];
  const hp = p.rows.find((r) => r.system === 'Hocuspocus');
  const mine = p.rows.filter((r) => r.system === 'Meshboard');
  out.push(
    `**Persistence**: one editor hands ${n(p.edits)} small edits (shapes added and moved with packages/board before the clock starts, one Yjs update each) to each system's own client as a steady ${n(p.rate)} edits/s (handed over in ${p.rows.map((r) => `${r.handOverSeconds} s`).join(' / ')}); durable = Meshboard: the store's acknowledgement (sent after the commit); Hocuspocus: its store hook has written a row version holding the edit (read from the database every 10 ms). Meshboard: ${p.settings.meshboard}. Hocuspocus (database extension on PostgreSQL): ${p.settings.hocuspocus}.`,
  );
  out.push('');
  out.push(`Both are offered ${n(p.rate)} edits/s: edits durable per second stays below that by how long the last edits waited (for Hocuspocus, its debounce after the stream ends), so the ratio reads as "kept up or not" in a short run.`);
  out.push('');
  if (hp) {
    out.push('| Meshboard on | measure | Meshboard | Hocuspocus (PostgreSQL) | ratio (Meshboard / Hocuspocus) |');
    out.push('|---|---|---|---|---|');
    for (const m of mine) out.push(...pairRows(m, hp));
    out.push('');
    if (hp.serverAck) out.push(`Hocuspocus's own per-update answer (SyncStatus: applied in the server's memory, not stored): p50 ${hp.serverAck.p50} ms, p99 ${hp.serverAck.p99} ms. Edits never seen durable: ${p.rows.map((r) => `${r.system} ${r.database} ${r.durable.missing}`).join(', ')}.`);
    out.push('');
  }
  out.push(`**Compaction** of the ${n(p.edits)} edits (the whole log, on the idle trigger; stored bytes vs Y.encodeStateAsUpdate of the document)`);
  out.push('');
  out.push('| system | log rows | time ms | stored before | stored after | after / document |');
  out.push('|---|---|---|---|---|---|');
  for (const m of mine) {
    const c = m.compaction!;
    out.push(`| Meshboard (${m.database}) | ${n(c.logRows)}${c.earlier ? ` (${c.earlier} compaction(s) ran during the edits)` : ''} | ${n(c.ms)} | ${n(c.bytesBefore)} | ${n(c.bytesAfter)} | ${ratio(c.bytesAfter, m.referenceBytes)} |`);
  }
  if (hp) out.push(`| Hocuspocus (PostgreSQL) | no log: every store rewrites the whole document | n/a | | ${n(hp.storedBytes)} | ${ratio(hp.storedBytes, hp.referenceBytes)} |`);
  out.push('');
  return out;
}
