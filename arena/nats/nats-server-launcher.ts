// Starts a private nats-server (JetStream on) on a random free port and stops it again.
// Used by the arena when no server URL is configured, and by tests.
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { NatsServerError } from '../../lib/index.js';

export interface NatsServerHandle {
  url: string;
  port: number;
  pid: number;
  stop(): Promise<void>;
}

export function findNatsServerBinary(): string {
  const explicit = process.env.FLEXARENA_NATS_SERVER;
  if (explicit) {
    if (!existsSync(explicit)) throw new NatsServerError(`FLEXARENA_NATS_SERVER=${explicit} does not exist`);
    return explicit;
  }
  const dirs = (process.env.PATH ?? '').split(':').concat(['/usr/sbin', '/usr/local/bin', '/usr/bin']);
  for (const d of dirs) {
    const p = join(d, 'nats-server');
    if (d && existsSync(p)) return p;
  }
  throw new NatsServerError(
    'nats-server not found on PATH. Run `npm run setup` (installs it with apt-get), install it yourself ' +
      '(Debian/Ubuntu: `sudo apt-get install nats-server`), or set FLEXARENA_NATS_SERVER.',
  );
}

export async function startNatsServer(opts: { timeoutMs?: number } = {}): Promise<NatsServerHandle> {
  const bin = findNatsServerBinary();
  const storeDir = mkdtempSync(join(tmpdir(), 'flexarena-nats-'));
  const child = spawn(bin, ['-a', '127.0.0.1', '-p', '-1', '-js', '-sd', storeDir, '--http_port', '0'], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  const port = await waitForPort(child, opts.timeoutMs ?? 15_000).catch((err) => {
    child.kill('SIGKILL');
    rmSync(storeDir, { recursive: true, force: true });
    throw err;
  });
  // The server keeps logging to stderr; drain it so the pipe never blocks the server.
  child.stderr?.resume();
  let stopped = false;
  return {
    url: `nats://127.0.0.1:${port}`,
    port,
    pid: child.pid ?? -1,
    async stop() {
      if (stopped) return;
      stopped = true;
      await killAndWait(child);
      rmSync(storeDir, { recursive: true, force: true });
    },
  };
}

function waitForPort(child: ChildProcess, timeoutMs: number): Promise<number> {
  return new Promise((resolve, reject) => {
    let buf = '';
    const timer = setTimeout(
      () => reject(new NatsServerError(`nats-server did not report ready within ${timeoutMs} ms:\n${buf}`)),
      timeoutMs,
    );
    child.once('error', (err) => {
      clearTimeout(timer);
      reject(new NatsServerError(`nats-server failed to start: ${err.message}`, { cause: err }));
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new NatsServerError(`nats-server exited with code ${code} before it was ready:\n${buf}`));
    });
    child.stderr?.on('data', function onData(chunk: Buffer) {
      buf += chunk.toString();
      const m = /Listening for client connections on [^\s]*:(\d+)/.exec(buf);
      if (m && /Server is ready/.test(buf)) {
        clearTimeout(timer);
        child.stderr?.off('data', onData);
        child.removeAllListeners('exit');
        resolve(Number(m[1]));
      }
    });
  });
}

export function killAndWait(child: ChildProcess, graceMs = 3_000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const hard = setTimeout(() => child.kill('SIGKILL'), graceMs);
    child.once('exit', () => {
      clearTimeout(hard);
      resolve();
    });
    child.kill('SIGTERM');
  });
}
