// `flexarena strategies`: the built-in strategies by name, with their paradigm and parameters
// (read from the schema each strategy validates its parameters with).
import type { Command } from 'commander';
import { formatParam, listStrategies, type StrategyInfo } from '../../agents/strategies/index.js';

export function formatStrategies(list: StrategyInfo[]): string {
  const lines: string[] = [];
  for (const s of list) {
    lines.push(`${s.name}  (${s.paradigm})  ${s.description}`);
    if (s.params.length === 0) lines.push('    no parameters');
    for (const p of s.params) lines.push(`    ${formatParam(p)}`);
  }
  return `${lines.join('\n')}\n`;
}

export function registerStrategies(program: Command): void {
  program
    .command('strategies')
    .description('list the built-in strategies with their paradigm and parameters')
    .option('--json', 'print the listing as JSON')
    .action((opts: { json?: boolean }) => {
      const list = listStrategies();
      process.stdout.write(opts.json ? `${JSON.stringify(list, null, 2)}\n` : formatStrategies(list));
    });
}
