// The words of a rejection that names more than one broken rule: the first rule's message, then
// "; also: " and the others', at most ALSO_SHOWN of them and then how many more. The door, the
// gateway's wire check and the markets' bid validators all word their lists this way, so an agent
// reads one format whichever of them refused it.

/** At most this many of the other broken rules are spelled out in a message. */
export const ALSO_SHOWN = 8;

/** "first; also: other; other…" (at most ALSO_SHOWN others, then "N more"); `first` alone if none. */
export function withAlso(first: string, others: readonly string[]): string {
  if (others.length === 0) return first;
  const shown = others.slice(0, ALSO_SHOWN);
  if (others.length > ALSO_SHOWN) shown.push(`${others.length - ALSO_SHOWN} more`);
  return `${first}; also: ${shown.join('; ')}`;
}

/** A rejection that can carry the other rules its input breaks. */
export interface WithOthers<R> {
  message: string;
  also?: readonly R[];
}

/**
 * One rejection for the rules an input breaks, in the order they were checked: everything but the
 * message is the first's (what a check that stopped there gave), `also` holds the others, and the
 * message names them after the first (withAlso). Undefined when nothing broke.
 */
export function firstWithOthers<R extends WithOthers<R>>(found: readonly R[]): R | undefined {
  const [first, ...also] = found;
  if (first === undefined || also.length === 0) return first;
  return {
    ...first,
    message: withAlso(
      first.message,
      also.map((r) => r.message),
    ),
    also,
  };
}

/**
 * The first rule's own words in a rejection firstWithOthers made: its message without "; also: "
 * and the others (a reader that words each rule on its own, in other names, needs them apart).
 */
export function ownMessage(r: {
  message: string;
  also?: readonly { message: string }[] | undefined;
}): string {
  if (r.also === undefined || r.also.length === 0) return r.message;
  const others = withAlso(
    '',
    r.also.map((x) => x.message),
  );
  return r.message.endsWith(others) ? r.message.slice(0, r.message.length - others.length) : r.message;
}
