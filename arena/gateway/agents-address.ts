// The address agents are given to reach the gateway (FLEXARENA_LISTENING, {arena} in a launched
// agent's command, the hint for starting one by hand). An IPv6 address goes in brackets, as gRPC
// targets write it: "::1:50051" names no port a client can find.
import { isIPv6 } from 'node:net';

export function agentsAddress(host: string, port: number): string {
  return isIPv6(host) ? `[${host}]:${port}` : `${host}:${port}`;
}
