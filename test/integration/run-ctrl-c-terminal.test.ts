// Ctrl-C in a terminal goes to the whole foreground process group, not only to `flexarena run`.
// The run's own nats-server was in that group: it shut down at the same moment, before JetStream
// had acknowledged the run's last settlement records, so a run stopped by Ctrl-C in a terminal
// said "N of its M settlement-stream messages did not reach NATS" and wrote them to
// undelivered-settlements.jsonl, although nothing was wrong. (Tests that send SIGINT to the run's
// pid alone never saw it.) Now the server has a process group of its own and the run stops it
// after the acknowledgements.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BIN, demoConfig, STARTUP_MS, tempDir, writeConfig } from '../helpers/arena-process.js';
import { kill9, untilFirstSettlements } from '../helpers/process-control.js';

describe('Ctrl-C from a terminal (SIGINT to the process group)', () => {
  it('stops the run with every settlement record delivered to its own nats-server', {
    timeout: 300_000,
  }, async () => {
    const dir = tempDir();
    const runId = 'ctrl-c-group';
    // NATS on (a private server); the agents are processes in the group too, as in a terminal.
    // At full speed over many days: settlement records are in flight to JetStream at any moment.
    const cfg = demoConfig({ nats: { enabled: true }, days: 20 });
    // Its own process group, as a shell gives a command it runs in the foreground.
    const child = spawn(
      process.execPath,
      [BIN, 'run', writeConfig(dir, cfg), '--out', dir, '--run-id', runId],
      { stdio: ['ignore', 'pipe', 'pipe'], detached: true },
    );
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    child.stdout.resume();
    const exited = new Promise<number | null>((r) => child.on('exit', r));
    try {
      const runDir = join(dir, runId);
      await untilFirstSettlements(join(runDir, 'settlements.jsonl'), STARTUP_MS);
      process.kill(-child.pid!, 'SIGINT');
      expect(await exited, stderr).toBe(130);
      expect(stderr).toMatch(
        /run interrupted by SIGINT at virtual time \S+; its agents and nats-server are stopped/,
      );
      expect(/did not reach NATS/.test(stderr), stderr).toBe(false);
      expect(existsSync(join(runDir, 'undelivered-settlements.jsonl'))).toBe(false);
      expect(existsSync(join(runDir, 'interrupted.json'))).toBe(true);
    } finally {
      await kill9(child);
    }
  });
});
