import { describe, expect, it } from 'vitest';
import {
  categorise,
  categoryTable,
  loopCategories,
  parsePerfScript,
  size,
  sumCounts,
} from './perf-categories.js';

// Three samples as `perf script -F comm,pid,tid,time,ip,sym,dso` prints them (callchains shortened).
const TEXT = `node  4242/4242   100.500000:
\t7f00001 Builtins_LoadIC (/usr/bin/node)
\t7f00002 Builtins_InterpreterEntryTrampoline (/usr/bin/node)

node  4242/4250   100.600000:
\t55aa01 v8::internal::compiler::PipelineImpl::OptimizeGraph (/usr/bin/node)
\t55aa02 v8::internal::OptimizingCompileDispatcher::CompileTask::Run (/usr/bin/node)

node  4242/4242   100.700000:
\t3f00aa LazyCompile:*match /work/main/market/cid/book.ts:10 (/tmp/perf-4242.map)

nats-server  77/80   100.800000:
\tffffffff8100 do_syscall_64 ([kernel.kallsyms])
`;

describe('perf-categories', () => {
  it('parses samples with their innermost frame first', () => {
    const s = parsePerfScript(TEXT);
    expect(s.map((x) => [x.comm, x.pid, x.tid, x.timeS])).toEqual([
      ['node', 4242, 4242, 100.5],
      ['node', 4242, 4250, 100.6],
      ['node', 4242, 4242, 100.7],
      ['nats-server', 77, 80, 100.8],
    ]);
    expect(s[0]!.frames[0]).toEqual({ sym: 'Builtins_LoadIC', dso: '/usr/bin/node' });
  });

  it('tells compiling, inline caches, JIT code and the kernel apart', () => {
    expect(parsePerfScript(TEXT).map(categorise)).toEqual([
      'builtins: inline caches',
      'turbofan',
      'jit code',
      'kernel',
    ]);
  });

  it('keeps the samples of the loop window, per process and for its main thread', () => {
    // The first sample is the run's start; the loop is [0.05 s, 0.25 s] after it.
    const { total, processes, samples } = loopCategories(parsePerfScript(TEXT), 50, 200);
    expect(samples).toBe(2);
    expect(size(total)).toBe(2);
    const arena = processes.find((p) => p.pid === 4242)!;
    expect(Object.fromEntries(arena.all)).toEqual({ turbofan: 1, 'jit code': 1 });
    expect(Object.fromEntries(arena.main)).toEqual({ 'jit code': 1 });
    expect(processes.map((p) => p.pid)).toEqual([4242]);
    expect(size(sumCounts([arena.all, arena.main]))).toBe(3);
    expect(categoryTable([['arena', arena.all]])).toContain('| arena | 2 | 50 % | 0 % | 0 % | 50 % |');
  });
});
