// `flexarena agent --help` said the default of --wake-ups twice: "(default: FLEXARENA_WAKE_UPS or
// delta) (default: "delta")" — commander adds the value in force itself.
import { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { arenaAddress, registerAgent } from './agent.js';

describe('flexarena agent --help', () => {
  it('gives the default of --wake-ups once, with the variable that sets it', () => {
    const program = new Command();
    registerAgent(program);
    const help = program.commands[0]!.helpInformation().replace(/\s+/g, ' ');
    const option = help.slice(help.indexOf('--wake-ups'), help.indexOf('--no-conflate'));
    expect(option).toContain('FLEXARENA_WAKE_UPS sets the default');
    expect(option.match(/default/g)).toHaveLength(2);
    expect(option).toContain(`(default: "${process.env.FLEXARENA_WAKE_UPS ?? 'delta'}")`);
  });
});

describe('flexarena agent --arena', () => {
  it('falls back to FLEXARENA_ARENA, as the SDKs and the examples do', () => {
    expect(arenaAddress(undefined, { FLEXARENA_ARENA: '127.0.0.1:7' })).toBe('127.0.0.1:7');
    expect(arenaAddress('127.0.0.1:8', { FLEXARENA_ARENA: '127.0.0.1:7' })).toBe('127.0.0.1:8');
  });
  it('names both when neither is given', () => {
    expect(() => arenaAddress(undefined, {})).toThrow('--arena (or FLEXARENA_ARENA) is required');
  });
});
