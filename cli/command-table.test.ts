import { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { COMMANDS, commandsFor } from './command-table.js';

describe('the command table', () => {
  it('loads only the command asked for, and every command for help or an unknown name', () => {
    expect(commandsFor(['node', 'flexarena', 'agent', 'idle', '--token', 't'])).toEqual(['agent']);
    expect(commandsFor(['node', 'flexarena', 'run', 'scenarios/demo.yaml'])).toEqual(['run']);
    const all = Object.keys(COMMANDS);
    expect(commandsFor(['node', 'flexarena'])).toEqual(all);
    expect(commandsFor(['node', 'flexarena', '--help'])).toEqual(all);
    expect(commandsFor(['node', 'flexarena', 'help', 'run'])).toEqual(all);
    expect(commandsFor(['node', 'flexarena', 'rn'])).toEqual(all);
    expect(commandsFor(['node', 'flexarena', 'toString'])).toEqual(all);
  });

  it('registers each command under its own name', async () => {
    for (const [name, load] of Object.entries(COMMANDS)) {
      const program = new Command();
      (await load())(program);
      expect(program.commands.map((c) => c.name())).toEqual([name]);
    }
  }, 120_000);
});
