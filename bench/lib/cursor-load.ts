/**
 * The cursor storm inside one peer process (peer.ts `cursorsReady`, `cursors`): every client of the process moves
 * its cursor `hz` times a second through its system's own cursor path (BenchClient.setCursor), and every client
 * counts the other people's cursor updates that reach its awareness. The cursor carries its send time as x
 * (ms after `base`, CLOCK_MONOTONIC like peer.ts: one clock for every process on Linux) and a sequence number
 * as y, so a receiver counts each position once and knows its one-way delay.
 *   sent      setCursor calls (what the pointer did)
 *   emitted   positions that left the client (own awareness state changes; Meshboard throttles to LIVE_HZ)
 *   received  positions of others that arrived, with their delay
 * Only positions sent inside [windowFrom, stopAt] count (the first second is warm-up).
 */
import type { BenchClient } from './clients.js';

const now = () => Number(process.hrtime.bigint()) / 1e6;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export interface StormOptions {
  hz: number;
  /** the shared clock's value that x is measured from */
  base: number;
  startAt: number;
  windowFrom: number;
  stopAt: number;
  /** how long after stopAt late positions still count */
  drainMs: number;
}
export interface StormCounts {
  clients: number;
  sent: number;
  emitted: number;
  received: number;
  /** one-way delay of every received position, ms */
  delays: number[];
  /** pointer move to emission, every emitted position, ms */
  held: number[];
}

async function waitFor(condition: () => boolean, timeoutMs: number): Promise<boolean> {
  const until = now() + timeoutMs;
  while (!condition()) {
    if (now() > until) return false;
    await sleep(50);
  }
  return true;
}

/**
 * Every client has everyone else of its board (Meshboard: presence, each peer on the relay; the peers: synced),
 * then up to `awarenessWaitMs` more until every client also holds everyone's awareness state (`people` states,
 * its own included). A state missing at the start arrives with that person's first move, in the warm-up.
 */
export async function cursorsReady(clients: BenchClient[], o: { people: number; timeoutMs: number; awarenessWaitMs: number }): Promise<{ ready: boolean; awareness: boolean }> {
  const ready = await waitFor(() => clients.every((c) => c.ready(o.people - 1)), o.timeoutMs);
  const awareness = await waitFor(() => clients.every((c) => c.awareness.getStates().size >= o.people), o.awarenessWaitMs);
  return { ready, awareness };
}

export async function cursorStorm(clients: BenchClient[], o: StormOptions): Promise<StormCounts> {
  const counts: StormCounts = { clients: clients.length, sent: 0, emitted: 0, received: 0, delays: [], held: [] };
  const inWindow = (sentAt: number) => sentAt >= o.windowFrom && sentAt <= o.stopAt;
  const interval = 1000 / o.hz;
  const stops: Array<() => void> = [];
  for (const c of clients) {
    const own = c.awareness.clientID;
    const lastSeq = new Map<number, number>();
    let lastEmitted = -1;
    const onUpdate = ({ added, updated }: { added: number[]; updated: number[] }) => {
      const t = now();
      for (const id of [...added, ...updated]) {
        const cursor = (c.awareness.getStates().get(id) as { cursor?: { x?: unknown; y?: unknown } | null } | undefined)?.cursor;
        if (typeof cursor?.x !== 'number' || typeof cursor.y !== 'number') continue;
        const sentAt = o.base + cursor.x;
        if (id === own) {
          if (cursor.y !== lastEmitted && inWindow(sentAt)) {
            counts.emitted++;
            counts.held.push(Math.round((t - sentAt) * 100) / 100);
          }
          lastEmitted = cursor.y;
        } else if ((lastSeq.get(id) ?? -1) < cursor.y) {
          lastSeq.set(id, cursor.y);
          if (!inWindow(sentAt)) continue;
          counts.received++;
          counts.delays.push(Math.round((t - sentAt) * 100) / 100);
        }
      }
    };
    c.awareness.on('update', onUpdate);
    stops.push(() => c.awareness.off('update', onUpdate));
    // a person's pointer: its own phase, on a schedule that does not drift under load (late ticks are not
    // caught up in a burst, the next one is due an interval later)
    let seq = 0;
    let due = o.startAt + Math.random() * interval;
    let timer: ReturnType<typeof setTimeout>;
    const tick = () => {
      const t = now();
      if (t > o.stopAt) return;
      c.setCursor({ x: t - o.base, y: ++seq });
      if (inWindow(t)) counts.sent++;
      due += interval;
      if (due < t) due = t + interval;
      timer = setTimeout(tick, due - now());
    };
    timer = setTimeout(tick, due - now());
    stops.push(() => clearTimeout(timer));
  }
  await sleep(o.stopAt + o.drainMs - now());
  for (const stop of stops) stop();
  return counts;
}
