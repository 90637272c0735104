import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ConfigError } from '../../lib/errors.js';
import { readNamedConfig } from './config-file.js';
import { loadRunConfig } from './load-config.js';

describe('loadRunConfig', () => {
  const dir = mkdtempSync(join(tmpdir(), 'flexarena-run-config-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('gives a ConfigError naming the file when it does not exist', () => {
    const file = join(dir, 'missing.yaml');
    expect(() => loadRunConfig(file)).toThrow(ConfigError);
    try {
      loadRunConfig(file);
    } catch (err) {
      const ce = err as ConfigError;
      expect(ce.file).toBe(file);
      expect(ce.issues[0]!.message).toMatch(/cannot read file/);
      expect(ce.cause).toBeDefined();
      // One line, as every other mistake is said: it was "invalid configuration …:" over
      // "  - (root): cannot read file: ENOENT: …".
      expect(ce.message).toBe(`cannot read the configuration file ${file}: no such file or directory`);
    }
  });

  it('says a folder given for the file is a folder, in one line', () => {
    expect(() => loadRunConfig(dir)).toThrow(
      `cannot read the configuration file ${dir}: it is a folder, not a file`,
    );
  });

  it('names the field and the file that named a scenario file it cannot read', () => {
    const file = join(dir, 'missing-scenario.yaml');
    expect(() =>
      readNamedConfig(() => loadRunConfig(file), file, {
        what: 'scenario file',
        field: 'scenarios[1].file',
        source: 't.yaml',
      }),
    ).toThrow(
      `cannot read the scenario file ${file} (scenarios[1].file of t.yaml): no such file or directory`,
    );
  });

  it('reads YAML merge keys: agents that share most of their fields write them once', () => {
    const file = join(dir, 'merge.yaml');
    writeFileSync(
      file,
      [
        'name: merge',
        'day: 2026-11-22',
        'agents:',
        '  - &battery { id: a, strategy: heuristic-battery, asset: { type: battery, powerMw: 5, energyMwh: 10 } }',
        '  - <<: *battery',
        '    id: b',
        '',
      ].join('\n'),
    );
    const cfg = loadRunConfig(file);
    expect(cfg.agents.map((a) => [a.id, a.strategy, a.asset])).toEqual([
      ['a', 'heuristic-battery', expect.objectContaining({ powerMw: 5, energyMwh: 10 })],
      ['b', 'heuristic-battery', expect.objectContaining({ powerMw: 5, energyMwh: 10 })],
    ]);
  });

  it('gives a ConfigError on invalid YAML', () => {
    const file = join(dir, 'broken.yaml');
    writeFileSync(file, 'day: 2026-11-22\nagents: [\n  - id: a\n');
    expect(() => loadRunConfig(file)).toThrow(ConfigError);
    try {
      loadRunConfig(file);
    } catch (err) {
      expect((err as ConfigError).issues[0]!.message).toMatch(/not valid YAML/);
    }
  });

  it('validates the document and names the file in errors', () => {
    const file = join(dir, 'wrong.yaml');
    writeFileSync(
      file,
      'day: 2026-11-22\nagents:\n  - id: a\n    strategy: idle\n    asset: {type: battery, powerMw: 0, energyMwh: 1}\n',
    );
    try {
      loadRunConfig(file);
      expect.unreachable('should have thrown');
    } catch (err) {
      expect(err).toBeInstanceOf(ConfigError);
      expect((err as ConfigError).file).toBe(file);
      expect((err as ConfigError).issues[0]!.path).toBe('agents[0].asset.powerMw');
    }
  });

  it('applies overrides over the file', () => {
    const file = join(dir, 'ok.yaml');
    writeFileSync(file, 'seed: 3\nday: 2026-11-22\nagents:\n  - id: a\n    strategy: idle\n');
    expect(loadRunConfig(file).seed).toBe(3);
    expect(loadRunConfig(file, { seed: 99, port: 1234 })).toMatchObject({ seed: 99, port: 1234 });
    expect(loadRunConfig(file, { seed: undefined }).seed).toBe(3);
  });

  it('loads scenarios/demo.yaml', () => {
    const cfg = loadRunConfig(new URL('../../scenarios/demo.yaml', import.meta.url).pathname);
    expect(cfg.name).toBe('demo');
    expect(cfg.seed).toBe(42);
    expect(cfg.agents.map((a) => a.id)).toEqual(['liquidity', 'heuristic', 'optimiser', 'reserve', 'idle']);
    expect(cfg.agents[0]!.role).toBe('liquidity');
    expect(cfg.agents[1]!.asset).toMatchObject({ type: 'battery', powerMw: 10, energyMwh: 20 });
  });

  it("makes a relative price file the configuration file's, whatever the working directory", () => {
    // A tournament's or a study's scenario is played by runs that do not know its file: the CSV
    // was read against the working directory, and a tournament started elsewhere could not find it.
    const file = join(dir, 'csv.yaml');
    writeFileSync(
      file,
      'day: 2024-06-01\nworld: {source: {entsoeCsv: data/prices.csv}}\nagents:\n  - {id: a, strategy: idle}\n',
    );
    const src = loadRunConfig(file).world.source;
    expect(src).toEqual({ entsoeCsv: join(dir, 'data', 'prices.csv') });
    writeFileSync(
      file,
      'day: 2024-06-01\nworld: {source: {entsoeCsv: /elsewhere/prices.csv}}\nagents:\n  - {id: a, strategy: idle}\n',
    );
    expect(loadRunConfig(file).world.source).toEqual({ entsoeCsv: '/elsewhere/prices.csv' });
  });
});
