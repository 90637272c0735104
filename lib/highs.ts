// The one HiGHS loader of the project: the WebAssembly build of the `highs` package, loaded once
// per process. Every optimiser (auction block selection, strategies, perfect-foresight bounds)
// solves through this, so there is one place that knows the package's module shape.

/** The part of the HiGHS legacy API the project uses (LP/MIP in CPLEX LP text format). */
export interface LpSolver {
  solve(
    lp: string,
    options?: Record<string, unknown>,
  ): {
    Status: string;
    ObjectiveValue: number;
    Columns: Record<string, { Primal?: number; Dual?: number }>;
    Rows?: { Name?: string; Primal?: number; Dual?: number }[];
  };
}

type HighsLoader = () => Promise<unknown>;

let highsPromise: Promise<LpSolver> | undefined;

/** Loads the HiGHS WebAssembly solver once per process. */
export function loadHighs(): Promise<LpSolver> {
  highsPromise ??= import('highs').then(async (mod) => {
    // The package's ESM build exports the loader as default; its typings describe the CommonJS shape.
    const m = mod as unknown as { default: HighsLoader | { default: HighsLoader } };
    const loader = typeof m.default === 'function' ? m.default : m.default.default;
    return (await loader()) as LpSolver;
  });
  return highsPromise;
}
