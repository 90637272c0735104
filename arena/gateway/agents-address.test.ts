// agentsAddress: the host:port agents connect to. Since the gateway listens itself (grpc-js's
// createConnectionInjector), an IPv6 host listens; written "::1:50051" its address named no port.
import { describe, expect, it } from 'vitest';
import { agentsAddress } from './agents-address.js';

describe('agentsAddress', () => {
  it('writes a host name or IPv4 address as host:port', () => {
    expect(agentsAddress('127.0.0.1', 50051)).toBe('127.0.0.1:50051');
    expect(agentsAddress('0.0.0.0', 0)).toBe('0.0.0.0:0');
    expect(agentsAddress('localhost', 4242)).toBe('localhost:4242');
  });

  it('puts an IPv6 address in brackets', () => {
    expect(agentsAddress('::1', 50051)).toBe('[::1]:50051');
    expect(agentsAddress('::', 50051)).toBe('[::]:50051');
    expect(agentsAddress('fd00::2', 7)).toBe('[fd00::2]:7');
  });
});
