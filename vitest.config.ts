import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    // Integration tests start real processes (arena, agents, nats-server); give them room on a 2-core box.
    testTimeout: 120_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // TMPDIR below one folder per run, removed when all passed (test/temp-folder-setup.ts).
    globalSetup: ['test/temp-folder-setup.ts'],
    // Three files at once on two cores: integration tests spend much of their time waiting (for
    // agent processes to start, for a cooldown, a deadline, an ack wait), and with two workers a
    // core stood idle then. A fresh clone's suite at one tree: 8 min 37 s with two workers, 7 min
    // 37 s with three (CPU 13.4 and 13.3 min; 2026-12-01, load from other tenants 3–6).
    maxWorkers: 3,
    // Test files share one module graph per worker instead of a fresh process each: a worker
    // imports the project (grpc-js, NATS, TensorFlow.js, the core) once, not once per file. The
    // 179 unit files: 197 s wall / 335 s CPU isolated, 68 s / 130 s shared; vitest's whole run 563 s
    // with the unit files shared, 526 s with all (2026-12-02, 2 cores, CPU-bound). So a test file
    // leaves nothing behind: it stops the servers and processes it starts (afterAll/afterEach),
    // restores what it fakes, and sets no process-wide state (environment, handlers, directory).
    isolate: false,
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
  },
});
