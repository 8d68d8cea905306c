/**
 * When each edit became durable: the first moment a stored state covered it. A stored state is an
 * acknowledgement's state vector (Meshboard) or a version of the document's row seen in the database
 * (Hocuspocus); "covers" means its clock for the editor reaches the editor's clock after that edit.
 */
import { round, stats, type Stats } from './util.js';

export interface Durability {
  /** edits made durable per second: edits / (last edit durable - first edit handed to the client) */
  editsPerSecond: number;
  seconds: number;
  /** edit handed to the client -> durable, ms */
  latency: Stats;
  /** edits never covered (should be 0) */
  missing: number;
}

/** `made[i]`, `clock[i]`: edit i's time and the editor's clock after it; `covered`: [time, clock] stored states */
export function durability(made: number[], clock: number[], covered: Array<[number, number]>): Durability {
  const at = [...covered].sort((a, b) => a[0] - b[0]);
  const durableAt: number[] = [];
  let j = 0;
  let reach = -1;
  for (let i = 0; i < clock.length; i++) {
    while (reach < clock[i]! && j < at.length) reach = Math.max(reach, at[j++]![1]);
    durableAt.push(reach >= clock[i]! ? at[j - 1]![0] : NaN);
  }
  const done = durableAt.filter(Number.isFinite);
  const seconds = (done.reduce((a, b) => Math.max(a, b), -Infinity) - made[0]!) / 1000;
  return {
    editsPerSecond: round(done.length / seconds, 0),
    seconds: round(seconds, 2),
    latency: stats(durableAt.map((t, i) => t - made[i]!).filter(Number.isFinite)),
    missing: clock.length - done.length,
  };
}
