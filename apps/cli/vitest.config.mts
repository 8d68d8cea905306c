import { defineProject } from 'vitest/config';

// The CLI runs as a real process against the real stack (persistence, signaling, web): one file at a time,
// generous timeouts (2 shared cores).
export default defineProject({
  test: {
    include: ['test/**/*.test.ts'],
    pool: 'forks',
    fileParallelism: false,
    testTimeout: 120_000,
    hookTimeout: 180_000,
  },
});
