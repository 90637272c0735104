// The SDK's table of gRPC status codes is grpc-js's, name for name and number for number.
import { status } from '@grpc/grpc-js';
import { describe, expect, it } from 'vitest';
import { GrpcStatus, grpcStatusName, isGrpcStatusCode } from './grpc-status.js';

const grpcJs = Object.fromEntries(
  Object.entries(status).filter((e): e is [string, number] => typeof e[1] === 'number'),
);

describe('GrpcStatus', () => {
  it('has exactly grpc-js’s codes', () => {
    expect(GrpcStatus).toEqual(grpcJs);
  });

  it('names a code, UNKNOWN past the table; knows which numbers are codes', () => {
    for (const [name, code] of Object.entries(grpcJs)) {
      expect(grpcStatusName(code)).toBe(name);
      expect(isGrpcStatusCode(code)).toBe(true);
    }
    expect(grpcStatusName(17)).toBe('UNKNOWN');
    for (const n of [-1, 17, 1.5, Number.NaN]) expect(isGrpcStatusCode(n)).toBe(false);
  });
});
