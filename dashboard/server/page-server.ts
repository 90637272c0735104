// The small HTTP server of the dashboard, on loopback: the page, its bundle, and two tiny JSON
// endpoints. Market data never passes through here: the page reads it from NATS over WebSocket.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ListenError } from '../../lib/index.js';
import { CONFIG_PATH, type DashboardConfig, READY_PATH } from '../protocol.js';
import { loadWebAssets } from './web-assets.js';

export interface PageServer {
  url: string;
  /** Pages that said they are subscribed (POST /api/ready) so far. */
  readonly readyPages: number;
  /** Resolves when a page is subscribed, or after `timeoutMs` (false then). */
  waitForPage(timeoutMs?: number): Promise<boolean>;
  close(): Promise<void>;
}

export function startPageServer(
  config: DashboardConfig,
  /** `setting`: the option that sets the port, named when it cannot be listened on. */
  opts: { host?: string; port?: number; setting?: string } = {},
): Promise<PageServer> {
  const assets = loadWebAssets();
  const configJson = JSON.stringify(config);
  let readyPages = 0;
  const waiters = new Set<() => void>();

  const handle = (req: IncomingMessage, res: ServerResponse) => {
    const path = (req.url ?? '/').split('?')[0]!;
    if (path === CONFIG_PATH && req.method === 'GET') return send(res, 200, 'application/json', configJson);
    if (path === READY_PATH && req.method === 'POST') {
      readyPages++;
      for (const w of waiters) w();
      waiters.clear();
      return send(res, 204, 'text/plain', '');
    }
    const asset = req.method === 'GET' ? assets.get(path) : undefined;
    if (!asset) return send(res, 404, 'text/plain', 'not found');
    res.writeHead(200, { 'content-type': asset.type, 'cache-control': 'no-store' });
    res.end(asset.body);
  };

  const server: Server = createServer(handle);
  const host = opts.host ?? '127.0.0.1';
  const port = opts.port ?? 0;
  return new Promise((resolve, reject) => {
    server.once('error', (err) =>
      reject(new ListenError('the dashboard page', host, port, opts.setting ?? '--dashboard-port', err)),
    );
    server.listen(port, host, () => {
      const { address, port } = server.address() as AddressInfo;
      resolve({
        url: `http://${address}:${port}/`,
        get readyPages() {
          return readyPages;
        },
        waitForPage(timeoutMs = Number.POSITIVE_INFINITY) {
          if (readyPages > 0) return Promise.resolve(true);
          return new Promise<boolean>((done) => {
            const timer = Number.isFinite(timeoutMs) ? setTimeout(() => done(false), timeoutMs) : undefined;
            waiters.add(() => {
              clearTimeout(timer);
              done(true);
            });
          });
        },
        close: () =>
          new Promise<void>((done) => {
            server.closeAllConnections();
            server.close(() => done());
          }),
      });
    });
  });
}

function send(res: ServerResponse, status: number, type: string, body: string): void {
  res.writeHead(status, { 'content-type': type, 'cache-control': 'no-store' });
  res.end(body);
}

/**
 * Refuses a page port that is taken (a ListenError naming `setting`) before any work goes into
 * what the page would show: a replay re-simulates its whole run first. 0 (any free port) passes.
 */
export async function checkPagePort(port: number, setting: string, host = '127.0.0.1'): Promise<void> {
  if (port === 0) return;
  const probe = createServer();
  await new Promise<void>((resolve, reject) => {
    probe.once('error', (err) => reject(new ListenError('the dashboard page', host, port, setting, err)));
    probe.listen(port, host, () => probe.close(() => resolve()));
  });
}
