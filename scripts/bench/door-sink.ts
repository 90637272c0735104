// A gRPC server that takes ArenaService sessions and reads none of their messages: where the
// bench:door line-up "flood goes elsewhere" sends its flood, so that the flooder does its work —
// its CPU, its HTTP/2 and loopback traffic — while none of it reaches the arena. Reading nothing,
// it costs little itself (a sink that reads everything spends ~27 µs per message, far more than
// the arena spends on the ~100–250 flood batches it reads before it disconnects a flooder); HTTP/2
// flow control stops the flooder after about 1 MB, roughly the volume of one run's real flood.
// Prints `DOOR_SINK_LISTENING <address>`; runs until killed.
import { Server, ServerCredentials, status } from '@grpc/grpc-js';
import { type ArenaServiceServer, ArenaServiceService } from '../../gen/flexarena/v1/arena_service.js';

const server = new Server();
const sink: ArenaServiceServer = {
  session(call) {
    call.pause();
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
