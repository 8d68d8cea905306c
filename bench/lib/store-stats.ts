/** What Meshboard's persistence service reports about itself over HTTP: its store counters and a board's bytes. */

/** the `meshboard_persistence_store{counter=...}` gauges of GET /metrics (appends, batches, compactions, ...) */
export async function storeCounters(storeUrl: string): Promise<Record<string, number>> {
  const text = await (await fetch(`${storeUrl}/metrics`)).text();
  const out: Record<string, number> = {};
  for (const m of text.matchAll(/^meshboard_persistence_store\{[^}]*\bcounter="(\w+)"[^}]*\} (\S+)$/gm)) out[m[1]!] = Number(m[2]);
  if (out.compactions === undefined || out.batches === undefined) throw new Error('the store reports no compaction or batch counters');
  return out;
}

/** a board's stored bytes (snapshot + log + restore points + files) from GET /v1/admin/boards */
export async function boardBytes(storeUrl: string, adminToken: string, boardId: string): Promise<number> {
  const res = await fetch(`${storeUrl}/v1/admin/boards`, { headers: { authorization: `Bearer ${adminToken}` } });
  if (!res.ok) throw new Error(`admin boards: ${res.status}`);
  const { boards } = (await res.json()) as { boards: Array<{ id: string; bytes: number }> };
  const board = boards.find((b) => b.id === boardId);
  if (!board) throw new Error(`board ${boardId} not listed`);
  return board.bytes;
}
