// Runs a TypeScript entry of the project the way the `flexarena` command runs its own: from a
// code-split esbuild bundle made again whenever a source changed (bin/cli-bundle.mjs), so a bench
// that times a process from its start times what `flexarena run` pays, not tsx's start-up:
//   node scripts/bench/bundled.mjs scripts/bench/pace-run.ts <args…>
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { cliBundle } from '../../bin/cli-bundle.mjs';

const entry = process.argv[2];
if (!entry)
  throw new Error('usage: node scripts/bench/bundled.mjs <entry.ts relative to the project> [args…]');
const { url } = await cliBundle({ root: join(dirname(fileURLToPath(import.meta.url)), '..', '..'), entry });
process.argv.splice(1, 1); // the entry sees its own arguments as it would through tsx
process.setSourceMapsEnabled(true);
await import(url);
