// The live evaluator (`flexarena evaluate`) looks up its durable consumer at start-up. Any error of
// that look-up was taken for "no such consumer": a request that timed out (NATS away a moment)
// made it create the consumer anew — over the one an earlier evaluator left, of other settings,
// which JetStream refuses (the evaluator crashed) or which changed them. Now only "not found" means
// missing; a request NATS did not answer is retried. A real nats-server, a real evaluator process;
// the look-up's request is lost on the way (a TCP proxy), so it times out with the connection up.
import { join } from 'node:path';
import { AckPolicy, DeliverPolicy, jetstreamManager } from '@nats-io/jetstream';
import { connect, nanos } from '@nats-io/transport-node';
import { afterAll, describe, expect, it } from 'vitest';
import { SETTLEMENT_STREAM, SETTLEMENT_SUBJECTS } from '../../arena/index.js';
import { tempDir } from '../helpers/arena-process.js';
import { killAllCli, startEvaluatorCli } from '../helpers/cli-process.js';
import { NatsServerProcess, stopAllNatsServers } from '../helpers/nats-server-process.js';
import { until } from '../helpers/process-control.js';
import { TcpFaultProxy } from '../helpers/tcp-fault-proxy.js';

const DURABLE = 'flexarena-evaluator';
let proxy: TcpFaultProxy | undefined;

afterAll(async () => {
  killAllCli();
  await proxy?.close();
  await stopAllNatsServers();
});

describe('the evaluator looking up its consumer at start-up', () => {
  it('retries a look-up NATS did not answer, and keeps the consumer it finds', {
    timeout: 30_000,
  }, async () => {
    const nats = await NatsServerProcess.start();
    const nc = await connect({ servers: nats.url });
    const jsm = await jetstreamManager(nc);
    await jsm.streams.add({ name: SETTLEMENT_STREAM, subjects: [SETTLEMENT_SUBJECTS] });
    // As an earlier `flexarena evaluate --ack-wait-ms 2000` left it.
    await jsm.consumers.add(SETTLEMENT_STREAM, {
      durable_name: DURABLE,
      filter_subject: SETTLEMENT_SUBJECTS,
      ack_policy: AckPolicy.Explicit,
      deliver_policy: DeliverPolicy.All,
      ack_wait: nanos(2_000),
      max_ack_pending: 20_000,
    });
    proxy = await TcpFaultProxy.start(nats.port);
    proxy.loseRequests(`$JS.API.CONSUMER.INFO.${SETTLEMENT_STREAM}.${DURABLE}`, 1);
    // Started with the default ack wait (30 s): had it created the consumer, that would differ.
    const evaluator = startEvaluatorCli(proxy.url, join(tempDir('flexarena-evaluator-lookup-'), 'runs'));
    let exited = false;
    void evaluator.exited.then(() => {
      exited = true;
    });
    await until(
      'the evaluator pulling from its consumer',
      () => exited || /did not answer while looking up the consumer/.test(evaluator.err()),
      20_000,
    );
    expect(exited, evaluator.err()).toBe(false);
    expect(evaluator.err()).toContain(
      `evaluator: NATS at ${proxy.url} did not answer while looking up the consumer ${DURABLE}`,
    );
    // It goes on with the consumer it found: pulling from it, its settings untouched.
    const deadline = Date.now() + 15_000;
    let info = await jsm.consumers.info(SETTLEMENT_STREAM, DURABLE);
    while (info.num_waiting === 0 && !exited && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 200));
      info = await jsm.consumers.info(SETTLEMENT_STREAM, DURABLE);
    }
    expect(exited, evaluator.err()).toBe(false);
    expect(info.num_waiting).toBeGreaterThan(0);
    expect(info.config.ack_wait).toBe(nanos(2_000));
    await nc.close();
  });
});
