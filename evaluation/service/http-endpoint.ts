// The evaluator's small read-only HTTP endpoint: GET /health, GET /runs (every run it knows and
// how far it got), GET /runs/<run-id> (the run's scores: final when complete, provisional before).
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ListenError } from '../../lib/index.js';
import type { RunScores } from '../scores.js';

export interface RunStatus {
  runId: string;
  records: number;
  expectedRecords: number | null;
  hasManifest: boolean;
  complete: boolean;
  duplicates: number;
  conflicts: number;
  scoresFile: string | null;
}

export interface EndpointSource {
  health(): Record<string, unknown>;
  runs(): RunStatus[];
  scores(runId: string): RunScores | undefined;
}

function send(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

export class HttpEndpoint {
  private server: Server | undefined;

  constructor(private readonly source: EndpointSource) {}

  async listen(host: string, port: number): Promise<number> {
    const server = createServer((req, res) => this.handle(req, res));
    this.server = server;
    await new Promise<void>((resolve, reject) => {
      server.once('error', (err) =>
        reject(
          new ListenError("the evaluator's HTTP endpoint", host, port, '--http-port', err, '--http-host'),
        ),
      );
      server.listen(port, host, () => resolve());
    });
    return (server.address() as AddressInfo).port;
  }

  async close(): Promise<void> {
    const s = this.server;
    if (!s) return;
    await new Promise<void>((resolve) => s.close(() => resolve()));
    s.closeAllConnections();
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    let answer: [number, unknown];
    try {
      answer = this.route(req);
    } catch (err) {
      // Scores that cannot be computed are this request's failure: thrown from the request
      // handler, the error ended the whole evaluator process, its consumer with it.
      answer = [500, { error: (err as Error).message }];
    }
    send(res, answer[0], answer[1]);
  }

  private route(req: IncomingMessage): [number, unknown] {
    if (req.method !== 'GET') return [405, { error: 'only GET is served' }];
    const path = new URL(req.url ?? '/', 'http://localhost').pathname.replace(/\/+$/, '') || '/';
    if (path === '/health') return [200, this.source.health()];
    if (path === '/runs') return [200, this.source.runs()];
    const m = /^\/runs\/([a-z0-9][a-z0-9-]*)$/.exec(path);
    if (m) {
      const scores = this.source.scores(m[1]!);
      return scores ? [200, scores] : [404, { error: `no run ${m[1]}` }];
    }
    return [404, { error: `no route ${path}; try /health, /runs, /runs/<run-id>` }];
  }
}
