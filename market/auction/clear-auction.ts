import { type LpSolver, loadHighs, selectBlocksMip } from './block-mip.js';
import { buildResult, enumerateSelections, type Problem, prepareProblem } from './problem.js';
import type { AuctionBid, AuctionConfig, AuctionResult } from './types.js';

// Clearing of the day-ahead and intraday auctions. The rules (curve semantics, tie rule, curtailment
// and rounding, block admissibility) are written out in README.md beside this file.
//
// Entry points:
// - clearAuction (sync): curves only, or up to `maxEnumeratedBlocks` (default 12) blocks by exact
//   enumeration of all block subsets. More blocks (or method 'mip') throw: use clearAuctionAsync.
// - clearAuctionAsync: the same, and above the enumeration limit a HiGHS MIP with no-good cuts against
//   paradoxically accepted blocks. HiGHS is loaded lazily, once per process.

export interface ClearAuctionOptions {
  /** 'auto' (default): enumeration up to maxEnumeratedBlocks, MIP above. */
  method?: 'auto' | 'enumeration' | 'mip';
  /** Default 12 (4096 subsets). */
  maxEnumeratedBlocks?: number;
  /** Budget of MIP solves (each adds one cut); default 200. If exhausted, the best admissible selection found is used. */
  maxMipSolves?: number;
  /** A loaded HiGHS instance (or a test double); default: the `highs` package. */
  solver?: LpSolver;
}

export const DEFAULT_MAX_ENUMERATED_BLOCKS = 12;
const DEFAULT_MAX_MIP_SOLVES = 200;

function needsMip(problem: Problem, options: ClearAuctionOptions): boolean {
  const method = options.method ?? 'auto';
  if (method === 'mip') return problem.blocks.length > 0;
  if (method === 'enumeration') return false;
  return problem.blocks.length > (options.maxEnumeratedBlocks ?? DEFAULT_MAX_ENUMERATED_BLOCKS);
}

function clearWithoutMip(problem: Problem): AuctionResult {
  if (problem.blocks.length === 0) return buildResult(problem, [], 'curves-only', 0);
  const best = enumerateSelections(problem);
  return buildResult(problem, best.accepted, 'enumeration', 0);
}

/**
 * Clears one auction synchronously. `bids` must be valid (as AuctionBook accepts them); their order
 * breaks rounding ties. Throws a RangeError for invalid input or when the block count needs the MIP.
 */
export function clearAuction(
  config: AuctionConfig,
  bids: readonly AuctionBid[],
  options: ClearAuctionOptions = {},
): AuctionResult {
  const problem = prepareProblem(config, bids);
  if (needsMip(problem, options)) {
    throw new RangeError(
      `${problem.blocks.length} block orders need the MIP; call clearAuctionAsync (the sync path enumerates ` +
        `up to ${options.maxEnumeratedBlocks ?? DEFAULT_MAX_ENUMERATED_BLOCKS})`,
    );
  }
  return clearWithoutMip(problem);
}

/** Clears one auction; uses HiGHS only when the block count exceeds the enumeration limit (or method 'mip'). */
export async function clearAuctionAsync(
  config: AuctionConfig,
  bids: readonly AuctionBid[],
  options: ClearAuctionOptions = {},
): Promise<AuctionResult> {
  const problem = prepareProblem(config, bids);
  if (!needsMip(problem, options)) return clearWithoutMip(problem);
  const solver = options.solver ?? (await loadHighs());
  const selection = selectBlocksMip(problem, solver, options.maxMipSolves ?? DEFAULT_MAX_MIP_SOLVES);
  return buildResult(problem, selection.best.accepted, 'mip', selection.solves);
}
