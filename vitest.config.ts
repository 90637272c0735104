import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: [
      'lib/**/*.test.ts',
      'market/**/*.test.ts',
      'sim/**/*.test.ts',
      'arena/**/*.test.ts',
      'agents/**/*.test.ts',
      'evaluation/**/*.test.ts',
      'compliance/**/*.test.ts',
      'study/**/*.test.ts',
      'tournament/**/*.test.ts',
      'training/**/*.test.ts',
      'cli/**/*.test.ts',
      'dashboard/**/*.test.ts',
      'scripts/**/*.test.ts',
      'scenarios/**/*.test.ts',
      'test/**/*.test.ts',
    ],
    // Integration tests start real processes (arena, agents, nats-server); give them room on a 2-core box.
    testTimeout: 120_000,
    hookTimeout: 60_000,
    pool: 'forks',
    maxWorkers: 2,
  },
});
