import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createWorld, runSeed, type World } from './support/convergence.js';
import { tempDatabase, type TempDatabase } from './support/postgres.js';

// The bounded run of the randomized convergence suite (see test/support/convergence.ts; the long run is
// `npm run convergence`). CONVERGENCE_SEEDS / CONVERGENCE_FROM override the range; a failure names its seed.
const COUNT = Number(process.env.CONVERGENCE_SEEDS ?? 30);
const FROM = Number(process.env.CONVERGENCE_FROM ?? 1);

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
    for (let seed = FROM; seed < FROM + COUNT; seed++) results.push(await runSeed(world, seed, { maxStoreOutages: 1 }));
    console.log(results.map((r) => `seed ${r.seed}: ${r.peers} peers, ${r.ms} ms: ${r.steps.join(', ')}`).join('\n'));
    expect(results.length).toBe(COUNT);
  }, 600_000);
});
