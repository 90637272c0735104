import { describe, expect, it } from 'vitest';
import { ConfigError } from './errors.js';

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
