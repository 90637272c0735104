// What the gateway's unit tests share: the limits of a gateway no test is testing the limits of.
import type { GatewayLimits } from './grpc-gateway.js';

/** Generous limits, the config's defaults in spirit; tests of rate limits build their own. */
export const TEST_GATEWAY_LIMITS: GatewayLimits = {
  rate: {
    outsidePerSecond: 20,
    burst: 40,
    disconnectAfter: 200,
    cooldownMs: 2_000,
    maxCooldownMs: 60_000,
    refusedWhileWaited: 3,
  },
  helloTimeoutMs: 10_000,
  maxMessageBytes: 4 * 1024 * 1024,
};
