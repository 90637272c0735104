// The file a training run exports and the `policy` strategy loads: a network (see mlp.ts), what
// its input is and what its output means, and how it was trained (so it can be repeated).
import { readFileSync } from 'node:fs';
import { ParamError } from '../sdk/errors.js';
import { type MlpSpec, validateMlp } from './mlp.js';

export const POLICY_FORMAT = 'flexarena-policy';

export interface PolicyFile {
  format: typeof POLICY_FORMAT;
  version: 1;
  /** The method that trained it (td3, ppo, bc, dqn, …). */
  method: string;
  /** The observation layout (policy-features.ts). */
  observation: 'standard';
  priceScaleEur: number;
  /** continuous: output[0] is the battery share; discrete: argmax over `values` (battery shares). */
  action: { kind: 'continuous' } | { kind: 'discrete'; values: number[] };
  network: MlpSpec;
  /** The training configuration and seeds, verbatim. */
  trainedWith?: unknown;
}

/** Reads and validates a policy file; errors name the file and the field. */
export function readPolicyFile(path: string, strategy = 'policy'): PolicyFile {
  let doc: PolicyFile;
  try {
    doc = JSON.parse(readFileSync(path, 'utf8')) as PolicyFile;
  } catch (err) {
    throw new ParamError(
      strategy,
      'checkpoint',
      `cannot read a policy from ${path}: ${(err as Error).message}`,
    );
  }
  const bad = (field: string, msg: string) =>
    new ParamError(strategy, 'checkpoint', `${path}: ${field} ${msg}`);
  if (doc?.format !== POLICY_FORMAT || doc.version !== 1)
    throw bad('format', `must be ${POLICY_FORMAT} version 1 (a training run's policy.json)`);
  if (doc.observation !== 'standard')
    throw bad('observation', `must be 'standard', got ${String(doc.observation)}`);
  if (!(typeof doc.priceScaleEur === 'number' && doc.priceScaleEur > 0))
    throw bad('priceScaleEur', 'must be > 0');
  try {
    validateMlp(doc.network);
  } catch (err) {
    throw bad('network', (err as Error).message);
  }
  const outputs = doc.network.layers[doc.network.layers.length - 1]!.outputs;
  if (doc.action?.kind === 'discrete') {
    if (!Array.isArray(doc.action.values) || doc.action.values.length !== outputs)
      throw bad('action.values', `must list ${outputs} battery shares, one per network output`);
    if (!doc.action.values.every((v) => typeof v === 'number' && v >= -1 && v <= 1))
      throw bad('action.values', 'must be battery shares within [-1, 1]');
  } else if (doc.action?.kind === 'continuous') {
    // The strategy reads output 0 as the battery share: a network with more outputs was trained
    // for something else, and playing its first output would be a guess.
    if (outputs !== 1)
      throw bad('network', `has ${outputs} outputs; a continuous policy has 1 (the battery share)`);
  } else throw bad('action.kind', 'must be continuous or discrete');
  return doc;
}
