// One core, two drivers: the same configuration and seed run once with every agent as its own
// process over gRPC (`flexarena run`) and once with the agents as objects in the arena's process
// (`flexarena run --in-process`) give byte-identical tapes and settlement records. Two scenarios:
// the demo (auctions, quarter-hours and hours, aFRR capacity and balancing energy, five agents)
// and the volatile renewable day (dual imbalance pricing, a prosumer, an LP optimiser and a
// learning agent).
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { readTapeText } from '../../arena/index.js';
import { runArenaToEnd, stopAll, tempDir, writeConfig } from '../helpers/arena-process.js';

afterEach(stopAll);

const SCENARIOS = join(import.meta.dirname, '..', '..', 'scenarios');

interface RunFiles {
  tape: Buffer;
  settlements: Buffer;
  results: { tapeSha256: string; stats: { settlementRecords: number } };
}

async function runBoth(scenario: string): Promise<{ grpc: RunFiles; local: RunFiles }> {
  const cfg = parse(readFileSync(join(SCENARIOS, scenario), 'utf8')) as Record<string, unknown>;
  // A deadline and a connect timeout no loaded machine misses: a missed wake-up or an agent process
  // that connects late would rightly change the tape. Nothing else of the scenario changes, and
  // neither is on the tape.
  const dir = tempDir();
  const path = writeConfig(dir, { ...cfg, deadlineMs: 120_000, connectTimeoutMs: 300_000 });
  const runId = `equivalence-${cfg.name}`;
  const run = async (mode: 'grpc' | 'local'): Promise<RunFiles> => {
    const out = join(dir, mode);
    const res = await runArenaToEnd(path, [
      '--out',
      out,
      '--run-id',
      runId,
      ...(mode === 'local' ? ['--in-process'] : []),
    ]);
    expect(res.code, res.stderr).toBe(0);
    expect(res.stdout).toContain(mode === 'local' ? 'in-process' : 'agent processes over gRPC');
    const runDir = join(out, runId);
    return {
      tape: Buffer.from(readTapeText(runDir)),
      settlements: readFileSync(join(runDir, 'settlements.jsonl')),
      results: JSON.parse(readFileSync(join(runDir, 'results.json'), 'utf8')),
    };
  };
  // Both at once: the tapes must not depend on the machine's pace either.
  const [grpc, local] = await Promise.all([run('grpc'), run('local')]);
  return { grpc, local };
}

function sha256(b: Buffer): string {
  return createHash('sha256').update(b).digest('hex');
}

function expectIdentical(scenario: string, grpc: RunFiles, local: RunFiles): void {
  const tape = grpc.tape.toString();
  expect(tape).not.toMatch(/"type":"(missed-deadline|agent-absent)"/);
  console.log(
    `${scenario}: tape ${grpc.tape.length} / ${local.tape.length} bytes, sha256 ${sha256(grpc.tape)} / ${sha256(local.tape)}; ` +
      `settlements ${grpc.settlements.length} / ${local.settlements.length} bytes`,
  );
  expect(grpc.tape.length).toBeGreaterThan(1_000_000);
  expect(sha256(local.tape)).toBe(sha256(grpc.tape));
  expect(local.tape.equals(grpc.tape)).toBe(true);
  expect(local.results.tapeSha256).toBe(sha256(grpc.tape));
  expect(grpc.results.tapeSha256).toBe(sha256(grpc.tape));
  expect(grpc.results.stats.settlementRecords).toBeGreaterThan(0);
  expect(local.settlements.equals(grpc.settlements)).toBe(true);
}

describe('in-process and multi-process runs', () => {
  // Five agent processes on a loaded two-core machine: give the gRPC run room.
  const TIMEOUT_MS = 300_000;

  it('give byte-identical tapes for the demo (seed 42)', { timeout: TIMEOUT_MS }, async () => {
    const { grpc, local } = await runBoth('demo.yaml');
    expectIdentical('demo', grpc, local);
  });

  it('give byte-identical tapes for the volatile renewable day (hourly products, dual balancing)', {
    timeout: TIMEOUT_MS,
  }, async () => {
    const { grpc, local } = await runBoth('volatile-renewable.yaml');
    expectIdentical('volatile-renewable', grpc, local);
    expect(grpc.tape.toString()).toMatch(/"productId":"h-/);
  });
});
