// The train command end to end with real processes: a training run killed (SIGKILL) after its
// first checkpoint resumes to exactly the policy of an uninterrupted run, and the trained policy
// then plays in a real run as its own agent process over gRPC (and in-process).
import { type ChildProcess, spawn } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { killAndWait } from '../../arena/nats/nats-server-launcher.js';
import { BIN, startArena, stopAll, tempDir, writeConfig } from '../helpers/arena-process.js';

const children = new Set<ChildProcess>();
afterEach(async () => {
  await Promise.all([...children].map((c) => killAndWait(c)));
  await stopAll();
});

function flexarena(args: string[]): {
  child: ChildProcess;
  done: Promise<{ code: number | null; out: string }>;
} {
  const child = spawn(process.execPath, [BIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  children.add(child);
  let out = '';
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (out += d));
  const done = new Promise<{ code: number | null; out: string }>((resolve) =>
    child.on('exit', (code) => {
      children.delete(child);
      resolve({ code, out });
    }),
  );
  return { child, done };
}

const trainConfig = {
  name: 'tiny-policy',
  seed: 21,
  method: { name: 'td3', startSteps: 192, trainEvery: 8, batchSize: 32, hidden: [16, 16] },
  env: {
    kind: 'battery',
    days: { start: '2026-01-10', count: 5 },
    difficulty: 'noise',
    generation: { peakMw: 0 },
    allowImport: true,
    battery: { powerMw: 5, energyMwh: 10 },
    observation: 'standard',
  },
  steps: 768,
  checkpointEvery: 256,
  eval: { days: 1 },
};

describe('flexarena train', () => {
  it('stops on Ctrl-C with one line saying where it resumes; bad files and pairs are one line', async () => {
    const dir = tempDir('flexarena-train-int-');
    const file = writeConfig(dir, { ...trainConfig, steps: 7680 }, 'train.yaml');
    const out = join(dir, 'out');
    const a = flexarena(['train', file, '--out', out, '--no-progress']);
    const ckpt = join(out, 'checkpoint.json');
    const t0 = Date.now();
    while (!existsSync(ckpt) && Date.now() - t0 < 60_000) await new Promise((r) => setTimeout(r, 50));
    a.child.kill('SIGINT');
    const ra = await a.done;
    // It died silently before (no line, no exit code of a signal).
    expect(ra.code, ra.out).toBe(130);
    expect(ra.out).toMatch(
      /SIGINT: stopping the training after this episode… \(again to exit at once\)\nflexarena: training interrupted by SIGINT at \d+ of 7680 steps; the same command resumes from checkpoint (\d+) \(\d+ steps\) in \S+out\n$/,
    );
    const at = /resumes from checkpoint (\d+)/.exec(ra.out)![1];
    expect(existsSync(join(out, 'policy.json'))).toBe(false);
    const b = await flexarena(['train', file, '--out', out, '--no-progress']).done;
    expect(b.code, b.out).toBe(0);
    expect(b.out).toContain(`resumed from checkpoint ${at}; trained 7680 steps`);
    // A finished folder is not trained again (it used to add a checkpoint each time).
    const c = await flexarena(['train', file, '--out', out, '--no-progress']).done;
    expect(c.out).toContain('\nalready trained: checkpoint 30 is the final one (7680 steps)');

    const oneLine = async (args: string[], expected: RegExp) => {
      const r = await flexarena(['train', ...args, '--no-progress']).done;
      expect(r.code, r.out).toBe(1);
      expect(r.out).toMatch(expected);
      expect(r.out).not.toMatch(/\n\s+at /); // no stack trace
    };
    await oneLine(
      [join(dir, 'missing.yaml')],
      /^flexarena: cannot read the configuration file \S+missing\.yaml: no such file or directory\n$/,
    );
    const tq = writeConfig(dir, { ...trainConfig, method: { name: 'tabular-q' } }, 'tq.yaml');
    await oneLine(
      [tq, '--out', join(dir, 'tq')],
      /^flexarena: invalid configuration \S+tq\.yaml:\n {2}- env\.action: method tabular-q needs env\.action discrete \(its five actions\)\n$/,
    );
    expect(existsSync(join(dir, 'tq'))).toBe(false);
    await oneLine(
      [file, '--out', file],
      /^flexarena: cannot make the training folder "\S+train\.yaml" \(outDir, --out\): EEXIST: file already exists, mkdir '\S+'\n$/,
    );
    writeFileSync(ckpt, '{"version":1,"config"');
    await oneLine(
      [file, '--out', out],
      /^flexarena: \S+checkpoint\.json cannot be read \(.*\); delete it to train from the start, or use another outDir\n$/,
    );
  }, 300_000);

  // The progress bar needs a terminal: util-linux `script` gives the command one.
  it.skipIf(!existsSync('/usr/bin/script'))(
    'a refused folder on a terminal prints its line alone and leaves line wrapping on',
    async () => {
      const dir = tempDir('flexarena-train-tty-');
      const file = writeConfig(dir, trainConfig, 'train.yaml');
      const out = join(dir, 'out');
      mkdirSync(out);
      writeFileSync(join(out, 'checkpoint.json'), '{');
      const cmd = [process.execPath, BIN, 'train', file, '--out', out].map((x) => `'${x}'`).join(' ');
      const child = spawn('/usr/bin/script', ['-qec', cmd, '/dev/null'], {
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      children.add(child);
      let text = '';
      child.stdout!.on('data', (d) => (text += d));
      const code = await new Promise((resolve) => child.on('exit', resolve));
      children.delete(child);
      expect(code).toBe(1);
      // The bar used to start before the folder was checked: the error landed on the bar's line
      // and the terminal was left with auto-wrap off (ESC[?7l without ESC[?7h).
      expect(text).not.toContain('\x1b[?7l');
      expect(text).toMatch(/^flexarena: \S+checkpoint\.json cannot be read \(.*\); delete it/);
    },
    60_000,
  );

  it('resumes after a kill to the policy of an uninterrupted run; the policy plays over gRPC', async () => {
    const dir = tempDir('flexarena-train-it-');
    const file = writeConfig(dir, trainConfig, 'train.yaml');
    const full = join(dir, 'full');
    const a = flexarena(['train', file, '--out', full, '--no-progress']);
    const ra = await a.done;
    expect(ra.code, ra.out).toBe(0);
    expect(ra.out).toMatch(/trained 768 steps/);

    const cut = join(dir, 'cut');
    const b = flexarena(['train', file, '--out', cut, '--no-progress']);
    const ckpt = join(cut, 'checkpoint.json');
    const t0 = Date.now();
    while (!existsSync(ckpt) && Date.now() - t0 < 60_000) await new Promise((r) => setTimeout(r, 50));
    expect(existsSync(ckpt)).toBe(true);
    b.child.kill('SIGKILL');
    const rb = await b.done;
    expect(rb.code).toBeNull(); // killed, not finished
    expect(existsSync(join(cut, 'policy.json'))).toBe(false);
    const c = flexarena(['train', file, '--out', cut, '--no-progress']);
    const rc = await c.done;
    expect(rc.code, rc.out).toBe(0);
    expect(rc.out).toMatch(/resumed from checkpoint [1-9]/);
    const policy = (d: string) => JSON.parse(readFileSync(join(d, 'policy.json'), 'utf8'));
    expect(policy(cut).network).toEqual(policy(full).network);
    for (const f of ['learning-curve.png', 'report.html', 'metrics.jsonl', 'config.json'])
      expect(existsSync(join(full, f))).toBe(true);

    // Another configuration does not resume from this one's checkpoint: one line, nothing trained.
    const other = writeConfig(dir, { ...trainConfig, seed: 22 }, 'other.yaml');
    const wrong = await flexarena(['train', other, '--out', cut, '--no-progress']).done;
    expect(wrong.code).toBe(1);
    expect(wrong.out).toMatch(
      /flexarena: \S+checkpoint\.json belongs to another configuration; use another outDir or delete it\n$/,
    );

    // The trained policy as an agent process of a real run.
    const run = {
      name: 'policy-play',
      seed: 4,
      day: '2026-01-14',
      deadlineMs: 10_000,
      // Three agent processes start at once; on a loaded 2-core machine that can take a while.
      connectTimeoutMs: 180_000,
      nats: { enabled: false },
      world: { difficulty: 'noise' },
      agents: [
        {
          id: 'liquidity',
          strategy: 'liquidity',
          role: 'liquidity',
          params: { depthMwPerEur: 5, levels: 10, horizonHours: 6 },
        },
        {
          id: 'learned',
          strategy: 'policy',
          params: { checkpoint: join(full, 'policy.json') },
          asset: { type: 'battery', powerMw: 5, energyMwh: 10 },
        },
        {
          id: 'heuristic',
          strategy: 'heuristic-battery',
          asset: { type: 'battery', powerMw: 5, energyMwh: 10 },
        },
      ],
    };
    const arena = await startArena(writeConfig(dir, { ...run, outDir: join(dir, 'runs') }));
    const res = await arena.exited;
    expect(res.code, res.stderr).toBe(0);
    const results = JSON.parse(readFileSync(join(arena.runDir, 'results.json'), 'utf8'));
    const learned = results.agents.find((x: { agentId: string }) => x.agentId === 'learned');
    expect(learned.orders).toBeGreaterThan(10);
    expect(learned.missedDeadlines).toBe(0);
    const log = readFileSync(join(arena.runDir, 'agents', 'learned.log'), 'utf8');
    expect(log).toMatch(/policy td3: \d+ decisions, mean network time [\d.]+ µs, mean decide\(\) [\d.]+ µs/);

    // The same policy in-process: the run completes with the same agent.
    const inproc = flexarena([
      'run',
      writeConfig(dir, { ...run, outDir: join(dir, 'runs-inproc') }, 'inproc.yaml'),
      '--in-process',
    ]);
    const ri = await inproc.done;
    expect(ri.code, ri.out).toBe(0);
  }, 600_000);

  it('trains on the full market with a world read from a price CSV beside the training file', async () => {
    // Its simulations were made without reading the file: "the file was not read: pass its text in
    // CreateWorldOptions.entsoeCsv" (a developer's message), and nothing trained.
    const dir = tempDir('flexarena-train-csv-');
    const cfgDir = join(dir, 'cfg');
    mkdirSync(cfgDir);
    const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
    copyFileSync(
      join(root, 'sim', 'world', 'data', 'entsoe-sample-de-2024-06-01.csv'),
      join(cfgDir, 'prices.csv'),
    );
    const file = writeConfig(
      cfgDir,
      {
        name: 'csv-market',
        seed: 11,
        method: { name: 'td3', startSteps: 50, trainEvery: 4, batchSize: 16, hidden: [8, 8] },
        env: {
          kind: 'market',
          learner: 'learner',
          run: {
            name: 'csv-market',
            seed: 500,
            day: '2024-06-01',
            world: { source: { entsoeCsv: 'prices.csv' } },
            nats: { enabled: false },
            agents: [
              {
                id: 'liquidity',
                strategy: 'liquidity',
                role: 'liquidity',
                params: { depthMwPerEur: 5, levels: 5, horizonHours: 4 },
              },
              { id: 'learner', strategy: 'idle', asset: { type: 'battery', powerMw: 5, energyMwh: 10 } },
            ],
          },
        },
        steps: 200,
        checkpointEvery: 100,
      },
      'train.yaml',
    );
    // From another working directory: the CSV is the training file's.
    const child = spawn(process.execPath, [BIN, 'train', file, '--out', join(dir, 'out'), '--no-progress'], {
      cwd: dir,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    children.add(child);
    let out = '';
    child.stdout!.on('data', (d) => (out += d));
    child.stderr!.on('data', (d) => (out += d));
    const code = await new Promise<number | null>((r) => child.on('exit', r));
    children.delete(child);
    expect(code, out).toBe(0);
    expect(out).toMatch(/trained \d+ steps in \d+ episodes/);
    expect(existsSync(join(dir, 'out', 'policy.json'))).toBe(true);
  });

  // The run configuration sits below env.run in a training file: the error named the field
  // world.source.entsoeCsv, which the file does not have.
  it('names a price CSV it cannot read by its field in the training file (env.run.world.source.entsoeCsv)', async () => {
    const dir = tempDir('flexarena-train-csv-missing-');
    const file = writeConfig(
      dir,
      {
        name: 'csv-missing',
        seed: 11,
        method: { name: 'td3', startSteps: 50, trainEvery: 4, batchSize: 16, hidden: [8, 8] },
        env: {
          kind: 'market',
          learner: 'learner',
          run: {
            name: 'csv-missing',
            seed: 500,
            day: '2024-06-01',
            world: { source: { entsoeCsv: 'missing.csv' } },
            nats: { enabled: false },
            agents: [
              { id: 'learner', strategy: 'idle', asset: { type: 'battery', powerMw: 5, energyMwh: 10 } },
            ],
          },
        },
        steps: 200,
        checkpointEvery: 100,
      },
      'train.yaml',
    );
    const r = await flexarena(['train', file, '--out', join(dir, 'out'), '--no-progress']).done;
    expect(r.code).toBe(1);
    expect(r.out).toMatch(
      /^flexarena: cannot read the price file \S+missing\.csv \(env\.run\.world\.source\.entsoeCsv of \S+train\.yaml\): no such file or directory$/m,
    );
    expect(existsSync(join(dir, 'out'))).toBe(false);
  });
});
