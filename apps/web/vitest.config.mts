import { defineConfig } from 'vitest/config';

// End-to-end tests only: they start the built services and a real Chromium, so one file at a time.
export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    pool: 'forks',
    fileParallelism: false,
    testTimeout: 60_000,
    hookTimeout: 180_000,
  },
});
