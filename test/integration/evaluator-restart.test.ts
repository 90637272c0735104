// The evaluation service as its own process on a real nats-server, fed by a real arena run: one
// evaluator is killed (SIGKILL) in the middle of the run and started again; another runs through.
// The restarted one loses no record and counts none twice: its scores equal the uninterrupted
// evaluator's and those computed from the run folder's files, and it serves them over HTTP.
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { BIN, demoConfig, stopAll, tempDir, waitForOutput, writeConfig } from '../helpers/arena-process.js';
import { NatsServerProcess, stopAllNatsServers } from '../helpers/nats-server-process.js';

interface Evaluator {
  child: ChildProcess;
  url: string;
  stderr: () => string;
  exited: Promise<number | null>;
}

const evaluators = new Set<ChildProcess>();

async function startEvaluator(args: string[]): Promise<Evaluator> {
  const child = spawn(
    process.execPath,
    [BIN, 'evaluate', '--http-port', '0', '--ack-wait-ms', '1500', ...args],
    {
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  evaluators.add(child);
  let err = '';
  child.stderr!.on('data', (d) => (err += d));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  exited.then(() => evaluators.delete(child));
  const line = await waitForOutput(child, /FLEXARENA_EVALUATOR_LISTENING (\S+)/, 60_000);
  return { child, url: line.split(' ')[1]!, stderr: () => err, exited };
}

async function getJson<T>(url: string): Promise<T> {
  const res = await fetch(url);
  if (!res.ok) throw new Error(`${url}: HTTP ${res.status}`);
  return (await res.json()) as T;
}

interface RunStatus {
  runId: string;
  records: number;
  complete: boolean;
}

async function until<T>(
  what: string,
  f: () => Promise<T | undefined>,
  timeoutMs: number,
  everyMs = 25,
): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await f().catch(() => undefined);
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

/** scores.json without the one figure that legitimately differs: how many repeats were seen. */
function comparable(path: string): unknown {
  const s = JSON.parse(readFileSync(path, 'utf8'));
  delete s.duplicates;
  return s;
}

afterAll(async () => {
  for (const c of evaluators) c.kill('SIGKILL');
  await stopAll();
  await stopAllNatsServers();
});

describe('evaluator process', () => {
  it('restarted mid-run, scores equal an uninterrupted evaluator and the run folder: nothing lost, nothing twice', async () => {
    const nats = await NatsServerProcess.start();
    const dir = tempDir('flexarena-evaluator-');
    const runsA = join(dir, 'eval-a');
    const runsB = join(dir, 'eval-b');
    const argsA = ['--nats', nats.url, '--runs-dir', runsA, '--durable', 'eval-a'];
    let a = await startEvaluator(argsA);
    const b = await startEvaluator(['--nats', nats.url, '--runs-dir', runsB, '--durable', 'eval-b']);
    // C cannot write the run's scores: a file stands where the run's folder would go.
    const runsC = join(dir, 'eval-c');
    mkdirSync(runsC);
    writeFileSync(join(runsC, 'evaluator-restart-1'), 'in the way');
    const argsC = [
      '--nats',
      nats.url,
      '--runs-dir',
      runsC,
      '--state-dir',
      join(dir, 'state-c'),
      '--durable',
      'eval-c',
    ];
    let c = await startEvaluator(argsC);

    const cfg = demoConfig({ nats: { url: nats.url }, outDir: join(dir, 'runs') });
    // All agents in process: no gateway and no listening line, so the run id is given.
    const arena = { runId: 'evaluator-restart-1', runDir: join(dir, 'runs', 'evaluator-restart-1') };
    const child = spawn(
      process.execPath,
      [BIN, 'run', writeConfig(dir, cfg), '--in-process', '--run-id', arena.runId],
      { stdio: ['ignore', 'ignore', 'pipe'] },
    );
    evaluators.add(child);
    let arenaErr = '';
    child.stderr!.on('data', (d) => (arenaErr += d));
    let arenaDone = false;
    const arenaExit = new Promise<{ code: number | null; stderr: string }>((resolve) =>
      child.on('exit', (code) => {
        arenaDone = true;
        resolve({ code, stderr: arenaErr });
      }),
    );
    const expected = 3 * 96;

    // Kill evaluator A once it has scored part of the run, while the arena is still settling.
    const atKill = await until(
      'evaluator A to have part of the run',
      async () => {
        const runs = await getJson<RunStatus[]>(`${a.url}/runs`);
        const r = runs.find((x) => x.runId === arena.runId);
        return r && r.records >= 20 ? r.records : undefined;
      },
      120_000,
    );
    a.child.kill('SIGKILL');
    await a.exited;
    expect(arenaDone).toBe(false);
    expect(atKill).toBeLessThan(expected);

    a = await startEvaluator(argsA);
    expect(a.stderr()).toMatch(/replayed \d+ journalled messages of 1 run/);
    const r = await arenaExit;
    expect(r.code, r.stderr).toBe(0);

    const status = await until(
      'both evaluators to finish the run',
      async () => {
        const [ra, rb] = await Promise.all([
          getJson<RunStatus[]>(`${a.url}/runs`),
          getJson<RunStatus[]>(`${b.url}/runs`),
        ]);
        const sa = ra.find((x) => x.runId === arena.runId);
        const sb = rb.find((x) => x.runId === arena.runId);
        return sa?.complete && sb?.complete ? { sa, sb } : undefined;
      },
      120_000,
      200,
    );
    expect(status.sa.records).toBe(expected);
    expect(status.sb.records).toBe(expected);

    const fileA = join(runsA, arena.runId, 'scores.json');
    const fileB = join(runsB, arena.runId, 'scores.json');
    await until(
      'scores.json of both',
      async () => (existsSync(fileA) && existsSync(fileB) ? true : undefined),
      30_000,
    );
    // The same figures from the run folder's own files (settlements.jsonl, manifest, end).
    const offline = spawn(process.execPath, [BIN, 'evaluate', '--run-dir', arena.runDir], {
      stdio: 'ignore',
    });
    expect(await new Promise((res) => offline.on('exit', res))).toBe(0);

    const scoresA = comparable(fileA) as { complete: boolean; records: number; agents: { pop: unknown }[] };
    expect(scoresA.complete).toBe(true);
    expect(scoresA.records).toBe(expected);
    expect(scoresA).toEqual(comparable(fileB));
    expect(scoresA).toEqual(comparable(join(arena.runDir, 'scores.json')));
    // The battery agents have their perfect-foresight figures.
    expect(scoresA.agents.filter((x) => x.pop !== null)).toHaveLength(2);
    // And the endpoint serves the final scores.
    const served = await getJson<Record<string, unknown>>(`${a.url}/runs/${arena.runId}`);
    delete served.duplicates;
    expect(served).toEqual(scoresA);
    // Records match results.json exactly, per agent.
    const results = JSON.parse(readFileSync(join(arena.runDir, 'results.json'), 'utf8')) as {
      agents: { agentId: string; profitCashUnits: number }[];
    };
    const byAgent = new Map(
      (scoresA as unknown as { agents: { agentId: string; profitCashUnits: number }[] }).agents.map((x) => [
        x.agentId,
        x.profitCashUnits,
      ]),
    );
    for (const ag of results.agents) expect(byAgent.get(ag.agentId)).toBe(ag.profitCashUnits);

    // C scored every record and serves the scores, and says why scores.json is missing; the run's
    // last message was not refused as unscorable (it was: its messages were terminated, and its
    // scores.json never written). Started again with the way clear, it writes them.
    const sc = await until(
      'evaluator C to finish the run',
      async () => {
        const r = (await getJson<RunStatus[]>(`${c.url}/runs`)).find((x) => x.runId === arena.runId);
        return r?.complete ? r : undefined;
      },
      120_000,
      200,
    );
    expect(sc.records).toBe(expected);
    await until('C to say it', async () => (/cannot be written/.test(c.stderr()) ? true : undefined), 10_000);
    expect(c.stderr()).toContain(
      `evaluator: run ${arena.runId} is complete but its scores cannot be written to ${join(runsC, arena.runId)} (--runs-dir)`,
    );
    expect(c.stderr()).not.toMatch(/rejected/);
    const servedC = await getJson<Record<string, unknown>>(`${c.url}/runs/${arena.runId}`);
    delete servedC.duplicates;
    expect(servedC).toEqual(scoresA);
    c.child.kill('SIGTERM');
    await c.exited;
    rmSync(join(runsC, arena.runId));
    c = await startEvaluator(argsC);
    const fileC = join(runsC, arena.runId, 'scores.json');
    await until('C to write scores.json', async () => (existsSync(fileC) ? true : undefined), 30_000);
    expect(comparable(fileC)).toEqual(scoresA);
  }, 300_000);
});
