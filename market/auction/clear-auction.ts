import { searchBlocks } from './block-search.js';
import {
  buildResult,
  enumerateSelections,
  type Problem,
  prepareProblem,
  type SelectionOutcome,
} from './problem.js';
import type { AuctionBid, AuctionConfig, AuctionResult } from './types.js';

// Clearing of the day-ahead and intraday auctions. The rules (curve semantics, tie rule, curtailment
// and rounding, block admissibility) and the block-selection algorithm are written out in README.md
// beside this file.
//
// Block selection: a branch-and-bound (block-search.ts) that returns the welfare-optimal admissible
// selection and proves it, within a node budget (a count, so the result does not depend on the machine).
// If the budget runs out first, up to `maxEnumeratedBlocks` blocks are enumerated instead (always exact);
// above that the best selection found is used and the result says it is not proven optimal.

export interface ClearAuctionOptions {
  /** 'auto' (default): branch-and-bound; 'enumeration': every subset (at most 30 blocks). */
  method?: 'auto' | 'enumeration';
  /** Up to this many blocks, enumeration takes over if the search stops at its limit; default 12. */
  maxEnumeratedBlocks?: number;
  /**
   * Search nodes the branch-and-bound may use (relaxations solved, plus a quarter of the nodes that keep
   * an ancestor's, plus one per 10 propagations of subtrees settled by propagation alone); default 2000
   * (integer >= 1).
   */
  maxSearchNodes?: number;
  /**
   * Propagations the root's proof that no block can be accepted may take (block-certificate.ts);
   * default 15 per search node (integer >= 0; 0: never tried).
   */
  certificatePropagations?: number;
}

export const DEFAULT_MAX_ENUMERATED_BLOCKS = 12;
export const DEFAULT_MAX_SEARCH_NODES = 2000;
/** Enumeration visits 2^n subsets; beyond this it is refused. */
const ENUMERATION_LIMIT = 30;

/** An invalid option: names the field and its limit. */
export class ClearAuctionOptionError extends RangeError {
  constructor(
    readonly field: string,
    readonly limit: string,
    value: unknown,
  ) {
    super(`option ${field} must be ${limit}, got ${JSON.stringify(value)}`);
    this.name = 'ClearAuctionOptionError';
  }
}

function integerOption(value: unknown, field: string, min: number, max: number, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max)
    throw new ClearAuctionOptionError(field, `an integer in [${min}, ${max}]`, value);
  return value;
}

function selectBlocks(problem: Problem, options: ClearAuctionOptions): [boolean[], SelectionOutcome] {
  const n = problem.blocks.length;
  const method = options.method ?? 'auto';
  if (method !== 'auto' && method !== 'enumeration')
    throw new ClearAuctionOptionError('method', "'auto' or 'enumeration'", method);
  const maxEnumerated = integerOption(
    options.maxEnumeratedBlocks,
    'maxEnumeratedBlocks',
    0,
    ENUMERATION_LIMIT,
    DEFAULT_MAX_ENUMERATED_BLOCKS,
  );
  const maxNodes = integerOption(
    options.maxSearchNodes,
    'maxSearchNodes',
    1,
    Number.MAX_SAFE_INTEGER,
    DEFAULT_MAX_SEARCH_NODES,
  );
  const certificatePropagations =
    options.certificatePropagations === undefined
      ? undefined
      : integerOption(
          options.certificatePropagations,
          'certificatePropagations',
          0,
          Number.MAX_SAFE_INTEGER,
          0,
        );
  if (n === 0) return [[], { method: 'curves-only', provenOptimal: true, gapBound: 0, searchNodes: 0 }];
  const enumerate = (searchNodes: number): [boolean[], SelectionOutcome] => [
    enumerateSelections(problem).accepted,
    { method: 'enumeration', provenOptimal: true, gapBound: 0, searchNodes },
  ];
  if (method === 'enumeration') {
    if (n > ENUMERATION_LIMIT)
      throw new ClearAuctionOptionError(
        'method',
        `'auto' for more than ${ENUMERATION_LIMIT} blocks (there are ${n})`,
        method,
      );
    return enumerate(0);
  }
  const search = searchBlocks(problem, { maxNodes, certificatePropagations });
  if (!search.provenOptimal && n <= maxEnumerated) return enumerate(search.nodes);
  return [
    search.best.accepted,
    {
      method: 'branch-and-bound',
      provenOptimal: search.provenOptimal,
      gapBound: search.upperBound - search.best.value,
      searchNodes: search.nodes,
    },
  ];
}

/**
 * Clears one auction. `bids` must be valid (as AuctionBook accepts them); their order breaks rounding
 * and selection ties. Throws a RangeError for invalid input or options.
 */
export function clearAuction(
  config: AuctionConfig,
  bids: readonly AuctionBid[],
  options: ClearAuctionOptions = {},
): AuctionResult {
  const problem = prepareProblem(config, bids);
  const [accepted, outcome] = selectBlocks(problem, options);
  return buildResult(problem, accepted, outcome);
}

/** clearAuction behind a promise (callers written for the former HiGHS path keep working). */
export async function clearAuctionAsync(
  config: AuctionConfig,
  bids: readonly AuctionBid[],
  options: ClearAuctionOptions = {},
): Promise<AuctionResult> {
  return clearAuction(config, bids, options);
}
