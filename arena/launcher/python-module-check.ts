// A `runtime: python` agent runs as `python3 -m <module>` (agentCommand). A misspelt module was
// found only once the run had started: the agent's process ended at once ("No module named …") and
// the run went on without it (`exited-before-connecting`). Here the interpreter the arena would
// start, with the environment and working directory it would start it in, is asked to find each
// module the way `-m` does (runpy: import the parent packages, find the module, and for a package
// its __main__) — so what is refused is exactly what would not have started, and nothing else.
// Anything the check cannot decide (no interpreter, a parent package that fails to import for
// another reason, a checker that takes too long) refuses nothing: the run reports it as before.
import { spawn } from 'node:child_process';
import type { ConfigIssue } from '../../lib/index.js';
import type { AgentConfig } from '../../sim/index.js';
import { agentCommand, PYTHON_SDK_DIR } from './agent-launcher.js';

/**
 * Run with `python3 -c` and the module names as arguments; writes one JSON line per module to
 * file descriptor 3 (a package's own prints go to its stdout, ignored). Its own imports are made
 * before the working directory is on sys.path, so a file of the user's named like one of them
 * (json.py) does not stand in for it.
 */
const CHECKER = String.raw`
import sys
head = [] if getattr(sys.flags, "safe_path", False) else [sys.path.pop(0)]
import difflib, importlib, importlib.util, json, os, pkgutil
sys.path[0:0] = head
out = os.fdopen(3, "w")
env_path = [p for p in os.environ.get("PYTHONPATH", "").split(os.pathsep) if p]

def folder(p):
    return os.getcwd() if p == "" else os.path.abspath(p)

def near(last, where):
    try:
        names = sorted({m.name for m in pkgutil.iter_modules(where)})
    except Exception:
        return []
    return difflib.get_close_matches(last, names, n=3, cutoff=0.6)

def missing(full):
    parent, _, last = full.rpartition(".")
    if parent:
        where = [folder(p) for p in sys.modules[parent].__path__]
        return {"verdict": "missing", "name": full, "package": parent, "where": where,
                "near": [parent + "." + n for n in near(last, where)]}
    cwd = os.getcwd() if head else None
    own = [folder(p) for p in ([""] if head else []) + env_path]
    return {"verdict": "missing", "name": full, "cwd": cwd, "pythonpath": [folder(p) for p in env_path],
            "near": near(last, own)}

def check(name):
    parts = name.split(".")
    for i in range(1, len(parts)):
        parent = ".".join(parts[:i])
        try:
            pkg = importlib.import_module(parent)
        except ModuleNotFoundError as e:
            return missing(parent) if e.name == parent else {"verdict": "undecided"}
        except BaseException:
            return {"verdict": "undecided"}
        if not hasattr(pkg, "__path__"):
            return {"verdict": "not-package", "name": parent, "file": getattr(pkg, "__file__", None),
                    "child": parts[i]}
    try:
        spec = importlib.util.find_spec(name)
    except BaseException:
        return {"verdict": "undecided"}
    if spec is None:
        return missing(name)
    if spec.submodule_search_locations is None or name.endswith(".__main__") or name == "__main__":
        return {"verdict": "found"}
    # A package: -m runs its __main__, after importing the package itself.
    try:
        importlib.import_module(name)
        main = importlib.util.find_spec(name + ".__main__")
    except BaseException:
        return {"verdict": "undecided"}
    if main is not None:
        return {"verdict": "found"}
    where = [folder(p) for p in spec.submodule_search_locations]
    return {"verdict": "no-main", "name": name, "where": where,
            "near": [name + "." + n for n in near("__main__", where) + sorted(
                m.name for m in pkgutil.iter_modules(where) if not m.ispkg)][:3]}

for name in sys.argv[1:]:
    try:
        verdict = check(name)
    except BaseException:
        verdict = {"verdict": "undecided"}
    out.write(json.dumps(verdict) + "\n")
    out.flush()
`;

type Verdict =
  | { verdict: 'found' }
  | { verdict: 'undecided' }
  | {
      verdict: 'missing';
      name: string;
      package?: string;
      where?: string[];
      cwd?: string | null;
      pythonpath?: string[];
      near: string[];
    }
  | { verdict: 'not-package'; name: string; file: string | null; child: string }
  | { verdict: 'no-main'; name: string; where: string[]; near: string[] };

/** Where the check runs: the arena's own by default, as its agents inherit them. */
export interface PythonCheckOptions {
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  /** Past this the check gives up and refuses nothing (a package whose import hangs). */
  timeoutMs?: number;
}

/**
 * The `agents[i].module` issues of the agents the arena launches with `runtime: python` whose
 * module the interpreter would not find (or could not run: a package without __main__, a module
 * taken for a package), in the order of `agents`.
 */
export async function pythonModuleIssues(
  agents: readonly AgentConfig[],
  opts: PythonCheckOptions = {},
): Promise<ConfigIssue[]> {
  // One interpreter per distinct command and environment: in practice one for the whole run.
  const base = opts.env ?? process.env;
  const groups = new Map<string, { python: string; env: Record<string, string>; at: number[] }>();
  agents.forEach((a, i) => {
    if (!a.launch || a.command || a.runtime !== 'python' || !a.module) return;
    const command = agentCommand(a, false, base)!;
    const python = command.argv[0]!;
    const env = { ...command.env };
    const key = JSON.stringify([python, env]);
    const group = groups.get(key) ?? { python, env, at: [] };
    group.at.push(i);
    groups.set(key, group);
  });
  const issues: ConfigIssue[] = [];
  for (const { python, env, at } of groups.values()) {
    const modules = at.map((i) => agents[i]!.module!);
    const verdicts = await askPython(python, modules, {
      cwd: opts.cwd ?? process.cwd(),
      env: { ...base, ...env },
      timeoutMs: opts.timeoutMs ?? 15_000,
    });
    at.forEach((i, k) => {
      const message = verdictMessage(python, verdicts[k]);
      if (message) issues.push({ path: `agents[${i}].module`, message, value: agents[i]!.module });
    });
  }
  return issues.sort((a, b) => indexOf(a.path) - indexOf(b.path));
}

function indexOf(path: string): number {
  return Number(/\[(\d+)\]/.exec(path)?.[1] ?? 0);
}

/** The verdicts, in the order of `modules`; none (all undecided) when the checker does not answer. */
function askPython(
  python: string,
  modules: readonly string[],
  o: { cwd: string; env: NodeJS.ProcessEnv; timeoutMs: number },
): Promise<(Verdict | undefined)[]> {
  return new Promise((resolve) => {
    let text = '';
    const child = spawn(python, ['-c', CHECKER, ...modules], {
      cwd: o.cwd,
      env: o.env,
      stdio: ['ignore', 'ignore', 'ignore', 'pipe'],
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), o.timeoutMs);
    child.stdio[3]?.on('data', (chunk: Buffer) => {
      text += chunk.toString('utf8');
    });
    const done = (ok: boolean) => {
      clearTimeout(timer);
      if (!ok) return resolve(modules.map(() => undefined));
      const lines = text.split('\n').filter((l) => l.length > 0);
      resolve(
        modules.map((_, k) => {
          try {
            return lines[k] === undefined ? undefined : (JSON.parse(lines[k]!) as Verdict);
          } catch {
            return undefined;
          }
        }),
      );
    };
    child.on('error', () => done(false));
    child.on('close', (code) => done(code === 0));
  });
}

/** What a verdict tells the user, or undefined when the module would start (or nobody can say). */
function verdictMessage(python: string, v: Verdict | undefined): string | undefined {
  if (v === undefined || v.verdict === 'found' || v.verdict === 'undecided') return undefined;
  if (v.verdict === 'not-package')
    return `${python} -m cannot run it: ${v.name} is a module${v.file ? ` (${v.file})` : ''}, not a package, so it has no ${v.child} in it`;
  if (v.verdict === 'no-main')
    return `${python} -m cannot run it: ${v.name} is a package without a __main__ module (looked for __main__.py in ${v.where.join(', ')}); name the module in it that runs the agent${v.near.length > 0 ? ` (${v.near.join(', ')})` : ''}`;
  const guess = v.near.length > 0 ? `; did you mean ${v.near.join(' or ')}?` : '';
  const last = v.name.slice(v.name.lastIndexOf('.') + 1);
  const file = `${last}.py or a package ${last}/`;
  if (v.package !== undefined)
    return `no Python module ${v.name}: ${python} -m looked for ${file} in the package ${v.package} (${(v.where ?? []).join(', ')})${guess}`;
  const places = [
    ...(v.cwd ? [`in the working directory (${v.cwd})`] : []),
    `on PYTHONPATH (${(v.pythonpath ?? []).map((p) => (p === PYTHON_SDK_DIR ? `${p}, the SDK's folder` : p)).join('; ')})`,
    "in the interpreter's own folders",
  ];
  return (
    `no Python module ${v.name}: ${python} -m looked for ${file} ${places.join(', ')} ` +
    '(a module of your own must be on PYTHONPATH, PYTHONPATH=/path/to/its/folder flexarena run …, or in the working directory)' +
    guess
  );
}
