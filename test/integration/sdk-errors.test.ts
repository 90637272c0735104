// What the TypeScript SDK's runAgent gives an agent author against a real arena over gRPC: a wrong
// token is a SessionError with the gRPC status, the strategy's own exception a StrategyError naming
// the wake-up, the exception its cause (with its stack, which names the strategy's line), and a
// batch the wire cannot hold (a price of 1.5 ticks built by hand) an ActionBuildError naming the
// action (its index) and the field by the door's proto path, not protobuf's "cannot be converted to
// a BigInt".
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  ActionBuildError,
  GrpcStatus,
  runAgent,
  SessionError,
  type Strategy,
  StrategyError,
  submit,
} from '../../agents/sdk/index.js';
import {
  demoConfig,
  demoWithHandAgent,
  runArenaToEnd,
  STARTUP_MS,
  startAgentProcess,
  startArena,
  stopAll,
  tempDir,
  writeConfig,
} from '../helpers/arena-process.js';

afterEach(stopAll);

const TOKEN = 'hand-token-sdk-errors';

describe('runAgent against a real arena', () => {
  it('a wrong token, a throwing strategy and an unencodable batch: typed, named errors', {
    timeout: 300_000,
  }, async () => {
    const dir = tempDir();
    const cfg = demoWithHandAgent({ id: 'manual', strategy: 'idle', token: TOKEN });
    const arena = await startArena(writeConfig(dir, cfg), ['--out', dir, '--in-process'], STARTUP_MS);
    const opts = { address: arena.address, token: TOKEN, resume: { attempts: 0, delayMs: 0 } };
    const quiet: Strategy = { name: 'quiet', decide: () => [] };

    const wrong = await runAgent(quiet, { ...opts, token: 'not-the-token' }).catch((e: unknown) => e);
    expect(wrong).toBeInstanceOf(SessionError);
    expect((wrong as SessionError).code).toBe(GrpcStatus.UNAUTHENTICATED);

    const handMade: Strategy = {
      name: 'hand-made',
      decide: () => [
        submit({ productId: 'qh-20261122-0000', side: 'buy', priceTicks: 100, quantityLots: 1 }),
        submit({ productId: 'qh-20261122-0000', side: 'buy', priceTicks: 1.5, quantityLots: 1 }),
      ],
    };
    const unencodable = await runAgent(handMade, opts).catch((e: unknown) => e);
    expect(unencodable).toBeInstanceOf(ActionBuildError);
    expect((unencodable as ActionBuildError).field).toBe('submit.price_ticks');
    expect((unencodable as ActionBuildError).actionIndex).toBe(1);
    expect((unencodable as Error).message).toMatch(/^actions\[1\]: submit\.price_ticks: 1\.5 cannot be sent/);

    // A lone surrogate went out as U+FFFD: the arena acted on a product id never sent. Built by
    // hand (submit() refuses it itself, inside decide: a StrategyError, below).
    const good = submit({ productId: 'qh-20261122-0000', side: 'buy', priceTicks: 100, quantityLots: 1 });
    const cut: Strategy = {
      name: 'cut',
      decide: () => [
        {
          ...good,
          kind: { $case: 'submit', value: { ...(good.kind!.value as object), productId: 'qh-\uD83D' } },
        } as never,
      ],
    };
    const surrogate = await runAgent(cut, opts).catch((e: unknown) => e);
    expect(surrogate).toBeInstanceOf(ActionBuildError);
    expect([(surrogate as ActionBuildError).field, (surrogate as ActionBuildError).actionIndex]).toEqual([
      'submit.product_id',
      0,
    ]);
    const builtCut: Strategy = {
      name: 'built-cut',
      decide: () => [submit({ productId: 'qh-\uD83D', side: 'buy', priceTicks: 100, quantityLots: 1 })],
    };
    const refused = await runAgent(builtCut, opts).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(StrategyError);
    expect(((refused as StrategyError).cause as ActionBuildError).field).toBe('submit.product_id');

    const bug = new Error('the strategy has a bug');
    const throwing: Strategy = {
      name: 'throwing',
      decide: () => {
        throw bug;
      },
    };
    const failed = await runAgent(throwing, opts).catch((e: unknown) => e);
    expect(failed).toBeInstanceOf(StrategyError);
    expect((failed as StrategyError).cause).toBe(bug);
    expect((failed as StrategyError).method).toBe('decide');
    expect((failed as StrategyError).wakeId).toBeGreaterThan(0);
    expect((failed as Error).message).toMatch(
      /^strategy throwing: decide\(\) at wake-up \d+ \(2026-11-\d\dT[\d:.]+Z\) threw Error: the strategy has a bug$/,
    );
  });
});

describe('flexarena agent --resume-file', () => {
  it('that cannot be written during the run ends the agent with one line naming it', {
    timeout: 300_000,
  }, async () => {
    const dir = tempDir();
    const cfg = demoWithHandAgent({ id: 'manual', strategy: 'idle', token: TOKEN });
    const arena = await startArena(writeConfig(dir, cfg), ['--out', dir, '--in-process'], STARTUP_MS);
    // The folder exists (the start-up check passes) but the temporary file it is written through
    // is a folder: the first write fails, as a full disk or a removed folder would. It printed a
    // stack trace from inside the SDK's message handler.
    const resumeFile = join(dir, 'seq');
    mkdirSync(`${resumeFile}.tmp`);
    const agent = startAgentProcess('idle', arena.address, TOKEN, ['--resume-file', resumeFile]);
    let stderr = '';
    agent.stderr!.on('data', (d) => (stderr += d));
    const code = await new Promise<number | null>((resolve) => agent.on('exit', resolve));
    expect(code, stderr).toBe(1);
    expect(stderr.trim()).toMatch(
      /^flexarena: --resume-file \S+seq cannot be written \(EISDIR\); the agent stops so as not to lose its resume point$/,
    );
  });
});

describe('an agent process whose strategy throws', () => {
  it("exits 1 with the StrategyError line and the strategy's frames in its log; the arena records it", {
    timeout: 300_000,
  }, async () => {
    const dir = tempDir();
    const cfg = demoConfig({
      simStartHoursBeforeDay: 2,
      connectTimeoutMs: 90_000,
      market: { auctions: { dayAhead: false, intraday: false }, balancing: { enabled: false } },
    });
    const helper = join(import.meta.dirname, '..', 'helpers', 'throwing-agent.ts');
    (cfg.agents as object[]).push({
      id: 'buggy',
      strategy: 'buggy',
      command: [process.execPath, '--import', 'tsx', helper],
      asset: { type: 'battery', powerMw: 5, energyMwh: 10 },
    });
    const res = await runArenaToEnd(writeConfig(dir, cfg), ['--out', dir, '--in-process']);
    expect(res.code, res.stderr).toBe(0);
    const runDir = /FLEXARENA_LISTENING \S+ \S+ (\S+)/.exec(res.stdout)?.[1];
    expect(runDir, res.stdout).toBeDefined();
    const log = readFileSync(join(runDir!, 'agents', 'buggy.log'), 'utf8');
    const line =
      /^flexarena: strategy buggy: decide\(\) at wake-up \d+ \(2026-11-2\dT[\d:.]+Z\) threw TypeError: .*$/m;
    expect(log).toMatch(line);
    expect(log).toMatch(/^\s+at priceOf .*throwing-agent\.ts/m);
    const exited = readFileSync(join(runDir!, 'agent-faults.log'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { agent: string; kind: string; detail: string })
      .filter((f) => f.agent === 'buggy' && f.kind === 'process-exited');
    expect(exited).toHaveLength(1);
    const detail = exited[0]!.detail;
    expect(detail).toMatch(
      /^its process exited \(code 1\) during the run; see agents\/buggy\.log; its last output:\n/,
    );
    // The fault quotes the line, not the frames (they are in the log).
    expect(detail).toMatch(line);
    expect(detail).not.toMatch(/^\s+at /m);
  });
});
