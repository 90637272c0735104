// What a replay of a long run costs: `flexarena dashboard <run-folder>` started as the operator
// starts it, its resident memory (VmRSS) once the run is loaded, the bytes a page receives for
// a seek (everything on the run's and the player's subjects between the seek and a second of
// quiet, by subject kind), and the memory after seeking to the end.
//   node scripts/bench/bundled.mjs scripts/bench/replay-seek.ts <run-folder> [seek fractions…]
// Fractions of the run (default 0.5 1): 1 is the end.
import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { connect } from '@nats-io/transport-node';
import { PROJECT_ROOT } from '../../lib/index.js';

const [runDir, ...fractionArgs] = process.argv.slice(2);
if (!runDir) throw new Error('usage: replay-seek.ts <run-folder> [seek fractions…]');
const fractions = fractionArgs.length ? fractionArgs.map(Number) : [0.5, 1];

const rssMb = (pid: number) => {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) / 1024 : Number.NaN;
};

const t0 = Date.now();
const child: ChildProcess = spawn(
  process.execPath,
  [join(PROJECT_ROOT, 'bin', 'flexarena.mjs'), 'dashboard', runDir, '--speed', '900'],
  { stdio: ['ignore', 'pipe', 'inherit'] },
);
const line = await new Promise<string>((resolve, reject) => {
  let out = '';
  child.stdout!.on('data', (b: Buffer) => {
    out += b.toString();
    const m = /FLEXARENA_DASHBOARD .*\n/.exec(out);
    if (m) resolve(m[0]);
  });
  child.once('exit', (code) => reject(new Error(`the dashboard ended (${code}) before it served`)));
});
const [, , runId, natsUrl] = line.trim().split(' ');
process.stdout.write(
  `loaded in ${((Date.now() - t0) / 1000).toFixed(1)} s; rss ${rssMb(child.pid!).toFixed(0)} MB\n`,
);

const nc = await connect({ servers: natsUrl!, maxPingOut: 100 });
let bytes = 0;
let messages = 0;
let last = Date.now();
const byKind = new Map<string, number>();
for (const subject of [`flexarena.${runId}.>`, `flexarena-replay.${runId}.>`])
  nc.subscribe(subject, {
    callback: (_e, m) => {
      if (m.subject.endsWith('.state')) return;
      const n = m.subject.length + m.data.length;
      bytes += n;
      messages++;
      last = Date.now();
      const parts = m.subject.split('.');
      const kind = parts[0] === 'flexarena-replay' ? parts.slice(2).join('.') : parts.at(-1)!;
      byKind.set(kind, (byKind.get(kind) ?? 0) + n);
    },
  });
await nc.flush();
const state = (
  await nc.request(`flexarena-replay.${runId}.control`, JSON.stringify({ action: 'pause' }), {
    timeout: 60_000,
  })
).json() as { state: { startMs: number; endMs: number } };
const { startMs, endMs } = state.state;
for (const f of fractions) {
  const positionMs = Math.round(startMs + f * (endMs - startMs));
  bytes = 0;
  messages = 0;
  byKind.clear();
  const s0 = Date.now();
  last = s0;
  await nc.request(`flexarena-replay.${runId}.control`, JSON.stringify({ action: 'seek', positionMs }), {
    timeout: 60_000,
  });
  while (Date.now() - last < 1_000) await new Promise((r) => setTimeout(r, 100));
  const kinds = [...byKind].sort((a, b) => b[1] - a[1]).map(([k, n]) => `${k} ${(n / 1e6).toFixed(2)}`);
  process.stdout.write(
    `seek to ${new Date(positionMs).toISOString()} (${f}): ${(bytes / 1e6).toFixed(2)} MB in ${messages} messages, ` +
      `${((last - s0) / 1000).toFixed(1)} s; rss ${rssMb(child.pid!).toFixed(0)} MB; MB by kind: ${kinds.slice(0, 6).join(', ')}\n`,
  );
}
await nc.close();
child.kill('SIGINT');
await new Promise((r) => child.once('exit', r));
