// A run or a dashboard killed outright left its private nats-server's JetStream store in the
// temporary folder for good (the server itself ends through --pdeathsig). The next private server
// removes the stores whose owner has ended, and nothing else.
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { processRunning } from '../../lib/index.js';
import { removeStaleStores } from './stale-stores.js';

const root = mkdtempSync(join(tmpdir(), 'flexarena-stale-stores-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

function endedPid(): number {
  const ended = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))']);
  return Number(ended.stdout.toString());
}

describe('removeStaleStores', () => {
  it("removes only stores whose owner has ended, and leaves what is not one's store", () => {
    const dir = mkdtempSync(join(root, 'unit-'));
    const store = (name: string, owner?: number) => {
      mkdirSync(join(dir, name, 'jetstream'), { recursive: true });
      if (owner !== undefined) writeFileSync(join(dir, name, 'owner.pid'), `${owner}\n`);
    };
    store('flexarena-nats-dead', endedPid());
    store('flexarena-nats-alive', process.pid);
    store('flexarena-nats-thread-test-x'); // another folder with the prefix: no owner file
    store('other-dead', endedPid());
    writeFileSync(join(dir, 'flexarena-nats-file'), '');
    expect(removeStaleStores(dir)).toEqual([join(dir, 'flexarena-nats-dead')]);
    expect(readdirSync(dir).sort()).toEqual([
      'flexarena-nats-alive',
      'flexarena-nats-file',
      'flexarena-nats-thread-test-x',
      'other-dead',
    ]);
    expect(removeStaleStores(join(dir, 'missing'))).toEqual([]);
  });
});

const LAUNCHER = resolve(__dirname, 'nats-server-launcher.ts');

/** A node process with its own temporary folder that starts a private server; prints its pid and store. */
function serverOwner(tmp: string, stop: boolean): ChildProcess {
  const script = join(tmp, `owner-${stop ? 'stops' : 'stays'}.mts`);
  writeFileSync(
    script,
    `import { startNatsServer } from ${JSON.stringify(LAUNCHER)};\n` +
      'const s = await startNatsServer();\n' +
      "process.stdout.write(String(s.pid) + '\\n');\n" +
      (stop ? 'await s.stop();\n' : 'setInterval(() => undefined, 1000);\n'),
  );
  return spawn(process.execPath, ['--import', 'tsx', script], {
    env: { ...process.env, TMPDIR: tmp },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
}

function firstLine(child: ChildProcess): Promise<string> {
  return new Promise((res, rej) => {
    let out = '';
    child.stdout!.on('data', (b: Buffer) => {
      out += b.toString();
      if (out.includes('\n')) res(out.split('\n')[0]!);
    });
    child.once('exit', (code) => rej(new Error(`exited with ${code} before printing: ${out}`)));
  });
}

async function until(done: () => boolean, ms: number): Promise<void> {
  const end = Date.now() + ms;
  while (!done()) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('a private nats-server whose owner was killed outright', () => {
  it('leaves a store that the next private server removes', async () => {
    const tmp = mkdtempSync(join(root, 'tmp-'));
    const owner = serverOwner(tmp, false);
    const serverPid = Number(await firstLine(owner));
    const stores = () => readdirSync(tmp).filter((n) => n.startsWith('flexarena-nats-'));
    expect(stores()).toHaveLength(1);
    const killed = stores()[0]!;
    owner.kill('SIGKILL');
    // The server gets SIGTERM when its owner dies and ends; its store stays.
    await until(() => !processRunning(serverPid), 10_000);
    expect(existsSync(join(tmp, killed))).toBe(true);
    const next = serverOwner(tmp, true);
    await firstLine(next);
    await new Promise((r) => next.once('exit', r));
    expect(stores()).toEqual([]);
  }, 60_000);
});
