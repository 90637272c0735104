// A run driven by an ENTSO-E CSV keeps what it read: its run folder holds a copy of the price file
// and its config.yaml names that copy, so the folder replays (and reruns) from anywhere. Before,
// config.yaml kept the scenario's relative path, which resolves against the run folder and is not
// there. A price file that cannot be read is refused before the run's nats-server starts.
import { copyFileSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { loadReplay } from '../../dashboard/index.js';
import { runArenaToEnd, stopAll, tempDir, writeConfig } from '../helpers/arena-process.js';

afterAll(stopAll);

const SAMPLE = join(
  import.meta.dirname,
  '..',
  '..',
  'sim',
  'world',
  'data',
  'entsoe-sample-de-2024-06-01.csv',
);

function csvConfig(file: string, nats = false): Record<string, unknown> {
  return {
    name: 'csv',
    day: '2024-06-01',
    nats: { enabled: nats },
    world: { source: { entsoeCsv: file } },
    agents: [{ id: 'idle', strategy: 'idle', asset: { type: 'battery', powerMw: 1, energyMwh: 2 } }],
  };
}

describe('a run on an ENTSO-E CSV', () => {
  it('copies the price file into its run folder, names the copy in config.yaml and replays', {
    timeout: 120_000,
  }, async () => {
    const scenarioDir = join(tempDir(), 'scenario');
    mkdirSync(scenarioDir);
    copyFileSync(SAMPLE, join(scenarioDir, 'prices.csv'));
    const out = tempDir();
    const res = await runArenaToEnd(writeConfig(scenarioDir, csvConfig('prices.csv')), [
      '--out',
      out,
      '--in-process',
      '--run-id',
      'csv-run',
    ]);
    expect(res.code, res.stderr).toBe(0);
    const runDir = join(out, 'csv-run');
    expect(readFileSync(join(runDir, 'world-prices.csv'), 'utf8')).toBe(readFileSync(SAMPLE, 'utf8'));
    const saved = parseYaml(readFileSync(join(runDir, 'config.yaml'), 'utf8'));
    expect(saved.world.source.entsoeCsv).toBe('world-prices.csv');
    // The test's working directory is not the scenario's: the replay finds the prices in the folder.
    const replay = await loadReplay(runDir);
    expect(replay.tapeSha256).toBe(readFileSync(join(runDir, 'tape.sha256'), 'utf8').trim().split(/\s+/)[0]);
  });

  it('refuses a price file it cannot read before starting its nats-server', { timeout: 60_000 }, async () => {
    const dir = tempDir();
    const res = await runArenaToEnd(writeConfig(dir, csvConfig('missing.csv', true)), [
      '--out',
      dir,
      '--in-process',
    ]);
    expect(res.code).toBe(1);
    // One line naming the price file, the field that names it and the configuration's file.
    expect(res.stderr).toMatch(
      /^flexarena: cannot read the price file \S+missing\.csv \(world\.source\.entsoeCsv of \S+run\.yaml\): no such file or directory\n$/m,
    );
    expect(res.stdout + res.stderr).not.toContain('nats-server started');
  });
});
