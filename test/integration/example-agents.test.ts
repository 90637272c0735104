// The TypeScript template agent (its README copy is the file itself) and the plain-JavaScript
// agent (protos loaded at run time with @grpc/proto-loader) play a real run, launched by the arena
// from `command` lines, and their trades are on the tape.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  demoConfig,
  readTape,
  runArenaToEnd,
  stopAll,
  tempDir,
  writeConfig,
} from '../helpers/arena-process.js';
import { tradesOf } from '../helpers/tape-facts.js';

afterEach(stopAll);

const root = join(import.meta.dirname, '..', '..');
const TEMPLATE = join(root, 'agents', 'examples', 'template-agent.ts');
const PLAIN_JS = join(root, 'agents', 'examples', 'plain-js-agent.mjs');

describe('the TypeScript template agent', () => {
  it('is shown whole in README.md and has fewer than 40 lines', () => {
    const file = readFileSync(TEMPLATE, 'utf8');
    const readme = readFileSync(join(root, 'README.md'), 'utf8');
    const block = /```ts\n(\/\/ A complete FlexArena agent[\s\S]*?)```/.exec(readme)?.[1];
    expect(block).toBe(file);
    expect(file.trimEnd().split('\n').length).toBeLessThan(40);
  });
});

describe('the TypeScript template agent on its own', () => {
  it('says in one line, without a stack, that there is no arena where it was pointed', {
    timeout: 60_000,
  }, () => {
    // Copied from the README and started with a wrong address or token, it printed a 30-line stack
    // of the SDK's internals with the error's cause inspected.
    const res = spawnSync(process.execPath, ['--import', 'tsx', TEMPLATE], {
      encoding: 'utf8',
      env: { ...process.env, FLEXARENA_ARENA: '127.0.0.1:1', FLEXARENA_TOKEN: 't' },
    });
    expect(res.status, res.stderr).toBe(1);
    expect(res.stderr.trim()).toMatch(/^session ended with gRPC status 14: .*ECONNREFUSED 127\.0\.0\.1:1\)$/);
  });
});

describe('example agents in a real run', () => {
  it('the template (TypeScript SDK) and the plain-JS agent trade over gRPC', async () => {
    const dir = tempDir();
    const cfg = demoConfig({
      simStartHoursBeforeDay: 8,
      connectTimeoutMs: 90_000,
      market: { auctions: { dayAhead: false, intraday: false }, balancing: { enabled: false } },
    });
    const battery = { type: 'battery', powerMw: 5, energyMwh: 10 };
    (cfg.agents as object[]).push(
      {
        id: 'ts-template',
        strategy: 'bargain-hunter',
        command: [process.execPath, '--import', 'tsx', TEMPLATE],
        asset: battery,
      },
      { id: 'plain-js', strategy: 'bargain-js', command: [process.execPath, PLAIN_JS], asset: battery },
    );
    const res = await runArenaToEnd(writeConfig(dir, cfg), ['--out', dir, '--in-process']);
    expect(res.code, res.stderr).toBe(0);
    const runDir = /FLEXARENA_LISTENING \S+ \S+ (\S+)/.exec(res.stdout)?.[1];
    expect(runDir, res.stdout).toBeDefined();
    const tape = readTape(runDir!);
    const logOf = (id: string) => readFileSync(join(runDir!, 'agents', `${id}.log`), 'utf8');
    expect(logOf('ts-template')).toMatch(/^ts-template: \d+ wake-ups; run complete$/m);
    expect(logOf('plain-js')).toMatch(/^plain-js: \d+ wake-ups, last report \d+; run complete$/m);
    for (const id of ['ts-template', 'plain-js'])
      expect(tradesOf(tape, id).length, logOf(id)).toBeGreaterThan(0);
    const faultLog = join(runDir!, 'agent-faults.log');
    expect(existsSync(faultLog) ? readFileSync(faultLog, 'utf8') : '').not.toMatch(/never-connected/);
  });
});
