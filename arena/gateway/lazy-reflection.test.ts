// The reflection methods the gateway registers before the library is loaded are exactly the ones
// @grpc/reflection registers (paths and kinds), and registering them loads nothing: the library
// is built on the first call (the calls themselves: reflection.test.ts, with buf curl and a
// grpc-js client).
import type { Server, ServiceDefinition, UntypedHandleCall } from '@grpc/grpc-js';
import { describe, expect, it } from 'vitest';
import { addLazyReflection, REFLECTION_SERVICES, reflectionMethods } from './lazy-reflection.js';

describe('addLazyReflection', () => {
  it('registers the methods @grpc/reflection serves, each behind the guard', () => {
    const registered = new Map<string, { requestStream: boolean; responseStream: boolean }>();
    const handlers: UntypedHandleCall[] = [];
    const server = {
      addService(def: ServiceDefinition, impl: Record<string, UntypedHandleCall>) {
        for (const [name, m] of Object.entries(def)) {
          registered.set(m.path, { requestStream: m.requestStream, responseStream: m.responseStream });
          handlers.push(impl[name]!);
        }
      },
    };
    let guarded = 0;
    addLazyReflection(server as unknown as Server, (h) => {
      guarded++;
      return h;
    });
    expect(guarded).toBe(REFLECTION_SERVICES.length);

    const library = reflectionMethods();
    expect([...registered.keys()].sort()).toEqual([...library.keys()].sort());
    for (const [path, m] of library)
      expect(registered.get(path)).toEqual({
        requestStream: m.method.requestStream,
        responseStream: m.method.responseStream,
      });
  });
});
