// A nats-server for tests that must kill and restart the server: JetStream with FILE storage in a
// store dir that outlives the process, on a fixed port so that clients reconnect to the same URL.
// Every started server is tracked so that `stopAllNatsServers()` in afterEach/afterAll ends them,
// even when a test fails half-way.
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const live = new Set<NatsServerProcess>();

/** A TCP port that was free a moment ago (the OS picks it; we close it again at once). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

export interface NatsServerProcessOptions {
  /** Store dir for JetStream; a fresh temp dir when absent (removed again by `cleanup()`). */
  storeDir?: string;
  /** Port to listen on; a free one when absent. */
  port?: number;
  readyTimeoutMs?: number;
  /** false: a server without JetStream (as a shared server started without -js). Default true. */
  jetstream?: boolean;
}

export class NatsServerProcess {
  private child: ChildProcess | null = null;
  private log = '';
  /** Set by cleanup(): a restart still pending in a failed test must not start an untracked server. */
  private disposed = false;
  private readonly ownsStoreDir: boolean;
  readonly storeDir: string;
  readonly readyTimeoutMs: number;

  private constructor(
    readonly port: number,
    storeDir: string | undefined,
    readyTimeoutMs: number,
    private readonly jetstream = true,
  ) {
    this.ownsStoreDir = storeDir === undefined;
    this.storeDir = storeDir ?? mkdtempSync(join(tmpdir(), 'flexarena-js-store-'));
    this.readyTimeoutMs = readyTimeoutMs;
  }

  static async start(opts: NatsServerProcessOptions = {}): Promise<NatsServerProcess> {
    const port = opts.port ?? (await freePort());
    const s = new NatsServerProcess(port, opts.storeDir, opts.readyTimeoutMs ?? 20_000, opts.jetstream);
    live.add(s);
    await s.restart();
    return s;
  }

  get url(): string {
    return `nats://127.0.0.1:${this.port}`;
  }

  get pid(): number | undefined {
    return this.child?.pid;
  }

  get running(): boolean {
    return this.child !== null;
  }

  /** Starts the server (again) on the same port with the same store dir. */
  async restart(): Promise<void> {
    if (this.disposed) throw new Error(`nats-server helper for port ${this.port} was cleaned up`);
    if (this.child) throw new Error(`nats-server on port ${this.port} is already running`);
    // A port just released by a killed server can linger briefly; retry a few times.
    let lastErr: unknown;
    for (let attempt = 0; attempt < 20; attempt++) {
      try {
        await this.spawnOnce();
        return;
      } catch (err) {
        lastErr = err;
        if (!/address already in use/i.test(String(err))) break;
        await new Promise((r) => setTimeout(r, 100));
      }
    }
    throw lastErr;
  }

  private spawnOnce(): Promise<void> {
    this.log = '';
    const child = spawn(
      'nats-server',
      ['-a', '127.0.0.1', '-p', String(this.port), ...(this.jetstream ? ['-js', '-sd', this.storeDir] : [])],
      {
        stdio: ['ignore', 'ignore', 'pipe'],
      },
    );
    return new Promise((resolve, reject) => {
      let ready = false;
      const timer = setTimeout(() => {
        child.kill('SIGKILL');
        reject(
          new Error(
            `nats-server on port ${this.port} not ready within ${this.readyTimeoutMs} ms:\n${this.log}`,
          ),
        );
      }, this.readyTimeoutMs);
      const onExit = (code: number | null, signal: string | null) => {
        clearTimeout(timer);
        reject(
          new Error(`nats-server on port ${this.port} exited (code ${code}, signal ${signal}):\n${this.log}`),
        );
      };
      child.once('error', (err) => {
        clearTimeout(timer);
        reject(err);
      });
      child.once('exit', onExit);
      child.stderr?.on('data', (chunk: Buffer) => {
        // Keep only the tail: the server logs on for as long as it runs.
        this.log = (this.log + chunk.toString()).slice(-20_000);
        if (!ready && /Server is ready/.test(this.log)) {
          ready = true;
          clearTimeout(timer);
          child.off('exit', onExit);
          if (this.disposed) {
            child.kill('SIGKILL');
            reject(new Error(`nats-server helper for port ${this.port} was cleaned up while starting`));
            return;
          }
          this.child = child;
          child.once('exit', () => {
            if (this.child === child) this.child = null;
          });
          resolve();
        }
      });
    });
  }

  /** SIGKILL, no goodbye to clients; resolves once the process is gone. */
  kill9(): Promise<void> {
    return this.signalAndWait('SIGKILL', 0);
  }

  /** SIGTERM, then SIGKILL after `graceMs`. */
  stop(graceMs = 3_000): Promise<void> {
    return this.signalAndWait('SIGTERM', graceMs);
  }

  private signalAndWait(signal: NodeJS.Signals, graceMs: number): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) {
      this.child = null;
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      const hard = graceMs > 0 ? setTimeout(() => child.kill('SIGKILL'), graceMs) : undefined;
      child.once('exit', () => {
        if (hard) clearTimeout(hard);
        this.child = null;
        resolve();
      });
      child.kill(signal);
    });
  }

  /** Stops the server and removes the store dir if this helper created it. */
  async cleanup(): Promise<void> {
    this.disposed = true;
    await this.stop();
    live.delete(this);
    if (this.ownsStoreDir) rmSync(this.storeDir, { recursive: true, force: true });
  }
}

/** For afterEach/afterAll: ends every server started through this helper. */
export async function stopAllNatsServers(): Promise<void> {
  await Promise.all([...live].map((s) => s.cleanup()));
}
