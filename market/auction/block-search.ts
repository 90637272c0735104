import { certifyNothingAdmissible } from './block-certificate.js';
import { ACCEPTED, branch, type Domain, FREE, Propagator, REJECTED, rootDomain } from './block-domain.js';
import { LocalSearch } from './block-local-search.js';
import {
  CHILD_SMOOTHING,
  PriceRelaxation,
  REFINE_PASSES,
  REFINE_SMOOTHING,
  ROOT_SMOOTHING,
} from './block-relaxation.js';
import { type SelectionFacts, SelectionMemo } from './block-selection-memo.js';
import { BlockSpace } from './block-space.js';
import { SubtreeProver } from './block-subtree-proof.js';
import { TwinOrder } from './block-twins.js';
import { type Evaluation, isAdmissible, isBetter, type Problem, welfareTolerance } from './problem.js';

// Exact block selection by branch-and-bound: depth first over the blocks, each node a Domain (blocks
// accepted / rejected / free, per-period K ranges; block-domain.ts), narrowed by propagation and bounded
// by the price relaxation (block-relaxation.ts). Selections are only ever judged by the exact clearing
// (evaluateSelection), so the result is an admissible selection; it is the best one — by the same order
// as the enumeration: welfare, then accepted volume, then the earliest accepted block — whenever the
// search finishes within its node budget, and then `provenOptimal` is true. Otherwise the best selection
// found is returned with provenOptimal false and an upper bound on what any admissible selection could
// reach, so the caller can say how far from optimal it might be. When the root's candidates leave no
// block accepted, the search first asks block-certificate.ts whether any other selection is admissible
// at all; if none is, accepting none is proven optimal without branching.
//
// Per node: propagate (with the twins' order: of identical blocks only a prefix is accepted,
// block-twins.ts); bound; round the relaxation to candidate selections, evaluate them exactly and, if
// a block is paradoxically accepted, drop the worst such block until none is left (block-local-search.ts);
// a candidate that beats the incumbent is improved by local search over flips of one or two blocks and
// becomes the incumbent; fix blocks whose flip would cost more than the gap to the incumbent (reduced-
// cost fixing) and repeat; else branch on the free block with the largest volume weighted by how close
// to the money it is at the relaxation's prices, trying first the side the relaxation prefers.
//
// Only every RELAX_EVERY-th level solves its own relaxation; the nodes in between keep their nearest
// ancestor's prices and bound. That is sound — a child's selections are a subset of its parent's, and at
// the same prices the child's g can only be lower (narrower K ranges, fewer free blocks), so the
// ancestor's bound and its reduced-cost fixing hold for it too — and near the money it is cheaper: there
// almost every subtree is closed by propagation finding it empty, hardly any by the bound (README.md,
// "Measured"), so a relaxation per node mostly buys candidates and branching hints that the ancestor's
// prices give almost as well. Such a node still bounds itself by its own g at those prices (boundOn),
// and its candidates are mostly selections already evaluated (block-selection-memo.ts).
//
// A child with few free blocks left (SUBTREE_FREE_BLOCKS) is first settled without relaxations
// (block-subtree-proof.ts): depth first by propagation and the boundary chain, each node bounded by its
// own g at the parent's prices, every selection that survives evaluated exactly. Near the money the
// children the bound cannot prune mostly hold no admissible selection at all, and propagation shows that
// at a fraction of a relaxed node's cost (README.md, "Subtrees settled by propagation").
// Once the settlings keep finding their subtrees empty, children with a few more free blocks are settled
// as well (EMPTY_SETTLINGS_IN_A_ROW): there the branch-and-bound's own nodes above them buy nothing.

export interface BlockSearchLimits {
  /**
   * Nodes at most: relaxations solved (root, children and re-solves after fixing), plus one for every
   * INHERITED_PER_NODE nodes that kept an ancestor's relaxation, plus one for every
   * SUBTREE_PROPAGATIONS_PER_NODE propagations and evaluations of subtrees settled by propagation.
   */
  maxNodes: number;
  /**
   * Propagations the proof that nothing but accepting none is admissible (block-certificate.ts) may
   * use; default CERTIFICATE_PROPAGATIONS_PER_NODE × maxNodes, 0 to skip it.
   */
  certificatePropagations?: number;
  /** A node solves its own relaxation only this many levels below the last that did (default RELAX_EVERY). */
  relaxEvery?: number;
  /**
   * A child with at most this many free blocks is settled by propagation alone first (default
   * SUBTREE_FREE_BLOCKS, 0 to skip it).
   */
  subtreeFreeBlocks?: number;
  /** Propagations one such settling may use (default SUBTREE_PROPAGATIONS). */
  subtreePropagations?: number;
  /**
   * After `emptySettlingsInARow` settlings in a row met no admissible selection (default
   * EMPTY_SETTLINGS_IN_A_ROW), children with up to this many free blocks more are settled too (default
   * WIDER_SUBTREE_BLOCKS, 0 to skip it).
   */
  widerSubtreeBlocks?: number;
  emptySettlingsInARow?: number;
}

export interface BlockSearchResult {
  best: Evaluation;
  /** True if no admissible selection is better than `best` (the search finished). */
  provenOptimal: boolean;
  /** Nodes used, counted as for BlockSearchLimits.maxNodes. */
  nodes: number;
  /** No admissible selection has more welfare than this (Evaluation.value frame); >= best.value. */
  upperBound: number;
}

/**
 * When the root's candidates leave no block accepted, the propagation-only proof that no other
 * selection is admissible (block-certificate.ts) may run this many propagations per node of the limit
 * (measured on ±1 €/MWh auctions: one, with its boundary-chain pass, costs 1/12–1/24 of a node of the
 * same auction's branch-and-bound; README "Algorithm").
 */
const CERTIFICATE_PROPAGATIONS_PER_NODE = 15;

/**
 * A child with at most this many free blocks is settled by propagation alone (block-subtree-proof.ts)
 * before it gets a relaxation. Measured on the ±1 €/MWh and adversarial auctions (README "Algorithm"):
 * 30–32 leave the adversarial ones at their fewest nodes, whose subtrees hold many admissible
 * selections; 40 (with the count below at 10) proves three more of thirty-four ±1 €/MWh auctions, two of
 * ten not used to choose it, at about a tenth more CPU on the adversarial ones (all still proven); 48
 * and more prove fewer.
 */
const SUBTREE_FREE_BLOCKS = 40;

/** Propagations one such settling may use; if they run out, the child is searched as before. */
const SUBTREE_PROPAGATIONS = 3_000;

/**
 * Once EMPTY_SETTLINGS_IN_A_ROW settlings in a row have finished without meeting an admissible
 * selection, children with up to WIDER_SUBTREE_BLOCKS more free blocks than SUBTREE_FREE_BLOCKS are
 * settled too, with up to WIDER_SUBTREE_PROPAGATIONS propagations (one that runs out does not stop the
 * smaller settlings below it). Where the subtrees are empty (blocks far larger than their margins: every admissible
 * selection needs opposite blocks that net its K almost exactly), the branch-and-bound's own nodes
 * above the settled ones buy nothing — their bound prunes almost none, reduced-cost fixing fixes
 * almost no block — and emptiness proved by propagation in the order of first periods needs fewer
 * propagations than the same subtrees split by the branch-and-bound's order first. Where the subtrees
 * hold admissible selections (the adversarial auctions), the bound is what closes them and this stays
 * off. Measured on the families of scripts/bench/block-families.ts (README.md, "Algorithm").
 */
const EMPTY_SETTLINGS_IN_A_ROW = 10;
const WIDER_SUBTREE_BLOCKS = 4;
const WIDER_SUBTREE_PROPAGATIONS = 10_000;

/**
 * Its propagations (each with a boundary-chain pass and a bound at the parent's prices) and the
 * selections it evaluates count against the node limit at this many to one node (measured: one costs
 * 0.065–0.09 ms, a node of the limit 0.6–0.7 ms on the adversarial auctions and 0.9–1.1 ms on the
 * ±1 €/MWh ones, so 7–17 of them; README "Algorithm").
 */
const SUBTREE_PROPAGATIONS_PER_NODE = 10;

/** Local-search moves judged per search at most. */
const LOCAL_SEARCH_MOVES = 100_000;

/** Margin (ticks) within which a block counts as at the money at λ (fractional in the relaxation). */
const AT_THE_MONEY = 1e-6;

/** Branching prefers large blocks near the money; margins (ticks) are compared on this scale. */
const BRANCH_MARGIN_SCALE = 200;

/** A node solves its own relaxation only this many levels below the last one that did. */
const RELAX_EVERY = 3;

/**
 * Nodes that keep their ancestor's relaxation count against the node limit at this many to one node
 * (measured: one costs about a quarter of a node that solves its relaxation, at 50 × 96 × 1000, with the
 * selections it meets again not re-evaluated; README.md, "Relaxations every third level").
 */
const INHERITED_PER_NODE = 4;

interface Node {
  domain: Domain;
  /** Upper bound on the welfare of the node's selections; −∞ if it has none. */
  bound: number;
  /** Null if propagation found the node empty. */
  relaxation: PriceRelaxation | null;
  /** The domain the relaxation was solved on: this node's, or an ancestor's if it inherited it. */
  relaxedOn: Domain;
  /** Levels below the node that solved the relaxation (0: this node solved it). */
  inherited: number;
  /** g at the relaxation's prices λ over this node's domain (relaxation.value where it was solved). */
  atLambda: number;
  /** Its settling by propagation ran out of propagations: its descendants do not try again. */
  unsettled?: boolean;
}

export function searchBlocks(problem: Problem, limits: BlockSearchLimits): BlockSearchResult {
  return new BlockSearch(
    problem,
    limits.maxNodes,
    limits.certificatePropagations ?? CERTIFICATE_PROPAGATIONS_PER_NODE * limits.maxNodes,
    limits.relaxEvery ?? RELAX_EVERY,
    limits.subtreeFreeBlocks ?? SUBTREE_FREE_BLOCKS,
    limits.subtreePropagations ?? SUBTREE_PROPAGATIONS,
    limits.widerSubtreeBlocks ?? WIDER_SUBTREE_BLOCKS,
    limits.emptySettlingsInARow ?? EMPTY_SETTLINGS_IN_A_ROW,
  ).run();
}

class BlockSearch {
  private readonly space: BlockSpace;
  private readonly propagator: Propagator;
  private readonly n: number;
  /** The incumbent: the best admissible selection found. */
  private best: Evaluation;
  private nodes = 0;
  /** Nodes that kept an ancestor's relaxation since `nodes` last counted them. */
  private inheritedSinceCount = 0;
  private exhausted = false;
  /** The root node: where the propagation-only proof (block-certificate.ts) may run. */
  private root: Node | null = null;
  private readonly local: LocalSearch;
  /** Identical blocks: only a prefix of each run is searched (block-twins.ts). */
  private readonly twins: TwinOrder;
  /** Local-search moves left for the whole search (a count, so the result is machine-independent). */
  private readonly localBudget = { moves: LOCAL_SEARCH_MOVES };
  /** Evaluations and repairs already worked out (block-selection-memo.ts): nodes meet them again. */
  private readonly memo: SelectionMemo;
  /** Settles small subtrees by propagation alone (block-subtree-proof.ts). */
  private readonly prover: SubtreeProver;
  /** Its propagations and evaluations since `nodes` last counted them. */
  private settledSinceCount = 0;
  /** Nodes on the current path whose settling ran out: below them no settling is tried. */
  private unsettledAbove = 0;
  /** Settlings finished in a row without meeting an admissible selection (emptySettlingsInARow). */
  private emptySettlings = 0;

  constructor(
    private readonly problem: Problem,
    private readonly maxNodes: number,
    private readonly certificatePropagations: number,
    private readonly relaxEvery: number,
    private readonly subtreeFreeBlocks: number,
    private readonly subtreePropagations: number,
    private readonly widerSubtreeBlocks: number,
    private readonly emptySettlingsInARow: number,
  ) {
    this.space = new BlockSpace(problem);
    this.propagator = new Propagator(this.space);
    this.n = this.space.blocks.length;
    this.local = new LocalSearch(this.space);
    this.twins = new TwinOrder(this.space);
    this.memo = new SelectionMemo(this.n);
    // With the twins' order, as everywhere in this search (of 20 identical sells it would try every subset).
    this.prover = new SubtreeProver(this.space, (domain) => this.propagate(domain));
    this.best = this.evaluate(problem.blocks.map(() => false));
  }

  run(): BlockSearchResult {
    const domain = rootDomain(this.space);
    const root: Node = this.propagate(domain)
      ? this.relax(domain, null, Number.POSITIVE_INFINITY)
      : this.emptyNode(domain);
    this.root = root;
    const upperBound = this.visit(root);
    return {
      best: this.best,
      provenOptimal: !this.exhausted,
      nodes: this.nodes,
      upperBound: Math.max(upperBound, this.best.value),
    };
  }

  /** The exact evaluation (BlockSpace.evaluate), remembered. */
  private evaluate(accepted: readonly boolean[]): Evaluation {
    const facts = this.memo.facts(accepted);
    if (facts?.evaluation) return facts.evaluation;
    const e = this.space.evaluate(accepted);
    if (facts) facts.evaluation = e;
    return e;
  }

  /**
   * LocalSearch.repair, remembered: for the selection, and for every selection its drops pass through
   * (a repair from those ends in the same place); one reached before ends the repair at once.
   */
  private repair(selection: readonly boolean[]): boolean[] | null {
    const facts = this.memo.facts(selection);
    if (facts?.repaired !== undefined) return facts.repaired;
    const passed: SelectionFacts[] = facts ? [facts] : [];
    const end = this.local.repair(selection, -1, (current) => {
      const known = this.memo.facts(current);
      if (known?.repaired !== undefined) return known.repaired;
      if (known) passed.push(known);
      return undefined;
    });
    for (const f of passed) f.repaired = end;
    return end;
  }

  /**
   * Propagation (block-domain.ts) and the twins' order (block-twins.ts) until neither fixes more; false if
   * the domain holds no admissible selection that the twins' order keeps.
   */
  private propagate(domain: Domain): boolean {
    if (!this.twins.any) return this.propagator.run(domain);
    for (;;) {
      if (this.twins.apply(domain) === 'infeasible' || !this.propagator.run(domain)) return false;
      const after = this.twins.apply(domain);
      if (after === 'infeasible') return false;
      if (after === 'stable') return true;
    }
  }

  private tolerance(value: number): number {
    return welfareTolerance(this.problem, value);
  }

  /** A node is pruned if its bound is below this: it cannot even tie with the incumbent. */
  private pruneBelow(): number {
    return this.best.value - this.tolerance(this.best.value);
  }

  private consider(e: Evaluation): void {
    if (isAdmissible(e) && isBetter(this.problem, e, this.best)) this.best = e;
  }

  /** A selection that beats the incumbent becomes the start of a local search (climb). */
  private offer(e: Evaluation): void {
    if (isAdmissible(e) && isBetter(this.problem, e, this.best)) this.climb(e);
  }

  /**
   * Local search (block-local-search.ts) from an admissible selection: while some flip of one or two
   * blocks gives a better admissible selection — confirmed by the exact evaluation — take it. The end
   * point is offered as an incumbent.
   */
  private climb(start: Evaluation): void {
    let current = start;
    const better = (dValue: number, dVolume: number, flips: readonly number[]): boolean => {
      const tol = this.tolerance(current.value);
      if (dValue > tol) return true;
      if (dValue < -tol) return false;
      if (dVolume !== 0) return dVolume > 0;
      return !current.accepted[Math.min(...flips)];
    };
    for (;;) {
      const move = this.local.findMove(current.accepted, better, this.localBudget);
      if (move === null) break;
      const accepted = [...current.accepted];
      for (const i of move.flips) accepted[i] = !accepted[i];
      const e = this.evaluate(accepted);
      if (!isAdmissible(e) || !isBetter(this.problem, e, current)) break;
      current = e;
    }
    this.consider(current);
  }

  /**
   * Whether any selection but accepting none is admissible (block-certificate.ts); a nonempty admissible
   * selection it meets is improved by local search and offered as the incumbent.
   */
  private certify(): 'none' | 'best' | 'found' | 'budget' {
    if (this.certificatePropagations <= 0) return 'budget';
    const outcome = certifyNothingAdmissible(this.space, this.propagator, this.certificatePropagations);
    // The best of every admissible selection: nothing to climb to.
    if (outcome.kind === 'best') this.consider(outcome.selection);
    if (outcome.kind === 'found') this.climb(outcome.selection);
    return outcome.kind;
  }

  /** Could the node hold a selection better than the incumbent: more welfare, or as much and more volume? */
  private canImprove(node: Node): boolean {
    if (node.bound > this.best.value + this.tolerance(this.best.value)) return true;
    if (node.bound < this.pruneBelow()) return false;
    let volume = 0;
    this.space.blocks.forEach((b, i) => {
      if (node.domain.status[i] !== REJECTED) volume += b.volume;
    });
    return volume >= this.best.volume;
  }

  /** Periods where two domains differ (K range, or a block whose status changed). */
  private changedPeriods(before: Domain, after: Domain): number[] {
    const out = new Set<number>();
    for (let p = 0; p < this.space.periodCount; p++)
      if (before.kLow[p] !== after.kLow[p] || before.kHigh[p] !== after.kHigh[p]) out.add(p);
    this.space.blocks.forEach((b, i) => {
      if (before.status[i] !== after.status[i]) for (const p of b.periods) out.add(p);
    });
    return [...out];
  }

  private emptyNode(domain: Domain): Node {
    return {
      domain,
      bound: Number.NEGATIVE_INFINITY,
      relaxation: null,
      relaxedOn: domain,
      inherited: 0,
      atLambda: Number.NEGATIVE_INFINITY,
    };
  }

  /**
   * Bounds `domain` (already propagated), starting from the prices of the node it was derived from
   * (whose relaxation was solved on `from.relaxedOn`).
   */
  private relax(domain: Domain, from: Node | null, bound: number): Node {
    this.nodes++;
    const relaxation = from
      ? new PriceRelaxation(
          this.space,
          domain,
          from.relaxation!.lambda,
          this.changedPeriods(from.relaxedOn, domain),
        )
      : new PriceRelaxation(this.space, domain);
    const enough = this.pruneBelow() - 1;
    let value = relaxation.solve(from ? CHILD_SMOOTHING : ROOT_SMOOTHING, enough);
    // Not pruned by the exact re-solve: refine λ (smoothed levels) before paying for a branch.
    if (from && value > enough)
      value = Math.min(value, relaxation.solve(REFINE_SMOOTHING, enough, REFINE_PASSES));
    return {
      domain,
      bound: Math.min(bound, value),
      relaxation,
      relaxedOn: domain,
      inherited: 0,
      atLambda: relaxation.value,
    };
  }

  private child(parent: Node, block: number, value: number): Node {
    const domain = branch(parent.domain, block, value);
    if (!this.propagate(domain)) return this.emptyNode(domain);
    let unsettled = false;
    const free = this.freeBlocks(domain);
    const wider =
      free > this.subtreeFreeBlocks &&
      this.subtreeFreeBlocks > 0 &&
      free <= this.subtreeFreeBlocks + this.widerSubtreeBlocks &&
      this.emptySettlings >= this.emptySettlingsInARow;
    // No more propagations than the node limit has left, less the node the child may still relax as.
    const budget = Math.min(
      wider ? WIDER_SUBTREE_PROPAGATIONS : this.subtreePropagations,
      (this.maxNodes - this.nodes - 1) * SUBTREE_PROPAGATIONS_PER_NODE - this.settledSinceCount,
    );
    if (this.unsettledAbove === 0 && budget > 0 && (wider || free <= this.subtreeFreeBlocks)) {
      const settled = this.settle(domain, parent, budget);
      if (settled !== null) return settled;
      // A wider settling that ran out says nothing about the smaller ones below it.
      if (!wider) unsettled = true;
    }
    const node = this.unsettledChild(parent, domain);
    if (unsettled) node.unsettled = true;
    return node;
  }

  private freeBlocks(domain: Domain): number {
    let free = 0;
    for (let i = 0; i < this.n; i++) if (domain.status[i] === FREE) free++;
    return free;
  }

  /**
   * Settles the subtree of `domain` (a child of `parent`, propagated) by propagation alone: every
   * selection it keeps is evaluated exactly and offered; a node whose g at the parent's prices shows it
   * cannot beat the incumbent is not searched further. Returns the subtree as a finished node (bound: the
   * best admissible welfare met, or a pruned node's bound if higher), or null if the propagations ran out.
   */
  private settle(domain: Domain, parent: Node, budget: number): Node | null {
    let high = Number.NEGATIVE_INFINITY;
    let admissible = false;
    const outcome = this.prover.settle(
      domain,
      budget,
      (accepted) => {
        const e = this.evaluate(accepted);
        if (!isAdmissible(e)) return;
        admissible = true;
        this.offer(e);
        high = Math.max(high, e.value);
      },
      (d) => {
        const bound = Math.min(parent.bound, parent.relaxation!.boundOn(d));
        if (this.canImprove({ ...parent, domain: d, bound })) return false;
        high = Math.max(high, bound);
        return true;
      },
    );
    this.settledSinceCount += outcome.propagations;
    this.nodes += Math.floor(this.settledSinceCount / SUBTREE_PROPAGATIONS_PER_NODE);
    this.settledSinceCount %= SUBTREE_PROPAGATIONS_PER_NODE;
    if (outcome.kind === 'budget') return null;
    this.emptySettlings = admissible ? 0 : this.emptySettlings + 1;
    return { ...this.emptyNode(domain), bound: Math.min(parent.bound, high) };
  }

  /** A child to be searched by the branch-and-bound: bounded at its parent's prices, relaxed if due. */
  private unsettledChild(parent: Node, domain: Domain): Node {
    // At the parent's λ the child's own g is lower still (narrower K ranges, blocks fixed against their
    // surplus' sign): that bounds it too, at the price of the periods whose range changed.
    const atLambda = parent.relaxation!.boundOn(domain);
    const kept: Node = {
      ...parent,
      unsettled: false,
      domain,
      inherited: parent.inherited + 1,
      bound: Math.min(parent.bound, atLambda),
      atLambda,
    };
    // The parent's prices and bound hold for the child too (see the top of the file); a child due for its
    // own relaxation keeps them as well if they already prune it.
    if (parent.inherited + 1 < this.relaxEvery || !this.canImprove(kept)) {
      if (++this.inheritedSinceCount >= INHERITED_PER_NODE) {
        this.inheritedSinceCount = 0;
        this.nodes++;
      }
      return kept;
    }
    return this.relax(domain, parent, kept.bound);
  }

  /**
   * Rounds the relaxation to a selection and evaluates it exactly (repaired if paradoxical); whatever
   * beats the incumbent is improved further by local search.
   */
  private tryCandidate(node: Node): Evaluation {
    // Blocks exactly at the money at λ are the relaxation's fractional ones: round them both ways.
    const candidate = this.tryRounding(node, AT_THE_MONEY);
    this.tryRounding(node, -AT_THE_MONEY);
    return candidate;
  }

  /** Accepts the free blocks whose margin at λ exceeds `above`; evaluates, repairs and offers that. */
  private tryRounding(node: Node, above: number): Evaluation {
    const accepted = this.space.blocks.map((_, i) => {
      const s = node.domain.status[i]!;
      return s === ACCEPTED || (s === FREE && node.relaxation!.margin(i) > above);
    });
    const candidate = this.evaluate(accepted);
    this.offer(candidate);
    if (!isAdmissible(candidate)) {
      const repaired = this.repair(candidate.accepted);
      if (repaired) this.offer(this.evaluate(repaired));
    }
    return candidate;
  }

  /**
   * Reduced-cost fixing: at the node's prices λ, forcing a free block against the sign of its surplus s
   * lowers g(λ) by |s| (its term goes from max(0, s) to s or to 0, and every other term can only fall in
   * the child). If that is below the incumbent, the block takes the other value. Returns the copy of the
   * domain before fixing, or null if nothing was fixed.
   */
  private fixByBound(node: Node): Domain | null {
    const relaxation = node.relaxation!;
    const limit = this.pruneBelow();
    const g = node.atLambda;
    const before: Domain = {
      status: Int8Array.from(node.domain.status),
      kLow: Float64Array.from(node.domain.kLow),
      kHigh: Float64Array.from(node.domain.kHigh),
    };
    let fixed = false;
    for (let i = 0; i < this.n; i++) {
      if (node.domain.status[i] !== FREE) continue;
      const s = relaxation.surplus(i);
      if (g - Math.abs(s) >= limit) continue;
      node.domain.status[i] = s > 0 ? ACCEPTED : REJECTED;
      fixed = true;
    }
    return fixed ? before : null;
  }

  /** The free block with the largest volume (lots × periods), discounted by its distance from the money at λ. */
  private pickBranch(node: Node): number {
    let pick = -1;
    let score = Number.NEGATIVE_INFINITY;
    for (let i = 0; i < this.n; i++) {
      if (node.domain.status[i] !== FREE) continue;
      const b = this.space.blocks[i]!;
      const margin = Math.abs(node.relaxation!.margin(i));
      const s = b.volume * Math.exp(-margin / BRANCH_MARGIN_SCALE);
      if (s > score) {
        score = s;
        pick = i;
      }
    }
    return pick;
  }

  /** Searches the subtree; returns an upper bound on the welfare of its admissible selections. */
  private visit(start: Node): number {
    if (!start.unsettled) return this.search(start);
    this.unsettledAbove++;
    try {
      return this.search(start);
    } finally {
      this.unsettledAbove--;
    }
  }

  private search(start: Node): number {
    let node = start;
    let candidate: Evaluation;
    for (;;) {
      if (node.relaxation === null || !this.canImprove(node)) return node.bound;
      candidate = this.tryCandidate(node);
      // At the root, with no block accepted after the first candidates: the propagation-only proof.
      if (node === this.root && !this.best.accepted.some(Boolean))
        if (['none', 'best'].includes(this.certify())) return this.best.value;
      if (!this.canImprove(node)) return node.bound;
      const before = this.fixByBound(node);
      if (before === null) break;
      if (!this.propagate(node.domain)) return Number.NEGATIVE_INFINITY;
      if (this.nodes >= this.maxNodes) {
        this.exhausted = true;
        return node.bound;
      }
      // A node that solved its relaxation re-solves from the domain before fixing; one that inherited
      // it, from the domain it was solved on.
      node = this.relax(node.domain, node.inherited > 0 ? node : { ...node, relaxedOn: before }, node.bound);
    }
    const pick = this.pickBranch(node);
    // Every block fixed: the candidate was this node's only selection.
    if (pick < 0)
      return isAdmissible(candidate) ? Math.min(node.bound, candidate.value) : Number.NEGATIVE_INFINITY;
    // First the side the relaxation's rounding took, unless that made the block paradoxical.
    const first = candidate.accepted[pick] && !candidate.paradoxical[pick] ? ACCEPTED : REJECTED;
    let high = Number.NEGATIVE_INFINITY;
    for (const value of [first, first === ACCEPTED ? REJECTED : ACCEPTED]) {
      if (this.nodes >= this.maxNodes) {
        this.exhausted = true;
        high = Math.max(high, node.bound);
        continue;
      }
      high = Math.max(high, this.visit(this.child(node, pick, value)));
    }
    return Math.min(node.bound, high);
  }
}
