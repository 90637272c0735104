// Collects a child process's stdout line by line so a test can wait for a line that matches a
// condition (e.g. "wake N" with N past a target), including lines printed before the wait began.
import type { ChildProcess } from 'node:child_process';

export interface LineWatcher {
  readonly lines: string[];
  /** Resolves with the first line (from `from` on) for which `match` is true. */
  waitFor(match: (line: string) => boolean, timeoutMs: number, from?: number): Promise<string>;
  /** Output so far, stdout and stderr, for failure messages. */
  text(): string;
}

export function watchLines(child: ChildProcess): LineWatcher {
  const lines: string[] = [];
  let partial = '';
  let stderr = '';
  let listeners: (() => void)[] = [];
  child.stdout!.on('data', (d: Buffer) => {
    const parts = (partial + d.toString()).split('\n');
    partial = parts.pop()!;
    lines.push(...parts);
    for (const l of listeners) l();
  });
  child.stderr!.on('data', (d: Buffer) => {
    stderr = (stderr + d.toString()).slice(-10_000);
  });
  child.on('exit', () => {
    for (const l of listeners) l();
  });
  const text = () => `${lines.slice(-40).join('\n')}\n${partial}\n--- stderr ---\n${stderr}`;
  return {
    lines,
    text,
    waitFor(match, timeoutMs, from = 0) {
      return new Promise((resolve, reject) => {
        let checked = from;
        const check = () => {
          for (; checked < lines.length; checked++) {
            if (match(lines[checked]!)) {
              done();
              resolve(lines[checked]!);
              return;
            }
          }
          if (child.exitCode !== null || child.signalCode !== null) {
            done();
            reject(
              new Error(
                `process exited (${child.exitCode ?? child.signalCode}) before the line came:\n${text()}`,
              ),
            );
          }
        };
        const timer = setTimeout(() => {
          done();
          reject(new Error(`no matching line within ${timeoutMs} ms:\n${text()}`));
        }, timeoutMs);
        const done = () => {
          clearTimeout(timer);
          listeners = listeners.filter((l) => l !== check);
        };
        listeners.push(check);
        check();
      });
    },
  };
}
