// `npm run bench:auction`: day-ahead clearing time for 96 periods × 1 000 bid steps, with and
// without block orders (HiGHS). Writes its section of BENCHMARKS.md.
import { cpus } from 'node:os';
import { benchAuctionClearing } from '../market/auction/clearing.bench.js';
import { writeBenchmarkSection } from './benchmarks-file.js';

const b = await benchAuctionClearing();
const body = `## Day-ahead clearing (\`npm run bench:auction\`)

${b.periods} periods × ${b.steps} bid steps per period (seeded random step curves), median of 10
after a warm-up. ${new Date().toISOString().slice(0, 10)}, ${cpus().length} cores (${cpus()[0]?.model ?? 'unknown CPU'}).

| case | median |
|---|---|
| curves only | ${b.medianMs.toFixed(1)} ms |
| with ${b.blocks} block orders (HiGHS MIP, ${b.mipSolves} solve(s), ${b.acceptedBlocks} accepted) | ${b.withBlocksMedianMs.toFixed(1)} ms |`;
writeBenchmarkSection('auction', body);
process.stdout.write(`${body}\n`);
