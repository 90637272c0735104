// The two ways a configuration launches a Python agent, as integration tests add them to a run:
// `runtime: python` with a module, and a `command` line with placeholders. Both play the SDK's
// spread-battery example on a 5 MW / 10 MWh battery; the command's step (0.3 MW, not the
// example's default 0.5) shows in its orders that the params reached it.
import { join } from 'node:path';

const ROOT = join(import.meta.dirname, '..', '..');
const BATTERY = { type: 'battery', powerMw: 5, energyMwh: 10 };

/** `py-runtime` and `py-command`; `commandArgs` are the command's placeholders after its module. */
export function pythonBatteryAgents(commandArgs: readonly string[]): object[] {
  return [
    {
      id: 'py-runtime',
      strategy: 'py-spread-battery',
      runtime: 'python',
      module: 'flexarena_examples.battery',
      params: { margin_eur: 4, step_mw: 0.5 },
      asset: BATTERY,
    },
    {
      id: 'py-command',
      strategy: 'py-spread-battery',
      command: [
        'env',
        `PYTHONPATH=${join(ROOT, 'agents', 'python')}`,
        '/usr/bin/python3',
        '-m',
        'flexarena_examples.battery',
        ...commandArgs,
      ],
      params: { margin_eur: 4, step_mw: 0.3 },
      asset: BATTERY,
    },
  ];
}
