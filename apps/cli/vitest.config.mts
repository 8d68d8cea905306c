import { defineProject } from 'vitest/config';

// Real servers, real sockets, child processes: run files one after another (2 shared cores) with
// generous timeouts; every test asserts on state (waitFor), never on sleeps.
export default defineProject({
  test: {
    include: ['test/**/*.test.ts'],
    // the real persistence service, shared by every file (PGlite's first open takes seconds)
    globalSetup: ['test/global-setup.ts'],
    pool: 'forks',
    fileParallelism: false,
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
