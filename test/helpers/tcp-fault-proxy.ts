// A TCP proxy on 127.0.0.1 for fault tests: forwards bytes to a target port and can
//  - drop everything the server sends back (the server still gets and acts on every request,
//    the client never sees the replies: "acknowledged, but the ack was lost"),
//  - cut every open connection,
//  - refuse new connections for a while (a network outage with the server still up),
//  - lose the next requests that name a subject (a request that times out, the connection up),
//  - keep the server's side of a connection open when its client goes (a half-dead connection:
//    the server sees no close, what it sends there is lost, as behind a cut without a FIN).
// Real sockets only; nothing about the NATS protocol is faked.
import { createServer, type Server, type Socket, connect as tcpConnect } from 'node:net';

export class TcpFaultProxy {
  private readonly pairs = new Set<{ client: Socket; upstream: Socket }>();
  private dropReplies = false;
  private refusing = false;
  private lose: { text: string; left: number } | undefined;
  private holdUpstream = false;

  private constructor(
    private readonly server: Server,
    readonly port: number,
    readonly targetPort: number,
  ) {}

  static start(targetPort: number): Promise<TcpFaultProxy> {
    return new Promise((resolve, reject) => {
      let proxy: TcpFaultProxy | undefined;
      const server = createServer((client) => proxy?.accept(client));
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => {
        const addr = server.address();
        const port = typeof addr === 'object' && addr ? addr.port : 0;
        proxy = new TcpFaultProxy(server, port, targetPort);
        resolve(proxy);
      });
    });
  }

  get url(): string {
    return `nats://127.0.0.1:${this.port}`;
  }

  get connectionCount(): number {
    return this.pairs.size;
  }

  private accept(client: Socket): void {
    if (this.refusing) {
      client.destroy();
      return;
    }
    const upstream = tcpConnect(this.targetPort, '127.0.0.1');
    const pair = { client, upstream };
    this.pairs.add(pair);
    const end = () => {
      client.destroy();
      upstream.destroy();
      this.pairs.delete(pair);
    };
    const clientGone = () => {
      if (!this.holdUpstream) return end();
      // Half-dead: the server's side stays up (until cutAll), its bytes go nowhere.
      client.destroy();
    };
    client.on('error', clientGone).on('close', clientGone);
    upstream.on('error', end).on('close', end);
    client.on('data', (b) => {
      if (!this.lost(b)) upstream.write(b);
    });
    upstream.on('data', (b) => {
      if (!this.dropReplies && !client.destroyed) client.write(b);
    });
  }

  /**
   * The next `count` writes of a client that contain `text` (a subject) never reach the server: the
   * request times out. A client writes each request whole (a PUB line and its payload), so what
   * is lost is whole protocol messages; others written with it are lost too (a PING at worst).
   */
  loseRequests(text: string, count: number): void {
    this.lose = { text, left: count };
  }

  private lost(chunk: Buffer): boolean {
    if (!this.lose || this.lose.left === 0 || !chunk.includes(this.lose.text)) return false;
    this.lose.left--;
    return true;
  }

  /** From now on, bytes from the server are discarded (until `cutAll`). */
  startDroppingReplies(): void {
    this.dropReplies = true;
  }

  /** Destroys every open connection; new ones forward normally unless `refuse` is on. */
  cutAll(): void {
    for (const { client, upstream } of this.pairs) {
      client.destroy();
      upstream.destroy();
    }
    this.pairs.clear();
    this.dropReplies = false;
  }

  /** From now on a client that goes leaves the server's side of its connection open (until `cutAll`). */
  holdServerSideOfClosedClients(): void {
    this.holdUpstream = true;
  }

  refuse(on: boolean): void {
    this.refusing = on;
  }

  close(): Promise<void> {
    this.refusing = true;
    this.cutAll();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}
