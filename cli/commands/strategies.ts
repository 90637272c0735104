// `flexarena strategies`: the built-in strategies by name.
import type { Command } from 'commander';
import { listStrategies } from '../../agents/strategies/index.js';

export function registerStrategies(program: Command): void {
  program
    .command('strategies')
    .description('list the built-in strategies')
    .action(() => {
      for (const s of listStrategies()) process.stdout.write(`${s.name.padEnd(20)} ${s.description}\n`);
    });
}
