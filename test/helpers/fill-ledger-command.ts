// The command line of the fill-ledger test agent (test/helpers/fill-ledger-agent.ts) as a run or a
// tournament launches it: the arena's and the token's placeholders, its state file, then its own
// test options (--die-after, --exit-at, --think-ms, …).
import { helperBundle } from './helper-bundle.js';

export function fillLedgerCommand(
  options: readonly string[] = [],
  where: { arena?: string; state?: string } = {},
): string[] {
  return [
    process.execPath,
    helperBundle('fill-ledger-agent.ts'),
    '--arena',
    where.arena ?? '{arena}',
    '--token',
    '{token}',
    '--state',
    where.state ?? '{state}',
    ...options,
  ];
}
