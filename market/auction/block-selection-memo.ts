import type { Evaluation } from './problem.js';

// What the branch-and-bound has already worked out about a selection, so that it is not worked out
// again. Nodes that keep their ancestor's prices round the same prices over a domain that differs in a
// few fixed blocks, so their candidates are often the very selections the ancestor evaluated, and a
// paradoxical candidate's repair (dropping blocks one at a time, block-local-search.ts) mostly ends in
// a selection reached before. Both are pure functions of the selection — the exact evaluation, and a
// repair that looks only at the current selection's prices — so a remembered answer is the answer.
//
// Entries are bounded by a count (blocks × entries), so memory stays bounded and the search, which only
// skips work with it, gives the same result whatever is remembered.

/** Blocks × entries kept at most (about 16 bytes a block in an entry: two boolean arrays). */
const MAX_BLOCK_ENTRIES = 1 << 21;

export interface SelectionFacts {
  /** The exact evaluation (space.evaluate), once computed. */
  evaluation?: Evaluation;
  /** The repair's end point (LocalSearch.repair with no block kept), null if it fails; once computed. */
  repaired?: boolean[] | null;
}

export class SelectionMemo {
  private readonly entries = new Map<string, SelectionFacts>();
  private readonly maxEntries: number;

  constructor(blocks: number, maxBlockEntries = MAX_BLOCK_ENTRIES) {
    this.maxEntries = Math.floor(maxBlockEntries / Math.max(1, blocks));
  }

  /** The facts recorded for a selection: an empty record (kept) if there is room, undefined if not. */
  facts(selection: readonly boolean[]): SelectionFacts | undefined {
    const key = selectionKey(selection);
    let facts = this.entries.get(key);
    if (facts === undefined && this.entries.size < this.maxEntries) {
      facts = {};
      this.entries.set(key, facts);
    }
    return facts;
  }

  /** The facts for a selection if any are recorded (nothing is added). */
  known(selection: readonly boolean[]): SelectionFacts | undefined {
    return this.entries.get(selectionKey(selection));
  }

  get size(): number {
    return this.entries.size;
  }
}

/** A selection as a string of 16-bit code units, one bit a block (the Map's key). */
export function selectionKey(selection: readonly boolean[]): string {
  let key = '';
  for (let i = 0; i < selection.length; i += 16) {
    let word = 0;
    const end = Math.min(selection.length, i + 16);
    for (let j = i; j < end; j++) if (selection[j]) word |= 1 << (j - i);
    key += String.fromCharCode(word);
  }
  return key;
}
