// Loaded into the arena process by `npm run bench:door` when DOOR_TRACE_DIR is set (after
// `--import tsx`): a timeline of what the arena did, on the same clock as the agents' traces
// (epoch milliseconds, performance.timeOrigin + performance.now()), so a slow bystander round trip
// can be laid beside the decision points, the flooder's disconnects and hellos, and the arena's
// event-loop delay. Wraps methods of the gateway and its ports; changes nothing they do. Written to
// <DOOR_TRACE_DIR>/arena.json when the process exits.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';

const dir = process.env.DOOR_TRACE_DIR;
if (dir) {
  const root = join(import.meta.dirname, '..', '..');
  const now = () => performance.timeOrigin + performance.now();
  const events = [];
  const lags = [];
  const counts = { admitted: 0, refused: 0 };
  const { RemoteAgentPort } = await import(pathToFileURL(join(root, 'arena/gateway/remote-port.ts')).href);
  const { GrpcGateway } = await import(pathToFileURL(join(root, 'arena/gateway/grpc-gateway.ts')).href);

  const decide = RemoteAgentPort.prototype.decide;
  RemoteAgentPort.prototype.decide = function (request) {
    const agent = this.agentId;
    events.push({ t: now(), ev: 'decide', agent, wakeId: request.wakeId });
    return decide.call(this, request).then((outcome) => {
      events.push({ t: now(), ev: 'outcome', agent, wakeId: request.wakeId, outcome });
      return outcome;
    });
  };
  // Every batch from the third agent (the flooder in flood line-ups), with whether it answered.
  const received = [];
  const onBatch = RemoteAgentPort.prototype.onBatch;
  RemoteAgentPort.prototype.onBatch = function (session, batch) {
    if (this.agentId === 'third') received.push([now(), batch.wakeId]);
    return onBatch.call(this, session, batch);
  };
  const admit = GrpcGateway.prototype.admitOutside;
  GrpcGateway.prototype.admitOutside = function (s, batch) {
    const ok = admit.call(this, s, batch);
    if (ok) counts.admitted++;
    else counts.refused++;
    if (!s.open) events.push({ t: now(), ev: 'disconnect', agent: s.agentId });
    return ok;
  };
  const hello = GrpcGateway.prototype.onHello;
  GrpcGateway.prototype.onHello = function (call, agentId, msg) {
    const session = hello.call(this, call, agentId, msg);
    events.push({ t: now(), ev: session ? 'hello' : 'hello-refused', agent: agentId });
    return session;
  };

  // Event-loop delay: a 5 ms timer's lateness, kept when over 2 ms, plus the histogram.
  const h = monitorEventLoopDelay({ resolution: 1 });
  h.enable();
  let expected = now() + 5;
  const timer = setInterval(() => {
    const t = now();
    if (t - expected > 2) lags.push([t, t - expected]);
    expected = t + 5;
  }, 5);
  timer.unref();

  process.on('exit', () => {
    h.disable();
    const q = (p) => h.percentile(p) / 1e6;
    const cpu = process.cpuUsage();
    writeFileSync(
      join(dir, 'arena.json'),
      JSON.stringify({
        events,
        received,
        lags,
        counts,
        cpuS: (cpu.user + cpu.system) / 1e6,
        loopDelayMs: { p50: q(50), p99: q(99), max: h.max / 1e6, mean: h.mean / 1e6 },
      }),
    );
  });
}
