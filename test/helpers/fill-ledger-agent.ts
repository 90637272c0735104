// A test agent process (TypeScript SDK) that trades aggressively against the liquidity provider and
// keeps a ledger of every fill and every ack it processed, so a test can kill it, restart it and
// check that each fill of the tape, and the ack of each of its batches, reached it exactly once.
// Its state file is replaced atomically (write, rename) each time the SDK reports a message as
// processed, and holds the last processed report_seq: a restarted process resumes from it.
//
//   node --import tsx test/helpers/fill-ledger-agent.ts --arena host:port --token T --state f.json
//     [--drops 30:before-decide,60:after-ack --drop-pause-ms 200] [--wait-for-go] [--think-ms 25]
//     [--slow 20-30:300] [--block 20-20:900,60-60:900] [--no-conflate]
//
// With --wait-for-go the process loads and then waits for a line "go" on stdin before it reads its
// state file and connects: a test can start the replacement of a process it is about to kill, so
// that the restart itself does not depend on how long a loaded machine takes to start Node.
//
// The decisions depend only on the wake-up's content, so two runs of the same seed give the same
// tape. With --drops the process closes its stream once at each listed wake-up (before deciding
// it, or when the ack of its answer arrives) and reopens it after the pause, stating its last
// processed report_seq: a reconnect within the deadline.
//
// With --slow FROM-TO:MS it takes MS to decide each wake-up with a wake_id from FROM to TO: with a
// shorter deadline it falls behind. The SDK then skips to the newest wake-up it has (conflation),
// and in lock-step does not send an answer a newer wake-up overtook while it was decided; with
// --no-conflate it answers the wake-ups that piled up meanwhile, each one stale by then — a flood,
// as the arena's rate limit sees it, from an agent that meant no harm.
//
// With --die-after FILE, when FILE holds a wake id N, the process kills itself (SIGKILL) 300 ms after
// it answered wake N, first renaming FILE to FILE.died: launched by a run with a restart policy and
// N the run's last wake-up, it dies after the last decision point. The process started after it
// (FILE.died is there) connects only 1 s after the run wrote its run-end.json (in the run folder
// above its --state file), so that it comes back for its final report, after the run.
//
// With --answer-after-death FILE, when FILE holds a wake id N, the process answers wake N only once
// FILE.died is there and 100 ms more: beside an agent launched with --die-after FILE, it holds the
// run's last decision point open until that agent has died, so that an unpaced run ends right after
// the death (within the arena's restart delay), and after the arena saw the dying agent's stream close.
//
// With --die-on-end FILE, when FILE is there, the process kills itself (SIGKILL) as its RunEnded
// arrives, before it processed it (nothing of it stored, its side of the stream not closed), first
// renaming FILE to FILE.died: the arena has written the final report into a stream whose process is
// gone. The process started after it connects at once (the run is over by then).
//
// With --exit-at N the process exits (code 3) as it is woken for wake N, before it answers: an agent
// that crashes during the run, at a point that does not depend on timing.
//
// With --block FROM-TO:MS (a comma-separated list) deciding each wake-up with a wake_id from FROM to TO holds the whole
// process for MS (a synchronous solve, a long GC pause): the event loop does not turn, so what the
// arena sends meanwhile stays unread in the socket until decide() returns.
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { parseArgs } from 'node:util';
import { status } from '@grpc/grpc-js';
import {
  type Action,
  type ActionAck,
  cancel,
  type RunEnded,
  runAgent,
  SessionError,
  type Strategy,
  submit,
  type WakeUp,
} from '../../agents/sdk/index.js';
import type { Position } from '../../gen/flexarena/v1/market.js';

export interface FillLedgerState {
  lastReportSeq: number;
  /** Trade ids of every fill processed, in processing order (a trade id twice would be a duplicate). */
  fills: number[];
  /** The wake_id of every ack processed that reported a batch (report_seq > 0), in processing order. */
  acked: number[];
  wakeUps: number;
  /** The wake_id of every wake-up decided, in the order decided (over all streams: ascending). */
  woken?: number[];
  /** Of `woken`: those decided with no action (an empty answer leaves no batch on the tape). */
  decidedEmpty?: number[];
  /** Positions of the last wake-up (or of the run's final report) processed. */
  positions: Position[];
  sessions: number;
  ended?: { reason: string; profitEur: number | undefined; finalReportFills: number };
}

const { values: args } = parseArgs({
  options: {
    arena: { type: 'string' },
    token: { type: 'string' },
    state: { type: 'string' },
    drops: { type: 'string', default: '' },
    'drop-pause-ms': { type: 'string', default: '200' },
    'wait-for-go': { type: 'boolean', default: false },
    /** Time spent deciding each wake-up, so that a fast machine does not outrun a test's kills. */
    'think-ms': { type: 'string', default: '0' },
    slow: { type: 'string', default: '' },
    block: { type: 'string', default: '' },
    /** Decide and answer every wake-up (ConnectOptions.conflate false). */
    'no-conflate': { type: 'boolean', default: false },
    'die-after': { type: 'string' },
    'answer-after-death': { type: 'string' },
    'die-on-end': { type: 'string' },
    'exit-at': { type: 'string' },
  },
});
if (!args.arena || !args.token || !args.state) throw new Error('--arena, --token and --state are required');
const statePath = args.state;
type DropWhen = 'before-decide' | 'after-ack';
/** wake id → when to drop the stream (each once). */
const drops = new Map<number, DropWhen>(
  args
    .drops!.split(',')
    .filter((d) => d !== '')
    .map((d) => {
      const [wake, when] = d.split(':');
      if (when !== 'before-decide' && when !== 'after-ack') throw new Error(`--drops: bad entry ${d}`);
      return [Number(wake), when];
    }),
);
const dropPauseMs = Number(args['drop-pause-ms']);
const thinkMs = Number(args['think-ms']);
const slow = /^(\d+)-(\d+):(\d+)$/.exec(args.slow!);
if (args.slow !== '' && !slow) throw new Error(`--slow: ${args.slow} is not FROM-TO:MS`);
/** How long deciding wake-up `wakeId` takes. */
const thinkFor = (wakeId: number) =>
  slow && wakeId >= Number(slow[1]) && wakeId <= Number(slow[2]) ? Number(slow[3]) : thinkMs;
/** --block FROM-TO:MS[,FROM-TO:MS…] as [from, to, ms]. */
const blocks = args
  .block!.split(',')
  .filter((b) => b !== '')
  .map((b) => {
    const m = /^(\d+)-(\d+):(\d+)$/.exec(b);
    if (!m) throw new Error(`--block: ${b} is not FROM-TO:MS`);
    return [Number(m[1]), Number(m[2]), Number(m[3])] as const;
  });
/** How long deciding wake-up `wakeId` holds the event loop. */
const blockFor = (wakeId: number) => blocks.find(([from, to]) => wakeId >= from && wakeId <= to)?.[2] ?? 0;

const dieAfterFile = args['die-after'];
/** The wake id after whose answer this process dies (--die-after), if it is to die. */
const dieAfterWake =
  dieAfterFile !== undefined && existsSync(dieAfterFile)
    ? Number(readFileSync(dieAfterFile, 'utf8'))
    : undefined;

const afterDeathFile = args['answer-after-death'];
/** The wake id whose answer waits for the other agent's death (--answer-after-death), if any. */
const afterDeathWake =
  afterDeathFile !== undefined && existsSync(afterDeathFile)
    ? Number(readFileSync(afterDeathFile, 'utf8'))
    : undefined;

function load(): FillLedgerState {
  if (!existsSync(statePath))
    return { lastReportSeq: 0, fills: [], acked: [], wakeUps: 0, positions: [], sessions: 0 };
  return JSON.parse(readFileSync(statePath, 'utf8')) as FillLedgerState;
}

let state: FillLedgerState;

function persist(): void {
  writeFileSync(`${statePath}.tmp`, JSON.stringify(state));
  renameSync(`${statePath}.tmp`, statePath);
}

/** Thrown from inside a handler: the SDK cancels the call, which is the drop we want. */
class DropStream extends Error {}

class FillLedgerStrategy implements Strategy {
  readonly name = 'fill-ledger';
  async decide(wake: WakeUp): Promise<Action[]> {
    if (args['exit-at'] !== undefined && wake.wakeId === Number(args['exit-at'])) {
      process.stdout.write(`exiting at wake ${wake.wakeId}\n`);
      process.exit(3);
    }
    const think = thinkFor(wake.wakeId);
    if (think > 0) await new Promise((r) => setTimeout(r, think));
    const hold = blockFor(wake.wakeId);
    // Asleep without returning to the event loop: no socket is read meanwhile.
    if (hold > 0) Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, hold);
    if (wake.wakeId === afterDeathWake) {
      while (!existsSync(`${afterDeathFile}.died`)) await new Promise((r) => setTimeout(r, 10));
      await new Promise((r) => setTimeout(r, 100));
    }
    if (drops.get(wake.wakeId) === 'before-decide') {
      drops.delete(wake.wakeId);
      throw new DropStream(`drop before deciding wake ${wake.wakeId}`);
    }
    for (const f of wake.fills) state.fills.push(f.tradeId);
    state.wakeUps++;
    state.woken ??= [];
    state.woken.push(wake.wakeId);
    state.positions = wake.positions;
    process.stdout.write(`wake ${wake.wakeId} seq ${wake.reportSeq} fills ${wake.fills.length}\n`);
    const actions = this.actions(wake);
    if (wake.wakeId === dieAfterWake) {
      // Once the answer is on its way (the SDK sends it after decide() returns).
      setTimeout(() => {
        renameSync(dieAfterFile!, `${dieAfterFile}.died`);
        process.stdout.write(`dying after wake ${wake.wakeId}\n`);
        process.kill(process.pid, 'SIGKILL');
      }, 300);
    }
    if (actions.length === 0) {
      state.decidedEmpty ??= [];
      state.decidedEmpty.push(wake.wakeId);
    }
    return actions;
  }

  onAck(ack: ActionAck): void {
    if (drops.get(ack.wakeId) === 'after-ack') {
      drops.delete(ack.wakeId);
      throw new DropStream(`drop on the ack of wake ${ack.wakeId}`);
    }
    // Stored with the ack's report_seq when the SDK marks it processed (right after this returns).
    if (ack.reportSeq > 0) state.acked.push(ack.wakeId);
  }

  onEnd(ended: RunEnded): void {
    const dieOnEnd = args['die-on-end'];
    if (dieOnEnd !== undefined && existsSync(dieOnEnd)) {
      renameSync(dieOnEnd, `${dieOnEnd}.died`);
      process.stdout.write(`dying on the run's end (${ended.reason})\n`);
      process.kill(process.pid, 'SIGKILL');
    }
    const last = ended.finalReport;
    for (const f of last?.fills ?? []) state.fills.push(f.tradeId);
    if (last) state.positions = last.positions;
    state.ended = {
      reason: ended.reason,
      profitEur: ended.result?.profitEur,
      finalReportFills: last?.fills.length ?? 0,
    };
    persist();
    process.stdout.write(`ended ${ended.reason}\n`);
  }

  /**
   * Cancel what rests, then on up to three books: take the best ask and the best bid (immediate
   * fills against the liquidity provider) and rest one lot just inside the spread (filled later,
   * when the provider's ladder moves through it).
   */
  private actions(wake: WakeUp): Action[] {
    const out: Action[] = wake.openOrders.map((o) => cancel(o.orderId, `c${o.orderId}`));
    const books = wake.books.filter((b) => b.bids.length > 0 && b.asks.length > 0);
    const start = books.length > 0 ? wake.wakeId % books.length : 0;
    for (let k = 0; k < Math.min(3, books.length); k++) {
      const b = books[(start + k) % books.length]!;
      const bid = b.bids[0]!.priceTicks;
      const ask = b.asks[0]!.priceTicks;
      const lots = 1 + ((wake.wakeId + k) % 3);
      out.push(
        submit({ productId: b.productId, side: 'buy', priceTicks: ask, quantityLots: lots, tif: 'IOC' }),
        submit({ productId: b.productId, side: 'sell', priceTicks: bid, quantityLots: lots, tif: 'IOC' }),
      );
      if (ask - bid > 2)
        out.push(
          submit({
            productId: b.productId,
            side: (wake.wakeId + k) % 2 === 0 ? 'buy' : 'sell',
            priceTicks: (wake.wakeId + k) % 2 === 0 ? bid + 1 : ask - 1,
            quantityLots: 1,
          }),
        );
    }
    return out;
  }
}

const strategy = new FillLedgerStrategy();

function go(): Promise<void> {
  return new Promise((resolve) => {
    let buf = '';
    process.stdin.on('data', (d: Buffer) => {
      buf += d.toString();
      if (buf.includes('go\n')) {
        process.stdin.pause();
        resolve();
      }
    });
  });
}

async function main(): Promise<void> {
  if (args['wait-for-go']) {
    process.stdout.write('ready\n');
    await go();
  }
  if (dieAfterFile !== undefined && existsSync(`${dieAfterFile}.died`)) {
    // The process after the one that died: back only once the run is over. run-end.json is written
    // as the run's records close, the final reports go out a moment later (and tape.sha256 only
    // after the wait for them): 1 s after it, the run waits for this process's hello.
    const runEnd = join(dirname(dirname(statePath)), 'run-end.json');
    while (!existsSync(runEnd)) await new Promise((r) => setTimeout(r, 20));
    await new Promise((r) => setTimeout(r, 1_000));
    process.stdout.write('the run is over: connecting\n');
  }
  state = load();
  for (let attempt = 0; ; attempt++) {
    state.sessions++;
    try {
      const outcome = await runAgent(strategy, {
        address: args.arena!,
        token: args.token!,
        sdkName: 'fill-ledger-test',
        conflate: !args['no-conflate'],
        lastReportSeq: state.lastReportSeq,
        onProcessed: (seq) => {
          state.lastReportSeq = seq;
          persist();
        },
      });
      process.stdout.write(
        `session over after ${outcome.wakeUps} wake-ups, ${outcome.sessions} streams opened, ${outcome.skippedWakeUps} wake-ups skipped, ${outcome.overtakenAnswers} overtaken answers not sent\n`,
      );
      return;
    } catch (err) {
      // The SDK hands a strategy's throw back as a StrategyError with the throw as its cause.
      const dropped = err instanceof DropStream || (err as Error).cause instanceof DropStream;
      const retry =
        dropped ||
        // The arena has not yet noticed the old stream of a killed process, or is not up yet.
        (err instanceof SessionError &&
          (err.code === status.ALREADY_EXISTS || err.code === status.UNAVAILABLE) &&
          attempt < 50);
      if (!retry) throw err;
      // The drop's own words, not the StrategyError's line around them.
      const said = err instanceof DropStream || !dropped ? (err as Error) : ((err as Error).cause as Error);
      process.stdout.write(`reconnecting: ${said.message}\n`);
      await new Promise((r) => setTimeout(r, dropped ? dropPauseMs : 100));
    }
  }
}

await main();
