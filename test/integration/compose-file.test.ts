// docker-compose.yml is valid for Debian's docker-compose (`config` parses, interpolates and
// validates it against the Compose schema without a Docker engine) and wires the arena to a NATS
// server with JetStream. Whether the arena's command works is run in fresh-clone.test.ts.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { tempDir } from '../helpers/arena-process.js';

const root = join(import.meta.dirname, '..', '..');
const scratch = tempDir('flexarena-compose-');
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

function compose(file: string, args: string[]) {
  const res = spawnSync('docker-compose', ['-f', file, ...args], { cwd: dirname(file), encoding: 'utf8' });
  if ((res.error as NodeJS.ErrnoException | undefined)?.code === 'ENOENT') {
    // Not a skip: the test must not pass without validating the file.
    throw new Error(
      'docker-compose is not installed. `npm test` installs it through apt-get (Debian package ' +
        'docker-compose) when it can; without root or sudo, run `apt-get install ' +
        '--no-install-recommends docker-compose` yourself.',
    );
  }
  if (res.error) throw res.error;
  return res;
}

describe('docker-compose.yml', () => {
  const file = join(root, 'docker-compose.yml');

  it('passes `docker-compose config --quiet`', () => {
    const res = compose(file, ['config', '--quiet']);
    expect(res.status, res.stderr).toBe(0);
  });

  it('is what docker-compose rejects when broken (the check above can fail)', () => {
    const broken = join(scratch, 'docker-compose.yml');
    writeFileSync(
      broken,
      readFileSync(file, 'utf8').replace('    image: node:20-bookworm', '    imagee: node'),
    );
    const res = compose(broken, ['config', '--quiet']);
    expect(res.status).not.toBe(0);
    expect(res.stderr).toMatch(/imagee/);
  });

  it('runs NATS with JetStream and a health check, and the arena against it once healthy', () => {
    const res = compose(file, ['config']);
    expect(res.status, res.stderr).toBe(0);
    const { services } = parseYaml(res.stdout);
    expect(Object.keys(services).sort()).toEqual([
      'arena',
      'evaluator',
      'example-agent',
      'example-arena',
      'nats',
      'worker-1',
      'worker-2',
    ]);

    const { nats, arena } = services;
    expect(nats.command).toEqual(expect.arrayContaining(['nats-server', '-js']));
    expect(nats.healthcheck.test.join(' ')).toMatch(/:8222\/healthz/);
    expect(nats.command.join(' ')).toMatch(/-m 8222/);

    expect(arena.depends_on).toEqual({ nats: { condition: 'service_healthy' } });
    expect(arena.environment.FLEXARENA_NATS_URL).toBe('nats://nats:4222');
    expect(arena.volumes).toEqual(expect.arrayContaining([expect.stringMatching(/:\/app\/node_modules/)]));
    // The arena runs `npm start` (setup, then the demo) listening on the published port.
    expect(arena.command).toEqual(['npm', 'start', '--', '--host', '0.0.0.0', '--port', '50051']);
    const { scripts } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
    expect(scripts.prestart).toMatch(/^node scripts\/setup\.mjs$/);
    const scenario = /^node bin\/flexarena\.mjs run (\S+)$/.exec(scripts.start)?.[1];
    expect(scenario && existsSync(join(root, scenario)), `scenario of npm start: ${scenario}`).toBe(true);
    expect(arena.ports).toEqual([expect.objectContaining({ published: 50051, target: 50051 })]);
    expect(arena.healthcheck.test.join(' ')).toMatch(/connect\(50051/);
  });

  it('adds the evaluator, two workers and an example agent, all on the same NATS server', () => {
    const res = compose(file, ['config']);
    expect(res.status, res.stderr).toBe(0);
    const { services } = parseYaml(res.stdout);
    const flexarena = (name: string) => {
      const s = services[name];
      expect(s.image, name).toBe('node:20-bookworm');
      // They share the arena's node_modules volume and start when its setup is done.
      expect(s.volumes, name).toEqual(
        expect.arrayContaining([expect.stringMatching(/:\/app\/node_modules/)]),
      );
      expect(s.command.slice(0, 2), name).toEqual(['node', 'bin/flexarena.mjs']);
      return s;
    };
    const evaluator = flexarena('evaluator');
    expect(evaluator.command.slice(2, 5)).toEqual(['evaluate', '--nats', 'nats://nats:4222']);
    expect(evaluator.depends_on).toEqual({
      nats: { condition: 'service_healthy' },
      arena: { condition: 'service_healthy' },
    });
    for (const name of ['worker-1', 'worker-2']) {
      const w = flexarena(name);
      expect(w.command.slice(2, 7)).toEqual(['worker', '--nats', 'nats://nats:4222', '--name', name]);
      expect(w.depends_on.nats).toEqual({ condition: 'service_healthy' });
    }
    const exampleArena = flexarena('example-arena');
    const agent = flexarena('example-agent');
    // The example arena leaves one seat to the example agent, which connects with the same token.
    const external = exampleArena.command[exampleArena.command.indexOf('--external') + 1];
    const [seat, token] = external.split('=');
    expect(seat).toBe('idle');
    expect(token).toBe('example-agent-token');
    expect(agent.command.slice(2, 8)).toEqual([
      'agent',
      'heuristic-battery',
      '--arena',
      'example-arena:50052',
      '--token',
      token,
    ]);
    expect(agent.depends_on).toEqual({ 'example-arena': { condition: 'service_healthy' } });
    const demo = parseYaml(readFileSync(join(root, exampleArena.command[3]), 'utf8'));
    expect(demo.agents.map((a: { id: string }) => a.id)).toContain(seat);
    // The token is interpolated: FLEXARENA_EXAMPLE_TOKEN replaces it in both services.
    const custom = spawnSync('docker-compose', ['-f', file, 'config'], {
      cwd: root,
      encoding: 'utf8',
      env: { ...process.env, FLEXARENA_EXAMPLE_TOKEN: 'another-token-42' },
    });
    const s2 = parseYaml(custom.stdout).services;
    expect(s2['example-arena'].command).toContain('idle=another-token-42');
    expect(s2['example-agent'].command).toContain('another-token-42');
  });
});
