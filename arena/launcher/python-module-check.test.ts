import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { AgentConfig } from '../../sim/index.js';
import { agentCommand, PYTHON_SDK_DIR } from './agent-launcher.js';
import { pythonModuleIssues } from './python-module-check.js';

const python = (module: string, extra: Partial<AgentConfig> = {}) =>
  ({
    id: module,
    strategy: 'py',
    launch: true,
    runtime: 'python',
    module,
    params: {},
    ...extra,
  }) as AgentConfig;

// A folder of the user's own, reached only through PYTHONPATH or as the working directory: a
// module, a package with a __main__, a package without one, and a package that fails on import.
const own = mkdtempSync(join(tmpdir(), 'flexarena-pymod-'));
writeFileSync(join(own, 'my_agent.py'), 'import sys\nsys.exit(0)\n');
mkdirSync(join(own, 'runnable'));
writeFileSync(join(own, 'runnable', '__init__.py'), 'print("imported")\n');
writeFileSync(join(own, 'runnable', '__main__.py'), 'import sys\nsys.exit(0)\n');
mkdirSync(join(own, 'broken'));
writeFileSync(join(own, 'broken', '__init__.py'), 'raise RuntimeError("not today")\n');
writeFileSync(join(own, 'broken', 'agent.py'), '');
afterAll(() => rmSync(own, { recursive: true, force: true }));

/**
 * Whether `python3 -m <module>` gets as far as running it (with --help, which the SDK's agents
 * answer with 0): runpy's own refusal is one line that opens with the interpreter's path (a module
 * that runs and fails later, say for want of grpc, was found).
 */
function starts(module: string, cwd: string, env: NodeJS.ProcessEnv): boolean {
  const { argv, env: extra } = agentCommand(python(module), false, env)!;
  const r = spawnSync(argv[0]!, ['-m', module, '--help'], {
    cwd,
    env: { ...env, ...extra },
    encoding: 'utf8',
  });
  const refused = /^\S*python\S*: (No module named|Error while finding module specification)/m.test(r.stderr);
  return !refused;
}

describe('the module of a runtime: python agent', () => {
  it('is refused exactly when python3 -m would not start it, found as -m finds it (SDK folder, PYTHONPATH, working directory)', async () => {
    const outside = tmpdir();
    const cases: { module: string; cwd: string; env: NodeJS.ProcessEnv }[] = [
      { module: 'flexarena_examples.battery', cwd: outside, env: process.env },
      { module: 'flexarena_examples.batery', cwd: outside, env: process.env },
      { module: 'flexarena_exampels.battery', cwd: outside, env: process.env },
      { module: 'flexarena_examples', cwd: outside, env: process.env },
      { module: 'flexarena_examples.battery.run', cwd: outside, env: process.env },
      { module: 'json.tool', cwd: outside, env: process.env },
      { module: 'json', cwd: outside, env: process.env },
      { module: 'my_agent', cwd: outside, env: { ...process.env, PYTHONPATH: own } },
      { module: 'my_agent', cwd: own, env: process.env },
      { module: 'my_agent', cwd: outside, env: process.env },
      { module: 'runnable', cwd: outside, env: { ...process.env, PYTHONPATH: own } },
    ];
    const started: boolean[] = [];
    for (const c of cases) {
      const issues = await pythonModuleIssues([python(c.module)], { cwd: c.cwd, env: c.env });
      started.push(starts(c.module, c.cwd, c.env));
      expect(issues.length === 0, `${c.module} in ${c.cwd}: ${issues[0]?.message}`).toBe(started.at(-1));
    }
    // Both kinds are among them: the modules of the user's folder start, the misspelt ones do not.
    expect(started).toEqual([true, false, false, false, false, true, false, true, true, false, true]);
  });

  it('names the field, what was looked for and where, and the nearest names', async () => {
    const issues = await pythonModuleIssues(
      [
        python('flexarena_examples.battery'),
        python('flexarena_examples.batery'),
        python('my_agnet'),
        python('flexarena_examples'),
        python('flexarena_examples.battery.run'),
      ],
      { cwd: own },
    );
    expect(issues.map((i) => i.path)).toEqual([
      'agents[1].module',
      'agents[2].module',
      'agents[3].module',
      'agents[4].module',
    ]);
    expect(issues[0]).toMatchObject({ value: 'flexarena_examples.batery' });
    expect(issues[0]!.message).toBe(
      `no Python module flexarena_examples.batery: /usr/bin/python3 -m looked for batery.py or a package batery/ in the package flexarena_examples (${join(PYTHON_SDK_DIR, 'flexarena_examples')}); did you mean flexarena_examples.battery?`,
    );
    expect(issues[1]!.message).toContain(
      `no Python module my_agnet: /usr/bin/python3 -m looked for my_agnet.py or a package my_agnet/ in the working directory (${own}), on PYTHONPATH (${PYTHON_SDK_DIR}, the SDK's folder`,
    );
    expect(issues[1]!.message).toMatch(/did you mean my_agent\?$/);
    expect(issues[2]!.message).toMatch(
      /flexarena_examples is a package without a __main__ module .*\(flexarena_examples\.battery\)$/,
    );
    expect(issues[3]!.message).toMatch(
      /flexarena_examples\.battery is a module \(.*battery\.py\), not a package/,
    );
  });

  it('refuses nothing it cannot decide: a package failing on import for its own reasons, no interpreter, agents it does not launch', async () => {
    const env = { ...process.env, PYTHONPATH: own };
    expect(await pythonModuleIssues([python('broken.agent')], { env })).toEqual([]);
    const noPython = { ...process.env, FLEXARENA_PYTHON: join(own, 'no-such-python') };
    expect(await pythonModuleIssues([python('flexarena_examples.batery')], { env: noPython })).toEqual([]);
    expect(
      await pythonModuleIssues([
        python('flexarena_examples.batery', { launch: false }),
        { id: 'b', strategy: 'idle', launch: true, params: {} } as unknown as AgentConfig,
      ]),
    ).toEqual([]);
  });
});
