// The hello's fields, checked before the stream opens. They come from the strategy (its name) and
// ConnectOptions (sdkName, lastReportSeq); the encoder failed on a bad one with an untyped error
// naming nothing ("\ud800" holds a lone surrogate…, "Cannot read properties of undefined",
// "The number 1.5 cannot be converted to a BigInt") — and only once the stream was open.
import type { Hello } from '../../gen/flexarena/v1/session.js';
import { isWellFormed, UTF8_STRING_LIMIT } from '../../lib/index.js';
import { type FieldFault, HelloError } from './errors.js';

/** A string, and one the wire can carry (the limit the door and the gateway state for action strings). */
const TEXT_LIMIT = `a string, ${UTF8_STRING_LIMIT}`;

function kindOf(value: unknown): string {
  return value === null || value === undefined ? String(value) : `a ${typeof value}`;
}

function text(value: unknown, field: string, source: string): FieldFault | undefined {
  if (typeof value !== 'string')
    return { field, limit: TEXT_LIMIT, reason: `${source} is ${kindOf(value)}, not a string` };
  if (!isWellFormed(value))
    return { field, limit: TEXT_LIMIT, reason: `${source} ${JSON.stringify(value)} holds a lone surrogate` };
  return undefined;
}

function reportSeq(seq: unknown): FieldFault | undefined {
  if (typeof seq === 'number' && Number.isSafeInteger(seq) && seq >= 0) return undefined;
  return {
    field: 'hello.last_report_seq',
    limit: `an integer within [0, ${Number.MAX_SAFE_INTEGER}] (a report_seq the arena sent)`,
    reason: `lastReportSeq ${typeof seq === 'number' ? seq : (JSON.stringify(seq) ?? String(seq))} is not one`,
  };
}

/**
 * Throws a HelloError for the fields of `hello` the arena could not get as they are: the first as
 * its field and limit, the others after it (HelloError.also), so one run names them all.
 */
export function checkHello(hello: Hello, sources: { strategy: string; sdkName: string }): void {
  const faults = [
    text(hello.strategy, 'hello.strategy', sources.strategy),
    text(hello.sdkName, 'hello.sdk_name', sources.sdkName),
    reportSeq(hello.lastReportSeq),
  ].filter((f): f is FieldFault => f !== undefined);
  const [first, ...also] = faults;
  if (first !== undefined) throw new HelloError(first.field, first.limit, first.reason, { also });
}
