import { BoundaryChain } from './block-boundaries.js';
import {
  ACCEPTED,
  branchInto,
  type Domain,
  FREE,
  type Propagator,
  REJECTED,
  rootDomain,
} from './block-domain.js';
import type { BlockSpace } from './block-space.js';
import { type Evaluation, isAdmissible, isBetter } from './problem.js';

// Is accepting no block the only admissible selection? Near the money it often is, and then the welfare
// bound cannot help: every admissible selection has at least the welfare of accepting none (README.md,
// "Measured"), so only nodes without any admissible selection can be pruned, and the question is one of
// admissibility alone. This answers it by propagation alone (block-domain.ts) — no relaxation, so a
// node costs a fraction of the branch-and-bound's — depth first, branching on the blocks in order of
// their first period (ties: larger volume first): deciding a period's blocks fixes its K and price,
// which is what the accepted blocks' admissibility checks need. Propagation never removes an admissible
// selection, so if the search finishes without meeting a nonempty admissible one, there is none.
// Each node's propagation is followed by one pass of the boundary chain (block-boundaries.ts: K changes
// from one period to the next only by the blocks that start or end there). Its narrowed ranges are not
// propagated again at the node — its children start from them —, which measured cheaper than
// alternating the two until neither narrows (fewer nodes, but a second propagation at most of them).
// It starts with a dive on an eighth of its budget: the same tree, but each block rejected before it is
// accepted. Where an admissible selection exists, that meets one far sooner (on the ±1 €/MWh auctions
// after 41–1 266 propagations, where accepting first needed 647 to 114 306 or more: selections of few
// blocks, mostly starting late, lie early in that order; README "Algorithm"). The first it meets is a poor
// incumbent more often than not (fewer blocks, less welfare), so the dive goes on to the end of its share and returns the
// best it met. It cannot be the order of the whole search: the estimate of the share done (below)
// counts a finished subtree 2^−depth, and rejecting first finishes the large subtrees first, so
// half-way it claims little (±1 €/MWh seed 1: 7 % instead of 99 %). So if the dive meets nothing and
// stops, the search proper starts again from the root, accepting first, and along the dive's path skips
// the subtrees the dive finished: no subtree is done twice, the path (one node per depth) is propagated
// again. Where nothing is admissible, the tree is the same in any order: the proofs keep their nodes.

export type CertificateOutcome =
  /** No selection but accepting none is admissible. */
  | { kind: 'none' }
  /**
   * The dive finished its tree: it met every admissible selection, and this is the best nonempty one
   * (so the best of it and accepting none is optimal).
   */
  | { kind: 'best'; selection: Evaluation }
  /** A nonempty admissible selection: the best the dive met, else the first the search met. */
  | { kind: 'found'; selection: Evaluation }
  /** The propagation budget ran out first: nothing shown. */
  | { kind: 'budget' };

/**
 * Half-way through its budget the search gives up if less than this share of the tree is done (each
 * finished subtree at depth d counts 2^−d): measured on the ±1 €/MWh auctions, those it settles had done
 * 94–100 % at that point, those it would not settle within twice the budget 40–43 % (README "Algorithm").
 */
const DONE_AT_HALF_BUDGET = 0.75;
/**
 * …and only with a budget of at least this many propagations: on a few dozen nodes the share is no
 * estimate (with the branch-and-bound's limit at 2 nodes, giving up at 15 lost selections that the
 * search meets by 30; README "Algorithm").
 */
const ESTIMATE_FROM = 2_000;
/** expand()'s answers for a node whose subtree is finished: no admissible selection left in it… */
const EMPTY = -1;
/** …or every block decided. */
const LEAF = -2;
/**
 * Share of the budget for the dive that rejects before it accepts (see the top of the file): on the
 * ±1 €/MWh auctions it met an admissible selection within 41–1 266 propagations where accepting first
 * needed 647 to 114 306 or more (README "Algorithm"); the rest of the share looks for better ones.
 */
const DIVE_SHARE = 1 / 8;
/**
 * A dive that has met a selection goes on past its share, to half the budget, and from there to its end
 * if at least this share of the tree is done: finished, it has met every admissible selection, so its best
 * is optimal without the branch-and-bound. Measured on the wide family (README "Algorithm"): at half of a
 * 30 000-propagation budget the dives that finish within it had done 0.094 or more, the others 0.039 or less.
 */
const DIVE_ON_AT_HALF_BUDGET = 0.06;

export function certifyNothingAdmissible(
  space: BlockSpace,
  propagator: Propagator,
  maxPropagations: number,
  estimateFrom = ESTIMATE_FROM,
  diveShare = DIVE_SHARE,
): CertificateOutcome {
  let left = maxPropagations;
  const halfway = maxPropagations >= estimateFrom ? Math.floor(maxPropagations / 2) : -1;
  /** Share of the tree finished: 2^−depth for every node that closed its subtree. */
  let done = 0;
  let found: Evaluation | null = null;
  const chain = new BoundaryChain(space);
  /** Propagation, then one pass of the boundary chain; false if the node is empty. */
  const propagate = (domain: Domain): boolean =>
    propagator.run(domain) && chain.narrow(domain) !== 'infeasible';
  // The branching order: by first period, then larger volume.
  const order = space.blocks
    .map((_, i) => i)
    .sort(
      (a, b) =>
        space.blocks[a]!.first - space.blocks[b]!.first || space.blocks[b]!.volume - space.blocks[a]!.volume,
    );
  // Depth first, so a child's domain is dead once its subtree is done: one domain per depth, reused
  // (allocating three typed arrays per propagation was a measurable part of this search's time).
  const pool: Domain[] = [];
  const child = (depth: number, domain: Domain, block: number, value: number): Domain => {
    pool[depth] ??= rootDomain(space);
    return branchInto(pool[depth]!, domain, block, value);
  };
  /**
   * Propagates a node (one from the budget): the block to branch on, or EMPTY or LEAF — its subtree is
   * then finished and counted done.
   */
  const expand = (domain: Domain, depth: number): number => {
    left--;
    const pick = propagate(domain) ? (order.find((i) => domain.status[i] === FREE) ?? LEAF) : EMPTY;
    if (pick < 0) done += 2 ** -depth;
    return pick;
  };
  /** The selection of a LEAF, if it accepts some block and is admissible. */
  const admissibleAt = (domain: Domain): Evaluation | null => {
    const accepted = Array.from(domain.status, (s) => s === ACCEPTED);
    if (!accepted.some(Boolean)) return null;
    const e = space.evaluate(accepted);
    return isAdmissible(e) ? e : null;
  };
  // First the dive: the same tree, each block rejected before it is accepted, on a share of the budget.
  // Where its stop leaves it, `path` keeps per depth the value it was exploring (ACCEPTED: the rejected
  // subtree there is finished).
  let diveLeft = Math.floor(maxPropagations * diveShare);
  const path: number[] = [];
  /** The best nonempty admissible selection the dive met (it goes on after one, to its share's end). */
  let best: Evaluation | null = null;
  /** Where the dive's share ends, one that met a selection goes on (DIVE_ON_AT_HALF_BUDGET); false to stop. */
  const goOn = (): boolean => {
    if (best === null || maxPropagations < estimateFrom) return false;
    const used = maxPropagations - left;
    const half = Math.floor(maxPropagations / 2);
    if (used < half) diveLeft = half - used;
    else if (used < maxPropagations && done >= DIVE_ON_AT_HALF_BUDGET) diveLeft = maxPropagations - used;
    return diveLeft > 0;
  };
  /** False once the dive's share is spent. */
  const dive = (domain: Domain, depth: number): boolean => {
    if (diveLeft <= 0 && !goOn()) return false;
    diveLeft--;
    const pick = expand(domain, depth);
    if (pick === EMPTY) return true;
    if (pick === LEAF) {
      const e = admissibleAt(domain);
      if (e && (best === null || isBetter(space.problem, e, best))) best = e;
      return true;
    }
    for (const value of [REJECTED, ACCEPTED]) {
      if (!dive(child(depth, domain, pick, value), depth + 1)) {
        path[depth] = value;
        return false;
      }
    }
    return true;
  };
  /**
   * The search proper, accepted before rejected, from the root again: along the dive's path (`onPath`)
   * it skips the subtrees the dive finished. False once the budget is spent or a selection is found.
   */
  const visit = (domain: Domain, depth: number, onPath: boolean): boolean => {
    if (left <= 0 || (left === halfway && done < DONE_AT_HALF_BUDGET)) return false;
    const pick = expand(domain, depth);
    if (pick === EMPTY) return true;
    if (pick === LEAF) {
      found = admissibleAt(domain);
      return found === null;
    }
    // The dive decided the same block here (same domain, same order).
    if (onPath && depth < path.length && path[depth] === ACCEPTED)
      return visit(child(depth, domain, pick, ACCEPTED), depth + 1, true);
    const along = onPath && depth < path.length;
    return (
      visit(child(depth, domain, pick, ACCEPTED), depth + 1, false) &&
      visit(child(depth, domain, pick, REJECTED), depth + 1, along)
    );
  };
  const dived = dive(rootDomain(space), 0);
  if (best) return { kind: dived ? 'best' : 'found', selection: best };
  if (dived) return { kind: 'none' };
  const finished = visit(rootDomain(space), 0, true);
  if (found) return { kind: 'found', selection: found };
  return finished ? { kind: 'none' } : { kind: 'budget' };
}
