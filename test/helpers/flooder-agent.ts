// A test agent process that floods the arena the way a broken or hostile agent would: at the
// listed wake-ups (or, while a flood is still running, at the first wake-up after it ended: the
// arena does not wait for a flooder, so its wake-ups keep coming during a flood), before answering, it sends 1-action batches with a stale wake id in a tight loop
// (waiting only for the stream's write buffer) until the arena ends its stream; then it reconnects
// (at once, then every --pause-ms until the arena's cooldown lets it in again), resumes from its last processed
// report and goes on. Between floods it answers every wake-up at once with an empty batch, so a run
// with `--mode quiet` (no floods) differs only by the flooder's missed and absent wake-ups.
//
//   node --import tsx test/helpers/flooder-agent.ts --arena host:port --token T
//     [--mode flood|quiet] [--flood-at 3,10,20] [--pause-ms 500]
//
// At the end it prints one line `FLOODER_RESULT {json}` with what it sent and what it got back.
import { parseArgs } from 'node:util';
import { type ClientDuplexStream, credentials, Metadata, type ServiceError, status } from '@grpc/grpc-js';
import {
  ArenaServiceClient,
  type SessionRequest,
  type SessionResponse,
} from '../../gen/flexarena/v1/arena_service.js';
import { RejectCode, Side, TimeInForce } from '../../gen/flexarena/v1/market.js';
import { BatchStatus } from '../../gen/flexarena/v1/session.js';

const { values: args } = parseArgs({
  options: {
    arena: { type: 'string' },
    token: { type: 'string' },
    mode: { type: 'string', default: 'flood' },
    'flood-at': { type: 'string', default: '3,10,20' },
    'pause-ms': { type: 'string', default: '500' },
  },
});
if (!args.arena || !args.token) throw new Error('--arena and --token are required');
const floodAt = args['flood-at']!.split(',')
  .map(Number)
  .sort((a, b) => a - b);
const pauseMs = Number(args['pause-ms']);
const MAX_PER_FLOOD = 200_000;

const stats = {
  mode: args.mode,
  sessions: 0,
  resumedSessions: 0,
  floods: 0,
  sent: 0,
  staleAcks: 0,
  /** Answers that came after their wake-up counted as missed (it is not waited for while over its limit). */
  lateAcks: 0,
  rateLimitedAcks: 0,
  rateLimitedCodesOk: true,
  errors: [] as { code: number; details: string }[],
  /** Hellos refused with RESOURCE_EXHAUSTED during the cooldown after a disconnect. */
  refusedHellos: 0,
  wakeUps: 0,
  answered: 0,
  ended: false,
};

const client = new ArenaServiceClient(args.arena, credentials.createInsecure());
let lastReportSeq = 0;
const wakeOrdinal = new Map<number, number>();
/** Floods started so far (an index into floodAt), and whether one is running now. */
let floodsStarted = 0;
let flooding = false;

function staleBatch(wakeId: number): SessionRequest {
  return {
    kind: {
      $case: 'actionBatch',
      value: {
        wakeId: wakeId + 1_000,
        actions: [
          {
            clientRef: 'flood',
            kind: {
              $case: 'submit',
              value: {
                productId: 'qh-x',
                side: Side.SIDE_BUY,
                priceTicks: 100,
                quantityLots: 1,
                timeInForce: TimeInForce.TIME_IN_FORCE_GTC,
                restriction: 0,
                peakLots: 0,
              },
            },
          },
        ],
      },
    },
  };
}

/** Resolves when the stream can take more or has failed; leaves no listener behind. */
function drainOrError(call: ClientDuplexStream<SessionRequest, SessionResponse>): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      call.off('drain', done);
      call.off('error', done);
      resolve();
    };
    call.on('drain', done);
    call.on('error', done);
  });
}

/** Writes stale batches as fast as the stream takes them until the arena ends the stream. */
async function flood(
  call: ClientDuplexStream<SessionRequest, SessionResponse>,
  wakeId: number,
  gone: () => boolean,
) {
  stats.floods++;
  flooding = true;
  let n = 0;
  while (!gone() && n < MAX_PER_FLOOD) {
    const ok = call.write(staleBatch(wakeId));
    n++;
    stats.sent++;
    // Yield now and then (and whenever the buffer is full) so the arena's answer can arrive. Both,
    // not either: 'drain' comes back without an I/O turn, and every 16th write blocks, so yielding
    // only on unblocked 64th writes never yielded at all.
    if (!ok) await drainOrError(call);
    if (n % 64 === 0) await new Promise((r) => setImmediate(r));
  }
  flooding = false;
}

function open(): void {
  const md = new Metadata();
  md.set('authorization', `Bearer ${args.token}`);
  const call = client.session(md);
  stats.sessions++;
  let closed = false;
  call.on('data', (m: SessionResponse) => {
    const k = m.kind;
    if (!k) return;
    if (k.$case === 'welcome') {
      if (k.value.resumed) stats.resumedSessions++;
    } else if (k.$case === 'actionAck') {
      const ack = k.value;
      if (ack.batchStatus === BatchStatus.BATCH_STATUS_STALE_WAKE) stats.staleAcks++;
      else if (ack.batchStatus === BatchStatus.BATCH_STATUS_LATE) stats.lateAcks++;
      else if (ack.batchStatus === BatchStatus.BATCH_STATUS_RATE_LIMITED) {
        stats.rateLimitedAcks++;
        if (!ack.results.every((r) => r.rejectCode === RejectCode.REJECT_CODE_RATE_LIMITED && r.limit !== ''))
          stats.rateLimitedCodesOk = false;
      }
      if (ack.reportSeq > 0) lastReportSeq = Math.max(lastReportSeq, ack.reportSeq);
    } else if (k.$case === 'wakeUp') {
      const wake = k.value;
      if (!wakeOrdinal.has(wake.wakeId)) wakeOrdinal.set(wake.wakeId, wakeOrdinal.size + 1);
      const ordinal = wakeOrdinal.get(wake.wakeId)!;
      stats.wakeUps++;
      const due = floodAt[floodsStarted];
      if (args.mode === 'flood' && !flooding && due !== undefined && ordinal >= due) {
        floodsStarted++;
        void flood(call, wake.wakeId, () => closed);
        return;
      }
      lastReportSeq = Math.max(lastReportSeq, wake.reportSeq);
      call.write({ kind: { $case: 'actionBatch', value: { wakeId: wake.wakeId, actions: [] } } });
      stats.answered++;
    } else if (k.$case === 'runEnded') {
      stats.ended = true;
      // Confirms it (docs/protocol.md, "End"): the arena then ends the stream.
      call.end();
    }
  });
  call.on('error', (e: ServiceError) => {
    closed = true;
    const refusedHello = e.code === status.RESOURCE_EXHAUSTED && /reconnect in/.test(e.details);
    if (refusedHello) stats.refusedHellos++;
    else stats.errors.push({ code: e.code, details: e.details });
    // Disconnected: try again at once (the cooldown refuses it); refused: try again after a pause.
    if (e.code === status.RESOURCE_EXHAUSTED) setTimeout(open, refusedHello ? pauseMs : 0);
  });
  call.on('end', () => {
    closed = true;
    if (stats.ended) {
      process.stdout.write(`FLOODER_RESULT ${JSON.stringify(stats)}\n`);
      client.close();
      process.exit(0);
    }
  });
  call.write({
    kind: {
      $case: 'hello',
      value: {
        sdkName: 'flooder',
        sdkVersion: '0',
        strategy: 'flooder',
        lastReportSeq,
        wakeUpEncoding: 0,
        acksInWakeUp: false,
      },
    },
  });
}

open();
