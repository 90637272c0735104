// The block search against brute force on small adversarial auctions (8 periods, long blocks within a
// few ticks of the money, most subsets paradoxical — block-search.test.ts's shape), many seeds:
//   node --import tsx scripts/bench/block-brute-force.ts <first seed> <last seed> <blocks> [max nodes]
// Each auction is cleared by the search (no enumeration stepping in) and by a brute force over all
// 2^blocks subsets that shares no code with it. A proven result must be the brute force's selection
// (welfare, volume, blocks); an unproven one must be admissible and within its gap bound. With a small
// node limit (e.g. 2) this checks the flags and bounds of unfinished searches. Exits 1 on a disagreement.
import { clearAuction } from '../../market/auction/clear-auction.js';
import { bruteBestSelection, smallAdversarialAuction } from '../../market/auction/test-helpers.js';
import type { BlockBid } from '../../market/auction/types.js';

function whole(value: string | undefined, name: string, min: number): number {
  const n = Number(value);
  if (!Number.isSafeInteger(n) || n < min) {
    process.stderr.write(
      `${name} must be a whole number ≥ ${min} (got ${value})\n` +
        'usage: block-brute-force.ts <first seed> <last seed> <blocks> [max nodes]\n',
    );
    process.exit(2);
  }
  return n;
}

const args = process.argv.slice(2);
const first = whole(args[0], 'first seed', 1);
const last = whole(args[1], 'last seed', first);
const blocks = whole(args[2], 'blocks', 1);
const maxSearchNodes = args[3] === undefined ? undefined : whole(args[3], 'max nodes', 1);

const CASH_PER_TICK_LOT = 25; // 15-minute periods: a tick (0.01 €/MWh) × a lot (0.1 MW) × ¼ h
let agree = 0;
let unproven = 0;
let wrong = 0;
let short = 0;
for (let seed = first; seed <= last; seed++) {
  const { config, bids } = smallAdversarialAuction(seed * 2_246_822_519, blocks);
  const result = clearAuction(config, bids, { maxEnumeratedBlocks: 0, maxSearchNodes });
  const brute = bruteBestSelection(config, bids);
  const blockBids = bids.filter((b): b is BlockBid => b.kind === 'block');
  const bestIds = blockBids.filter((_, i) => brute.accepted[i]).map((b) => b.bidId);
  const bestCash = brute.welfare * CASH_PER_TICK_LOT;
  let problem: string | undefined;
  if (result.provenOptimal) {
    if (result.welfareCashUnits !== bestCash || result.acceptedBlocks.join() !== bestIds.join())
      problem = `proven ${result.acceptedBlocks.join()} (${result.welfareCashUnits}) but the best is ${bestIds.join()} (${bestCash})`;
  } else {
    unproven++;
    if (result.welfareCashUnits < bestCash) short++;
    if (result.welfareCashUnits + result.welfareGapBoundCashUnits < bestCash)
      problem = `unproven with welfare ${result.welfareCashUnits} + gap ${result.welfareGapBoundCashUnits} < best ${bestCash}`;
  }
  if (problem) {
    wrong++;
    process.stdout.write(`seed ${seed}: ${problem}\n`);
  } else agree++;
}
process.stdout.write(
  `seeds ${first}–${last}, ${blocks} blocks: ${agree} agree (${unproven} unproven, within their gap bound; ${short} of them short of the best), ${wrong} wrong\n`,
);
process.exit(wrong === 0 ? 0 : 1);
