// An in-process strategy shares its wake-up's objects with the core and with the other agents, so
// everything in it must be frozen: the core freezes the lists it hands out (and their entries) as
// it makes them, and LocalAgentPort's deepFreeze does not walk into what is frozen already — a
// list frozen with an entry left unfrozen would let one strategy change what another one sees.
// A day of the pace line-up in process, every object of every wake-up checked.
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createStrategy } from '../agents/strategies/index.js';
import { loadRunConfig } from '../arena/index.js';
import type { WakeUp } from '../gen/flexarena/v1/session.js';
import { LocalAgentPort, runLockstep, Simulation } from '../sim/index.js';

/** The objects reachable from `value` that are not frozen (paths, at most `limit`). */
function unfrozen(value: unknown, path: string, out: string[], seen: Set<object>, limit = 5): void {
  if (value === null || typeof value !== 'object' || seen.has(value) || out.length >= limit) return;
  seen.add(value);
  if (!Object.isFrozen(value)) out.push(path);
  for (const [k, v] of Object.entries(value)) unfrozen(v, `${path}.${k}`, out, seen, limit);
}

describe('in-process wake-ups', () => {
  it('are frozen all the way down, lists and entries, at every wake-up of every agent', async () => {
    const cfg = loadRunConfig(resolve(import.meta.dirname, '..', 'scenarios', 'pace.yaml'), {
      outDir: '/tmp/flexarena-wake-frozen-test',
    });
    const oneDay = { ...cfg, days: 1, nats: { ...cfg.nats, enabled: false } };
    const sim = await Simulation.create(oneDay, { runId: 'wake-frozen', sinks: [] });
    const problems: string[] = [];
    let wakes = 0;
    let entries = 0;
    const ports = new Map(
      oneDay.agents
        .filter((a) => a.launch)
        .map((a) => {
          const strategy = createStrategy(a.strategy, a.params);
          const decide = strategy.decide.bind(strategy);
          strategy.decide = (wake: WakeUp) => {
            wakes++;
            entries += wake.openOrders.length + wake.positions.length + wake.books.length;
            unfrozen(wake, `${a.id}@${wake.wakeId}`, problems, new Set());
            // A strategy that tries to change a shared list fails loudly.
            expect(() => (wake.books as unknown[]).push({})).toThrow(TypeError);
            return decide(wake);
          };
          return [a.id, new LocalAgentPort(a.id, strategy)] as const;
        }),
    );
    await runLockstep(sim, ports);
    expect(problems).toEqual([]);
    expect(wakes).toBeGreaterThan(1_000);
    expect(entries).toBeGreaterThan(50_000);
  }, 120_000);
});
