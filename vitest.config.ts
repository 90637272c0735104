import { configDefaults, defineConfig } from 'vitest/config';

const INTEGRATION = 'test/integration/**/*.test.ts';

export default defineConfig({
  test: {
    // Integration tests start real processes (arena, agents, nats-server); give them room on a 2-core box.
    testTimeout: 120_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // Three files at once on two cores: integration tests spend much of their time waiting (for
    // agent processes to start, for a cooldown, a deadline, an ack wait), and with two workers a
    // core stood idle then. A fresh clone's suite at one tree: 8 min 37 s with two workers, 7 min
    // 37 s with three (CPU 13.4 and 13.3 min; 2026-12-01, load from other tenants 3–6).
    maxWorkers: 3,
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
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
          exclude: [...configDefaults.exclude, INTEGRATION],
          // The unit test files share one module graph per worker: each worker imports the
          // project's modules (grpc-js, NATS, TensorFlow.js, the core) once instead of once per
          // file. The 179 files: 197 s of wall and 335 s of CPU isolated, 68 s and 130 s shared
          // (2026-12-02, 2 cores). They keep no state between files (no module mocks; one file
          // fakes timers and restores them), and a file that starts a process or a server stops it.
          isolate: false,
        },
      },
      // Integration tests keep a fresh process per file: they start servers and child processes
      // and set process-wide handlers, and a leak must not reach the next file.
      { extends: true, test: { name: 'integration', include: [INTEGRATION] } },
    ],
  },
});
