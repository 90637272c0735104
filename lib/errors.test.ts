import { describe, expect, it } from 'vitest';
import { ConfigError, ListenError } from './errors.js';

describe('ConfigError', () => {
  it('names NaN and ±Infinity, which JSON would show as null', () => {
    // YAML's .nan, .inf and 1e400 reach the schema as these numbers.
    const e = new ConfigError('x.yaml', [
      { path: 'seed', message: 'expected number', value: Number.POSITIVE_INFINITY },
      { path: 'days', message: 'expected number', value: Number.NaN },
      { path: 'agents[0].params', message: 'bad', value: { a: [1, Number.NEGATIVE_INFINITY] } },
      { path: 'name', message: 'expected a number', value: 'Infinity' },
    ]);
    expect(e.message).toContain('seed: expected number (got Infinity)');
    expect(e.message).toContain('days: expected number (got NaN)');
    expect(e.message).toContain('agents[0].params: bad (got {"a":[1,-Infinity]})');
    // A string the user wrote stays a string.
    expect(e.message).toContain('name: expected a number (got "Infinity")');
  });

  it('says a value that contains itself (a YAML alias inside its anchor) instead of throwing', () => {
    const self: unknown[] = [];
    self.push(self);
    const e = new ConfigError('x.yaml', [{ path: 'foo', message: 'unknown field "foo"', value: self }]);
    expect(e.message).toBe(
      'invalid configuration x.yaml:\n  - foo: unknown field "foo" (got a value that contains itself (a YAML alias inside its own anchor))',
    );
  });
});

describe('ListenError', () => {
  const errno = (code: string, message: string) => Object.assign(new Error(message), { code });

  it('names the host setting when the host is at fault, not the port (a --host not of this machine)', () => {
    // It said "(port: 0 in the configuration or --port; 0 picks a free one)" for --host nosuch.invalid.
    const unknown = new ListenError(
      'agents',
      'nosuch.invalid',
      0,
      'port: 0 in the configuration or --port',
      errno('ENOTFOUND', 'getaddrinfo ENOTFOUND nosuch.invalid'),
      '--host',
    );
    expect(unknown.message).toBe(
      'cannot listen for agents on nosuch.invalid:0 (--host: not an address of this machine; 127.0.0.1 for this machine only, 0.0.0.0 for every interface): getaddrinfo ENOTFOUND nosuch.invalid',
    );
    const elsewhere = new ListenError(
      "the evaluator's HTTP endpoint",
      '10.255.255.1',
      8787,
      '--http-port',
      errno('EADDRNOTAVAIL', 'listen EADDRNOTAVAIL: address not available 10.255.255.1:8787'),
      '--http-host',
    );
    expect(elsewhere.message).toContain('(--http-host: not an address of this machine;');
    expect(elsewhere.message).not.toContain('--http-port');
  });

  it('names the port setting for a port in use, and without a host setting', () => {
    const taken = errno('EADDRINUSE', 'listen EADDRINUSE: address already in use 127.0.0.1:50051');
    expect(new ListenError('agents', '127.0.0.1', 50051, '--port', taken, '--host').message).toBe(
      'cannot listen for agents on 127.0.0.1:50051 (--port; 0 picks a free one): listen EADDRINUSE: address already in use 127.0.0.1:50051',
    );
    const notHere = errno('EADDRNOTAVAIL', 'listen EADDRNOTAVAIL: address not available');
    expect(new ListenError('the dashboard page', '127.0.0.1', 1, '--port', notHere).message).toContain(
      '(--port; 0 picks a free one)',
    );
  });
});
