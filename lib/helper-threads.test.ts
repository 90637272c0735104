// In a child process of its own (lowering threads of the test runner would slow the tests after it):
// after lowerHelperThreads every thread but the main one has nice 19, the main one keeps its own;
// restoreHelperThreads gives them the main one's again.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const MODULE = fileURLToPath(new URL('./helper-threads.ts', import.meta.url));
const CHILD = `
import { readdirSync, readFileSync } from 'node:fs';
import { promisify } from 'node:util';
import { gzip } from 'node:zlib';
const { lowerHelperThreads, restoreHelperThreads } = await import(${JSON.stringify(MODULE)});
// A job for libuv's pool, so that its threads exist too.
await promisify(gzip)(Buffer.alloc(1 << 20));
const nice = (tid) => {
  const stat = readFileSync('/proc/' + process.pid + '/task/' + tid + '/stat', 'latin1');
  return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[16]);
};
const mainBefore = nice(process.pid);
const changed = lowerHelperThreads();
const threads = readdirSync('/proc/' + process.pid + '/task').map(Number);
const others = threads.filter((t) => t !== process.pid).map(nice);
const restored = restoreHelperThreads();
const othersAfter = threads.filter((t) => t !== process.pid).map(nice);
console.log(JSON.stringify({ changed, mainBefore, main: nice(process.pid), others, restored, othersAfter }));
`;

describe.runIf(existsSync('/proc/self/task'))('lowerHelperThreads', () => {
  it('gives every thread but the main one the lowest priority', () => {
    const out = execFileSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', CHILD], {
      encoding: 'utf8',
    });
    const r = JSON.parse(out.trim().split('\n').pop()!) as {
      changed: number;
      mainBefore: number;
      main: number;
      others: number[];
      restored: number;
      othersAfter: number[];
    };
    // V8's workers and libuv's pool at least.
    expect(r.others.length).toBeGreaterThanOrEqual(4);
    expect(r.changed).toBe(r.others.length);
    expect(r.others.every((n) => n === 19)).toBe(true);
    expect(r.main).toBe(r.mainBefore);
    // Given back after the run where the process may raise a priority (root, as in CI); elsewhere
    // they stay low, which the function says by its count.
    if (process.getuid?.() === 0) {
      expect(r.restored).toBe(r.others.length);
      expect(r.othersAfter.every((n) => n === r.mainBefore)).toBe(true);
    } else expect(r.othersAfter.every((n) => n === 19 || n === r.mainBefore)).toBe(true);
  });
});
