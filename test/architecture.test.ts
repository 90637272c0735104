// The house rules of the code base, checked on every import of every TypeScript file:
//  1. Dependencies point one way: lib ← market ← sim ← {arena, evaluation, training, tournament,
//     dashboard} ← cli. agents/ (SDK and strategies) speak the protocol only: they may use lib and
//     market (units), never the simulation or the runtime. cli is the only composition root.
//  2. Across top-level folders, code imports a folder's one public entry file, not its insides.
// Tests may reach inside a folder they test, and use test/helpers; scripts are tools on top.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, normalize, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');

/** What each top-level folder may import (besides itself and generated code). */
const ALLOWED: Record<string, readonly string[]> = {
  lib: [],
  market: ['lib'],
  sim: ['lib', 'market'],
  agents: ['lib', 'market'],
  arena: ['lib', 'market', 'sim'],
  evaluation: ['lib', 'market', 'sim', 'arena'],
  compliance: ['lib', 'market', 'sim', 'arena', 'agents'],
  training: ['lib', 'market', 'sim', 'agents', 'evaluation'],
  tournament: ['lib', 'market', 'sim', 'arena', 'agents', 'evaluation'],
  study: ['lib', 'market', 'sim', 'arena', 'agents', 'evaluation', 'tournament'],
  dashboard: ['lib', 'market', 'sim', 'arena'],
  cli: [
    'lib',
    'market',
    'sim',
    'arena',
    'agents',
    'evaluation',
    'training',
    'tournament',
    'study',
    'dashboard',
    'compliance',
  ],
};

/** The public entry file of each folder that others import. */
const ENTRY: Record<string, readonly string[]> = {
  lib: ['lib/index.ts'],
  market: ['market/index.ts'],
  sim: ['sim/index.ts'],
  arena: ['arena/index.ts'],
  agents: ['agents/sdk/index.ts', 'agents/strategies/index.ts'],
  evaluation: ['evaluation/index.ts'],
  compliance: ['compliance/index.ts'],
  training: ['training/index.ts'],
  tournament: ['tournament/index.ts'],
  study: ['study/index.ts'],
  dashboard: ['dashboard/index.ts'],
};

function sources(dir: string, out: string[] = []): string[] {
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) sources(p, out);
    else if (/\.(ts|mts)$/.test(name) && !name.endsWith('.d.ts')) out.push(relative(ROOT, p));
  }
  return out;
}

interface Edge {
  file: string;
  target: string;
}

function edges(): Edge[] {
  const folders = Object.keys(ALLOWED).filter((f) => {
    try {
      return statSync(join(ROOT, f)).isDirectory();
    } catch {
      return false;
    }
  });
  const out: Edge[] = [];
  for (const folder of folders)
    for (const file of sources(join(ROOT, folder))) {
      const text = readFileSync(join(ROOT, file), 'utf8');
      for (const m of text.matchAll(/(?:from|import)\s*\(?\s*['"](\.{1,2}\/[^'"]+)['"]/g)) {
        const target = normalize(join(dirname(file), m[1]!)).replace(/\.js$/, '.ts');
        out.push({ file, target });
      }
    }
  return out;
}

const top = (path: string) => path.split('/')[0]!;
const isTest = (file: string) =>
  /\.test\.ts$|\.bench\.ts$|test-support\.ts$|test-helpers\.ts$|test-fixtures\.ts$/.test(file);

describe('architecture', () => {
  const all = edges();

  it('finds the imports it checks', () => {
    expect(all.length).toBeGreaterThan(300);
    expect(all.some((e) => e.file.startsWith('sim/') && top(e.target) === 'market')).toBe(true);
  });

  it('has every dependency point one way', () => {
    const wrong = all.filter((e) => {
      const from = top(e.file);
      const to = top(e.target);
      if (from === to || to === 'gen') return false;
      if (isTest(e.file) && e.target.startsWith('test/helpers/')) return false;
      return !ALLOWED[from]!.includes(to);
    });
    expect(wrong.map((e) => `${e.file} → ${e.target}`)).toEqual([]);
  });

  it('crosses folders only through their public entry file', () => {
    const wrong = all.filter((e) => {
      const from = top(e.file);
      const to = top(e.target);
      if (from === to || to === 'gen' || !ENTRY[to] || isTest(e.file)) return false;
      return !ENTRY[to]!.includes(e.target);
    });
    expect(wrong.map((e) => `${e.file} → ${e.target}`)).toEqual([]);
  });

  it('keeps the simulation core and the market library free of I/O', () => {
    const io = all.filter(
      (e) => (e.file.startsWith('sim/') || e.file.startsWith('market/')) && !isTest(e.file),
    );
    const text = (f: string) => readFileSync(join(ROOT, f), 'utf8');
    const files = [...new Set(io.map((e) => e.file))];
    const offenders = files.filter((f) =>
      /from 'node:(fs|net|http|child_process|dgram|worker_threads)'/.test(text(f)),
    );
    expect(offenders).toEqual([]);
  });

  // Issue 7 item 8: euros become ticks only through market/units, which refuses off-grid inputs
  // (eurToTicks) or says that it rounds a model price (quantizeEurToTicks).
  it('turns euros into ticks only through market/units', () => {
    const folders = Object.keys(ALLOWED).filter((f) => existsSync(join(ROOT, f)));
    const offenders = folders
      .flatMap((folder) => sources(join(ROOT, folder)))
      .filter((f) => !isTest(f) && f !== 'market/units.ts')
      .filter((f) =>
        /Math\.(round|floor|ceil|trunc)\([^;]*\* ?100\b/.test(readFileSync(join(ROOT, f), 'utf8')),
      );
    expect(offenders).toEqual([]);
  });
});
