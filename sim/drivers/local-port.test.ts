// LocalAgentPort: an in-process strategy's bugs are faults and missed wake-ups, never a crash of
// the run and never an answer the strategy did not give.
import { describe, expect, it } from 'vitest';
import type { ActionBatch, WakeUp } from '../../gen/flexarena/v1/session.js';
import type { DecisionRequest } from './agent-port.js';
import { type LocalAgent, LocalAgentPort } from './local-port.js';

function request(submitted: ActionBatch[]): DecisionRequest {
  return {
    agentId: 'a',
    wakeId: 7,
    timeMs: 0,
    deadlineMs: 1_000,
    takeMessages: () => [],
    wakeUp: () => ({ wakeId: 7 }) as WakeUp,
    resume: () => {},
    submit: (batch) => {
      submitted.push(batch);
      return { taken: true } as ReturnType<DecisionRequest['submit']>;
    },
  };
}

function port(decide: LocalAgent['decide']) {
  const faults: string[] = [];
  const p = new LocalAgentPort(
    'a',
    { name: 'buggy', decide },
    { onFault: (id, kind, detail) => faults.push(`${id} ${kind} ${detail}`) },
  );
  return { p, faults };
}

describe('LocalAgentPort', () => {
  it('answers with the list a strategy returns', async () => {
    const submitted: ActionBatch[] = [];
    const { p, faults } = port(() => []);
    expect(await p.decide(request(submitted))).toBe('answered');
    expect(submitted).toEqual([{ wakeId: 7, actions: [] }]);
    expect(faults).toEqual([]);
  });

  it('counts a throw as missed, with a strategy-error fault', async () => {
    const submitted: ActionBatch[] = [];
    const { p, faults } = port(() => {
      throw new TypeError('boom');
    });
    expect(await p.decide(request(submitted))).toBe('missed');
    expect(submitted).toEqual([]);
    expect(faults[0]).toMatch(/^a strategy-error TypeError: boom/);
  });

  it('counts anything but a list as missed, naming what came back, not as an empty answer', async () => {
    for (const [value, got] of [
      [undefined, 'undefined'],
      [null, 'null'],
      [{ actions: [] }, 'object'],
    ] as const) {
      const submitted: ActionBatch[] = [];
      const { p, faults } = port(() => value as never);
      expect(await p.decide(request(submitted))).toBe('missed');
      expect(submitted).toEqual([]);
      expect(faults).toEqual([
        `a strategy-error strategy buggy: decide() at wake-up 7 returned ${got}, not a list of actions`,
      ]);
    }
  });
});
