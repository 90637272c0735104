// Where `flexarena run` puts its run folder. An `outDir` written in the configuration file is
// relative to the file's folder, like the file's `world.source.entsoeCsv`; before, it resolved
// against the working directory, so `flexarena run some/dir/x.yaml` from elsewhere left the results
// wherever the command happened to be started. `--out` stays relative to the working directory, and
// the run folder's config.yaml says `outDir: ..`, so a rerun of it lands next to the first run. A
// file named in a built-in strategy's params (a Q-table, a policy checkpoint) is the configuration
// file's too; it was the working directory's.
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { runArenaToEnd, stopAll, tempDir, writeConfig } from '../helpers/arena-process.js';

afterAll(stopAll);

function config(outDir?: string): Record<string, unknown> {
  return {
    name: 'outdir',
    day: '2026-06-01',
    nats: { enabled: false },
    ...(outDir ? { outDir } : {}),
    agents: [{ id: 'idle', strategy: 'idle', asset: { type: 'battery', powerMw: 1, energyMwh: 2 } }],
  };
}

describe('the run folder of flexarena run', () => {
  it('puts it under the file’s outDir relative to the file, under --out relative to the working directory', {
    timeout: 180_000,
  }, async () => {
    const root = tempDir();
    const scenarioDir = join(root, 'scenarios', 'mine');
    const elsewhere = join(root, 'elsewhere');
    mkdirSync(scenarioDir, { recursive: true });
    mkdirSync(elsewhere);
    const file = writeConfig(scenarioDir, config('results'));

    const a = await runArenaToEnd(file, ['--in-process', '--run-id', 'a'], {}, elsewhere);
    expect(a.code, a.stderr).toBe(0);
    expect(existsSync(join(scenarioDir, 'results', 'a', 'results.json'))).toBe(true);
    expect(existsSync(join(elsewhere, 'results'))).toBe(false);

    // The command line's folder is the working directory's.
    const b = await runArenaToEnd(file, ['--in-process', '--run-id', 'b', '--out', 'mine'], {}, elsewhere);
    expect(b.code, b.stderr).toBe(0);
    expect(existsSync(join(elsewhere, 'mine', 'b', 'results.json'))).toBe(true);

    // The run folder's config.yaml reruns into the folder its run is in, from anywhere.
    const saved = join(scenarioDir, 'results', 'a', 'config.yaml');
    expect(parseYaml(readFileSync(saved, 'utf8')).outDir).toBe('..');
    const c = await runArenaToEnd(saved, ['--in-process', '--run-id', 'c'], {}, elsewhere);
    expect(c.code, c.stderr).toBe(0);
    expect(existsSync(join(scenarioDir, 'results', 'c', 'results.json'))).toBe(true);
    expect(readFileSync(join(scenarioDir, 'results', 'c', 'tape.sha256'), 'utf8')).toBe(
      readFileSync(join(scenarioDir, 'results', 'a', 'tape.sha256'), 'utf8'),
    );
  });

  it('gives a launched agent the file named in its params relative to the configuration file', {
    timeout: 180_000,
  }, async () => {
    const root = tempDir();
    const scenarioDir = join(root, 'scenarios');
    const elsewhere = join(root, 'elsewhere');
    mkdirSync(scenarioDir);
    mkdirSync(elsewhere);
    const file = writeConfig(scenarioDir, {
      ...config('results'),
      agents: [
        {
          id: 'q',
          strategy: 'tabular-q',
          params: { qTablePath: 'tables/q.json' },
          asset: { type: 'battery', powerMw: 1, energyMwh: 2 },
        },
      ],
    });
    // Over gRPC: the agent is its own process, started in the working directory.
    const r = await runArenaToEnd(file, ['--run-id', 'q'], {}, elsewhere);
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(readFileSync(join(scenarioDir, 'tables', 'q.json'), 'utf8')).version).toBe(1);
    expect(existsSync(join(elsewhere, 'tables'))).toBe(false);
    const saved = parseYaml(readFileSync(join(scenarioDir, 'results', 'q', 'config.yaml'), 'utf8'));
    expect(saved.agents[0].params.qTablePath).toBe(join(scenarioDir, 'tables', 'q.json'));
  });

  it('keeps the default runs/ in the working directory when the file gives no outDir', {
    timeout: 120_000,
  }, async () => {
    const root = tempDir();
    const scenarioDir = join(root, 'scenarios');
    mkdirSync(scenarioDir);
    const file = writeConfig(scenarioDir, config());
    const d = await runArenaToEnd(file, ['--in-process', '--run-id', 'd'], {}, root);
    expect(d.code, d.stderr).toBe(0);
    expect(existsSync(join(root, 'runs', 'd', 'results.json'))).toBe(true);
  });
});
