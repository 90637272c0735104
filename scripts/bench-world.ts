// `npm run bench:world`: scenario generation for a year at 15-minute resolution, and steps per
// second of each asset twin. Writes both sections of BENCHMARKS.md.
import { cpus } from 'node:os';
import { benchEvFleet } from './bench/ev-fleet.js';
import { benchTwins } from './bench/twins.js';
import { benchWorldYear } from './bench/world-year.js';
import { writeBenchmarkSection } from './benchmarks-file.js';

const machine = `${cpus().length} cores (${cpus()[0]?.model ?? 'unknown CPU'}), Node ${process.versions.node}`;
const date = new Date().toISOString().slice(0, 10);

const w = benchWorldYear(5);
const world = `## Scenario generation (\`npm run bench:world\`)

A full year of the world model at 15-minute resolution — demand, wind, solar, merit-order prices,
system imbalance — plus every hourly forecast issue read back, as the arena does. ${date}, ${machine}.

| figure | value |
|---|---|
| steps | ${w.steps} |
| forecast issues / points read | ${w.forecastIssues} / ${w.forecastPoints} |
| wall time, median of ${w.runs} | ${w.medianMs.toFixed(0)} ms |
| min / max | ${w.minMs.toFixed(0)} / ${w.maxMs.toFixed(0)} ms |
| steps per second (median) | ${Math.round(w.steps / (w.medianMs / 1000))} |`;
writeBenchmarkSection('world', world);
process.stdout.write(`${world}\n\n`);

const twins = [...benchTwins(), benchEvFleet()];
const twinBody = `## Asset twins (\`npm run bench:world\`)

Steps per second of each twin, one 15-minute period per step (EV fleet: three 5-minute control
periods per step, 500 cars with stochastic rentals). ${date}, ${machine}.

| twin | steps per second |
|---|---|
${twins.map((t) => `| ${t.name.replaceAll('|', '\\|')} | ${Math.round(t.stepsPerSecond).toLocaleString('en-US')} |`).join('\n')}`;
writeBenchmarkSection('twins', twinBody);
process.stdout.write(`${twinBody}\n`);
