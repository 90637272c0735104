// Turns a zod validation error into ConfigIssues that name the dotted field path, the value
// found and what was expected, the same way for every configuration section.
import type * as z from 'zod';
import type { ConfigIssue } from './errors.js';

export function formatPath(path: readonly PropertyKey[], prefix = ''): string {
  return path.reduce<string>(
    (acc, p) => (typeof p === 'number' ? `${acc}[${p}]` : acc ? `${acc}.${String(p)}` : String(p)),
    prefix,
  );
}

function valueAt(doc: unknown, path: readonly PropertyKey[]): unknown {
  let cur: unknown = doc;
  for (const p of path) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<PropertyKey, unknown>)[p];
  }
  return cur;
}

/**
 * What is wrong, for an issue at a field whose value is `value`. zod's "expected number, received
 * undefined" for a field that is not there did not say that it is required (a field written as
 * powerMW left powerMw missing beside the unknown one).
 */
export function issueMessage(i: z.ZodError['issues'][number], value: unknown): string {
  if (i.code !== 'invalid_type' || value !== undefined || i.expected === 'undefined') return i.message;
  const what = String(i.expected);
  return `missing: a required field (${/^[aeiou]/.test(what) ? 'an' : 'a'} ${what})`;
}

/** Issues of `error` for document `doc`; paths get `prefix` (e.g. "world" or "agents[1].asset"). */
export function configIssues(error: z.ZodError, doc: unknown, prefix = ''): ConfigIssue[] {
  return error.issues.flatMap((i): ConfigIssue[] => {
    // An unknown key is named by its own path, not its parent's, so a typo points at itself.
    if (i.code === 'unrecognized_keys')
      return i.keys.map((k) => ({
        path: formatPath([...i.path, k], prefix),
        message: `unknown field "${k}"`,
        value: valueAt(doc, [...i.path, k]),
      }));
    const value = valueAt(doc, i.path);
    return [
      {
        path: formatPath(i.path, prefix),
        message: issueMessage(i, value),
        ...(value === undefined ? {} : { value }),
      },
    ];
  });
}
