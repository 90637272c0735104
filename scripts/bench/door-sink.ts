// A gRPC server that takes ArenaService sessions: where the bench:door line-ups "flood goes
// elsewhere" send their flood, so that the flooder does its work — its CPU, its HTTP/2 and loopback
// traffic — while none of it reaches the arena. `--cut-after N` (default 0):
//   0 — it reads nothing (costs itself next to nothing; HTTP/2 flow control stops the flooder
//       after about 1 MB);
//   N — it reads N messages and then ends the stream with RESOURCE_EXHAUSTED, as the arena's door
//       does with a flooder after about 100 at its defaults (burst 40, a few earned, 50 refused).
// Prints `DOOR_SINK_LISTENING <address>`; runs until killed.
import { parseArgs } from 'node:util';
import { Server, ServerCredentials, type ServiceError, status } from '@grpc/grpc-js';
import { type ArenaServiceServer, ArenaServiceService } from '../../gen/flexarena/v1/arena_service.js';

const { values: args } = parseArgs({ options: { 'cut-after': { type: 'string', default: '0' } } });
const cutAfter = Number(args['cut-after']);
if (!Number.isSafeInteger(cutAfter) || cutAfter < 0)
  throw new Error(`--cut-after: ${args['cut-after']} is not a whole number ≥ 0`);

const server = new Server();
const sink: ArenaServiceServer = {
  session(call) {
    if (cutAfter === 0) call.pause();
    let read = 0;
    call.on('data', () => {
      if (++read !== cutAfter) return;
      const details = `sink: ${cutAfter} messages read, stream ended`;
      const err: Partial<ServiceError> = { code: status.RESOURCE_EXHAUSTED, details, message: details };
      call.emit('error', err);
    });
    call.on('end', () => call.end());
    call.on('error', () => {});
  },
  getMarketSpec(_call, cb) {
    cb({ code: status.UNIMPLEMENTED, details: 'a sink' });
  },
};
server.addService(ArenaServiceService, sink);
server.bindAsync('127.0.0.1:0', ServerCredentials.createInsecure(), (err, port) => {
  if (err) throw err;
  process.stdout.write(`DOOR_SINK_LISTENING 127.0.0.1:${port}\n`);
});
process.on('SIGTERM', () => process.exit(0));
