// Connects a strategy to a running arena over one gRPC session stream and drives it until the
// run ends. Every wake-up and ack carries a report_seq; the client reports each one as processed
// once the strategy has handled it, so an agent that keeps that number can resume after a crash
// without losing or repeating a fill. A wake-up is reported processed before its batch is sent:
// the arena takes the answer as proof that the wake-up was processed and stops keeping it for a
// resume, so the number must be stored first. A stream that fails with UNAVAILABLE after its
// Welcome is resumed the same way by the client itself (ConnectOptions.resume), and so is one the
// arena ended for flooding, once its cooldown lets the agent back in (ConnectOptions.rateLimitResume).
// An agent that fell behind (a slow decide, a process that did not run for a while) catches up on
// its newest wake-up: one with a newer wake-up already received behind it is not decided nor
// answered, and its reports reach the strategy with the next wake-up decided (ConnectOptions.conflate,
// skipped-reports.ts). In lock-step, an answer whose wake-up was overtaken by a newer one while
// decide() ran is not sent either: the arena could only refuse it as late. "Received" means in the
// machine's socket, not only in this process's hands (eventLoopTurn).
import {
  type Action,
  type ActionAck,
  type Hello,
  type RunEnded,
  RunMode,
  type WakeUp,
  WakeUpEncoding,
  type Welcome,
} from '../../gen/flexarena/v1/session.js';
import { encodeToBuffer } from '../../lib/index.js';
import { useArenaLimits } from './actions.js';
import { AgentSdkError, HelloError, SessionError, StrategyError, type StrategyMethod } from './errors.js';
import { GrpcStatus } from './grpc-status.js';
import { type GrpcStreamError, openGrpcStream, splitAddress } from './grpc-stream.js';
import { checkHello } from './hello-fields.js';
import { type LeanDecoding, leanSessionDecoder } from './lean-session-decoder.js';
import type { StoredAnswer } from './resume-file.js';
import {
  encodeSessionRequest,
  SESSION_PATH,
  type SessionRequest,
  type SessionResponse,
} from './session-envelope.js';
import { REPORT_FIELDS, SkippedReports } from './skipped-reports.js';
import type { Strategy } from './strategy.js';
import { unencodableAction } from './unencodable-action.js';
import { WakeViewError, WakeViewTracker } from './wake-view.js';
import { WellFormedStringWriter } from './well-formed-writer.js';

export interface ConnectOptions {
  /** host:port of the arena. */
  address: string;
  token: string;
  sdkName?: string;
  /** The report_seq of the last wake-up or ack this agent processed before (0: none). */
  lastReportSeq?: number;
  /**
   * Called with a message's report_seq once it is fully processed (persist it here, synchronously,
   * to resume); for a wake-up before its batch is sent, for the run's final report before onEnd
   * returns to the caller. To keep records of your own beside resumeOptions' file, write yours
   * first and call its onProcessed after: a process killed between the two writes then gets the
   * message again (a fill twice, the same trade id), where the other order loses it for good.
   * Strategy.saveState keeps both in one write: each report exactly once.
   */
  onProcessed?(reportSeq: number, lastAnswer?: StoredAnswer): void;
  /**
   * The batch sent for the last wake-up decided before a restart (resumeOptions keeps it with a
   * strategy's state): if the arena sends that wake-up again — the process stored it as processed
   * and died before its answer left — this is sent again instead of deciding on a state that
   * already holds the decision.
   */
  lastAnswer?: StoredAnswer;
  /**
   * When the stream fails with UNAVAILABLE after a Welcome (a network cut, the arena dropping the
   * stream), reconnect this many times, `delayMs` apart, saying hello with the last processed
   * report_seq (default 5 × 200 ms; 0: never). Other statuses fail at once, but for a flood
   * disconnect (rateLimitResume).
   */
  resume?: { attempts: number; delayMs: number };
  /**
   * When the arena ended the stream for flooding (RESOURCE_EXHAUSTED, details "rate limit: …"), it
   * refuses hellos the same way until a cooldown has passed that the agent learns only by being
   * refused (limits.rate.cooldownMs, 2 s by default, doubled at each further such disconnect up to
   * limits.rate.maxCooldownMs, 60 s by default). The SDK then says hello again, resuming, after
   * `firstDelayMs`, doubling the pause up to `maxDelayMs`, until it is let in or `giveUpAfterMs`
   * have passed since the disconnect (default 200 ms, 5 000 ms, 180 000 ms; giveUpAfterMs 0: never
   * retry). A RESOURCE_EXHAUSTED for another reason (a message over limits.maxMessageBytes) fails
   * at once: it would happen again.
   */
  rateLimitResume?: { firstDelayMs: number; maxDelayMs: number; giveUpAfterMs: number };
  /**
   * Ask for complete wake-ups on the wire instead of deltas of the books, forecasts, open orders
   * and positions (default: FLEXARENA_WAKE_UPS=full, else deltas, rebuilt here, so a strategy
   * sees the same wake-ups).
   */
  fullWakeUps?: boolean;
  /**
   * Conflation (default true): a wake-up with a newer one already received behind it is not
   * decided and gets no answer — the arena has moved past it, so an answer would come late, and a
   * strategy that fell behind would otherwise answer every wake-up that piled up, a flood the arena
   * ends the stream for. Its view deltas are applied in order and its reports (fills, awards,
   * results, activations, settlements) reach the strategy in front of those of the wake-up it does
   * decide; its acks reach onAck as they come. The arena counts the skipped wake-up as missed.
   * The same goes for an answer whose wake-up a newer one overtook while decide() ran, when the
   * arena runs in lock-step (Welcome.runMode): it has counted that wake-up as missed and would
   * refuse the answer as late, a refusal its rate limit counts. It is not sent, and no ack comes
   * for it; the next wake-up shows what stands. In real time such an answer is still applied on
   * arrival, so it is sent.
   * False: every wake-up is decided and answered, in order.
   */
  conflate?: boolean;
}

export interface AgentRunOutcome {
  welcome?: Welcome;
  ended?: RunEnded;
  wakeUps: number;
  /** Of those, wake-ups not decided because a newer one was already queued (ConnectOptions.conflate). */
  skippedWakeUps: number;
  /**
   * Of those, wake-ups decided whose answer was not sent: a newer wake-up arrived while decide()
   * ran, in lock-step (ConnectOptions.conflate).
   */
  overtakenAnswers: number;
  /** The report_seq of the last message processed. */
  lastReportSeq: number;
  /** The batch sent for the last decided wake-up (see ConnectOptions.lastAnswer). */
  lastAnswer?: StoredAnswer;
  /** Sessions opened: 1 plus the resumes after dropped streams. */
  sessions: number;
}

/**
 * SessionRequest → bytes through one writer for every request (see encodeToBuffer). A request the
 * wire cannot hold (e.g. a price of 1.5 ticks, a string with a lone surrogate) throws and leaves
 * nothing behind for the next one.
 */
export function requestSerializer(): (value: SessionRequest) => Buffer {
  const writer = new WellFormedStringWriter();
  return (value) => encodeToBuffer(writer, (w) => encodeSessionRequest(value, w));
}

/**
 * The decoder for a strategy: what it never reads is not decoded (the public view or the parts of it
 * it says it ignores, the acks' per-action results when it has no onAck). One decoder per kind; 64-bit
 * integers without BigInt (see lib/proto-wire.ts), a wake-up holds thousands of them.
 */
const decoders = new Map<string, (bytes: Buffer) => SessionResponse>();
function decoderFor(strategy: Strategy): (bytes: Buffer) => SessionResponse {
  const keep: LeanDecoding = {
    publicView: !strategy.ignoresPublicView,
    ignoredParts: strategy.ignoresPublicViewParts ?? [],
    ackResults: strategy.onAck !== undefined,
  };
  const key = `${keep.publicView}/${[...(keep.ignoredParts ?? [])].sort().join(',')}/${keep.ackResults}`;
  let decode = decoders.get(key);
  if (!decode) {
    decode = leanSessionDecoder(keep);
    decoders.set(key, decode);
  }
  return decode;
}

const SDK_VERSION = '0.2.0';

/**
 * A receive window of a few wake-ups instead of HTTP/2's 64 KiB, which a wake-up with a large
 * order list fills alone (a stall and a window update per message).
 */
const FLOW_CONTROL_WINDOW = 4 * 1024 * 1024;

/** FLEXARENA_WAKE_UPS=full|delta (unset: delta), the default of ConnectOptions.fullWakeUps. */
function fullWakeUpsFromEnv(): boolean {
  const mode = process.env.FLEXARENA_WAKE_UPS ?? 'delta';
  if (mode !== 'full' && mode !== 'delta')
    throw new AgentSdkError(`FLEXARENA_WAKE_UPS: "${mode}" is not full or delta`);
  return mode === 'full';
}

export async function runAgent(strategy: Strategy, opts: ConnectOptions): Promise<AgentRunOutcome> {
  opts = { ...opts, fullWakeUps: opts.fullWakeUps ?? fullWakeUpsFromEnv() };
  try {
    splitAddress(opts.address);
  } catch (err) {
    throw new AgentSdkError(`address: "${opts.address}" is not host:port (a port 1–65535)`, { cause: err });
  }
  // A hello the arena could not get as it is: refused before a connection is made.
  helloOf(strategy, opts, opts.lastReportSeq ?? 0);
  const outcome: AgentRunOutcome = {
    wakeUps: 0,
    skippedWakeUps: 0,
    overtakenAnswers: 0,
    lastReportSeq: opts.lastReportSeq ?? 0,
    sessions: 0,
    ...(opts.lastAnswer ? { lastAnswer: opts.lastAnswer } : {}),
  };
  const resume = opts.resume ?? { attempts: 5, delayMs: 200 };
  const barred = opts.rateLimitResume ?? { firstDelayMs: 200, maxDelayMs: 5_000, giveUpAfterMs: 180_000 };
  /** Since when the arena has kept this agent out for flooding (undefined: it has not). */
  let barredSince: number | undefined;
  let barredDelayMs = barred.firstDelayMs;
  const acks = new AcksHandedOver();
  for (let failures = 0; ; ) {
    const welcomesBefore = outcome.welcome;
    outcome.welcome = undefined;
    try {
      await runSession(strategy, opts, outcome, acks);
      return outcome;
    } catch (err) {
      const welcomed = outcome.welcome !== undefined;
      outcome.welcome ??= welcomesBefore;
      // A fresh Welcome shows the resume worked: the counts start again.
      if (welcomed) {
        failures = 0;
        barredSince = undefined;
      }
      if (isRateLimited(err)) {
        // Disconnected for flooding, or refused during the cooldown: the same resume, later.
        const now = performance.now();
        if (barredSince === undefined) {
          barredSince = now;
          barredDelayMs = barred.firstDelayMs;
        }
        if (now - barredSince >= barred.giveUpAfterMs)
          throw new SessionError(
            err.code,
            `${err.details} (refused for ${((now - barredSince) / 1000).toFixed(0)} s since the disconnect; giving up)`,
            { cause: err },
          );
        await new Promise((r) => setTimeout(r, barredDelayMs));
        barredDelayMs = Math.min(barredDelayMs * 2, barred.maxDelayMs);
        continue;
      }
      // A delta this client cannot apply: a new stream starts with a snapshot.
      const retry =
        ((err instanceof SessionError && err.code === GrpcStatus.UNAVAILABLE) ||
          err instanceof WakeViewError) &&
        outcome.welcome !== undefined &&
        failures < resume.attempts;
      if (!retry) throw err;
      failures++;
      await new Promise((r) => setTimeout(r, resume.delayMs));
    }
  }
}

/**
 * The arena's rate limit ended the stream, or refused a hello during the cooldown after that
 * (docs/protocol.md: RESOURCE_EXHAUSTED whose details start with "rate limit:"). A message over
 * limits.maxMessageBytes is RESOURCE_EXHAUSTED too, but not this.
 */
function isRateLimited(err: unknown): err is SessionError {
  return (
    err instanceof SessionError &&
    err.code === GrpcStatus.RESOURCE_EXHAUSTED &&
    err.details.startsWith('rate limit:')
  );
}

/**
 * In lock-step a wake-up is sent only once the previous one is settled (answered, or missed at its
 * deadline), so an answer to a wake-up with a newer one behind it is refused as late; in real time
 * it is applied on arrival. An arena that does not say its mode (RUN_MODE_UNSPECIFIED) gets it.
 */
function lateAnswersRefused(welcome: Welcome | undefined): boolean {
  return welcome?.runMode === RunMode.RUN_MODE_LOCKSTEP;
}

/**
 * Resolves after the event loop has polled its sockets once more, so that every message already
 * received by the machine has reached onMessage (and the count of queued wake-ups). Messages are
 * handled one at a time in a promise chain, and Node runs that chain between the callbacks of one
 * socket read: a process that was not running (stopped, a decide() or a GC pause that held the event
 * loop) while the arena sent several wake-ups gets the oldest handed over before the newer ones,
 * although they are all in its socket — without this turn it decided each of them in turn, every
 * answer but the last refused as late. An immediate queued from a poll callback runs in the same
 * turn, after the poll; one queued from a check-phase callback in the next turn, after a new poll.
 */
function eventLoopTurn(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/**
 * The acks handed to onAck that do not count as processed yet: one handled while the reports of a
 * skipped wake-up wait is not stored as processed (see runSession's `processed`), so a stream that
 * ends before the wake-up carrying them is decided resumes from before it, and the arena sends it
 * again — with a new report_seq, as everything after the resume point (docs/protocol.md, Resume).
 * What names it is its batch's wake_id: each processed batch gets one ack in the sequence (a refusal
 * of a whole batch has report_seq 0 and is not part of it). Kept across the streams of one runAgent.
 */
class AcksHandedOver {
  private readonly wakeIds = new Set<number>();

  /** onAck has had `ack` since the last message stored as processed. */
  has(ack: ActionAck): boolean {
    return ack.reportSeq > 0 && this.wakeIds.has(ack.wakeId);
  }

  add(ack: ActionAck): void {
    if (ack.reportSeq > 0) this.wakeIds.add(ack.wakeId);
  }

  /** A message after them is stored as processed: a resume starts past them, none comes again. */
  clear(): void {
    this.wakeIds.clear();
  }
}

/** One stream: resolves when the run ended (or the arena closed the stream), rejects on an error. */
function runSession(
  strategy: Strategy,
  opts: ConnectOptions,
  outcome: AgentRunOutcome,
  acks: AcksHandedOver,
): Promise<void> {
  const conflate = opts.conflate ?? true;
  // Reports of skipped wake-ups not yet handed to the strategy (they come with the next decided one).
  const skipped = new SkippedReports();
  // Wake-ups received on this stream and not yet taken in hand: more than none behind the one in
  // hand means a newer one is already here.
  let queuedWakeUps = 0;
  const processed = (seq: number) => {
    // While reports of a skipped wake-up wait, nothing counts as processed: a resume must send
    // them again. The next decided wake-up (a newer report_seq than anything handled meanwhile)
    // is stored once its decide has had them.
    if (skipped.pending) return;
    if (seq <= outcome.lastReportSeq) return;
    outcome.lastReportSeq = seq;
    acks.clear();
    opts.onProcessed?.(seq, outcome.lastAnswer);
  };
  // The first wake-up of a resumed stream may be the last one decided, sent again: its answer had
  // not left. The state already holds that decision, so the same answer goes again — when the
  // wake-up brings no report (fill, award, settlement…) the strategy would miss by not deciding it.
  let first = true;
  const answerTo = async (wake: WakeUp): Promise<Action[]> => {
    const again =
      first && outcome.lastAnswer?.wakeId === wake.wakeId && REPORT_FIELDS.every((f) => wake[f].length === 0)
        ? outcome.lastAnswer
        : undefined;
    first = false;
    const point = { wakeId: wake.wakeId, timeMs: wake.timeMs };
    const actions = again
      ? again.actions
      : await strategyCall(strategy, 'decide', point, () => strategy.decide(wake));
    // A plain JavaScript strategy can return anything: undefined failed inside the encoder.
    if (!Array.isArray(actions))
      throw new StrategyError(
        strategy.name,
        'decide',
        point,
        `returned ${shownValue(actions)}, not an array of actions (return [] for none)`,
      );
    outcome.lastAnswer = { wakeId: wake.wakeId, actions };
    return actions;
  };
  // Messages are handled one at a time, in arrival (= report_seq) order, even when decide is async.
  let chain: Promise<void> = Promise.resolve();
  // The public view of this stream's last wake-up (a new stream starts with a snapshot).
  const views = new WakeViewTracker();

  return new Promise((resolve, reject) => {
    let done = false;
    /** RunEnded has arrived on this stream (it may still wait in `chain`). */
    let endReceived = false;
    const finish = (err?: Error) => {
      if (done) return;
      done = true;
      call.close();
      // Settled once the message in hand is handled: a resume must not start while the strategy
      // still decides on this stream. The messages queued behind it are dropped (handle() checks
      // `done`): not processed, they come again after the resume, so none is handled twice.
      void chain.then(() => (err ? reject(err) : resolve()));
    };
    const onAck = (ack: ActionAck) => {
      // Sent again after a resume from before it (see AcksHandedOver): onAck has had it.
      if (!acks.has(ack)) {
        if (strategy.onAck)
          strategyCallSync(strategy, 'onAck', { wakeId: ack.wakeId }, () => strategy.onAck?.(ack));
        acks.add(ack);
      }
      if (ack.reportSeq > 0) processed(ack.reportSeq);
    };
    const handle = async (msg: SessionResponse) => {
      if (done) return;
      switch (msg.kind?.$case) {
        case 'welcome':
          outcome.welcome = msg.kind.value;
          // The builders check this arena's limits of ids and client_ref from here on.
          useArenaLimits(msg.kind.value.market);
          if (strategy.onWelcome) {
            const welcome = msg.kind.value;
            await strategyCall(strategy, 'onWelcome', {}, () => strategy.onWelcome?.(welcome));
          }
          break;
        case 'wakeUp': {
          queuedWakeUps--;
          if (conflate && queuedWakeUps === 0) {
            // Nothing newer known yet — but maybe only not yet read: see eventLoopTurn.
            await eventLoopTurn();
            // The stream ended meanwhile: not processed, this wake-up comes again after a resume.
            if (done) return;
          }
          // The acks that came inside it (Hello.acks_in_wake_up), as if they had come just before.
          for (const ack of msg.kind.value.acks) onAck(ack);
          outcome.wakeUps++;
          // Without a public view (Strategy.ignoresPublicView) only the open orders are rebuilt;
          // the parts a strategy ignores (ignoresPublicViewParts) stay empty in the rebuilt view.
          // A skipped wake-up is rebuilt too: the next one is a delta against it.
          const rebuilt = views.rebuild(msg.kind.value);
          if (conflate && queuedWakeUps > 0) {
            // Superseded: the arena has already moved to a newer decision point.
            skipped.add(rebuilt);
            outcome.skippedWakeUps++;
            break;
          }
          const wake = skipped.takeInto(rebuilt);
          const actions = await answerTo(wake);
          // Decided: its reports reached the strategy, whether the answer goes or not.
          processed(wake.reportSeq);
          if (conflate && lateAnswersRefused(outcome.welcome)) {
            // A decide() that held the event loop (a synchronous solve, a GC pause) left what came
            // meanwhile unread in the socket.
            if (queuedWakeUps === 0) await eventLoopTurn();
            if (queuedWakeUps > 0) {
              // Overtaken while deciding: the arena has moved on and would refuse it as late.
              outcome.overtakenAnswers++;
              break;
            }
          }
          try {
            send({ kind: { $case: 'actionBatch', value: { wakeId: wake.wakeId, actions } } });
          } catch (err) {
            throw unencodableAction(actions, err);
          }
          break;
        }
        case 'actionAck':
          onAck(msg.kind.value);
          break;
        case 'runEnded':
          outcome.ended = msg.kind.value;
          if (strategy.onEnd) {
            const ended = msg.kind.value;
            await strategyCall(strategy, 'onEnd', {}, () => strategy.onEnd?.(ended));
          }
          // The final report (fills of the last batch, last settlements) is part of the sequence.
          if (msg.kind.value.finalReport) processed(msg.kind.value.finalReport.reportSeq);
          call.end();
          break;
      }
    };
    const call = openGrpcStream<SessionRequest, SessionResponse>(
      {
        address: opts.address,
        path: SESSION_PATH,
        metadata: { authorization: `Bearer ${opts.token}` },
        serialize: requestSerializer(),
        deserialize: decoderFor(strategy),
        flowControlWindow: FLOW_CONTROL_WINDOW,
        userAgent: `${opts.sdkName ?? 'flexarena-ts'}/${SDK_VERSION}`,
      },
      {
        onMessage(msg) {
          if (msg.kind?.$case === 'runEnded') endReceived = true;
          else if (msg.kind?.$case === 'wakeUp') queuedWakeUps++;
          chain = chain
            .then(() => handle(msg))
            .catch((err) => {
              call.cancel();
              finish(err as Error);
            });
        },
        onError(err: GrpcStreamError) {
          // The run's end came before the failure: it is handled, as after a clean end.
          if (endReceived) return void chain.then(() => finish());
          finish(new SessionError(err.code, err.details, { cause: err }));
        },
        onEnd() {
          void chain.then(() => finish());
        },
      },
    );
    outcome.sessions++;
    const send = (req: SessionRequest) => call.write(req);
    try {
      send({ kind: { $case: 'hello', value: helloOf(strategy, opts, outcome.lastReportSeq) } });
    } catch (err) {
      // runAgent checked the fields (checkHello): whatever the encoder still found is typed too, and
      // the stream opened for it does not stay behind.
      call.cancel();
      finish(
        err instanceof HelloError
          ? err
          : new HelloError('hello', 'a Hello the encoder can write', (err as Error).message, { cause: err }),
      );
    }
  });
}

/**
 * Calls the strategy's own code: what it throws (or an async method rejects with) is a bug of the
 * strategy, so it reaches runAgent's caller as a StrategyError naming the method and the decision
 * point, the thrown value its `cause` (with the strategy's stack). An SDK error the strategy let
 * through (an ActionBuildError from a builder) is wrapped too: it was raised in the strategy's code.
 */
async function strategyCall<T>(
  strategy: Strategy,
  method: StrategyMethod,
  point: { wakeId?: number; timeMs?: number },
  call: () => T | Promise<T>,
): Promise<T> {
  try {
    return await call();
  } catch (err) {
    throw strategyError(strategy, method, point, err);
  }
}

function strategyCallSync<T>(
  strategy: Strategy,
  method: StrategyMethod,
  point: { wakeId?: number; timeMs?: number },
  call: () => T,
): T {
  try {
    return call();
  } catch (err) {
    throw strategyError(strategy, method, point, err);
  }
}

function strategyError(
  strategy: Strategy,
  method: StrategyMethod,
  point: { wakeId?: number; timeMs?: number },
  err: unknown,
): StrategyError {
  const what = err instanceof Error ? `${err.name}: ${err.message}` : shownValue(err);
  return new StrategyError(strategy.name, method, point, `threw ${what}`, { cause: err });
}

/** A value a strategy threw or returned, for a message. */
function shownValue(value: unknown): string {
  if (value === undefined || typeof value === 'function') return String(value);
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}

function helloOf(strategy: Strategy, opts: ConnectOptions, lastReportSeq: number): Hello {
  const hello: Hello = {
    sdkName: opts.sdkName ?? 'flexarena-ts',
    sdkVersion: SDK_VERSION,
    strategy: strategy.name,
    lastReportSeq,
    wakeUpEncoding: opts.fullWakeUps
      ? WakeUpEncoding.WAKE_UP_ENCODING_FULL
      : WakeUpEncoding.WAKE_UP_ENCODING_DELTA_PRIVATE,
    acksInWakeUp: true,
  };
  checkHello(hello, {
    strategy: "the strategy's name",
    sdkName: opts.sdkName === undefined ? 'the SDK name' : 'ConnectOptions.sdkName',
  });
  return hello;
}
