// gRPC server reflection over the protocol's own .proto files, so generic clients (`buf curl`,
// grpcurl) can list and describe ArenaService without a copy of the protos — built on its first
// call. Building it (@grpc/reflection and @grpc/proto-loader loaded, the protos parsed with
// protobufjs, the reflection's indexes made) took ~0.25 s of CPU on the arena's main thread at
// every start, before the agent processes were launched, for a service most runs never see called.
// So the gateway registers the two reflection methods (grpc.reflection.v1 and v1alpha) with
// definitions whose codecs and handlers are the library's, looked up when first needed.
import { createRequire } from 'node:module';
import { join } from 'node:path';
import type {
  MethodDefinition,
  Server,
  ServiceDefinition,
  UntypedHandleCall,
  UntypedServiceImplementation,
} from '@grpc/grpc-js';
import { PROJECT_ROOT } from '../../lib/index.js';

/** The reflection services @grpc/reflection serves; their one method each. */
export const REFLECTION_SERVICES = [
  'grpc.reflection.v1.ServerReflection',
  'grpc.reflection.v1alpha.ServerReflection',
] as const;
const METHOD = 'ServerReflectionInfo';

type AnyMethod = MethodDefinition<unknown, unknown>;
type AnyCall = Parameters<UntypedHandleCall>[0];
interface Served {
  method: AnyMethod;
  handler: UntypedHandleCall;
}

let cached: Map<string, Served> | undefined;

/** What ReflectionService.addToServer registers, by path ("/service/method"); built once per process. */
export function reflectionMethods(): Map<string, Served> {
  cached ??= buildReflection();
  return cached;
}

function buildReflection(): Map<string, Served> {
  // Loaded here, not imported at the top: their loading is most of what waiting saves.
  const require = createRequire(import.meta.url);
  const { loadSync } = require('@grpc/proto-loader') as typeof import('@grpc/proto-loader');
  const { ReflectionService } = require('@grpc/reflection') as typeof import('@grpc/reflection');
  const service = new ReflectionService(
    loadSync('flexarena/v1/arena_service.proto', { includeDirs: [join(PROJECT_ROOT, 'proto')] }),
  );
  const served = new Map<string, Served>();
  const recorder = {
    addService(def: ServiceDefinition, impl: UntypedServiceImplementation) {
      for (const [name, method] of Object.entries(def))
        served.set(method.path, { method: method as AnyMethod, handler: impl[name]! });
    },
  };
  service.addToServer(recorder as unknown as Server);
  return served;
}

/**
 * Registers the reflection services on `server`, each call going through `guard` (the gateway's
 * token check) to the library's handler; the library is loaded on the first call.
 */
export function addLazyReflection(
  server: Server,
  guard: (handler: UntypedHandleCall) => UntypedHandleCall,
): void {
  const get = (path: string): Served => {
    const s = reflectionMethods().get(path);
    if (!s) throw new Error(`@grpc/reflection serves no ${path}`);
    return s;
  };
  for (const service of REFLECTION_SERVICES) {
    const path = `/${service}/${METHOD}`;
    const method: AnyMethod = {
      path,
      requestStream: true,
      responseStream: true,
      requestSerialize: (v) => get(path).method.requestSerialize(v),
      requestDeserialize: (b) => get(path).method.requestDeserialize(b),
      responseSerialize: (v) => get(path).method.responseSerialize(v),
      responseDeserialize: (b) => get(path).method.responseDeserialize(b),
    };
    const forward = ((call: AnyCall) =>
      (get(path).handler as (c: AnyCall) => void)(call)) as UntypedHandleCall;
    server.addService({ [METHOD]: method } as ServiceDefinition, { [METHOD]: guard(forward) });
  }
}
