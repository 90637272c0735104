// `flexarena evaluate` as a person or a script meets it: it reaches NATS before it says it listens
// (it printed FLEXARENA_EVALUATOR_LISTENING and its HTTP endpoint, then failed on NATS), and
// Ctrl-C or SIGTERM stops it with a line that says so and the signal's exit status, as a run does
// (it exited 0 without a word).
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { tempDir } from '../helpers/arena-process.js';
import { killAllCli, startCli, startEvaluatorCli } from '../helpers/cli-process.js';
import { NatsServerProcess, stopAllNatsServers } from '../helpers/nats-server-process.js';
import { until } from '../helpers/process-control.js';

afterAll(async () => {
  killAllCli();
  await stopAllNatsServers();
});

describe('flexarena evaluate', () => {
  it('finds NATS unreachable before it says it listens: one line, nothing on stdout', async () => {
    const runsDir = join(tempDir('flexarena-evaluator-start-'), 'runs');
    const res = await startCli([
      'evaluate',
      '--http-port',
      '0',
      '--nats',
      'nats://127.0.0.1:1',
      '--runs-dir',
      runsDir,
    ]).exited;
    expect(res.code, res.stderr).toBe(1);
    expect(res.stdout).toBe('');
    expect(res.stderr.trim().split('\n')).toEqual([
      'flexarena: cannot connect to NATS at nats://127.0.0.1:1 (--nats): connection refused',
    ]);
  }, 60_000);

  for (const [signal, code] of [
    ['SIGINT', 130],
    ['SIGTERM', 143],
  ] as const)
    it(`says it stopped on ${signal} and exits ${code}`, async () => {
      const nats = await NatsServerProcess.start();
      const runsDir = join(tempDir('flexarena-evaluator-stop-'), 'runs');
      const evaluator = startEvaluatorCli(nats.url, runsDir);
      await until('the evaluator', () => /FLEXARENA_EVALUATOR_LISTENING/.test(evaluator.out()), 60_000);
      evaluator.child.kill(signal);
      const res = await evaluator.exited;
      expect(res.code, res.stderr).toBe(code);
      expect(res.stderr).toContain(`${signal}: stopping the evaluator…`);
      expect(res.stderr.trim().split('\n').at(-1)).toBe(
        `flexarena: evaluator stopped by ${signal}; every record it acknowledged is in its journal (${join(runsDir, '.evaluator')}): started again, it goes on from there`,
      );
    }, 60_000);
});
