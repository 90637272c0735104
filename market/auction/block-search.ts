import { ACCEPTED, branch, type Domain, FREE, propagate, REJECTED, rootDomain } from './block-domain.js';
import { CHILD_SMOOTHING, PriceRelaxation, ROOT_SMOOTHING } from './block-relaxation.js';
import { BlockSpace } from './block-space.js';
import {
  type Evaluation,
  evaluateSelection,
  isAdmissible,
  isBetter,
  type Problem,
  welfareTolerance,
} from './problem.js';

// Exact block selection by branch-and-bound: depth first over the blocks, each node a Domain (blocks
// accepted / rejected / free, per-period K ranges; block-domain.ts), narrowed by propagation and bounded
// by the price relaxation (block-relaxation.ts). Selections are only ever judged by the exact clearing
// (evaluateSelection), so the result is an admissible selection; it is the best one — by the same order
// as the enumeration: welfare, then accepted volume, then the earliest accepted block — whenever the
// search finishes within its node budget, and then `provenOptimal` is true. Otherwise the best selection
// found is returned with provenOptimal false and an upper bound on what any admissible selection could
// reach, so the caller can say how far from optimal it might be.
//
// Per node: propagate; bound; round the relaxation to a candidate selection, evaluate it exactly and, if
// a block is paradoxically accepted, drop such blocks until it is admissible (an incumbent); fix blocks
// whose flip would cost more than the gap to the incumbent (reduced-cost fixing) and repeat; else branch
// on the free block with the largest volume weighted by how close to the money it is at the relaxation's
// prices, trying first the side the relaxation prefers.

export interface BlockSearchLimits {
  /** Relaxations solved at most (root, children and re-solves after fixing). */
  maxNodes: number;
}

export interface BlockSearchResult {
  best: Evaluation;
  /** True if no admissible selection is better than `best` (the search finished). */
  provenOptimal: boolean;
  /** Relaxations solved. */
  nodes: number;
  /** No admissible selection has more welfare than this (Evaluation.value frame); >= best.value. */
  upperBound: number;
}

/** Branching prefers large blocks near the money; margins (ticks) are compared on this scale. */
const BRANCH_MARGIN_SCALE = 200;

interface Node {
  domain: Domain;
  /** Upper bound on the welfare of the node's selections; −∞ if it has none. */
  bound: number;
  /** Null if propagation found the node empty. */
  relaxation: PriceRelaxation | null;
}

export function searchBlocks(problem: Problem, limits: BlockSearchLimits): BlockSearchResult {
  const space = new BlockSpace(problem);
  const n = space.blocks.length;
  const memo = new Map<string, Evaluation>();
  const evaluate = (accepted: readonly boolean[]): Evaluation => {
    const key = accepted.map((a) => (a ? '1' : '0')).join('');
    let e = memo.get(key);
    if (e === undefined) {
      e = evaluateSelection(problem, accepted);
      memo.set(key, e);
    }
    return e;
  };
  let best = evaluate(problem.blocks.map(() => false));
  let nodes = 0;
  let exhausted = false;
  const tolerance = (value: number) => welfareTolerance(problem, value);
  /** A node is pruned if its bound is below this: it cannot even tie with the incumbent. */
  const pruneBelow = () => best.value - tolerance(best.value);

  const consider = (e: Evaluation) => {
    if (isAdmissible(e) && isBetter(problem, e, best)) best = e;
  };
  /** Drops paradoxically accepted blocks until none is left, and considers the result. */
  const repair = (start: Evaluation) => {
    let e = start;
    for (let guard = 0; guard <= n && e.feasible; guard++) {
      if (isAdmissible(e)) return consider(e);
      e = evaluate(e.accepted.map((a, i) => a && !e.paradoxical[i]));
    }
  };
  /** Could the node hold a selection better than the incumbent: more welfare, or as much and more volume? */
  const canImprove = (node: Node) => {
    if (node.bound > best.value + tolerance(best.value)) return true;
    if (node.bound < pruneBelow()) return false;
    let volume = 0;
    space.blocks.forEach((b, i) => {
      if (node.domain.status[i] !== REJECTED) volume += b.volume;
    });
    return volume >= best.volume;
  };
  const changedPeriods = (before: Domain, after: Domain): number[] => {
    const out = new Set<number>();
    for (let p = 0; p < space.periodCount; p++)
      if (before.kLow[p] !== after.kLow[p] || before.kHigh[p] !== after.kHigh[p]) out.add(p);
    space.blocks.forEach((b, i) => {
      if (before.status[i] !== after.status[i]) for (const p of b.periods) out.add(p);
    });
    return [...out];
  };
  /** Bounds `domain` (already propagated), starting from the prices of the node it was derived from. */
  const relax = (domain: Domain, from: Node | null, bound: number): Node => {
    nodes++;
    const relaxation = from
      ? new PriceRelaxation(space, domain, from.relaxation!.lambda, changedPeriods(from.domain, domain))
      : new PriceRelaxation(space, domain);
    const value = relaxation.solve(from ? CHILD_SMOOTHING : ROOT_SMOOTHING, pruneBelow() - 1);
    return { domain, bound: Math.min(bound, value), relaxation };
  };
  const child = (parent: Node, block: number, value: number): Node => {
    const domain = branch(parent.domain, block, value);
    if (!propagate(space, domain)) return { domain, bound: Number.NEGATIVE_INFINITY, relaxation: null };
    return relax(domain, parent, parent.bound);
  };

  /** Rounds the relaxation to a selection and evaluates it exactly (repaired if paradoxical). */
  const tryCandidate = (node: Node): Evaluation => {
    const accepted = space.blocks.map((_, i) => {
      const s = node.domain.status[i]!;
      return s === ACCEPTED || (s === FREE && node.relaxation!.margin(i) > 0);
    });
    const candidate = evaluate(accepted);
    consider(candidate);
    if (!isAdmissible(candidate)) repair(candidate);
    return candidate;
  };

  /**
   * Reduced-cost fixing: at the node's prices λ, forcing a free block against the sign of its surplus s
   * lowers g(λ) by |s| (its term goes from max(0, s) to s or to 0, and every other term can only fall in
   * the child). If that is below the incumbent, the block takes the other value. Returns the copy of the
   * domain before fixing, or null if nothing was fixed.
   */
  const fixByBound = (node: Node): Domain | null => {
    const relaxation = node.relaxation!;
    const limit = pruneBelow();
    const before: Domain = {
      status: Int8Array.from(node.domain.status),
      kLow: Float64Array.from(node.domain.kLow),
      kHigh: Float64Array.from(node.domain.kHigh),
    };
    let fixed = false;
    for (let i = 0; i < n; i++) {
      if (node.domain.status[i] !== FREE) continue;
      const s = relaxation.surplus(i);
      if (relaxation.value - Math.abs(s) >= limit) continue;
      node.domain.status[i] = s > 0 ? ACCEPTED : REJECTED;
      fixed = true;
    }
    return fixed ? before : null;
  };

  const pickBranch = (node: Node): number => {
    let pick = -1;
    let score = Number.NEGATIVE_INFINITY;
    for (let i = 0; i < n; i++) {
      if (node.domain.status[i] !== FREE) continue;
      const b = space.blocks[i]!;
      const margin = Math.abs(node.relaxation!.margin(i));
      const s = Math.abs(b.netDemand) * b.length * Math.exp(-margin / BRANCH_MARGIN_SCALE);
      if (s > score) {
        score = s;
        pick = i;
      }
    }
    return pick;
  };

  const visit = (start: Node): number => {
    let node = start;
    let candidate: Evaluation;
    for (;;) {
      if (node.relaxation === null || !canImprove(node)) return node.bound;
      candidate = tryCandidate(node);
      if (!canImprove(node)) return node.bound;
      const before = fixByBound(node);
      if (before === null) break;
      if (!propagate(space, node.domain)) return Number.NEGATIVE_INFINITY;
      if (nodes >= limits.maxNodes) {
        exhausted = true;
        return node.bound;
      }
      node = relax(
        node.domain,
        { domain: before, bound: node.bound, relaxation: node.relaxation },
        node.bound,
      );
    }
    const pick = pickBranch(node);
    // Every block fixed: the candidate was this node's only selection.
    if (pick < 0)
      return isAdmissible(candidate) ? Math.min(node.bound, candidate.value) : Number.NEGATIVE_INFINITY;
    // First the side the relaxation's rounding took, unless that made the block paradoxical.
    const first = candidate.accepted[pick] && !candidate.paradoxical[pick] ? ACCEPTED : REJECTED;
    let high = Number.NEGATIVE_INFINITY;
    for (const value of [first, first === ACCEPTED ? REJECTED : ACCEPTED]) {
      if (nodes >= limits.maxNodes) {
        exhausted = true;
        high = Math.max(high, node.bound);
        continue;
      }
      high = Math.max(high, visit(child(node, pick, value)));
    }
    return Math.min(node.bound, high);
  };

  const domain = rootDomain(space);
  const root: Node = propagate(space, domain)
    ? relax(domain, null, Number.POSITIVE_INFINITY)
    : { domain, bound: Number.NEGATIVE_INFINITY, relaxation: null };
  const upperBound = visit(root);
  return { best, provenOptimal: !exhausted, nodes, upperBound: Math.max(upperBound, best.value) };
}
