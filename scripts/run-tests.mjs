#!/usr/bin/env node
// `npm test`: static checks (biome, buf lint, tsc) then the vitest suite, ending with one line
// "N passed, N failed" that counts vitest tests plus the static checks.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const bin = (name) => join(root, 'node_modules', '.bin', name);
const extraArgs = process.argv.slice(2);

function check(name, cmd, args) {
  process.stdout.write(`\n== ${name}: ${[cmd.replace(`${root}/`, ''), ...args].join(' ')}\n`);
  const res = spawnSync(cmd, args, { cwd: root, stdio: 'inherit' });
  const ok = res.status === 0;
  process.stdout.write(`== ${name}: ${ok ? 'ok' : 'FAILED'}\n`);
  return ok;
}

/** The ten slowest test files: where the suite's wall time goes (it should stay well under 10 min). */
function printSlowest(json) {
  const files = (json.testResults ?? [])
    .map((r) => ({ name: r.name.replace(`${root}/`, ''), ms: (r.endTime ?? 0) - (r.startTime ?? 0) }))
    .sort((a, b) => b.ms - a.ms)
    .slice(0, 10);
  if (files.length === 0) return;
  process.stdout.write('\nslowest test files:\n');
  for (const f of files) process.stdout.write(`  ${(f.ms / 1000).toFixed(1).padStart(6)} s  ${f.name}\n`);
}

let passed = 0;
let failed = 0;
// Static checks are skipped when the caller narrows the run to some test files.
if (extraArgs.length === 0) {
  for (const [name, cmd, args] of [
    ['biome', bin('biome'), ['check', '.']],
    ['buf lint', bin('buf'), ['lint']],
    ['tsc', bin('tsc'), ['--noEmit', '-p', 'tsconfig.json']],
    ['tsc (dashboard page)', bin('tsc'), ['--noEmit', '-p', 'dashboard/web/tsconfig.json']],
  ]) {
    if (check(name, cmd, args)) passed++;
    else failed++;
  }
}

// The JSON report, for the counts and the slowest files. (The tests' own temporary files go below
// one folder of their own, removed when all passed: test/temp-folder-setup.ts.)
const outDir = mkdtempSync(join(tmpdir(), 'flexarena-vitest-'));
const report = join(outDir, 'report.json');
process.stdout.write('\n== vitest\n');
const res = spawnSync(
  bin('vitest'),
  ['run', '--reporter=default', '--reporter=json', `--outputFile.json=${report}`, ...extraArgs],
  { cwd: root, stdio: 'inherit' },
);
try {
  const json = JSON.parse(readFileSync(report, 'utf8'));
  passed += json.numPassedTests;
  failed += json.numFailedTests;
  printSlowest(json);
  if (json.numTotalTests === 0 || (res.status !== 0 && json.numFailedTests === 0)) failed++;
} catch {
  process.stdout.write(`vitest wrote no report (exit ${res.status})\n`);
  failed++;
}
rmSync(outDir, { recursive: true, force: true });
process.stdout.write(`\n${passed} passed, ${failed} failed\n`);
process.exit(failed === 0 ? 0 : 1);
