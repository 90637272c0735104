import { describe, expect, it } from 'vitest';
import { batteryShareActionSpec } from './battery-env.js';
import { checkAction, type DiscreteSpec } from './time-step.js';

const discrete: DiscreteSpec = { kind: 'discrete', name: 'action.seed003', n: 5 };
const rejected = (spec: Parameters<typeof checkAction>[0], action: unknown) => {
  const r = checkAction(spec, action);
  if (r.ok) throw new Error(`accepted ${JSON.stringify(action)}`);
  return r.rejections;
};

describe('checkAction', () => {
  // A string "0.5" came back as a 'shape' rejection ("action has 3 element(s)": its characters),
  // "1" as 'non-finite' ("action is 1"), true as "no element(s)", and a discrete "2" as "action 2
  // is not one of the 5 action indices": the agent could not tell it sent the wrong type.
  it('says an action of the wrong type is of the wrong type, naming the field and the limit', () => {
    const share = batteryShareActionSpec();
    for (const action of ['0.5', '1', true, {}, null, undefined, () => 0]) {
      const [r, ...more] = rejected(share, action);
      expect(more).toEqual([]);
      expect(r).toMatchObject({ code: 'type', field: 'action', limit: '1 number(s), shape [1]' });
      expect(r!.message).toMatch(/^action is (a string|a boolean|an object|null|undefined|a function)/);
    }
    expect(rejected(share, ['0.5'])[0]).toMatchObject({
      code: 'type',
      field: 'action',
      limit: 'a finite number',
      message: 'action is a string ("0.5"), not a number',
    });
    expect(rejected({ ...share, shape: [2], minimum: [-1, -1], maximum: [1, 1] }, [0, 'x'])[0]).toMatchObject(
      { code: 'type', field: 'action[1]' },
    );
    for (const action of ['2', [2], true, null]) {
      const [r] = rejected(discrete, action);
      expect(r).toMatchObject({ code: 'type', field: 'action', limit: 'an integer in [0, 4]' });
      expect(r!.message).toMatch(/^action is (a string|a list|a boolean|null)/);
    }
  });

  it('keeps the codes of well-typed bad actions', () => {
    const share = batteryShareActionSpec();
    expect(rejected(share, Number.NaN)[0]!.code).toBe('non-finite');
    expect(rejected(share, [Number.NEGATIVE_INFINITY])[0]!.code).toBe('non-finite');
    expect(rejected(share, 1.5)[0]!.code).toBe('out-of-bounds');
    expect(rejected(share, [0.1, 0.2])[0]!.code).toBe('shape');
    expect(rejected(share, new Float32Array(0))[0]!.code).toBe('shape');
    expect(rejected(discrete, 2.5)[0]!.code).toBe('not-an-index');
    expect(rejected(discrete, Number.NaN)[0]!.code).toBe('not-an-index');
    expect(checkAction(share, new Float32Array([0.25]))).toEqual({ ok: true, values: [0.25] });
    expect(checkAction(discrete, 4)).toEqual({ ok: true, values: [4] });
  });
});
