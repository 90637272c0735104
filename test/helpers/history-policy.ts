// A trained-policy checkpoint for tests of the policy strategy's state: one layer that reads the
// observation's price history, so a policy that lost its history decides differently.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { POLICY_FORMAT } from '../../agents/strategies/policy-file.js';
import { tempDir } from './arena-process.js';

/**
 * Writes the policy tanh(5·(next − now) + 4·(−1 h − now) + 4·(−45 min − now)) to a new folder: it
 * charges when the next quarter-hour or those an hour before are dearer than now. Returns the path.
 */
export function writeHistoryPolicy(): string {
  const weights = new Array(20).fill(0);
  weights[0] = 4;
  weights[1] = 4;
  weights[4] = -13;
  weights[5] = 5;
  const doc = {
    format: POLICY_FORMAT,
    version: 1,
    method: 'history',
    observation: 'standard',
    priceScaleEur: 20,
    action: { kind: 'continuous' },
    network: { layers: [{ inputs: 20, outputs: 1, activation: 'tanh', weights, bias: [0] }] },
  };
  const path = join(tempDir('history-policy-'), 'policy.json');
  writeFileSync(path, JSON.stringify(doc));
  return path;
}
