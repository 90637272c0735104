import { describe, expect, it } from 'vitest';
import { parseRunConfig } from '../sim/index.js';
import { applyExternalAgents, collectExternal } from './external-agents.js';

const cfg = () =>
  parseRunConfig({
    name: 'x',
    day: '2026-11-22',
    agents: [
      { id: 'liquidity', strategy: 'liquidity', role: 'liquidity' },
      { id: 'idle', strategy: 'idle', asset: { type: 'battery', powerMw: 1, energyMwh: 2 } },
    ],
  });

describe('--external', () => {
  it('turns a launched agent into one that connects with the token', () => {
    const c = cfg();
    applyExternalAgents(c, collectExternal('idle=secret-token', []), 'x.yaml');
    expect(c.agents[1]).toMatchObject({ id: 'idle', launch: false, token: 'secret-token' });
    expect(c.agents[0]!.launch).toBe(true);
  });

  it('names the option for an unknown agent or a short token', () => {
    expect(() => applyExternalAgents(cfg(), ['nobody=secret-token'], 'x.yaml')).toThrow(
      /--external: no agent "nobody".*agents: liquidity, idle/,
    );
    expect(() => applyExternalAgents(cfg(), ['idle=short'], 'x.yaml')).toThrow(/at least 8 characters/);
    expect(() => applyExternalAgents(cfg(), ['idle'], 'x.yaml')).toThrow(/<agent-id>=<token>/);
  });

  // The arena knows an agent by its token: a second --external for an agent dropped the first
  // token without a word, and two agents with one token stopped the run mid-start with a stack trace.
  it('refuses an agent given twice and a token another agent has, naming both', () => {
    expect(() => applyExternalAgents(cfg(), ['idle=secret-one', 'idle=secret-two'], 'x.yaml')).toThrow(
      '--external: agent "idle" given twice',
    );
    expect(() =>
      applyExternalAgents(cfg(), ['liquidity=secret-token', 'idle=secret-token'], 'x.yaml'),
    ).toThrow('--external: agents "liquidity" and "idle" have the same token: each agent needs its own');
  });
});
