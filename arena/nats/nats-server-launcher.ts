// Starts a private nats-server (JetStream on) on a random free port and stops it again.
// Used by the arena when no server URL is configured, by the dashboard (which also wants a
// WebSocket listener for the browser) and by tests.
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { NatsServerError } from '../../lib/index.js';
import { markStoreOwner, removeStaleStores, STORE_PREFIX } from './stale-stores.js';

export interface NatsServerHandle {
  url: string;
  port: number;
  /** ws://127.0.0.1:<port> when started with `websocket: true`. */
  wsUrl?: string;
  pid: number;
  /**
   * Settles only if the server ends other than through stop() (killed, crashed), with how it ended
   * ("code 1", "signal SIGKILL"): for a command that cannot work without it.
   */
  gone: Promise<string>;
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

const SETPRIV = '/usr/bin/setpriv';
let setprivHasPdeathsig: boolean | undefined;

/**
 * The server's command, started on Linux through util-linux's `setpriv --pdeathsig`: the server
 * then gets SIGTERM when the process that started it dies, however it dies. Without it a run or a
 * dashboard killed with SIGKILL (or by the OOM killer) left its nats-server running for good, as
 * stop() never ran. Elsewhere, or with a setpriv too old for the option, the server starts as is.
 */
function withParentDeathSignal(bin: string, args: string[]): [string, string[]] {
  if (process.platform !== 'linux' || !existsSync(SETPRIV)) return [bin, args];
  setprivHasPdeathsig ??= /--pdeathsig/.test(
    spawnSync(SETPRIV, ['--help'], { encoding: 'utf8' }).stdout ?? '',
  );
  return setprivHasPdeathsig ? [SETPRIV, ['--pdeathsig', 'SIGTERM', '--', bin, ...args]] : [bin, args];
}

export interface NatsServerOptions {
  timeoutMs?: number;
  /**
   * Also listen for WebSocket clients (a browser page) on a free loopback port, without TLS: the
   * server only ever binds 127.0.0.1. nats-server takes this only from a configuration file, which
   * is written into the server's temporary store folder.
   */
  websocket?: boolean;
}

export async function startNatsServer(opts: NatsServerOptions = {}): Promise<NatsServerHandle> {
  const bin = findNatsServerBinary();
  removeStaleStores(tmpdir());
  const storeDir = mkdtempSync(join(tmpdir(), STORE_PREFIX));
  markStoreOwner(storeDir);
  const args = ['-a', '127.0.0.1', '-p', '-1', '-js', '-sd', storeDir, '--http_port', '0'];
  if (opts.websocket) {
    const conf = join(storeDir, 'websocket.conf');
    writeFileSync(conf, 'websocket {\n  listen: "127.0.0.1:-1"\n  no_tls: true\n}\n');
    args.unshift('-c', conf);
  }
  const [command, commandArgs] = withParentDeathSignal(bin, args);
  // A terminal's Ctrl-C goes to its whole process group: the server, in the run's group, shut down
  // at once, before JetStream had acknowledged the run's last settlement records, and every run
  // stopped with Ctrl-C said they "did not reach NATS" (in undelivered-settlements.jsonl). In a
  // group of its own it is stopped by its owner (stop()), after those. Only with the parent-death
  // signal, which still ends it with an owner that dies or exits at a second Ctrl-C.
  const child = spawn(command, commandArgs, {
    stdio: ['ignore', 'ignore', 'pipe'],
    detached: command === SETPRIV,
  });
  const ready = await waitForPort(child, opts.timeoutMs ?? 15_000).catch((err) => {
    child.kill('SIGKILL');
    rmSync(storeDir, { recursive: true, force: true });
    throw err;
  });
  // The server keeps logging to stderr; drain it so the pipe never blocks the server.
  child.stderr?.resume();
  let stopped = false;
  const { port, wsPort } = ready;
  if (opts.websocket && wsPort === undefined) {
    await killAndWait(child);
    rmSync(storeDir, { recursive: true, force: true });
    throw new NatsServerError('nats-server started without the WebSocket listener it was configured with');
  }
  const gone = new Promise<string>((resolve) =>
    child.once('exit', (code, signal) => {
      if (!stopped) resolve(code !== null ? `code ${code}` : `signal ${signal}`);
    }),
  );
  return {
    gone,
    url: `nats://127.0.0.1:${port}`,
    port,
    ...(wsPort === undefined ? {} : { wsUrl: `ws://127.0.0.1:${wsPort}` }),
    pid: child.pid ?? -1,
    async stop() {
      if (stopped) return;
      stopped = true;
      await killAndWait(child);
      rmSync(storeDir, { recursive: true, force: true });
    },
  };
}

function waitForPort(child: ChildProcess, timeoutMs: number): Promise<{ port: number; wsPort?: number }> {
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
        const ws = /Listening for websocket clients on ws:\/\/[^\s]*:(\d+)/.exec(buf);
        resolve({ port: Number(m[1]), ...(ws ? { wsPort: Number(ws[1]) } : {}) });
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
