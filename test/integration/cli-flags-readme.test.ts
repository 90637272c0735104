// Every flag of every `flexarena` command (its --help) is named in README.md: flags such as
// `evaluate --runs-dir`, `worker --max-games` and `agent --wake-ups` were only in a command's help
// or in docs/, and a reader of the README did not learn that they exist. (The other way round, a
// flag in README that no command has, was checked by hand: the ones there belong to node, buf,
// setpriv or the Python SDK's command line.)
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BIN } from '../helpers/arena-process.js';

const README = readFileSync(join(import.meta.dirname, '..', '..', 'README.md'), 'utf8');
const help = (args: string[]) =>
  execFileSync(process.execPath, [BIN, ...args, '--help'], { encoding: 'utf8' });

describe('README and the commands’ --help', () => {
  it('names every flag of every command', { timeout: 120_000 }, () => {
    const commands = [...help([]).matchAll(/^ {2}([a-z]+) \[options\]/gm)].map((m) => m[1]!);
    expect(commands).toContain('worker');
    const missing = commands.flatMap((c) =>
      [...new Set(help([c]).match(/--[a-z][a-z0-9-]+/g) ?? [])]
        .filter((f) => f !== '--help' && !new RegExp(`${f}(?![a-z0-9-])`).test(README))
        .map((f) => `${c} ${f}`),
    );
    expect(missing).toEqual([]);
  });
});
