import { BoundaryChain } from './block-boundaries.js';
import { ACCEPTED, branchInto, type Domain, FREE, REJECTED, rootDomain } from './block-domain.js';
import type { BlockSpace } from './block-space.js';

// Settles a small subtree of the branch-and-bound by propagation alone. Near the money the children the
// welfare bound cannot prune mostly hold no admissible selection at all (README.md, "Algorithm"), so
// what closes them is propagation finding every completion inadmissible, and once few blocks are free
// that is cheaper without a relaxation per node: depth first, each node propagated (block-domain.ts) and
// narrowed by one pass of the boundary chain (block-boundaries.ts), branching on the free blocks in order
// of their first period (as block-certificate.ts). Every selection that survives to a leaf (all blocks
// decided) is handed to `leaf`, which evaluates it exactly; propagation and the chain never remove an
// admissible selection (the twins' order, if the caller's propagation applies it, removes only selections
// an equal, earlier-preferred one replaces, as in the branch-and-bound), so when the search finishes every admissible selection of the subtree has been
// handed over, and the best of them is the subtree's optimum.

export type SubtreeOutcome =
  /** Every admissible selection of the domain was handed to `leaf`. */
  | { kind: 'settled'; propagations: number }
  /** The budget ran out first: nothing shown. */
  | { kind: 'budget'; propagations: number };
// `propagations` counts the propagations run and the selections handed to `leaf` (one each).

export class SubtreeProver {
  private readonly chain: BoundaryChain;
  /** Free blocks in branching order: by first period, then larger volume. */
  private readonly order: number[];
  /** One domain per depth, reused (the search is depth first). */
  private readonly pool: Domain[] = [];
  private readonly start: Domain;

  /**
   * `propagate` narrows a domain in place and returns false if it holds no admissible selection (the
   * caller's propagation: block-domain.ts, and in the branch-and-bound the twins' order too).
   */
  constructor(
    private readonly space: BlockSpace,
    private readonly propagate: (domain: Domain) => boolean,
  ) {
    this.chain = new BoundaryChain(space);
    this.order = space.blocks
      .map((_, i) => i)
      .sort(
        (a, b) =>
          space.blocks[a]!.first - space.blocks[b]!.first ||
          space.blocks[b]!.volume - space.blocks[a]!.volume,
      );
    this.start = rootDomain(space);
  }

  /**
   * Searches the selections of `domain` (already propagated; not modified) with at most `budget`
   * propagations and leaves; `leaf` gets each fully decided selection that propagation keeps, and a
   * node for which `prune` (called after propagation) returns true is not searched below.
   */
  settle(
    domain: Domain,
    budget: number,
    leaf: (accepted: boolean[]) => void,
    prune: (domain: Domain) => boolean = () => false,
  ): SubtreeOutcome {
    let left = budget;
    const { space, propagate, chain, order, pool } = this;
    this.start.status.set(domain.status);
    this.start.kLow.set(domain.kLow);
    this.start.kHigh.set(domain.kHigh);
    const visit = (d: Domain, depth: number, propagated: boolean): boolean => {
      if (!propagated) {
        if (left <= 0) return false;
        left--;
        if (!propagate(d)) return true;
      }
      if (chain.narrow(d) === 'infeasible') return true;
      if (prune(d)) return true;
      const pick = order.find((i) => d.status[i] === FREE);
      if (pick === undefined) {
        // Its evaluation costs about a propagation: it takes one from the budget.
        if (left <= 0) return false;
        left--;
        leaf(Array.from(d.status, (s) => s === ACCEPTED));
        return true;
      }
      for (const value of [ACCEPTED, REJECTED]) {
        pool[depth] ??= rootDomain(space);
        if (!visit(branchInto(pool[depth]!, d, pick, value), depth + 1, false)) return false;
      }
      return true;
    };
    const finished = visit(this.start, 0, true);
    return { kind: finished ? 'settled' : 'budget', propagations: budget - left };
  }
}
