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
});
