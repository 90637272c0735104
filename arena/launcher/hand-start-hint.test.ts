import { describe, expect, it } from 'vitest';
import { PYTHON_SDK_DIR } from './agent-launcher.js';
import { handStartHint } from './hand-start-hint.js';

const builtIn = (name: string) => name === 'heuristic-battery';
const at = '127.0.0.1:50051';

describe('handStartHint', () => {
  it('names flexarena agent only for a built-in strategy', () => {
    expect(handStartHint({ id: 'a', strategy: 'heuristic-battery', params: {} }, at, builtIn)).toBe(
      'node bin/flexarena.mjs agent heuristic-battery --arena 127.0.0.1:50051 --token <token>',
    );
    const own = handStartHint({ id: 'a', strategy: 'buy-cheap', params: {} }, at, builtIn);
    expect(own).not.toMatch(/flexarena agent/);
    expect(own).toMatch(/"buy-cheap" is not a built-in strategy.*127\.0\.0\.1:50051 and the agent's token$/);
    // Configured params of such an agent reach it only through whoever starts it: the hint says them.
    expect(handStartHint({ id: 'a', strategy: 'buy-cheap', params: { limit_eur: 60 } }, at, builtIn)).toMatch(
      /and the agent's token \(and its params from the configuration, \{"limit_eur":60\}\)$/,
    );
  });

  it('gives a built-in strategy its configured params (the pasted line played the defaults)', () => {
    expect(
      handStartHint({ id: 'a', strategy: 'heuristic-battery', params: { maxSlippageEur: 15 } }, at, builtIn),
    ).toBe(
      `node bin/flexarena.mjs agent heuristic-battery --arena 127.0.0.1:50051 --token <token> --params '{"maxSlippageEur":15}'`,
    );
  });

  it("gives a Python agent's own command line, its parameters quoted for the shell", () => {
    const hint = handStartHint(
      {
        id: 'py',
        strategy: 'py-battery',
        runtime: 'python',
        module: 'flexarena_examples.battery',
        params: { margin_eur: 4 },
      },
      at,
      builtIn,
    );
    expect(hint).toMatch(
      /^FLEXARENA_TOKEN=<token> PYTHONPATH=\S+ \S*python3? -m flexarena_examples\.battery/,
    );
    expect(hint).toContain(PYTHON_SDK_DIR);
    expect(hint).toContain(`--arena ${at} --params '{"margin_eur":4}'`);
  });

  it('fills {arena} into a command and shows {token} as the placeholder', () => {
    expect(
      handStartHint(
        {
          id: 'x',
          strategy: 'mine',
          command: ['./my-agent', '--arena', '{arena}', '--token={token}'],
          params: {},
        },
        at,
        builtIn,
      ),
    ).toBe('./my-agent --arena 127.0.0.1:50051 --token=<token>');
    // A restart policy's {state} is the user's file to name, never shown as a literal placeholder.
    expect(
      handStartHint(
        { id: 'x', strategy: 'mine', command: ['./my-agent', '{arena}', '--state={state}'], params: {} },
        at,
        builtIn,
      ),
    ).toBe('FLEXARENA_TOKEN=<token> ./my-agent 127.0.0.1:50051 --state=<state-file>');
    expect(
      handStartHint(
        {
          id: 'x',
          strategy: 'mine',
          command: ['./my-agent', '{arena}', '--params', '{params}'],
          params: { a: 1 },
        },
        at,
        builtIn,
      ),
    ).toBe(`FLEXARENA_TOKEN=<token> ./my-agent 127.0.0.1:50051 --params '{"a":1}'`);
    // A params value holding a placeholder's text is not filled in again.
    expect(
      handStartHint(
        {
          id: 'x',
          strategy: 'mine',
          command: ['./my-agent', '--params={params}'],
          params: { n: '{token}{arena}' },
        },
        at,
        builtIn,
      ),
    ).toBe(
      `FLEXARENA_ARENA=127.0.0.1:50051 FLEXARENA_TOKEN=<token> ./my-agent '--params={"n":"{token}{arena}"}'`,
    );
    expect(
      handStartHint({ id: 'x', strategy: 'mine', command: ['./my agent'], params: {} }, at, builtIn),
    ).toBe("FLEXARENA_ARENA=127.0.0.1:50051 FLEXARENA_TOKEN=<token> './my agent'");
  });
});
