import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PeerCrash, createWorld, runSeed, type World } from './support/convergence.js';
import { tempDatabase, type TempDatabase } from './support/postgres.js';

// The bounded run of the randomized convergence suite (see test/support/convergence.ts; the long run is
// `npm run convergence`). CONVERGENCE_SEEDS / CONVERGENCE_FROM override the range; a failure names its seed.
const COUNT = Number(process.env.CONVERGENCE_SEEDS ?? 30);
const FROM = Number(process.env.CONVERGENCE_FROM ?? 1);
/**
 * The Node peers' WebRTC binding (@roamhq/wrtc, native) segfaults now and then (9 of 283 seeds in the long run,
 * at random moments; browsers do not use it). A seed whose peer process died that way is replayed from scratch,
 * at most twice, and must then pass every check: a crash never counts as a pass, and a convergence failure is
 * never retried.
 */
const REPLAYS_AFTER_NATIVE_CRASH = 2;

let world: World;
let database: TempDatabase | null = null;
beforeAll(async () => {
  database = await tempDatabase();
  world = await createWorld(database ? { databaseUrl: database.url } : {});
}, 180_000);
afterAll(async () => {
  await world?.close();
  await database?.drop();
}, 60_000);

describe('randomized convergence: real peers, real partitions, real services', () => {
  it(`seeds ${FROM}..${FROM + COUNT - 1}: every peer and the store end identical, nothing acknowledged is lost`, async () => {
    const results = [];
    const crashes: string[] = [];
    for (let seed = FROM; seed < FROM + COUNT; seed++) {
      for (let attempt = 0; ; attempt++) {
        try {
          results.push(await runSeed(world, seed, { maxStoreOutages: 1 }));
          break;
        } catch (error) {
          if (!(error instanceof PeerCrash) || attempt >= REPLAYS_AFTER_NATIVE_CRASH) throw error;
          crashes.push(error.message.split('\n')[0]!);
        }
      }
    }
    if (crashes.length > 0) console.log(`replayed after a native WebRTC crash of a test peer:\n${crashes.join('\n')}`);
    console.log(results.map((r) => `seed ${r.seed}: ${r.peers} peers, ${r.ms} ms: ${r.steps.join(', ')}`).join('\n'));
    expect(results.length).toBe(COUNT);
  }, 600_000);
});
