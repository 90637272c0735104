// A real grpc-js server with one bidirectional method whose messages stay bytes: the tests of the
// SDK's own session stream play the arena's side with it, encoding each message themselves.
import * as grpc from '@grpc/grpc-js';

export type RawCall = grpc.ServerDuplexStream<Buffer, Buffer>;

const identity = {
  requestSerialize: (b: Buffer) => b,
  requestDeserialize: (b: Buffer) => b,
  responseSerialize: (b: Buffer) => b,
  responseDeserialize: (b: Buffer) => b,
};

const servers: grpc.Server[] = [];

/** Serves `handler` at `path` on a free port of 127.0.0.1: its address. */
export async function serveRawStream(path: string, handler: (call: RawCall) => void): Promise<string> {
  const service = {
    method: { path, requestStream: true, responseStream: true, ...identity },
  } as unknown as grpc.ServiceDefinition;
  const server = new grpc.Server();
  server.addService(service, { method: handler });
  servers.push(server);
  const port = await new Promise<number>((res, rej) =>
    server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (e, p) => (e ? rej(e) : res(p))),
  );
  return `127.0.0.1:${port}`;
}

/** Shuts down every server `serveRawStream` started (a test file's afterEach). */
export function closeRawServers(): void {
  for (const s of servers.splice(0)) s.forceShutdown();
}
