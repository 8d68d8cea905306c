/**
 * Long run of the randomized convergence suite: `npm run convergence -- [count=1000] [from=1]` in
 * packages/sync (build apps/signaling and apps/persistence first). Runs seeds from..from+count-1 in one world
 * (services and peer processes reused), prints one line per seed, and on the first failure prints the seed
 * and its steps and exits 1. Replay one seed with `npm run convergence -- 1 <seed>`.
 */
// y-webrtc is not used in this process, but keep it like the peers: no BroadcastChannel keeping us alive
delete (globalThis as { BroadcastChannel?: unknown }).BroadcastChannel;
const { createWorld, runSeed, ConvergenceFailure, PeerCrash } = await import('../test/support/convergence.js');
const { tempDatabase } = await import('../test/support/postgres.js');

const count = Number(process.argv[2] ?? 1000);
const from = Number(process.argv[3] ?? 1);
// MESHBOARD_CONVERGENCE_STORE=pglite runs the store on embedded PGlite instead of a throw-away PostgreSQL database
const database = process.env.MESHBOARD_CONVERGENCE_STORE === 'pglite' ? null : await tempDatabase();
console.log(`store on ${database ? 'PostgreSQL (throw-away database)' : 'PGlite'}`);
const world = await createWorld(database ? { databaseUrl: database.url } : {});
let passed = 0;
const crashes: string[] = [];
const t0 = Date.now();
try {
  for (let seed = from; seed < from + count; seed++) {
    try {
      const r = await runSeed(world, seed);
      passed++;
      console.log(`seed ${seed} ok: ${r.peers} peers, ${r.ms} ms: ${r.steps.join(', ')}`);
    } catch (error) {
      if (error instanceof PeerCrash) {
        // counted and reported, the seed is not a pass; the run goes on with a fresh peer process
        crashes.push(error.message);
        console.log(`CRASH ${error.message}`);
        await world.respawnDead();
        continue;
      }
      if (error instanceof ConvergenceFailure) {
        console.log(`FAILED seed ${seed}\n${error.message}`);
        console.log(`passed ${passed} seeds before it; replay: npm run convergence -- 1 ${seed}`);
        process.exitCode = 1;
        break;
      }
      throw error;
    }
  }
} finally {
  console.log(`${passed} seeds passed in ${((Date.now() - t0) / 1000).toFixed(0)} s; ${crashes.length} seeds lost to peer process crashes`);
  await world.close();
  await database?.drop();
}
