import { defineProject } from 'vitest/config';

// Files run one after another: the convergence suite starts up to six peer processes plus the services, and a
// timing assertion in another file (the Chromium "arrives within 3 s" test) must not share the two cores with it.
export default defineProject({ test: { include: ['test/**/*.test.ts'], testTimeout: 30_000, hookTimeout: 30_000, fileParallelism: false } });
