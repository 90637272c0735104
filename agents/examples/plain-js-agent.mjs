// A FlexArena agent in plain JavaScript: the protos are loaded at run time with @grpc/proto-loader
// (no code generation, no build step, no TypeScript). It buys 0.1 MW (IOC) in the first open
// quarter-hour whose best ask is 5 EUR/MWh or more below the forecast, and resumes after a
// dropped stream with the last report_seq it processed. It asks for delta wake-ups (books and
// forecasts only where they changed since the stream's previous wake-up) and rebuilds them. When it
// falls behind (a slow decide, a GC pause) it answers only the newest wake-up it holds, as the SDKs
// do (docs/protocol.md, "Falling behind"): without that, an agent copied from it would answer every
// wake-up that piled up, each refused as late, until the arena ends its stream for flooding.
//
//   node agents/examples/plain-js-agent.mjs --arena HOST:PORT   (token in FLEXARENA_TOKEN or --token)
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import grpc from '@grpc/grpc-js';
import protoLoader from '@grpc/proto-loader';

const { values: args } = parseArgs({
  options: { arena: { type: 'string' }, token: { type: 'string' } },
});
const arena = args.arena ?? process.env.FLEXARENA_ARENA;
const token = args.token ?? process.env.FLEXARENA_TOKEN;
if (!arena || !token) {
  console.error(
    'usage: plain-js-agent.mjs --arena HOST:PORT [--token T] (or FLEXARENA_ARENA, FLEXARENA_TOKEN)',
  );
  process.exit(2);
}

const protoDir = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'proto');
// keepCase: fields by their proto names; longs as Numbers (every value the arena sends is within
// 2^53); enums as their names; oneofs: `msg.kind` names the field that is set.
const definition = protoLoader.loadSync('flexarena/v1/arena_service.proto', {
  includeDirs: [protoDir],
  keepCase: true,
  longs: Number,
  enums: String,
  defaults: true,
  oneofs: true,
});
const { ArenaService } = grpc.loadPackageDefinition(definition).flexarena.v1;
const client = new ArenaService(arena, grpc.credentials.createInsecure());

let lastReportSeq = 0; // the last wake-up or ack fully processed: where a resume starts
let wakeUps = 0;
let skipped = 0; // wake-ups not answered because a newer one had arrived
let welcomed = false;
const processed = (seq) => {
  if (seq > lastReportSeq) lastReportSeq = seq;
};

// Delta wake-ups: the view of this stream's last wake-up, and the rule that rebuilds the next one
// (docs/protocol.md): per list, drop the closed/expired ids, replace changed entries in place,
// append new ones in the order given.
let view;
function applyList(base, removed, upserts) {
  const pending = new Map(upserts.map((u) => [u.product_id, u]));
  const out = [];
  for (const b of base) {
    if (removed.has(b.product_id)) continue;
    const u = pending.get(b.product_id);
    if (u) pending.delete(b.product_id);
    out.push(u ?? b);
  }
  for (const u of upserts) if (pending.get(u.product_id) === u) out.push(u);
  return out;
}
function rebuild(wake) {
  if (wake.public_view === 'PUBLIC_VIEW_SNAPSHOT') view = wake;
  else if (wake.public_view === 'PUBLIC_VIEW_DELTA') {
    if (view?.wake_id !== wake.base_wake_id)
      throw new Error(`wake_up.base_wake_id ${wake.base_wake_id} is not the view held (${view?.wake_id})`);
    const closed = new Set(wake.closed_product_ids);
    const expired = new Set(wake.expired_forecast_product_ids);
    view = {
      wake_id: wake.wake_id,
      books: applyList(view.books, closed, wake.books),
      price_forecasts: applyList(view.price_forecasts, expired, wake.price_forecasts),
      fundamentals_forecasts: applyList(view.fundamentals_forecasts, expired, wake.fundamentals_forecasts),
    };
  } else return wake;
  const { books, price_forecasts, fundamentals_forecasts } = view;
  return { ...wake, books, price_forecasts, fundamentals_forecasts };
}

function decide(wake) {
  const forecasts = new Map(wake.price_forecasts.map((f) => [f.product_id, f.price_ticks]));
  for (const book of wake.books) {
    const ask = book.asks[0];
    const forecast = forecasts.get(book.product_id);
    if (!ask || forecast === undefined || ask.price_ticks > forecast - 500) continue;
    const submit = {
      product_id: book.product_id,
      side: 'SIDE_BUY',
      price_ticks: ask.price_ticks,
      quantity_lots: 1,
      time_in_force: 'TIME_IN_FORCE_IOC',
      restriction: 'EXECUTION_RESTRICTION_NONE',
    };
    return [{ client_ref: `js-${wake.wake_id}`, submit }];
  }
  return [];
}

/** One session stream; resolves with RunEnded, or with undefined when the arena closed it. */
function session() {
  return new Promise((resolve, reject) => {
    const md = new grpc.Metadata();
    md.set('authorization', `Bearer ${token}`);
    const call = client.Session(md);
    let ended;
    let open = true;
    view = undefined; // a new stream starts with a snapshot
    // Falling behind: each wake-up is taken in at once, in order (its view rebuilt, its report_seq
    // processed — read its fills here if you keep them), but decided only after the event loop has
    // read the socket once more (two setImmediate hops: one to the next turn, whose I/O poll takes in
    // the messages already received), and only if it is still the newest. The arena sends a wake-up only once the previous one has been answered or counted as
    // missed, so an answer to an older one comes too late: refused in lock-step, in real time
    // applied on books long gone. decide() is synchronous: no newer wake-up can arrive during it.
    let newest;
    const answer = (wake) => {
      if (!open || wake !== newest) return;
      newest = undefined;
      const actions = decide(wake);
      call.write({ action_batch: { wake_id: wake.wake_id, actions } });
    };
    call.on('data', (msg) => {
      if (msg.kind === 'welcome') welcomed = true;
      else if (msg.kind === 'wake_up') {
        wakeUps++;
        let wake;
        try {
          wake = rebuild(msg.wake_up);
        } catch (err) {
          // Cannot happen with a correct arena: give the stream up and resume (a snapshot comes).
          call.cancel();
          return reject(Object.assign(err, { code: grpc.status.UNAVAILABLE, details: err.message }));
        }
        processed(msg.wake_up.report_seq); // stored before the answer leaves
        if (newest) skipped++; // the one still waiting to be decided is superseded
        newest = wake;
        setImmediate(() => setImmediate(() => answer(wake)));
      } else if (msg.kind === 'action_ack') {
        if (msg.action_ack.report_seq > 0) processed(msg.action_ack.report_seq);
      } else if (msg.kind === 'run_ended') {
        ended = msg.run_ended;
        newest = undefined; // nothing is answered after the end
        if (ended.final_report) processed(ended.final_report.report_seq);
        call.end();
      }
    });
    call.on('error', (err) => {
      open = false;
      ended ? resolve(ended) : reject(err);
    });
    call.on('end', () => {
      open = false;
      resolve(ended);
    });
    call.write({
      hello: {
        sdk_name: 'plain-js',
        sdk_version: '1',
        strategy: 'bargain-js',
        last_report_seq: lastReportSeq,
        wake_up_encoding: 'WAKE_UP_ENCODING_DELTA',
      },
    });
  });
}

for (let failures = 0; ; ) {
  try {
    const ended = await session();
    const behind = skipped > 0 ? ` (${skipped} skipped as superseded)` : '';
    console.log(
      `plain-js: ${wakeUps} wake-ups${behind}, last report ${lastReportSeq}; ${ended?.reason ?? 'stream closed'}`,
    );
    break;
  } catch (err) {
    // A dropped stream after the Welcome: resume from the last processed report.
    if (err.code !== grpc.status.UNAVAILABLE || !welcomed || ++failures > 5) {
      console.error(`plain-js: session failed: ${err.code} ${err.details}`);
      process.exitCode = 1;
      break;
    }
    await new Promise((r) => setTimeout(r, 200));
  }
}
client.close();
