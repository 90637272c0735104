import { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { COMMANDS } from './command-table.js';
import { DEFAULT_NATS_URL, NATS_URL_HELP, natsUrlOf, natsUrlOption, natsUrlSource } from './nats-options.js';

describe('the NATS URL of worker, evaluate and tournament', () => {
  it('is the one given, else FLEXARENA_NATS_URL, else the default', () => {
    const env = { FLEXARENA_NATS_URL: 'nats://shared:4222' };
    expect(natsUrlOf('nats://given:1', env)).toBe('nats://given:1');
    expect(natsUrlOf(undefined, env)).toBe('nats://shared:4222');
    // The tournament's `--nats` without a value.
    expect(natsUrlOf(true, env)).toBe('nats://shared:4222');
    expect(natsUrlOf(true, {})).toBe(DEFAULT_NATS_URL);
    expect(natsUrlOf(undefined, { FLEXARENA_NATS_URL: '' })).toBe(DEFAULT_NATS_URL);
  });

  it('says where it came from, for errors about it', () => {
    const env = { FLEXARENA_NATS_URL: 'nats://shared:4222' };
    expect(natsUrlSource('nats://given:1', env)).toBe('--nats');
    expect(natsUrlSource(true, env)).toBe('FLEXARENA_NATS_URL');
    expect(natsUrlSource(undefined, { FLEXARENA_NATS_URL: '' })).toBe(
      'the default; give --nats or FLEXARENA_NATS_URL',
    );
  });

  it('refuses a blank URL and a YAML file taken for one', () => {
    expect(() => natsUrlOption(' ')).toThrow('--nats must be a NATS server URL, got " "');
    expect(() => natsUrlOption('t.yaml')).toThrow(/got the file "t\.yaml" \(give the file before --nats/);
    expect(natsUrlOption('nats://h:4222')).toBe('nats://h:4222');
  });

  it('is described in the same words by the three commands', async () => {
    // The worker showed its default resolved, the evaluator named the variable, the tournament neither.
    for (const name of ['worker', 'evaluate', 'tournament']) {
      const program = new Command();
      (await COMMANDS[name]!())(program);
      const nats = program.commands[0]!.options.find((o) => o.long === '--nats')!;
      expect(nats.description, name).toContain(NATS_URL_HELP);
      expect(nats.defaultValue, name).toBeUndefined();
    }
  }, 120_000);
});
