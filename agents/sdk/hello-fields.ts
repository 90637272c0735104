// The hello's fields, checked before the stream opens. They come from the strategy (its name) and
// ConnectOptions (sdkName, lastReportSeq); the encoder failed on a bad one with an untyped error
// naming nothing ("\ud800" holds a lone surrogate…, "Cannot read properties of undefined",
// "The number 1.5 cannot be converted to a BigInt") — and only once the stream was open.
import type { Hello } from '../../gen/flexarena/v1/session.js';
import { isWellFormed, UTF8_STRING_LIMIT } from '../../lib/index.js';
import { HelloError } from './errors.js';

/** A string, and one the wire can carry (the limit the door and the gateway state for action strings). */
const TEXT_LIMIT = `a string, ${UTF8_STRING_LIMIT}`;

function kindOf(value: unknown): string {
  return value === null || value === undefined ? String(value) : `a ${typeof value}`;
}

function text(value: unknown, field: string, source: string): void {
  if (typeof value !== 'string')
    throw new HelloError(field, TEXT_LIMIT, `${source} is ${kindOf(value)}, not a string`);
  if (!isWellFormed(value))
    throw new HelloError(field, TEXT_LIMIT, `${source} ${JSON.stringify(value)} holds a lone surrogate`);
}

/** Throws a HelloError for the first field of `hello` the arena could not get as it is. */
export function checkHello(hello: Hello, sources: { strategy: string; sdkName: string }): void {
  text(hello.strategy, 'hello.strategy', sources.strategy);
  text(hello.sdkName, 'hello.sdk_name', sources.sdkName);
  const seq: unknown = hello.lastReportSeq;
  if (typeof seq !== 'number' || !Number.isSafeInteger(seq) || seq < 0)
    throw new HelloError(
      'hello.last_report_seq',
      `an integer within [0, ${Number.MAX_SAFE_INTEGER}] (a report_seq the arena sent)`,
      `lastReportSeq ${typeof seq === 'number' ? seq : (JSON.stringify(seq) ?? String(seq))} is not one`,
    );
}
