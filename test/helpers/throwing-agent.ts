// A test agent process whose strategy has a bug: decide() throws at its third wake-up. It ends as
// `flexarena agent` does (cli/usage-errors.ts, errorExit): one line naming the strategy, the method
// and the wake-up, the frames of what it threw, exit code 1.
//
//   node --import tsx test/helpers/throwing-agent.ts   (FLEXARENA_ARENA, FLEXARENA_TOKEN set)
import { runAgent, type Strategy } from '../../agents/sdk/index.js';
import { errorExit } from '../../cli/usage-errors.js';

function priceOf(book: { asks?: { priceTicks: number }[] } | undefined): number {
  // The bug: a product without a book.
  return book!.asks![0]!.priceTicks;
}

let wakeUps = 0;
const buggy: Strategy = {
  name: 'buggy',
  decide: () => {
    if (++wakeUps === 3) priceOf(undefined);
    return [];
  },
};

runAgent(buggy, {
  address: process.env.FLEXARENA_ARENA ?? '',
  token: process.env.FLEXARENA_TOKEN ?? '',
}).then(
  () => process.stdout.write('buggy: run ended without the bug\n'),
  (err) => {
    const { line, code } = errorExit(err, process.argv);
    if (line !== undefined) process.stderr.write(`${line}\n`);
    process.exit(code);
  },
);
