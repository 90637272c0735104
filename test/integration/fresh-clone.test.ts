// A fresh clone stays clean. The arena command of docker-compose.yml is `npm start` with a host and
// port: run on a fresh copy of the repository against a NATS server it is given (as in the
// container), its setup installs exactly the committed lock with `npm ci` and generates gen/, the
// demo day runs, and `git status` stays empty because everything written is ignored or outside the
// tree. About half a minute alone: one `npm ci` (served from npm's cache) and one demo day.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { type NatsServerHandle, startNatsServer } from '../../arena/nats/nats-server-launcher.js';
import { copyWorkTree, git, gitStatus, ignoredPaths } from '../helpers/work-tree-copy.js';

const root = join(import.meta.dirname, '..', '..');
const TIMEOUT_MS = 300_000;

// The outer `npm test` exports npm_* variables (prefix, lifecycle, config); inherited, they would
// steer the inner npm back at this repository.
function childEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const own = Object.entries(process.env).filter(([k]) => !/^npm_/i.test(k) && k !== 'INIT_CWD');
  return { ...Object.fromEntries(own), ...extra };
}

const processGroups = new Set<number>();

interface Finished {
  code: number | null;
  output: string;
}

/**
 * Runs a command in a process group of its own, so that everything it starts can be killed, and at
 * low priority: the suite's timing-sensitive tests run beside it on two cores.
 */
function run(cwd: string, cmd: string[], env = childEnv()): Promise<Finished> {
  return new Promise((resolve, reject) => {
    const child = spawn('nice', ['-n', '10', ...cmd], {
      cwd,
      env,
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    if (child.pid) processGroups.add(child.pid);
    let output = '';
    child.stdout.on('data', (d) => (output += d));
    child.stderr.on('data', (d) => (output += d));
    child.on('error', reject);
    // 'close' comes once every process holding the pipes (agents, nats-server) has exited.
    child.on('close', (code) => resolve({ code, output }));
  });
}

function killProcessGroups(): void {
  for (const pgid of processGroups) {
    try {
      process.kill(-pgid, 'SIGKILL');
    } catch {
      // ESRCH: the group has exited already.
    }
  }
}

const tail = (r: Finished) => `exit ${r.code}; last output:\n${r.output.slice(-4000)}`;

describe('a fresh clone', () => {
  let dir: string;
  let nats: NatsServerHandle | undefined;

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'flexarena-clone-'));
    copyWorkTree(root, dir);
    expect(gitStatus(dir)).toEqual([]);
  });

  afterAll(async () => {
    killProcessGroups();
    await nats?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it(
    "docker-compose.yml's arena command (npm start) installs, runs the demo, leaves git status clean",
    async () => {
      const compose = parseYaml(readFileSync(join(dir, 'docker-compose.yml'), 'utf8'));
      const arena = compose.services.arena;
      expect(arena.environment).toHaveProperty('FLEXARENA_NATS_URL');
      const command: string[] = arena.command;
      expect(command.slice(0, 2)).toEqual(['npm', 'start']);
      // The container publishes the fixed port 50051; here any free port does, as in other tests.
      expect(command).toContain('50051');
      nats = await startNatsServer();
      const res = await run(
        dir,
        command.map((a) => (a === '50051' ? '0' : a)),
        childEnv({ FLEXARENA_NATS_URL: nats.url }),
      );
      expect(res.code, tail(res)).toBe(0);
      expect(res.output).toMatch(/\[setup\] installing npm dependencies \(npm ci\)/);
      expect(res.output).toMatch(/\[setup\] generating TypeScript gRPC code/);
      // It used the NATS it was given instead of starting its own.
      expect(res.output).toMatch(new RegExp(`FLEXARENA_LISTENING 0\\.0\\.0\\.0:\\d+ \\S+ \\S+ ${nats.url}`));
      expect(res.output).toMatch(/FlexArena run demo-s42-/);
      expect(gitStatus(dir)).toEqual([]);
      // What it wrote is there, and ignored: the check above is not clean for want of files.
      expect(ignoredPaths(dir)).toEqual(expect.arrayContaining(['gen/', 'node_modules/', 'runs/']));

      const again = await run(dir, ['node', 'scripts/setup.mjs']);
      expect(again.code, tail(again)).toBe(0);
      expect(again.output).not.toMatch(/\[setup\] (installing|generating)/);
    },
    TIMEOUT_MS,
  );

  it(
    'setup refuses a package.json that the lock does not match, and leaves the lock alone',
    async () => {
      const pkgPath = join(dir, 'package.json');
      const pkg = JSON.parse(readFileSync(pkgPath, 'utf8'));
      pkg.dependencies.commander = '^13.0.0'; // the lock pins 14.x
      writeFileSync(pkgPath, `${JSON.stringify(pkg, null, 2)}\n`);
      try {
        const res = await run(dir, ['node', 'scripts/setup.mjs']);
        expect(res.code, tail(res)).not.toBe(0);
        expect(res.output).toMatch(/update the lock with `npm install`/);
        expect(gitStatus(dir)).toEqual([' M package.json']);
      } finally {
        git(dir, ['checkout', '--', 'package.json']);
      }
    },
    TIMEOUT_MS,
  );
});
