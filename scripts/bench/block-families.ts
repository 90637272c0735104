// The day-ahead block search on three families of hard auctions, seed by seed:
//   node --import tsx scripts/bench/block-families.ts <family> <first seed> <last seed> [max nodes]
// family: adversarial (50 blocks of 1–96 periods, 50–500 lots, limits within ±1 €/MWh of their
// periods' average price without blocks — the shape of bench:auction's last case), wide (the same
// with 200–2 000 lots) or tight (50–500 lots within ±0.05 €/MWh). 96 periods × 1 000 curve steps.
// All seeds of a call clear in one process, in order, so the first one's time includes compiling.
// Prints one line per auction: proven or not, nodes, blocks accepted, welfare, gap bound, wall and
// CPU time. Nodes, selections and bounds do not depend on the machine; the times do.
import { performance } from 'node:perf_hooks';
import { clearAuction, DEFAULT_MAX_SEARCH_NODES } from '../../market/auction/clear-auction.js';
import { nearTheMoneyBids } from '../../market/auction/clearing.bench.js';
import { type AuctionBid, defaultAuctionConfig } from '../../market/auction/types.js';

const FAMILIES: Record<string, (seed: number) => AuctionBid[]> = {
  adversarial: (seed) => nearTheMoneyBids(50, seed, 100, 96),
  wide: (seed) => nearTheMoneyBids(50, seed, 100, 96, [200, 2000]),
  tight: (seed) => nearTheMoneyBids(50, seed, 5, 96, [50, 500]),
};

function usage(message: string): never {
  process.stderr.write(
    `${message}\nusage: block-families.ts <${Object.keys(FAMILIES).join('|')}> <first seed> <last seed> [max nodes]\n`,
  );
  process.exit(2);
}

function wholeArg(value: string | undefined, name: string, min: number): number {
  const n = Number(value);
  if (!Number.isSafeInteger(n) || n < min) usage(`${name} must be a whole number ≥ ${min} (got ${value})`);
  return n;
}

const [familyName, firstArg, lastArg, nodesArg] = process.argv.slice(2);
const family = FAMILIES[familyName ?? ''];
if (!family) usage(`unknown family ${familyName}`);
const first = wholeArg(firstArg, 'first seed', 1);
const last = wholeArg(lastArg, 'last seed', first);
const maxSearchNodes = nodesArg === undefined ? DEFAULT_MAX_SEARCH_NODES : wholeArg(nodesArg, 'max nodes', 1);

let proven = 0;
let withinSecond = 0;
for (let seed = first; seed <= last; seed++) {
  const bids = family(seed);
  const config = defaultAuctionConfig(96);
  const cpu = process.cpuUsage();
  const start = performance.now();
  const result = clearAuction(config, bids, { maxSearchNodes });
  const wallMs = performance.now() - start;
  const used = process.cpuUsage(cpu);
  const accepted = result.acceptedBlocks.length;
  if (result.provenOptimal) {
    proven++;
    if (wallMs <= 1000) withinSecond++;
  }
  process.stdout.write(
    `${familyName} ${seed} ${result.provenOptimal ? 'proven' : 'UNPROVEN'} nodes=${result.searchNodes} ` +
      `accepted=${accepted} welfare=${result.welfareCashUnits} gap=${result.welfareGapBoundCashUnits} ` +
      `wall=${wallMs.toFixed(0)}ms cpu=${((used.user + used.system) / 1000).toFixed(0)}ms\n`,
  );
}
process.stdout.write(
  `${familyName} ${first}–${last}: ${proven} proven, ${withinSecond} of them within 1 s\n`,
);
