// The Python SDK's own unit tests (unittest, on Debian's /usr/bin/python3 with python3-grpcio),
// run from the suite so that a failing Python test fails `npm test`.
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';

describe('the Python SDK', () => {
  it('passes its unit tests (python3 -m unittest)', () => {
    const res = spawnSync('/usr/bin/python3', ['-m', 'unittest', 'discover', '-s', 'tests', '-t', '.'], {
      cwd: import.meta.dirname,
      encoding: 'utf8',
    });
    expect(res.error).toBeUndefined();
    expect(res.status, res.stderr).toBe(0);
    const ran = /Ran (\d+) tests?/.exec(res.stderr);
    expect(Number(ran?.[1]), res.stderr).toBeGreaterThanOrEqual(10);
  });
});
