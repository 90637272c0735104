// The gRPC face of the arena: one long-lived bidirectional session per agent. Identity comes
// only from the token in the call metadata. Implements AgentChannel for the sequencer.
import {
  type Metadata,
  Server,
  ServerCredentials,
  type ServerDuplexStream,
  type ServiceError,
  status,
} from '@grpc/grpc-js';
import {
  ArenaServiceService,
  type GetMarketSpecResponse,
  type SessionRequest,
  type SessionResponse,
} from '../../gen/flexarena/v1/arena_service.js';
import type { ActionAck, ActionBatch, RunEnded, WakeUp, Welcome } from '../../gen/flexarena/v1/session.js';
import type { AgentChannel, FaultLog, WakeOutcome } from '../../sim/core/agent-channel.js';
import { type ProtocolLimits, validateActionBatch } from './validate-actions.js';

type Call = ServerDuplexStream<SessionRequest, SessionResponse>;

interface PendingWake {
  wakeId: number;
  resolve: (o: WakeOutcome) => void;
  timer: NodeJS.Timeout;
}

interface Session {
  agentId: string;
  call: Call;
  open: boolean;
  pending?: PendingWake;
}

export interface GatewayOptions {
  runId: string;
  /** token → agent id */
  tokens: ReadonlyMap<string, string>;
  limits: ProtocolLimits;
  welcome(agentId: string): Omit<Welcome, 'resumed'>;
  marketSpec(): GetMarketSpecResponse;
  faults: FaultLog;
}

export function tokenFromMetadata(md: Metadata): string | undefined {
  const auth = md.get('authorization')[0];
  if (typeof auth === 'string' && auth.startsWith('Bearer ')) return auth.slice(7).trim();
  const raw = md.get('x-flexarena-token')[0];
  return typeof raw === 'string' ? raw : undefined;
}

function fail(call: Call, code: status, details: string): void {
  const err: Partial<ServiceError> = { code, details, message: details };
  call.emit('error', err);
}

export class GrpcGateway implements AgentChannel {
  private readonly server = new Server();
  private readonly sessions = new Map<string, Session>();
  private readonly everConnected = new Set<string>();
  private connectWaiters: (() => void)[] = [];

  constructor(private readonly opts: GatewayOptions) {
    this.server.addService(ArenaServiceService, {
      session: (call: Call) => this.onSession(call),
      getMarketSpec: (_call: unknown, cb: (err: null, res: GetMarketSpecResponse) => void) =>
        cb(null, opts.marketSpec()),
    });
  }

  listen(host: string, port: number): Promise<number> {
    return new Promise((resolve, reject) => {
      this.server.bindAsync(`${host}:${port}`, ServerCredentials.createInsecure(), (err, bound) =>
        err ? reject(err) : resolve(bound),
      );
    });
  }

  close(): Promise<void> {
    for (const s of this.sessions.values()) if (s.open) s.call.end();
    return new Promise((resolve) => {
      const hard = setTimeout(() => {
        this.server.forceShutdown();
        resolve();
      }, 2_000);
      this.server.tryShutdown(() => {
        clearTimeout(hard);
        resolve();
      });
    });
  }

  // ---- AgentChannel ----

  waitForAgents(timeoutMs: number): Promise<string[]> {
    const expected = [...new Set(this.opts.tokens.values())];
    const missing = () => expected.filter((id) => !this.everConnected.has(id));
    if (missing().length === 0) return Promise.resolve([]);
    return new Promise((resolve) => {
      const timer = setTimeout(() => resolve(missing()), timeoutMs);
      const check = () => {
        if (missing().length > 0) return;
        clearTimeout(timer);
        resolve([]);
      };
      this.connectWaiters.push(check);
    });
  }

  isConnected(agentId: string): boolean {
    return this.sessions.get(agentId)?.open ?? false;
  }

  wake(agentId: string, wake: WakeUp, deadlineMs: number): Promise<WakeOutcome> {
    const s = this.sessions.get(agentId);
    if (!s?.open) return Promise.resolve({ kind: 'disconnected' });
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        if (s.pending?.wakeId === wake.wakeId) s.pending = undefined;
        resolve({ kind: 'missed' });
      }, deadlineMs);
      s.pending = { wakeId: wake.wakeId, resolve, timer };
      s.call.write({ kind: { $case: 'wakeUp', value: wake } });
    });
  }

  ack(agentId: string, ack: ActionAck): void {
    const s = this.sessions.get(agentId);
    if (s?.open) s.call.write({ kind: { $case: 'actionAck', value: ack } });
  }

  end(agentId: string, ended: RunEnded): void {
    const s = this.sessions.get(agentId);
    if (!s?.open) return;
    s.call.write({ kind: { $case: 'runEnded', value: ended } });
    s.call.end();
    this.closeSession(s);
  }

  // ---- sessions ----

  private onSession(call: Call): void {
    const token = tokenFromMetadata(call.metadata);
    const agentId = token ? this.opts.tokens.get(token) : undefined;
    if (!agentId) {
      fail(
        call,
        status.UNAUTHENTICATED,
        token ? 'unknown token' : 'missing token: send "authorization: Bearer <token>" metadata',
      );
      return;
    }
    let session: Session | undefined;
    call.on('data', (msg: SessionRequest) => {
      if (!session) {
        session = this.onFirstMessage(call, agentId, msg);
        return;
      }
      if (msg.kind?.$case === 'actionBatch') this.onBatch(session, msg.kind.value);
      else
        this.violation(
          session,
          status.INVALID_ARGUMENT,
          'kind: after hello only action_batch messages are allowed',
        );
    });
    const gone = (why: string) => {
      if (session?.open) {
        this.opts.faults.fault(agentId, 'disconnected', why);
        this.closeSession(session);
      }
    };
    call.on('end', () => {
      gone('stream ended by agent');
      call.end();
    });
    call.on('cancelled', () => gone('call cancelled'));
    call.on('error', (err) => gone(`stream error: ${err.message}`));
  }

  private onFirstMessage(call: Call, agentId: string, msg: SessionRequest): Session | undefined {
    if (msg.kind?.$case !== 'hello') {
      fail(call, status.INVALID_ARGUMENT, 'kind: the first message of a session must be hello');
      return undefined;
    }
    const existing = this.sessions.get(agentId);
    if (existing?.open) {
      fail(call, status.ALREADY_EXISTS, `agent ${agentId} already has an open session`);
      return undefined;
    }
    const session: Session = { agentId, call, open: true };
    this.sessions.set(agentId, session);
    const resumed = this.everConnected.has(agentId);
    this.everConnected.add(agentId);
    call.write({ kind: { $case: 'welcome', value: { ...this.opts.welcome(agentId), resumed } } });
    for (const w of this.connectWaiters) w();
    return session;
  }

  private onBatch(s: Session, batch: ActionBatch): void {
    if (!s.open) return;
    const v = validateActionBatch(batch, this.opts.limits);
    if (v) {
      this.violation(s, v.code, v.message);
      return;
    }
    const p = s.pending;
    if (!p || p.wakeId !== batch.wakeId) {
      this.opts.faults.fault(
        s.agentId,
        'late-batch',
        `batch for wake ${batch.wakeId} arrived after its deadline or unasked; ignored`,
      );
      return;
    }
    clearTimeout(p.timer);
    s.pending = undefined;
    p.resolve({ kind: 'batch', actions: batch.actions });
  }

  private violation(s: Session, code: status, details: string): void {
    this.opts.faults.fault(s.agentId, 'protocol-violation', details);
    this.closeSession(s);
    fail(s.call, code, details);
  }

  private closeSession(s: Session): void {
    s.open = false;
    const p = s.pending;
    if (p) {
      clearTimeout(p.timer);
      s.pending = undefined;
      p.resolve({ kind: 'disconnected' });
    }
  }
}
