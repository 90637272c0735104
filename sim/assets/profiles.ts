// Synthetic, deterministic exogenous profiles for the asset twins. Randomness only through an
// injected stream (lib/random.ts RandomStream fits), so a seed reproduces a profile.

/** The random stream the twins accept: uniform in [0, 1) and standard normal. */
export interface RandomSource {
  next(): number;
  normal(): number;
}

export interface GenerationProfileOptions {
  /** Number of steps. */
  steps: number;
  /** Step length in hours (seed 002: 5 min = 1/12 h; the arena default is 0.25 h). */
  stepHours: number;
  /** Peak of the clean cosine, MW. */
  peakMw: number;
  /** Hour of the day of the peak (default 12). */
  peakHour?: number;
  /** Uniform noise amplitude per step as a fraction of peakMw (default 0: no noise). */
  noise?: number;
  /** Spike amplitude as a fraction of peakMw (default 0: no spikes). */
  spike?: number;
  /** Mean steps between spikes (default 12). */
  spikeEvery?: number;
  /** ± steps of uniform jitter on each spike's position (default 2). */
  spikeJitter?: number;
  /** Hard upper bound (installed capacity), MW (default peakMw × (1 + noise + spike)). */
  capMw?: number;
}

/**
 * Seed 002 §3.1: a cosine clipped at zero (no production at night) scaled to the plant, plus
 * optional uniform noise at every step and occasional larger uniform spikes whose spacing has a
 * position noise. Output is ≥ 0 and ≤ capMw. Without noise and spikes no random draw is made.
 */
export function syntheticGenerationMw(opts: GenerationProfileOptions, rng?: RandomSource): number[] {
  const peakHour = opts.peakHour ?? 12;
  const noise = opts.noise ?? 0;
  const spike = opts.spike ?? 0;
  const every = Math.max(1, Math.round(opts.spikeEvery ?? 12));
  const jitter = Math.max(0, Math.round(opts.spikeJitter ?? 2));
  const cap = opts.capMw ?? opts.peakMw * (1 + noise + spike);
  if ((noise > 0 || spike > 0) && !rng) throw new Error('syntheticGenerationMw: noise or spikes need an rng');
  const out: number[] = [];
  let nextSpike = every;
  for (let t = 0; t < opts.steps; t++) {
    const hour = (t + 0.5) * opts.stepHours;
    // Period 24 h, width such that production runs from peakHour − 6 h to peakHour + 6 h.
    const clean = Math.max(0, Math.cos(((hour - peakHour) / 12) * Math.PI)) * opts.peakMw;
    let g = clean;
    if (noise > 0) g += (rng!.next() * 2 - 1) * noise * opts.peakMw;
    if (spike > 0 && t === nextSpike) {
      g += (rng!.next() * 2 - 1) * spike * opts.peakMw;
      nextSpike = t + every + (jitter > 0 ? Math.floor(rng!.next() * (2 * jitter + 1)) - jitter : 0);
      if (nextSpike <= t) nextSpike = t + 1;
    }
    // Night stays dark: noise never creates production where the clean curve is zero.
    out.push(clean === 0 ? 0 : Math.min(cap, Math.max(0, g)));
  }
  return out;
}

export interface HouseholdProfileOptions {
  steps: number;
  stepHours: number;
  /** PV peak, MW (a 5 kWp roof is 0.005). */
  pvPeakMw: number;
  /** Mean load, MW. */
  loadMeanMw: number;
  /** Relative standard deviation of the load noise (default 0.3). */
  loadNoise?: number;
  /** Relative standard deviation of a day-wide cloudiness factor on PV (default 0.2). */
  cloudiness?: number;
}

/**
 * A household's PV and load for one day: PV is the clipped cosine scaled by a day-wide cloud
 * factor; load has a morning and an evening bump plus Gaussian noise, floored at 10 % of its mean.
 */
export function syntheticHousehold(
  opts: HouseholdProfileOptions,
  rng: RandomSource,
): { pvMw: number[]; loadMw: number[] } {
  const cloud = Math.min(1.2, Math.max(0.1, 1 + (opts.cloudiness ?? 0.2) * rng.normal()));
  const pvMw = syntheticGenerationMw({
    steps: opts.steps,
    stepHours: opts.stepHours,
    peakMw: opts.pvPeakMw * cloud,
  });
  const loadMw: number[] = [];
  const sd = opts.loadNoise ?? 0.3;
  for (let t = 0; t < opts.steps; t++) {
    const hour = (t + 0.5) * opts.stepHours;
    const shape =
      0.7 + 0.6 * Math.exp(-(((hour - 7.5) / 1.5) ** 2)) + 0.9 * Math.exp(-(((hour - 19) / 2) ** 2));
    const l = opts.loadMeanMw * shape * (1 + sd * rng.normal());
    loadMw.push(Math.max(0.1 * opts.loadMeanMw, l));
  }
  return { pvMw, loadMw };
}
