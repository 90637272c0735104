// Figures of the training API for BENCHMARKS.md:
//   node --import tsx scripts/training/bench-training.ts [--seconds 10]
//  1. environment steps per second in-process: the fast battery environment (no order book) and
//     the full-market environment (the Simulation with zoo agents; decision points per second);
//  2. training throughput against a bare tfjs-wasm loop of the same network in the same run:
//     TD3 gradient steps of the trainer (replay sampling, tensor upload, actor copy included)
//     against the same TD3 update on tensors made once; behaviour-cloning samples per second
//     against a bare minimize loop of the same MLP and batch size;
//  3. TD3 environment steps per hour including updates (defaults: [64, 64], batch 128, one
//     gradient step per 4 environment steps) on the battery environment.
// Wall-clock figures depend on the machine's load; each ratio is measured in the same run.
import { BatteryEnv, MarketEnv, StepType } from '../../training/index.js';
import { behaviourCloning, forecastHeuristic } from '../../training/methods/behaviour-cloning.js';
import { Td3 } from '../../training/methods/td3.js';
import { buildMlp, softUpdate, variablesOf } from '../../training/nn/networks.js';
import { initTf, tf } from '../../training/nn/tf.js';
import { scriptOptions } from './script-options.js';

const SECONDS = scriptOptions({ ints: { seconds: { default: 10, min: 1, max: 86_400 } } }).int('seconds');
const out: Record<string, string> = {};
const log = (k: string, v: string) => {
  out[k] = v;
  console.log(`${k}: ${v}`);
};

// 1a. The fast battery environment.
{
  const env = new BatteryEnv({ difficulty: 'spikes', days: { start: '2024-03-01', count: 28 } });
  env.reset();
  const action = [0];
  let n = 0;
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  while (performance.now() - t0 < SECONDS * 1000) {
    let ts = env.reset();
    while (ts.stepType !== StepType.LAST) {
      action[0] = ((n % 9) - 4) / 4;
      ts = env.step(action);
      n++;
    }
  }
  const cpu = process.cpuUsage(cpu0);
  log(
    'battery env steps/s (continuous, standard observation, 1 process)',
    ((n * 1000) / (performance.now() - t0)).toFixed(0),
  );
  // Per second of this process's CPU time: what one free core gives, whatever the machine's load.
  log('battery env steps per CPU-second', ((n * 1e6) / (cpu.user + cpu.system)).toFixed(0));
}

// 1b. The full-market environment.
{
  const env = new MarketEnv({
    run: {
      name: 'bench-market-env',
      seed: 3,
      day: '2026-01-14',
      world: { difficulty: 'noise' },
      nats: { enabled: false },
      agents: [
        {
          id: 'liquidity',
          strategy: 'liquidity',
          role: 'liquidity',
          params: { depthMwPerEur: 20, levels: 20, horizonHours: 10 },
        },
        {
          id: 'heuristic',
          strategy: 'heuristic-battery',
          asset: { type: 'battery', powerMw: 5, energyMwh: 10 },
        },
        { id: 'learner', strategy: 'idle', asset: { type: 'battery', powerMw: 5, energyMwh: 10 } },
      ],
    },
    learner: 'learner',
  });
  const t0 = performance.now();
  let ts = await env.reset();
  const tReset = performance.now() - t0;
  let n = 0;
  while (ts.stepType !== StepType.LAST) {
    ts = await env.step(n % 8 < 4 ? 0.5 : -0.5);
    n++;
  }
  const ms = performance.now() - t0;
  log('full-market env: learner steps/s (one day incl. reset)', ((n * 1000) / ms).toFixed(1));
  log(
    'full-market env: decision points/s (all agents answered)',
    ((env.multi.decisionPoints * 1000) / ms).toFixed(1),
  );
  log('full-market env: reset (world + simulation) ms', tReset.toFixed(0));
}

await initTf('wasm');

// 2a. TD3 update vs the same update on tensors made once.
{
  const td3 = new Td3(20, 1, { startSteps: 0, trainEvery: 1_000_000, batchSize: 128 });
  const env = new BatteryEnv({ difficulty: 'noise' });
  let ts = env.reset();
  for (let i = 0; i < 2000; i++) {
    if (ts.stepType === StepType.LAST) ts = env.reset();
    const o = ts.observation;
    const a = td3.explore(o);
    ts = env.step(a);
    td3.observe(o, a, ts.reward, ts.discount, ts.observation);
  }
  const timeIt = (f: () => void) => {
    for (let i = 0; i < 20; i++) f();
    let n = 0;
    const t0 = performance.now();
    while (performance.now() - t0 < (SECONDS * 1000) / 2) {
      f();
      n++;
    }
    return (n * 1000) / (performance.now() - t0);
  };
  // The bare loop: the same networks and ops, fixed tensors, no replay, no actor copy.
  const actor = buildMlp({ inputs: 20, hidden: [64, 64], outputs: 1, output: 'tanh' }, 1);
  const actorT = buildMlp({ inputs: 20, hidden: [64, 64], outputs: 1, output: 'tanh' }, 1);
  const cs = [1, 2, 3, 4].map((k) =>
    buildMlp({ inputs: 21, hidden: [64, 64], outputs: 1, output: 'linear' }, k),
  );
  const [c1, c2, c1t, c2t] = cs as [tf.Sequential, tf.Sequential, tf.Sequential, tf.Sequential];
  const aOpt = tf.train.adam(1e-3);
  const cOpt = tf.train.adam(1e-3);
  const n = 128;
  const s = tf.randomNormal([n, 20]);
  const a = tf.randomUniform([n, 1], -1, 1);
  const r = tf.randomNormal([n, 1]);
  const d = tf.ones([n, 1]);
  const s2 = tf.randomNormal([n, 20]);
  let k = 0;
  const bare = () => {
    tf.tidy(() => {
      const noise = tf.randomNormal([n, 1], 0, 0.2).clipByValue(-0.5, 0.5);
      const a2 = (actorT.apply(s2) as tf.Tensor).add(noise).clipByValue(-1, 1);
      const sa2 = tf.concat([s2, a2], 1);
      const y = r.add(d.mul(0.99).mul(tf.minimum(c1t.apply(sa2) as tf.Tensor, c2t.apply(sa2) as tf.Tensor)));
      const sa = tf.concat([s, a], 1);
      cOpt.minimize(
        () =>
          tf.losses
            .meanSquaredError(y, c1.apply(sa) as tf.Tensor)
            .add(tf.losses.meanSquaredError(y, c2.apply(sa) as tf.Tensor)) as tf.Scalar,
        false,
        variablesOf(c1, c2),
      );
      if (k % 2 === 0)
        aOpt.minimize(
          () =>
            (c1.apply(tf.concat([s, actor.apply(s) as tf.Tensor], 1)) as tf.Tensor).mean().neg() as tf.Scalar,
          false,
          variablesOf(actor),
        );
    });
    if (k++ % 2 === 0) {
      softUpdate(actorT, actor, 0.005);
      softUpdate(c1t, c1, 0.005);
      softUpdate(c2t, c2, 0.005);
    }
  };
  const bareRate = timeIt(bare);
  const ourRate = timeIt(() => td3.update());
  log('TD3 gradient steps/s: trainer (batch 128, [64, 64])', ourRate.toFixed(1));
  log(
    'TD3 gradient steps/s: bare tfjs-wasm loop, same networks and ops, tensors made once',
    bareRate.toFixed(1),
  );
  log('TD3 trainer / bare loop', `${(ourRate / bareRate).toFixed(2)}×`);
}

// 2b. Behaviour cloning (supervised) vs a bare minimize loop of the same MLP.
{
  const env = new BatteryEnv({ difficulty: 'noise' });
  const episodes = 20;
  const epochs = 5;
  const t0 = performance.now();
  const bc = await behaviourCloning(env, forecastHeuristic, episodes, { epochs, batchSize: 256 });
  const ourSamples = (bc.samples * epochs * 1000) / (performance.now() - t0);
  const model = buildMlp({ inputs: 20, hidden: [64, 64], outputs: 1, output: 'tanh' }, 1);
  const opt = tf.train.adam(1e-3);
  const X = tf.randomNormal([bc.samples, 20]);
  const Y = tf.randomUniform([bc.samples, 1], -1, 1);
  const t1 = performance.now();
  for (let e = 0; e < epochs; e++)
    for (let start = 0; start < bc.samples; start += 256) {
      const size = Math.min(256, bc.samples - start);
      tf.tidy(() => {
        const x = X.slice([start, 0], [size, 20]);
        const y = Y.slice([start, 0], [size, 1]);
        opt.minimize(
          () => tf.losses.meanSquaredError(y, model.apply(x) as tf.Tensor) as tf.Scalar,
          false,
          variablesOf(model),
        );
      });
    }
  const bareSamples = (bc.samples * epochs * 1000) / (performance.now() - t1);
  log(
    'behaviour cloning samples/s: trainer (collection + shuffling + evaluation included)',
    ourSamples.toFixed(0),
  );
  log('behaviour cloning samples/s: bare minimize loop, same MLP, batch 256', bareSamples.toFixed(0));
  log('behaviour cloning trainer / bare loop', `${(ourSamples / bareSamples).toFixed(2)}×`);
}

// 3. TD3 environment steps per hour including updates.
{
  const env = new BatteryEnv({ difficulty: 'noise', generation: { peakMw: 0 }, allowImport: true });
  const td3 = new Td3(20, 1, { startSteps: 500 });
  let ts = env.reset();
  for (let i = 0; i < 1000; i++) {
    if (ts.stepType === StepType.LAST) ts = env.reset();
    const o = ts.observation;
    const a = td3.explore(o);
    ts = env.step(a);
    td3.observe(o, a, ts.reward, ts.discount, ts.observation);
  }
  const steps0 = td3.envSteps;
  const updates0 = td3.updates;
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  while (performance.now() - t0 < SECONDS * 3000) {
    if (ts.stepType === StepType.LAST) ts = env.reset();
    const o = ts.observation;
    const a = td3.explore(o);
    ts = env.step(a);
    td3.observe(o, a, ts.reward, ts.discount, ts.observation);
  }
  const h = (performance.now() - t0) / 3.6e6;
  log(
    'TD3 env steps/hour incl. updates (1 gradient step per 4 env steps)',
    ((td3.envSteps - steps0) / h).toFixed(0),
  );
  log('TD3 gradient steps/hour', ((td3.updates - updates0) / h).toFixed(0));
  const cpu = process.cpuUsage(cpu0);
  log(
    'TD3 env steps per CPU-hour incl. updates',
    (((td3.envSteps - steps0) * 3.6e9) / (cpu.user + cpu.system)).toFixed(0),
  );
}
console.log(JSON.stringify(out));
