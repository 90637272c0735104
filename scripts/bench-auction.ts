// `npm run bench:auction`: day-ahead clearing time for 96 periods × 1 000 curve steps, without blocks and
// with 12–50 block orders (step and linear curves, and blocks all near the money), each against the old
// block-selection path measured in the same run. Writes its section of BENCHMARKS.md.
import { cpus, loadavg } from 'node:os';
import { DEFAULT_MAX_SEARCH_NODES } from '../market/auction/clear-auction.js';
import { benchAuctionClearing, formatBench } from '../market/auction/clearing.bench.js';
import { writeBenchmarkSection } from './benchmarks-file.js';

const cases = await benchAuctionClearing();
const body = `## Day-ahead clearing (\`npm run bench:auction\`)

96 periods × 1000 curve steps per period (seeded random curves; \`linear\`: the same points with linear
interpolation), block orders of 4–16 periods; near the money: 1–16 periods, limits within ±3 €/MWh of
their periods' average price without blocks; the last case, adversarial: 1–96 periods within ±1 €/MWh.
Clearing: \`clearAuction\` (aggregation, block selection, allocation), median of 10 after a warm-up (3
for the last case). Block selection: the branch-and-bound alone on the prepared problem (default limit,
${DEFAULT_MAX_SEARCH_NODES} nodes). Old block selection, in the same run: enumeration of all subsets up to 12
blocks, the former HiGHS MIP with no-good cuts above (median of up to 3 runs, stopped after 60 s); its
welfare is compared with the new selection's. ${new Date().toISOString().slice(0, 10)}, ${cpus().length} cores (${cpus()[0]?.model ?? 'unknown CPU'}),
Node ${process.versions.node}, load average ${loadavg()[0]!.toFixed(1)} at the end (the cores are shared with other processes;
absolute times vary with that load, the ratios come from the same run).

${formatBench(cases)}`;
writeBenchmarkSection('auction', body);
process.stdout.write(`${body}\n`);
