// The gRPC status codes (grpc/doc/statuscodes.md), the numbers grpc-js's `status` enum and every
// other gRPC implementation use. The SDK keeps its own table so that an agent process never loads
// grpc-js: its session stream speaks HTTP/2 itself (grpc-stream.ts), and grpc-js with its channelz
// descriptors (protobufjs) was over a third of the agent bundle and most of its start-up's module
// evaluation. grpc-status.test.ts checks the table against grpc-js's.

export const GrpcStatus = {
  OK: 0,
  CANCELLED: 1,
  UNKNOWN: 2,
  INVALID_ARGUMENT: 3,
  DEADLINE_EXCEEDED: 4,
  NOT_FOUND: 5,
  ALREADY_EXISTS: 6,
  PERMISSION_DENIED: 7,
  RESOURCE_EXHAUSTED: 8,
  FAILED_PRECONDITION: 9,
  ABORTED: 10,
  OUT_OF_RANGE: 11,
  UNIMPLEMENTED: 12,
  INTERNAL: 13,
  UNAVAILABLE: 14,
  DATA_LOSS: 15,
  UNAUTHENTICATED: 16,
} as const;

export type GrpcStatusName = keyof typeof GrpcStatus;
/** A gRPC status code; the same numbers as grpc-js's `status` enum, so the two compare equal. */
export type GrpcStatusCode = (typeof GrpcStatus)[GrpcStatusName];

const NAMES: readonly GrpcStatusName[] = (Object.keys(GrpcStatus) as GrpcStatusName[]).sort(
  (a, b) => GrpcStatus[a] - GrpcStatus[b],
);

/** The name of a code ("UNAVAILABLE"), "UNKNOWN" for a number outside the table. */
export function grpcStatusName(code: number): GrpcStatusName {
  return NAMES[code] ?? 'UNKNOWN';
}

/** Whether a number is one of the codes (a grpc-status trailer may carry anything). */
export function isGrpcStatusCode(code: number): code is GrpcStatusCode {
  return Number.isInteger(code) && code >= 0 && code < NAMES.length;
}
