// A fresh-clone equivalent of the current work tree, for tests that must show what a new developer
// or CI would see: every file git would commit right now (tracked files as they are on disk, plus
// untracked files that are not ignored), committed into a new repository. Unlike `git clone`, this
// also covers changes not committed yet, so the test checks the code it runs with.
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, lstatSync, mkdirSync, readlinkSync, symlinkSync } from 'node:fs';
import { dirname, join } from 'node:path';

// The user's global and system git configuration stays out: a global excludes file could hide the
// very untracked files these tests look for.
const GIT_ENV = { ...process.env, GIT_CONFIG_GLOBAL: '/dev/null', GIT_CONFIG_NOSYSTEM: '1' };
const GIT_ISOLATION = ['-c', 'core.excludesFile=/dev/null', '-c', 'user.name=flexarena-test'];

export function git(cwd: string, args: string[]): string {
  const res = spawnSync('git', [...GIT_ISOLATION, '-c', 'user.email=flexarena-test@localhost', ...args], {
    cwd,
    env: GIT_ENV,
    encoding: 'utf8',
  });
  if (res.error) throw new Error(`git ${args.join(' ')} could not start: ${res.error.message}`);
  if (res.status !== 0) throw new Error(`git ${args.join(' ')} exited with ${res.status}: ${res.stderr}`);
  return res.stdout;
}

/** Paths (relative to `root`) that a commit of the work tree would contain. */
function committableFiles(root: string): string[] {
  const listed = spawnSync('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], {
    cwd: root,
    encoding: 'utf8',
  });
  if (listed.status !== 0) throw new Error(`git ls-files failed in ${root}: ${listed.stderr}`);
  // Tracked files deleted on disk are listed too; a commit would drop them.
  return [...new Set(listed.stdout.split('\0').filter((p) => p && existsSync(join(root, p))))];
}

/** Copies the committable files of `root` into `dest` (new) and commits them there. */
export function copyWorkTree(root: string, dest: string): void {
  for (const rel of committableFiles(root)) {
    const from = join(root, rel);
    const to = join(dest, rel);
    mkdirSync(dirname(to), { recursive: true });
    if (lstatSync(from).isSymbolicLink()) symlinkSync(readlinkSync(from), to);
    else copyFileSync(from, to);
  }
  git(dest, ['init', '--quiet', '--template=']);
  git(dest, ['add', '--all']);
  git(dest, ['commit', '--quiet', '-m', 'work tree snapshot']);
}

/** `git status --porcelain` lines for changed and untracked files, each untracked file on its own. */
export function gitStatus(dir: string): string[] {
  return lines(git(dir, ['status', '--porcelain', '--untracked-files=all']));
}

/** Ignored paths as `git status` names them (a wholly ignored folder as `folder/`). */
export function ignoredPaths(dir: string): string[] {
  return lines(git(dir, ['status', '--porcelain', '--ignored', '--untracked-files=normal']))
    .filter((l) => l.startsWith('!! '))
    .map((l) => l.slice(3));
}

function lines(text: string): string[] {
  return text.split('\n').filter((l) => l.length > 0);
}
