import { FlexArenaError } from '../../lib/index.js';
import type { GrpcStatusCode } from './grpc-status.js';

/** The SDK's typed errors: for the user (they say what to change), so one line without a stack. */
export class AgentSdkError extends FlexArenaError {}

/** The arena ended the session with a gRPC status (bad token, malformed action, …). */
export class SessionError extends AgentSdkError {
  constructor(
    readonly code: GrpcStatusCode,
    readonly details: string,
    options?: { cause?: unknown },
  ) {
    super(`session ended with gRPC status ${code}: ${details}`, options);
  }
}

/** One bad field of an action or a hello: its proto path, the rule, and what is wrong with it. */
export interface FieldFault {
  field: string;
  limit: string;
  reason: string;
}

/** "field: reason (limit: limit)", and the others after it ("; also: …", as the door words it). */
function faultText(first: FieldFault, also: readonly FieldFault[]): string {
  const one = (f: FieldFault) => `${f.field}: ${f.reason} (limit: ${f.limit})`;
  return also.length === 0 ? one(first) : `${one(first)}; also: ${also.map(one).join('; ')}`;
}

/**
 * An action the SDK refuses to build or send because the arena would reject it as malformed.
 * `field` is the proto field path inside the Action, as the door names it in ActionResult.field
 * (`submit.product_id`, `auction_bid.curve.points[2].quantity_lots`, `client_ref`; `actions` for
 * an entry that is no Action at all), `limit` the rule, `reason` what is wrong with it. An action
 * with several bad fields is one error: `field`, `limit` and `reason` are the first's, `also` the
 * others' in the order the door checks them, and the message names them all after the first
 * ("…; also: …"), as the door's rejection does. `actionIndex` is the action's index in the batch when
 * runAgent found it in a batch decide() returned (the message then starts with `actions[i]: `);
 * undefined when a builder refused it.
 */
export class ActionBuildError extends AgentSdkError {
  constructor(
    readonly field: string,
    readonly limit: string,
    readonly reason: string,
    options?: { cause?: unknown; actionIndex?: number; also?: readonly FieldFault[] },
  ) {
    const at = options?.actionIndex === undefined ? '' : `actions[${options.actionIndex}]: `;
    const also = options?.also ?? [];
    super(`${at}${faultText({ field, limit, reason }, also)}`, options);
    this.actionIndex = options?.actionIndex;
    this.also = also;
  }

  readonly actionIndex?: number;
  /** The action's other bad fields, after the first; empty when there is one. */
  readonly also: readonly FieldFault[];
}

/** The strategy method the SDK was calling when it threw. */
export type StrategyMethod = 'decide' | 'onWelcome' | 'onAck' | 'onEnd';

/**
 * The strategy's own code threw (or decide() returned something that is no array of actions): a
 * bug of the strategy, not of the SDK or the arena. `cause` is what it threw, with its stack;
 * `method` the call; `wakeId` and `timeMs` the decision point (the wake-up decide() was deciding,
 * the batch onAck was told about; undefined for onWelcome and onEnd, and timeMs for onAck).
 */
export class StrategyError extends AgentSdkError {
  constructor(
    readonly strategy: string,
    readonly method: StrategyMethod,
    point: { wakeId?: number; timeMs?: number },
    what: string,
    options?: { cause?: unknown },
  ) {
    const at =
      point.wakeId === undefined
        ? ''
        : ` at wake-up ${point.wakeId}${point.timeMs === undefined ? '' : ` (${isoTime(point.timeMs)})`}`;
    super(`strategy ${strategy}: ${method}()${at} ${what}`, options);
    this.wakeId = point.wakeId;
    this.timeMs = point.timeMs;
  }

  readonly wakeId?: number;
  readonly timeMs?: number;
}

/** A wake-up's virtual time as ISO text; a value no Date can show as it is. */
function isoTime(ms: number): string {
  const d = new Date(ms);
  return Number.isNaN(d.getTime()) ? String(ms) : d.toISOString();
}

/**
 * A hello the SDK cannot send: a field of it (from the strategy or ConnectOptions) that the wire
 * cannot carry or the arena would refuse. `field` is the proto path ("hello.strategy"), `limit` the
 * rule, `reason` what is wrong; with several bad fields, those are the first's and `also` the
 * others', named in the message after it ("…; also: …"). `cause` is the encoder's own error when
 * that is what found it.
 */
export class HelloError extends AgentSdkError {
  constructor(
    readonly field: string,
    readonly limit: string,
    readonly reason: string,
    options?: { cause?: unknown; also?: readonly FieldFault[] },
  ) {
    const also = options?.also ?? [];
    super(faultText({ field, limit, reason }, also), options);
    this.also = also;
  }

  /** The hello's other bad fields, after the first; empty when there is one. */
  readonly also: readonly FieldFault[];
}

export class ParamError extends AgentSdkError {
  constructor(
    readonly strategy: string,
    readonly field: string,
    /** What is wrong with the field, without the strategy and field names. */
    readonly reason: string,
  ) {
    super(`strategy ${strategy}: params.${field}: ${reason}`);
  }
}

/** A resume file (`--resume-file`, ConnectOptions via resumeOptions) that holds something the SDK did not write. */
export class ResumeFileError extends AgentSdkError {
  constructor(
    readonly path: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** Strategy.saveState returned a value JSON cannot hold: it could not be stored for a restart. */
export class StrategyStateError extends AgentSdkError {
  constructor(
    readonly strategy: string,
    /** Where in the returned value, e.g. "$.bidAuctions". */
    readonly at: string,
    reason: string,
  ) {
    super(`strategy ${strategy}: saveState() returned a value JSON cannot hold at ${at}: ${reason}`);
  }
}
