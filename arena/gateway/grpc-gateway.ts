// The gRPC face of the arena: one long-lived bidirectional session per agent, identity only from
// the token in the call metadata. The gateway owns sessions (hello, resume, protocol violations);
// each agent is reached through a RemoteAgentPort the lock-step driver uses like any other port.
// gRPC status codes end a stream only for protocol violations (a first message that is not hello,
// a second session, an impossible resume point, a message that is not a SessionRequest, no hello
// within limits.helloTimeoutMs, a message beyond limits.maxMessageBytes) and for an agent that
// keeps flooding past its rate limit (RESOURCE_EXHAUSTED); everything about actions is the core's
// door. One authentication header for every call: `authorization: Bearer <token>`.

import { lookup } from 'node:dns/promises';
import { createServer, type Server as NetServer, type Socket } from 'node:net';
import {
  type Metadata,
  Server,
  ServerCredentials,
  type ServerDuplexStream,
  type ServiceDefinition,
  type ServiceError,
  status,
  type UntypedServiceImplementation,
} from '@grpc/grpc-js';
import {
  ArenaServiceService,
  GetMarketSpecRequest,
  type GetMarketSpecResponse,
  SessionRequest,
  type SessionResponse,
} from '../../gen/flexarena/v1/arena_service.js';
import { RejectCode } from '../../gen/flexarena/v1/market.js';
import {
  type Action,
  type ActionAck,
  type ActionBatch,
  ActionStatus,
  BatchStatus,
  type Hello,
  type RunEnded,
  type WakeUp,
  WakeUpEncoding,
  type Welcome,
} from '../../gen/flexarena/v1/session.js';
import { ListenError, wireIntText } from '../../lib/index.js';
import { type AnswerReceipt, type OutboundMessage, wireRefusedAction } from '../../sim/index.js';
import { addLazyReflection } from './lazy-reflection.js';
import { OutsideRateLimit, type RateLimitConfig } from './rate-limit.js';
import { RemoteAgentPort } from './remote-port.js';
import { SafeInt64Reader } from './safe-int64-reader.js';
import { SessionEncoder } from './session-encoder.js';
import { checkSessionRequestWire } from './session-wire-check.js';
import { type HeldView, WakeViewCoder } from './wake-view-coder.js';

export type Call = ServerDuplexStream<SessionRequest, SessionResponse>;

/** Wall-clock facts about agents (disconnects, violations), kept off the deterministic tape. */
export interface FaultLog {
  fault(agentId: string, kind: string, detail: string): void;
}

/**
 * Sees what passes through the gateway, for tools that check agents against the protocol (the
 * compliance suite): hellos, and every message sent to an agent.
 */
export interface GatewayObserver {
  hello?(agentId: string, hello: Hello, resumed: boolean): void;
  sent?(agentId: string, msg: SessionResponse): void;
  batch?(agentId: string, batch: ActionBatch): void;
}

export interface GatewayOptions {
  runId: string;
  /** token → agent id */
  tokens: ReadonlyMap<string, string>;
  welcome(agentId: string): Omit<Welcome, 'resumed'>;
  marketSpec(): GetMarketSpecResponse;
  faults: FaultLog;
  /** The last report_seq produced for an agent: a resuming agent cannot claim more. */
  lastReportSeq(agentId: string): number;
  /** A batch that arrived while the agent had no open decision request (late, stale, duplicate). */
  answerOutside(agentId: string, batch: ActionBatch): AnswerReceipt;
  /**
   * A dropped agent is waited for up to its deadline at each decision point; after this many
   * consecutive wake-ups missed while disconnected it counts as absent (not waited for) until it
   * reconnects.
   */
  goneAfterMissed?: number;
  observer?: GatewayObserver;
  limits: GatewayLimits;
  /** Monotonic milliseconds for rate limits and timeouts (tests may drive it). */
  now?: () => number;
  /** How long an agent has to confirm its RunEnded (see GrpcGateway.end); default RUN_ENDED_CONFIRM_MS. */
  runEndedConfirmMs?: number;
}

/**
 * How long the arena waits for an agent to confirm its RunEnded by closing its side of the stream
 * (both SDKs do so once they have processed it, within milliseconds). An agent that neither does
 * nor loses its stream meanwhile has it ended with OK, and its final report counts as delivered.
 */
export const RUN_ENDED_CONFIRM_MS = 3_000;

/** How long after an agent's half-close the arena looks whether its connection dropped instead. */
const HALF_CLOSE_SETTLE_MS = 20;

/** The gateway's part of the run configuration's `limits`. */
export interface GatewayLimits {
  /**
   * The bucket's limits, and `refusedWhileWaited`: batches refused by the core while the arena waits
   * for an agent's answer after which it stops waiting at that decision point (RemoteAgentPort).
   */
  rate: RateLimitConfig & { refusedWhileWaited: number };
  helloTimeoutMs: number;
  maxMessageBytes: number;
}

const KNOWN_ENCODINGS: ReadonlySet<number> = new Set([
  WakeUpEncoding.WAKE_UP_ENCODING_UNSPECIFIED,
  WakeUpEncoding.WAKE_UP_ENCODING_FULL,
  WakeUpEncoding.WAKE_UP_ENCODING_DELTA,
  WakeUpEncoding.WAKE_UP_ENCODING_DELTA_PRIVATE,
]);

const MISSING_TOKEN = 'missing token: send "authorization: Bearer <token>" metadata';

/** The token of `authorization: Bearer <token>`, the one header every call authenticates with. */
export function tokenFromMetadata(md: Metadata): string | undefined {
  const auth = md.get('authorization')[0];
  if (typeof auth === 'string' && auth.startsWith('Bearer ')) return auth.slice(7).trim() || undefined;
  return undefined;
}

/**
 * What the session decoder makes of bytes that are not a SessionRequest: instead of throwing (which
 * grpc-js would answer with INTERNAL), a message without a kind that the session ends with
 * INVALID_ARGUMENT, naming what was wrong.
 */
export interface UndecodableRequest extends SessionRequest {
  undecodable: string;
}

export function decodeSessionRequest(value: Buffer): SessionRequest | UndecodableRequest {
  // ts-proto skips a field sent with an unexpected wire type as if it were unknown, leaving the
  // proto default in its place, and decodes a string that is not UTF-8 with U+FFFD: the bytes are
  // checked first (session-wire-check.ts).
  const wire = checkSessionRequestWire(value);
  if (!wire.ok) return { kind: undefined, undecodable: wire.undecodable };
  let req: SessionRequest;
  try {
    req = SessionRequest.decode(new SafeInt64Reader(value));
  } catch (err) {
    return { kind: undefined, undecodable: (err as Error).message };
  }
  if (wire.actions !== undefined && req.kind?.$case === 'actionBatch') {
    const actions = req.kind.value.actions as unknown[];
    for (const [index, issue] of wire.actions) {
      const decoded = actions[index] as Action | undefined;
      // The client_ref decoded as sent unless it is a field that did not fit.
      const refBad = issue.field === 'client_ref' || issue.also?.some((x) => x.field === 'client_ref');
      const clientRef = refBad ? '' : (decoded?.clientRef ?? '');
      actions[index] = wireRefusedAction(clientRef, {
        field: issue.field,
        limit: issue.limit,
        message: issue.message,
        bytes: value.subarray(issue.start, issue.end).toString('base64'),
        ...(issue.also === undefined ? {} : { also: issue.also }),
      });
    }
  }
  return req;
}

function fail(call: Call, code: status, details: string): void {
  const err: Partial<ServiceError> = { code, details, message: details };
  call.emit('error', err);
}

/**
 * Session decoding that turns out-of-range 64-bit values into NaN for the door (see
 * SafeInt64Reader); responses through the gateway's SessionEncoder (shared wake-up bytes).
 */
function serviceDefinition(encoder: SessionEncoder): ServiceDefinition<UntypedServiceImplementation> {
  return {
    ...ArenaServiceService,
    session: {
      ...ArenaServiceService.session,
      requestDeserialize: decodeSessionRequest,
      responseSerialize: (value: SessionResponse): Buffer => encoder.encode(value),
    },
    getMarketSpec: {
      ...ArenaServiceService.getMarketSpec,
      requestDeserialize: (value: Buffer): GetMarketSpecRequest | { undecodable: string } => {
        try {
          return GetMarketSpecRequest.decode(new SafeInt64Reader(value));
        } catch (err) {
          return { undecodable: (err as Error).message };
        }
      },
    },
  } as unknown as ServiceDefinition<UntypedServiceImplementation>;
}

/**
 * Adds reflection (lazy-reflection.ts) behind the same token as every other call (generic clients
 * send it: `buf curl --reflect-header 'authorization: Bearer <token>'`, `grpcurl -reflect-header`);
 * its methods are streaming calls.
 */
function addAuthenticatedReflection(server: Server, tokens: ReadonlyMap<string, string>): void {
  addLazyReflection(server, (handler) => (call: Call) => {
    const token = tokenFromMetadata(call.metadata);
    if (!token || !tokens.has(token))
      fail(call, status.UNAUTHENTICATED, token ? 'unknown token' : MISSING_TOKEN);
    else (handler as (c: Call) => void)(call);
  });
}

/** Listens on `address` (an IP address) and `port`; resolves with the listening server. */
function listenOn(address: string, port: number, accept: (socket: Socket) => void): Promise<NetServer> {
  return new Promise((resolve, reject) => {
    const server = createServer(accept);
    server.once('error', reject);
    server.listen(port, address, () => {
      server.off('error', reject);
      resolve(server);
    });
  });
}

/** What an agent gets when it comes back after the run ended: acks it had not seen, then the end. */
export type Finale = (agentId: string, resumeFrom: number) => { ended: RunEnded; acks: OutboundMessage[] };

export interface Session {
  agentId: string;
  call: Call;
  open: boolean;
  /** Set by a resuming hello; applied by the port at the next decision point. */
  resumeFrom?: number;
  /** The agent asked for delta wake-ups (Hello.wake_up_encoding DELTA or DELTA_PRIVATE). */
  deltas: boolean;
  /** …and for its open orders and positions as deltas too (DELTA_PRIVATE). */
  privateDeltas: boolean;
  /** The agent takes the acks that come before a wake-up inside it (Hello.acks_in_wake_up). */
  acksInWakeUp: boolean;
  /** In a delta session: the view of the last wake-up sent on this stream (none yet: a snapshot is next). */
  view?: HeldView;
}

export class GrpcGateway {
  private readonly sessions = new Map<string, Session>();
  private readonly everConnected = new Set<string>();
  private readonly ports = new Map<string, RemoteAgentPort>();
  private connectWaiters: (() => void)[] = [];
  /** Agents waitForAgents no longer waits for (stopWaitingFor). */
  private readonly notComing = new Set<string>();
  /** Set when the run is over: agents that still owe a final report get it on their next hello. */
  private finale: Finale | undefined;
  /** Agents whose stream was down when the run ended, so they have not had their RunEnded. */
  private readonly owedFinale = new Set<string>();
  /** Agents whose RunEnded reached them: confirmed (see end()), at the run's end or when they came back. */
  private readonly toldEnd = new Set<string>();
  /**
   * Streams that had their RunEnded and whose agent has not yet confirmed it: agent → the stream and
   * the timer that ends the wait (RUN_ENDED_CONFIRM_MS).
   */
  private readonly confirming = new Map<string, { session: Session; timer: NodeJS.Timeout }>();
  private finaleWaiters: (() => void)[] = [];
  private readonly rates = new Map<string, OutsideRateLimit>();
  /** Agents disconnected for flooding: not waited for, and no hello accepted, until this time. */
  private readonly barredUntil = new Map<string, number>();
  private readonly now: () => number;
  private readonly server: Server;
  /**
   * The gateway listens itself and hands each connection to grpc-js (createConnectionInjector), so
   * that it knows every agent's connection: grpc-js's forceShutdown destroys only the sessions it
   * tracks for channelz, which is off here (the constructor), and a connection that never answers
   * the shutdown's GOAWAY — its far end gone without a word (a cut network, a proxy that holds it)
   * — kept the arena's process alive after the run. close() destroys what is left of them.
   */
  private readonly listeners: NetServer[] = [];
  private readonly connections = new Set<Socket>();
  readonly encoder = new SessionEncoder();
  readonly viewCoder = new WakeViewCoder();

  constructor(private readonly opts: GatewayOptions) {
    this.now = opts.now ?? (() => performance.now());
    // A bigger message is refused by grpc-js itself with RESOURCE_EXHAUSTED before it is decoded.
    this.server = new Server({
      'grpc.max_receive_message_length': opts.limits.maxMessageBytes,
      // No channelz statistics (a timestamp and counters per message): nothing reads them.
      'grpc.enable_channelz': 0,
    });
    this.server.addService(serviceDefinition(this.encoder), {
      session: (call: Call) => this.onSession(call),
      getMarketSpec: (
        call: { metadata: Metadata; request: object },
        cb: (err: Partial<ServiceError> | null, res?: GetMarketSpecResponse) => void,
      ) => {
        const token = tokenFromMetadata(call.metadata);
        if (!token || !opts.tokens.has(token))
          cb({
            code: status.UNAUTHENTICATED,
            details: token ? 'unknown token' : MISSING_TOKEN,
          });
        else if ('undecodable' in call.request)
          cb({
            code: status.INVALID_ARGUMENT,
            details: `message: not a GetMarketSpecRequest (${(call.request as { undecodable: string }).undecodable})`,
          });
        else cb(null, opts.marketSpec());
      },
    });
    addAuthenticatedReflection(this.server, opts.tokens);
    for (const agentId of new Set(opts.tokens.values())) {
      this.ports.set(
        agentId,
        new RemoteAgentPort(agentId, this, opts.goneAfterMissed ?? 3, opts.limits.rate.refusedWhileWaited),
      );
      this.rates.set(agentId, new OutsideRateLimit(opts.limits.rate, this.now));
    }
  }

  /** Listens for agents on host:port (0: a free port); resolves with the port. */
  async listen(host: string, port: number): Promise<number> {
    const fail = (err: Error) =>
      new ListenError('agents', host, port, `port: ${port} in the configuration or --port`, err, '--host');
    // As grpc-js's bindAsync did: every address the host resolves to (localhost: 127.0.0.1 and ::1
    // on most machines), on the port the first one that could listen got when it is 0; an address
    // that cannot listen is passed over while another one can.
    let addresses: string[];
    try {
      addresses = (await lookup(host, { all: true })).map((a) => a.address);
    } catch (err) {
      throw fail(err as Error);
    }
    const injector = this.server.createConnectionInjector(ServerCredentials.createInsecure());
    const accept = (socket: Socket) => {
      this.connections.add(socket);
      socket.once('close', () => this.connections.delete(socket));
      injector.injectConnection(socket);
    };
    let bound = port;
    let first: Error | undefined;
    for (const address of addresses) {
      try {
        const listener = await listenOn(address, bound, accept);
        this.listeners.push(listener);
        const at = listener.address();
        if (bound === 0 && at !== null && typeof at === 'object') bound = at.port;
      } catch (err) {
        first ??= err as Error;
      }
    }
    if (this.listeners.length === 0) {
      injector.destroy();
      throw fail(first ?? new Error(`${host} resolved to no address`));
    }
    return bound;
  }

  close(): Promise<void> {
    for (const { session, timer } of this.confirming.values()) {
      clearTimeout(timer);
      session.call.end();
    }
    this.confirming.clear();
    for (const s of this.sessions.values()) if (s.open) s.call.end();
    // No new connections; those open get the shutdown's GOAWAY from tryShutdown.
    for (const listener of this.listeners.splice(0)) listener.close();
    return new Promise((resolve) => {
      const hard = setTimeout(() => {
        for (const socket of this.connections) socket.destroy();
        this.server.forceShutdown();
        resolve();
      }, 2_000);
      this.server.tryShutdown(() => {
        clearTimeout(hard);
        resolve();
      });
    });
  }

  /** The port through which the driver reaches `agentId`. */
  port(agentId: string): RemoteAgentPort {
    const p = this.ports.get(agentId);
    if (!p) throw new Error(`no token was issued for agent ${agentId}`);
    return p;
  }

  /**
   * Resolves when every agent has said hello or cannot any more (stopWaitingFor), or when the
   * timeout passes; returns who is missing.
   */
  waitForAgents(timeoutMs: number): Promise<string[]> {
    const expected = [...this.ports.keys()];
    const missing = () => expected.filter((id) => !this.everConnected.has(id));
    const awaited = () => missing().filter((id) => !this.notComing.has(id));
    if (awaited().length === 0) return Promise.resolve(missing());
    return new Promise((resolve) => {
      const timer = setTimeout(() => resolve(missing()), timeoutMs);
      this.connectWaiters.push(() => {
        if (awaited().length > 0) return;
        clearTimeout(timer);
        resolve(missing());
      });
    });
  }

  /**
   * `agentId` cannot say hello any more (its launched process ended before it did): waitForAgents
   * does not wait for it. Should it connect after all (someone starts it by hand), it plays.
   */
  stopWaitingFor(agentId: string): void {
    this.notComing.add(agentId);
    for (const w of this.connectWaiters) w();
  }

  /**
   * The process the arena launched for `agentId` has ended: while its stream is down, its decisions
   * are not waited for (RemoteAgentPort.onProcessGone).
   */
  processGone(agentId: string): void {
    this.ports.get(agentId)?.onProcessGone();
    // After the run: awaitFinales asks again whether the agents it waits for may still come back.
    for (const w of this.finaleWaiters) w();
  }

  /**
   * The process the arena launched for `agentId` ended (also one that is started again). Its stream
   * went with it, whether or not the arena saw it close: a connection whose far end vanished without
   * a word (a cut network, a proxy between) still looks open. Such a stream is closed now, so that
   * the agent's next process is not refused as a second session; a RunEnded not yet confirmed on it
   * did not reach the agent (end()).
   */
  processEnded(agentId: string): void {
    const c = this.confirming.get(agentId);
    if (c) this.endSettled(c.session, 'lost', 'its process ended');
    const s = this.session(agentId);
    if (!s) return;
    // Mostly a moment before the stream's own close arrives; after the run's last messages, or on a
    // connection that lost its far end without a word, the only sign.
    const why = 'its process ended before its stream was seen to close';
    this.opts.faults.fault(agentId, 'disconnected', why);
    this.closeSession(s);
    fail(s.call, status.UNAVAILABLE, why);
  }

  /**
   * Whether `agentId` had its RunEnded, confirmed (end()): its process may end. An agent owed one,
   * or whose confirmation is still awaited, has not.
   */
  hadRunEnded(agentId: string): boolean {
    return this.toldEnd.has(agentId);
  }

  session(agentId: string): Session | undefined {
    const s = this.sessions.get(agentId);
    return s?.open ? s : undefined;
  }

  /** Milliseconds an agent disconnected for flooding must still wait before it may reconnect (0: none). */
  private barredFor(agentId: string): number {
    return Math.max(0, (this.barredUntil.get(agentId) ?? 0) - this.now());
  }

  hasConnected(agentId: string): boolean {
    return this.everConnected.has(agentId);
  }

  fault(agentId: string, kind: string, detail: string): void {
    this.opts.faults.fault(agentId, kind, detail);
  }

  /**
   * Sends `messages` in order. A session with Hello.acks_in_wake_up gets the acks that come right
   * before a wake-up inside it: every gRPC message costs both ends more than its bytes (the
   * server's call and framing, the client's stream events and decoding), and at a decision point
   * each agent was sent two — its acks, then its wake-up.
   */
  send(s: Session, messages: readonly OutboundMessage[]): void {
    if (!s.open) return;
    let acks: ActionAck[] = [];
    for (const m of messages) {
      if (m.kind === 'actionAck') {
        if (s.acksInWakeUp) acks.push(m.value);
        else this.write(s, { kind: { $case: 'actionAck', value: m.value } });
        continue;
      }
      const wake = acks.length === 0 ? m.value : { ...m.value, acks };
      if (acks.length > 0) acks = [];
      this.write(s, { kind: { $case: 'wakeUp', value: this.wireWakeUp(s, wake) } });
    }
    // Acks with no wake-up after them in this call go on their own.
    for (const ack of acks) this.write(s, { kind: { $case: 'actionAck', value: ack } });
  }

  /** A complete wake-up, or in a delta session its snapshot or delta against what the stream had. */
  private wireWakeUp(s: Session, wake: WakeUp): WakeUp {
    if (!s.deltas) return wake;
    const { wire, holds } = this.viewCoder.encode(wake, s.view, s.privateDeltas);
    s.view = holds;
    return wire;
  }

  sendAck(s: Session, ack: ActionAck): void {
    if (s.open) this.write(s, { kind: { $case: 'actionAck', value: ack } });
  }

  private write(s: Session, msg: SessionResponse): void {
    this.opts.observer?.sent?.(s.agentId, msg);
    s.call.write(msg);
  }

  /**
   * Ends an agent's open stream with UNAVAILABLE, as a network cut would (a test of the agent's
   * resume). Returns false when it had no open stream.
   */
  dropSession(agentId: string, details = 'stream dropped by the arena'): boolean {
    const s = this.session(agentId);
    if (!s) return false;
    this.opts.faults.fault(agentId, 'dropped-by-arena', details);
    this.closeSession(s);
    fail(s.call, status.UNAVAILABLE, details);
    return true;
  }

  /** Handles `batch` as if the agent had sent it now (a test of how it takes a refused batch). */
  injectBatch(agentId: string, batch: ActionBatch): boolean {
    const s = this.session(agentId);
    if (!s) return false;
    this.port(agentId).onBatch(s, batch);
    return true;
  }

  /**
   * Sends the agent's last acks and its RunEnded. That counts as delivered (hadRunEnded) only once
   * the agent confirms it by closing its side of the stream, which both SDKs do after they have
   * processed it (docs/protocol.md, "End"); the arena then ends the stream with OK. Written into a
   * stream that fails before — its process was gone and the arena had not yet seen the stream close,
   * or it died as RunEnded arrived, or the process ended behind a connection that still looks open
   * (processEnded) — it did not reach the agent: the agent is owed its final report and gets it when
   * it comes back (a process started again), as one whose stream was down at the end. An agent that
   * does neither within RUN_ENDED_CONFIRM_MS has its stream ended with OK, the report delivered: its
   * stream stayed up all along.
   */
  end(agentId: string, ended: RunEnded, acks: readonly OutboundMessage[] = []): void {
    const s = this.session(agentId);
    if (!s) {
      if (this.everConnected.has(agentId)) this.owedFinale.add(agentId);
      return;
    }
    this.send(s, acks);
    this.write(s, { kind: { $case: 'runEnded', value: ended } });
    // Nothing more is taken from the stream; it stays up until the agent confirms.
    this.closeSession(s);
    const timer = setTimeout(
      () => this.endSettled(s, 'unconfirmed'),
      this.opts.runEndedConfirmMs ?? RUN_ENDED_CONFIRM_MS,
    );
    this.confirming.set(agentId, { session: s, timer });
  }

  /** Whether `s` had its RunEnded and its agent's confirmation is awaited. */
  private awaitsConfirmation(s: Session | undefined): boolean {
    return s !== undefined && this.confirming.get(s.agentId)?.session === s;
  }

  /**
   * The wait for the confirmation of `s`'s RunEnded is over: `confirmed` (the agent closed its side),
   * `unconfirmed` (neither that nor a failure within RUN_ENDED_CONFIRM_MS: delivered), or `lost`
   * (`why` the stream failed first: not delivered).
   */
  private endSettled(s: Session, how: 'confirmed' | 'unconfirmed' | 'lost', why = ''): void {
    if (!this.awaitsConfirmation(s)) return;
    const { timer } = this.confirming.get(s.agentId)!;
    clearTimeout(timer);
    this.confirming.delete(s.agentId);
    if (how === 'lost') {
      this.owedFinale.add(s.agentId);
      this.opts.faults.fault(
        s.agentId,
        'disconnected',
        `${why} before the agent confirmed its RunEnded (an agent closes its side of the stream once it has ` +
          'processed it): its final report did not reach it, it gets it if it comes back',
      );
      fail(s.call, status.UNAVAILABLE, why);
    } else {
      this.toldEnd.add(s.agentId);
      s.call.end();
    }
    for (const w of this.finaleWaiters) w();
  }

  /**
   * The run is over: agents whose stream was down at the end may still come back, resume, and get
   * what they had not processed plus their final report. Resolves with the agents still owed one
   * once none of them may come back any more, or after `graceMs` (at once when none is owed).
   * `mayReturn` rules out agents that cannot come back (a launched process that exited and is not
   * being started again); it is asked again at each hello and each processGone.
   */
  awaitFinales(
    finale: Finale,
    graceMs: number,
    mayReturn: (agentId: string) => boolean,
    onWaiting?: (coming: readonly string[]) => void,
  ): Promise<string[]> {
    this.finale = finale;
    const owed = () => [...this.owedFinale];
    return new Promise((resolve) => {
      let timer: NodeJS.Timeout | undefined;
      let expired = false;
      let done = false;
      const check = () => {
        if (done) return;
        // First each RunEnded written is confirmed or found lost (within RUN_ENDED_CONFIRM_MS): a
        // lost one makes its agent owed. The grace runs from then.
        if (this.confirming.size > 0) return;
        const coming = owed().filter(mayReturn);
        if (coming.length > 0 && graceMs > 0 && !expired) {
          if (timer === undefined) {
            onWaiting?.(coming);
            timer = setTimeout(() => {
              expired = true;
              check();
            }, graceMs);
          }
          return;
        }
        done = true;
        clearTimeout(timer);
        this.finaleWaiters = this.finaleWaiters.filter((w) => w !== check);
        resolve(owed());
      };
      this.finaleWaiters.push(check);
      check();
    });
  }

  /** Agents that had their stream down at the end of the run and have not come back since. */
  get owedFinales(): readonly string[] {
    return [...this.owedFinale];
  }

  // ---- sessions ----

  private onSession(call: Call): void {
    const token = tokenFromMetadata(call.metadata);
    const agentId = token ? this.opts.tokens.get(token) : undefined;
    if (!agentId) {
      fail(call, status.UNAUTHENTICATED, token ? 'unknown token' : MISSING_TOKEN);
      return;
    }
    let session: Session | undefined;
    let answered = false;
    // A stream that never says hello holds a connection and a slot: it is closed after the timeout.
    const helloTimer = setTimeout(() => {
      if (answered) return;
      answered = true;
      const why = `no hello within ${this.opts.limits.helloTimeoutMs} ms (limits.helloTimeoutMs)`;
      this.opts.faults.fault(agentId, 'hello-timeout', why);
      fail(call, status.DEADLINE_EXCEEDED, why);
    }, this.opts.limits.helloTimeoutMs);
    call.on('data', (msg: SessionRequest) => {
      if (!answered) {
        answered = true;
        clearTimeout(helloTimer);
        session = this.onHello(call, agentId, msg);
        return;
      }
      if (!session?.open) return;
      if (msg.kind?.$case === 'actionBatch') {
        this.opts.observer?.batch?.(agentId, msg.kind.value);
        this.port(agentId).onBatch(session, msg.kind.value);
      } else
        this.violation(
          session,
          status.INVALID_ARGUMENT,
          'undecodable' in msg
            ? `message: not a SessionRequest (${(msg as UndecodableRequest).undecodable})`
            : 'kind: after hello only action_batch messages are allowed',
        );
    });
    /** The stream failed (`why`; `afterEnd`: said of a stream that had its RunEnded). */
    const gone = (why: string, afterEnd: string) => {
      clearTimeout(helloTimer);
      answered = true;
      if (session && this.awaitsConfirmation(session)) this.endSettled(session, 'lost', afterEnd);
      else if (session?.open) {
        this.opts.faults.fault(agentId, 'disconnected', why);
        this.closeSession(session);
      }
    };
    call.on('end', () => {
      // After its RunEnded, the agent closing its side confirms it (end()). Node ends a stream's
      // reading side also when its connection drops, and grpc-js says 'cancelled' only a few ticks
      // later, in the same turn of the event loop: a half-close is one not followed by that.
      if (session && this.awaitsConfirmation(session)) {
        const s = session;
        setTimeout(() => {
          if (!call.cancelled) this.endSettled(s, 'confirmed');
        }, HALF_CLOSE_SETTLE_MS);
        return;
      }
      gone('stream ended by agent', 'its stream ended');
      call.end();
    });
    // grpc-js refuses a message over the limit itself (the agent gets RESOURCE_EXHAUSTED with the
    // sizes) and tells the handler only that the call was cancelled: name both causes.
    call.on('cancelled', () =>
      gone(
        `call cancelled: by the agent, or by gRPC for a message over limits.maxMessageBytes ` +
          `(${this.opts.limits.maxMessageBytes} bytes; the agent got RESOURCE_EXHAUSTED)`,
        'its stream was cancelled',
      ),
    );
    call.on('error', (err) => gone(`stream error: ${err.message}`, `its stream failed (${err.message})`));
  }

  private onHello(call: Call, agentId: string, msg: SessionRequest): Session | undefined {
    if (msg.kind?.$case !== 'hello') {
      fail(
        call,
        status.INVALID_ARGUMENT,
        'undecodable' in msg
          ? `message: not a SessionRequest (${(msg as UndecodableRequest).undecodable})`
          : 'kind: the first message of a session must be hello',
      );
      return undefined;
    }
    const hello: Hello = msg.kind.value;
    const barred = this.barredFor(agentId);
    if (barred > 0) {
      const why =
        `rate limit: disconnected for flooding; reconnect in ${Math.ceil(barred)} ms ` +
        '(limits.rate.cooldownMs, doubled at each further disconnect up to limits.rate.maxCooldownMs)';
      this.opts.faults.fault(agentId, 'reconnect-too-soon', why);
      fail(call, status.RESOURCE_EXHAUSTED, why);
      return undefined;
    }
    // A new stream while the last one's RunEnded awaits its confirmation: that one is gone (its
    // process died, and the next one came, before the arena saw the stream close).
    const unconfirmed = this.confirming.get(agentId);
    if (unconfirmed) this.endSettled(unconfirmed.session, 'lost', 'a new stream said hello');
    const existing = this.sessions.get(agentId);
    if (existing?.open) {
      fail(call, status.ALREADY_EXISTS, `agent ${agentId} already has an open session`);
      return undefined;
    }
    const last = this.opts.lastReportSeq(agentId);
    if (!Number.isSafeInteger(hello.lastReportSeq) || hello.lastReportSeq < 0 || hello.lastReportSeq > last) {
      fail(
        call,
        status.INVALID_ARGUMENT,
        `hello.last_report_seq: ${wireIntText(hello.lastReportSeq)} is outside [0, ${last}] (the last report sent to ${agentId})`,
      );
      return undefined;
    }
    if (!KNOWN_ENCODINGS.has(hello.wakeUpEncoding)) {
      fail(
        call,
        status.INVALID_ARGUMENT,
        `hello.wake_up_encoding: ${hello.wakeUpEncoding} is not a known encoding (0-3)`,
      );
      return undefined;
    }
    const resumed = this.everConnected.has(agentId);
    const session: Session = {
      agentId,
      call,
      open: true,
      deltas:
        hello.wakeUpEncoding === WakeUpEncoding.WAKE_UP_ENCODING_DELTA ||
        hello.wakeUpEncoding === WakeUpEncoding.WAKE_UP_ENCODING_DELTA_PRIVATE,
      privateDeltas: hello.wakeUpEncoding === WakeUpEncoding.WAKE_UP_ENCODING_DELTA_PRIVATE,
      acksInWakeUp: hello.acksInWakeUp,
      ...(resumed ? { resumeFrom: hello.lastReportSeq } : {}),
    };
    this.sessions.set(agentId, session);
    this.everConnected.add(agentId);
    this.opts.observer?.hello?.(agentId, hello, resumed);
    call.write({ kind: { $case: 'welcome', value: { ...this.opts.welcome(agentId), resumed } } });
    for (const w of this.connectWaiters) w();
    if (this.finale) {
      // After the run: what it had not processed (from its resume point), then the final report.
      const { ended, acks } = this.finale(agentId, hello.lastReportSeq);
      session.resumeFrom = undefined;
      this.owedFinale.delete(agentId);
      this.end(agentId, ended, acks);
      for (const w of this.finaleWaiters) w();
      return session;
    }
    this.port(agentId).onConnected(session);
    return session;
  }

  /** A batch outside an open decision request: the core says what it is (late, stale, duplicate). */
  answerOutside(s: Session, batch: ActionBatch): void {
    const receipt = this.opts.answerOutside(s.agentId, batch);
    if (!receipt.taken) {
      this.sendAck(s, receipt.ack);
      this.opts.faults.fault(s.agentId, 'refused-batch', receipt.ack.message);
    }
  }

  /**
   * Rate limit for a batch that is not the answer to an open decision request: true when it may be
   * processed. Otherwise the agent gets one typed refusal per run of refused batches
   * (BATCH_STATUS_RATE_LIMITED), and a streak past `disconnectAfter` ends its stream with
   * RESOURCE_EXHAUSTED; it may reconnect and resume.
   */
  admitOutside(s: Session, batch: ActionBatch): boolean {
    const rate = this.rates.get(s.agentId)!;
    const verdict = rate.take();
    if (verdict === 'pass') return true;
    if (verdict === 'disconnect') {
      const why =
        `rate limit: ${rate.cfg.disconnectAfter} batches in a row refused, ${rate.describe()}; ` +
        `the stream is closed, reconnect (and resume) in ${rate.cooldownMs} ms`;
      this.opts.faults.fault(s.agentId, 'rate-limit-disconnect', why);
      this.barredUntil.set(s.agentId, this.now() + rate.cooldownMs);
      this.closeSession(s);
      fail(s.call, status.RESOURCE_EXHAUSTED, why);
      // Not waited for: the others would otherwise wait for the flooder's reconnect.
      this.port(s.agentId).onBarred();
      return false;
    }
    this.opts.faults.fault(
      s.agentId,
      'rate-limited',
      `wake_id ${wireIntText(batch.wakeId)}: ${rate.describe()}`,
    );
    if (verdict === 'refuse') this.sendAck(s, this.rateLimitedAck(batch, rate.describe()));
    // Not waited for: in lock-step the others would wait for an answer stuck behind its own flood.
    this.port(s.agentId).onOverLimit();
    return false;
  }

  /** True while the agent is over its rate limit (see OutsideRateLimit.overLimit): it is not waited for. */
  overLimit(agentId: string): boolean {
    return this.rates.get(agentId)?.overLimit() ?? false;
  }

  private rateLimitedAck(batch: ActionBatch, limit: string): ActionAck {
    const message = `refused: ${limit}; further batches are refused without an answer until the bucket refills`;
    const actions: unknown[] = Array.isArray(batch.actions) ? batch.actions : [];
    return {
      wakeId: Number.isSafeInteger(batch.wakeId) ? batch.wakeId : 0,
      reportSeq: 0,
      batchStatus: BatchStatus.BATCH_STATUS_RATE_LIMITED,
      message,
      results: actions.map((a, index) => ({
        index,
        clientRef: typeof (a as Action)?.clientRef === 'string' ? (a as Action).clientRef : '',
        status: ActionStatus.ACTION_STATUS_REJECTED,
        orderId: 0,
        rejectCode: RejectCode.REJECT_CODE_RATE_LIMITED,
        field: 'wake_id',
        limit,
        message,
        timeMs: 0,
        fills: [],
        cancelledLots: 0,
        cancelReason: 0,
      })),
    };
  }

  violation(s: Session, code: status, details: string): void {
    this.opts.faults.fault(s.agentId, 'protocol-violation', details);
    this.closeSession(s);
    fail(s.call, code, details);
  }

  private closeSession(s: Session): void {
    if (!s.open) return;
    s.open = false;
    this.port(s.agentId).onDisconnected(s);
  }
}
