import { defineConfig } from 'vitest/config';

const shared = {
  env: { NODE_ENV: 'test' },
  testTimeout: 60_000,
  hookTimeout: 120_000,
};

export default defineConfig({
  test: {
    // Files share two cores with other suites: PGlite start-up is CPU-bound, so run files one or two at a time.
    maxWorkers: 2,
    projects: [
      {
        test: { ...shared, name: 'persistence', include: ['test/**/*.test.ts'], exclude: ['test/crash.test.ts'], sequence: { groupOrder: 0 } },
      },
      {
        // crash.test restarts the machine's whole PostgreSQL cluster (MESHBOARD_TEST_PG_RESTART=1) and kills
        // backends: a file running beside it lost its connections mid-hook (CI: admin.test's beforeAll failed
        // and skipped its PostgreSQL tests). It runs alone, after every other file.
        test: { ...shared, name: 'crash', include: ['test/crash.test.ts'], sequence: { groupOrder: 1 } },
      },
    ],
  },
});
