// What the TypeScript SDK's runAgent gives an agent author against a real arena over gRPC: a wrong
// token is a SessionError with the gRPC status, the strategy's own exception comes back as itself
// (its stack names the strategy's line), and a batch the wire cannot hold (a price of 1.5 ticks
// built by hand) is an ActionBuildError naming the action and the field, not protobuf's
// "cannot be converted to a BigInt".
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  ActionBuildError,
  GrpcStatus,
  runAgent,
  SessionError,
  type Strategy,
  submit,
} from '../../agents/sdk/index.js';
import {
  demoWithHandAgent,
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
    expect((unencodable as ActionBuildError).field).toBe('actions[1].submit.priceTicks');
    expect((unencodable as Error).message).toMatch(/^actions\[1\]\.submit\.priceTicks: 1\.5 cannot be sent/);

    // A lone surrogate went out as U+FFFD: the arena acted on a product id never sent.
    const cut: Strategy = {
      name: 'cut',
      decide: () => [submit({ productId: 'qh-\uD83D', side: 'buy', priceTicks: 100, quantityLots: 1 })],
    };
    const surrogate = await runAgent(cut, opts).catch((e: unknown) => e);
    expect(surrogate).toBeInstanceOf(ActionBuildError);
    expect((surrogate as ActionBuildError).field).toBe('actions[0].submit.productId');

    const bug = new Error('the strategy has a bug');
    const throwing: Strategy = {
      name: 'throwing',
      decide: () => {
        throw bug;
      },
    };
    await expect(runAgent(throwing, opts)).rejects.toBe(bug);
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
