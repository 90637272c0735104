// An agent process for `npm run bench:door`, over a raw gRPC session.
//   bystander: answers every wake-up at once with one cheap action (a cancel of an order it does
//     not have: the venue rejects it, so the ack always comes and no state grows) and measures the
//     wake-to-ack round trip: from receiving a wake-up to receiving the ack of its answer (the ack
//     comes with the next decision point, so this is the decision cycle as an agent lives it).
//   flood: answers every wake-up at once with an empty batch, then writes 1-action batches with a
//     stale wake id as fast as the stream takes them until the next wake-up; when the arena ends
//     its stream (RESOURCE_EXHAUSTED) it tries to reconnect every 100 ms and resumes.
//   quiet: like flood without the flood.
//   burn: like quiet, but for --burn-ms (default 700, about how long the flood lasts before the
//     arena disconnects the flooder) after its first wake-up it spends the time between its answers
//     on the flood's CPU work without sending any of it (each batch encoded and dropped): a control
//     for what a busy process costs the others on this machine, with nothing reaching the arena.
//   elsewhere: like burn, but it floods for real — the same loop, over gRPC — into a sink server of
//     its own (--sink, scripts/bench/door-sink.ts) instead of the arena: the flooder's CPU, HTTP/2
//     and loopback traffic with nothing reaching the arena; it stops when the sink ends its stream.
// At the end: one line `DOOR_AGENT_RESULT {json}`. With DOOR_TRACE_DIR set, also a timeline of its
// wake-ups, acks, floods and stream errors (epoch ms, the clock of the arena's trace) in
// <DOOR_TRACE_DIR>/<mode>-<token>.json.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { type ClientDuplexStream, credentials, Metadata, type ServiceError, status } from '@grpc/grpc-js';
import {
  ArenaServiceClient,
  SessionRequest,
  type SessionResponse,
} from '../../gen/flexarena/v1/arena_service.js';
import { BatchStatus } from '../../gen/flexarena/v1/session.js';

const { values: args } = parseArgs({
  options: {
    arena: { type: 'string' },
    token: { type: 'string' },
    mode: { type: 'string', default: 'bystander' },
    'burn-ms': { type: 'string', default: '700' },
    sink: { type: 'string' },
  },
});
if (!args.arena || !args.token) throw new Error('--arena and --token are required');
const mode = args.mode as 'bystander' | 'flood' | 'quiet' | 'burn' | 'elsewhere';
if (mode === 'elsewhere' && !args.sink) throw new Error('--mode elsewhere needs --sink');
/** The sink's session, opened once (mode elsewhere). */
let sinkCall: ClientDuplexStream<SessionRequest, SessionResponse> | undefined;
let sinkClosed = false;
const burnMs = Number(args['burn-ms']);
if (!(burnMs > 0)) throw new Error(`--burn-ms: ${args['burn-ms']} is not a number of milliseconds > 0`);
/** performance.now() until which `burn` and `elsewhere` work between answers; set at the first wake-up. */
let windowEnd: number | undefined;

const client = new ArenaServiceClient(args.arena, credentials.createInsecure());
const result = {
  mode,
  latenciesMs: [] as number[],
  sent: 0,
  /** Batches `burn` encoded and dropped. */
  burned: 0,
  exhausted: 0,
  sessions: 0,
  ended: false,
  /** CPU seconds (user + system) this process used. */
  cpuS: 0,
};
const wokenAt = new Map<number, number>();
let lastReportSeq = 0;
const traceDir = process.env.DOOR_TRACE_DIR;
const trace: Record<string, unknown>[] = [];
const mark = (ev: string, more: Record<string, unknown> = {}) => {
  if (traceDir) trace.push({ t: performance.timeOrigin + performance.now(), ev, ...more });
};
if (traceDir) {
  // The agent's own event-loop stalls: a stall this long delays reading its wake-ups.
  let last = performance.now();
  setInterval(() => {
    const now = performance.now();
    if (now - last > 30) mark('stall', { ms: Math.round(now - last), sent: result.sent });
    last = now;
  }, 5).unref();
}
/** Bumped at every wake-up: a running flood stops when it changes. */
let wakeEpoch = 0;

function cancelUnknown(wakeId: number): SessionRequest {
  return {
    kind: {
      $case: 'actionBatch',
      value: {
        wakeId,
        actions: [{ clientRef: 'probe', kind: { $case: 'cancel', value: { orderId: 999_999_999 } } }],
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

async function flood(
  call: ClientDuplexStream<SessionRequest, SessionResponse>,
  wakeId: number,
  gone: () => boolean,
) {
  const epoch = wakeEpoch;
  const stale = cancelUnknown(wakeId + 1_000_000);
  let n = 0;
  let blocked = 0;
  while (!gone() && epoch === wakeEpoch && (windowEnd === undefined || performance.now() < windowEnd)) {
    const ok = call.write(stale);
    result.sent++;
    n++;
    if (!ok) {
      blocked++;
      await drainOrError(call);
    }
    // Back to the event loop now and then whatever the stream said: 'drain' comes back without
    // an I/O turn, so a loop that yields only when the stream takes more (every 16th write blocks,
    // and 64 is a multiple of 16) never yields at all — the agent then reads its next wake-up only
    // after its flood ended, a self-inflicted stall of ~0.4–0.8 s the door cannot see.
    if (n % 64 === 0) await new Promise((r) => setImmediate(r));
  }
  mark('flood-end', { wakeId, n, blocked, gone: gone() });
}

/** The flood's CPU work between two wake-ups, without the stream: encode each batch, drop it. */
async function burn(wakeId: number) {
  const epoch = wakeEpoch;
  const stale = cancelUnknown(wakeId + 1_000_000);
  windowEnd ??= performance.now() + burnMs;
  let n = 0;
  while (epoch === wakeEpoch && performance.now() < windowEnd) {
    SessionRequest.encode(stale).finish();
    result.burned++;
    n++;
    if (n % 64 === 0) await new Promise((r) => setImmediate(r));
  }
  if (n > 0) mark('burn-end', { wakeId, n });
}

function open(): void {
  const md = new Metadata();
  md.set('authorization', `Bearer ${args.token}`);
  const call = client.session(md);
  result.sessions++;
  mark('open');
  let closed = false;
  call.on('data', (m: SessionResponse) => {
    const k = m.kind;
    if (!k) return;
    if (k.$case === 'wakeUp') {
      const wake = k.value;
      wakeEpoch++;
      lastReportSeq = Math.max(lastReportSeq, wake.reportSeq);
      mark('wake', { wakeId: wake.wakeId });
      if (mode === 'bystander') {
        wokenAt.set(wake.wakeId, performance.now());
        call.write(cancelUnknown(wake.wakeId));
      } else {
        call.write({ kind: { $case: 'actionBatch', value: { wakeId: wake.wakeId, actions: [] } } });
        if (mode === 'flood') void flood(call, wake.wakeId, () => closed);
        if (mode === 'burn') void burn(wake.wakeId);
        if (mode === 'elsewhere') {
          windowEnd ??= performance.now() + burnMs;
          if (!sinkCall) {
            sinkCall = new ArenaServiceClient(args.sink!, credentials.createInsecure()).session();
            // Ended by the sink (as the arena's door ends a flooder's stream): the flood stops.
            sinkCall.on('error', () => {
              sinkClosed = true;
            });
          }
          void flood(sinkCall, wake.wakeId, () => sinkClosed);
        }
      }
    } else if (k.$case === 'actionAck') {
      const ack = k.value;
      if (ack.reportSeq > 0) lastReportSeq = Math.max(lastReportSeq, ack.reportSeq);
      const t0 = wokenAt.get(ack.wakeId);
      if (ack.batchStatus === BatchStatus.BATCH_STATUS_PROCESSED && t0 !== undefined) {
        result.latenciesMs.push(performance.now() - t0);
        mark('ack', { wakeId: ack.wakeId, ms: performance.now() - t0 });
        wokenAt.delete(ack.wakeId);
      }
    } else if (k.$case === 'runEnded') {
      result.ended = true;
      // Confirms it (docs/protocol.md, "End"): the arena then ends the stream.
      call.end();
    }
  });
  call.on('error', (e: ServiceError) => {
    closed = true;
    mark('error', { code: e.code, details: e.details.slice(0, 60) });
    if (e.code === status.RESOURCE_EXHAUSTED) {
      // Disconnected, or a hello refused during the cooldown: try again shortly.
      if (!/reconnect in/.test(e.details)) result.exhausted++;
      setTimeout(open, 100);
    }
  });
  call.on('end', () => {
    closed = true;
    if (result.ended) {
      const cpu = process.cpuUsage();
      result.cpuS = (cpu.user + cpu.system) / 1e6;
      if (traceDir) writeFileSync(join(traceDir, `${mode}-${args.token}.json`), JSON.stringify(trace));
      process.stdout.write(`DOOR_AGENT_RESULT ${JSON.stringify(result)}\n`);
      client.close();
      process.exit(0);
    }
  });
  call.write({
    kind: {
      $case: 'hello',
      value: {
        sdkName: 'bench',
        sdkVersion: '0',
        strategy: mode,
        lastReportSeq,
        wakeUpEncoding: 0,
        acksInWakeUp: false,
      },
    },
  });
}

open();
