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
    return bytesInput((await loader()) as LpSolver);
  });
  return highsPromise;
}

/**
 * The package writes the model into its in-memory file system before reading it; given a string
 * it first copies it one character at a time into a JavaScript array (about a third of the time of
 * a 200-period LP), given bytes it stores them as they are. Same file, same model, same result.
 */
function bytesInput(highs: LpSolver): LpSolver {
  const utf8 = new TextEncoder();
  const solve = highs.solve.bind(highs) as (
    lp: string | Uint8Array,
    options?: Record<string, unknown>,
  ) => ReturnType<LpSolver['solve']>;
  return Object.assign(Object.create(highs) as LpSolver, {
    solve: (lp: string, options?: Record<string, unknown>) => solve(utf8.encode(lp), options),
  });
}
