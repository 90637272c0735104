// runAgent hands the Welcome's limits of ids and client_ref (MarketSpec.max_id_bytes,
// max_client_ref_bytes) to the builders, so an action the arena would refuse for its length is
// refused where the strategy builds it, with the arena's limit, not the SDK's default.
import { afterEach, describe, expect, it } from 'vitest';
import {
  ActionBuildError,
  arenaLimits,
  runAgent,
  StrategyError,
  submit,
  useArenaLimits,
} from '../../agents/sdk/index.js';
import { GrpcGateway } from '../../arena/gateway/grpc-gateway.js';
import { TEST_GATEWAY_LIMITS } from '../../arena/gateway/test-support.js';
import { MarketSpec } from '../../gen/flexarena/v1/market.js';
import { Welcome } from '../../gen/flexarena/v1/session.js';

let gateway: GrpcGateway | undefined;

afterEach(async () => {
  await gateway?.close();
  gateway = undefined;
  useArenaLimits(undefined);
});

async function arenaWith(market: MarketSpec): Promise<string> {
  const g = new GrpcGateway({
    runId: 'limits-test',
    tokens: new Map([['tok', 'a']]),
    welcome: () => Welcome.fromPartial({ runId: 'limits-test', agentId: 'a', market }),
    marketSpec: () => ({ runId: 'limits-test', market }),
    faults: { fault: () => {} },
    lastReportSeq: () => 0,
    answerOutside: () => {
      throw new Error('no batch is sent in this test');
    },
    limits: TEST_GATEWAY_LIMITS,
    runEndedConfirmMs: 1_000,
  });
  gateway = g;
  return `127.0.0.1:${await g.listen('127.0.0.1', 0)}`;
}

describe('runAgent and the arena limits of ids', () => {
  it('builders check the limit the Welcome states', { timeout: 30_000 }, async () => {
    const address = await arenaWith(
      MarketSpec.fromPartial({ maxIdBytes: 16, maxClientRefBytes: 40, maxCurvePoints: 9 }),
    );
    let seen: unknown;
    const strategy = {
      name: 'limits',
      decide: () => [],
      onWelcome: () => {
        seen = arenaLimits();
        submit({ productId: 'qh-20261122-00150', side: 'buy', priceTicks: 1, quantityLots: 1 });
      },
    };
    const err = await runAgent(strategy, {
      address,
      token: 'tok',
      resume: { attempts: 0, delayMs: 0 },
    }).catch((e: unknown) => e);
    expect(seen).toEqual({ idBytes: 16, clientRefBytes: 40, curvePoints: 9 });
    expect(err).toBeInstanceOf(StrategyError);
    const cause = (err as StrategyError).cause as ActionBuildError;
    expect(cause).toBeInstanceOf(ActionBuildError);
    expect([cause.field, cause.limit]).toEqual(['submit.product_id', 'at most 16 bytes of UTF-8']);
  });
});
