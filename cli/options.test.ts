import { InvalidArgumentError } from 'commander';
import { describe, expect, it } from 'vitest';
import {
  hostOption,
  intOption,
  nameOption,
  numberOption,
  parseNatsOutageLimit,
  pathOption,
} from './options.js';

describe('option parsers', () => {
  it('refuses a blank integer instead of reading it as 0', () => {
    for (const v of ['', ' '])
      expect(() => intOption('--seed')(v)).toThrow(
        new InvalidArgumentError(`--seed must be an integer, got "${v}"`),
      );
    expect(intOption('--seed')('0')).toBe(0);
  });

  it('names the flag and its range when a value is outside it', () => {
    const seed = intOption('--seed', { min: 0, max: 10 });
    expect(() => seed('-1')).toThrow('--seed must be from 0 to 10, got "-1"');
    expect(() => seed('11')).toThrow('--seed must be from 0 to 10, got "11"');
    expect(seed('10')).toBe(10);
    expect(() => numberOption('--realtime', { min: 1, max: 100 })('0.5')).toThrow(
      '--realtime must be from 1 to 100, got "0.5"',
    );
    expect(() => intOption('--n', { min: 3 })('2')).toThrow('--n must be at least 3, got "2"');
    expect(() => numberOption('--x', { max: 3 })('4')).toThrow('--x must be at most 3, got "4"');
  });

  it('names the range, not only "positive", for a zero or negative value of a ranged number', () => {
    // It said "--realtime must be a positive number" for 0, while the limit is 1 to 100000.
    for (const v of ['0', '-5'])
      expect(() => numberOption('--realtime', { min: 1, max: 100_000 })(v)).toThrow(
        `--realtime must be from 1 to 100000, got "${v}"`,
      );
    expect(() => numberOption('--pace')('0')).toThrow('--pace must be a positive number, got "0"');
    expect(() => numberOption('--pace')('fast')).toThrow('--pace must be a number, got "fast"');
  });
});

describe('--nats-outage-limit', () => {
  it('takes seconds ≥ 1 as given', () => {
    expect(parseNatsOutageLimit('1')).toBe(1);
    expect(parseNatsOutageLimit('2.5')).toBe(2.5);
    expect(parseNatsOutageLimit('300')).toBe(300);
  });

  it('refuses what is not a number of seconds ≥ 1, naming the flag and the limit', () => {
    for (const bad of ['0', '0.5', '-1', 'soon', '', 'Infinity', 'NaN'])
      expect(() => parseNatsOutageLimit(bad), bad).toThrow(InvalidArgumentError);
    expect(() => parseNatsOutageLimit('0.5')).toThrow(
      '--nats-outage-limit must be a number of seconds ≥ 1, got "0.5"',
    );
  });

  it('refuses more than its give-up timer can wait (it gave up 1 ms into the outage instead)', () => {
    expect(parseNatsOutageLimit('2147483')).toBe(2_147_483);
    expect(() => parseNatsOutageLimit('2147484')).toThrow(
      '--nats-outage-limit must be at most 2147483 seconds (24.8 days, the longest a timer waits), got "2147484"',
    );
    expect(() => parseNatsOutageLimit('1e9')).toThrow(InvalidArgumentError);
  });
});

describe('hostOption', () => {
  it('takes a host name or address as given and refuses a blank one, naming the flag', () => {
    for (const host of ['127.0.0.1', '0.0.0.0', 'localhost', '::1'])
      expect(hostOption('--host')(host)).toBe(host);
    // Node's HTTP server took "" for every interface.
    for (const bad of ['', ' ', ' 127.0.0.1'])
      expect(() => hostOption('--http-host')(bad), bad).toThrow(
        `--http-host must be a host name or address to bind to (0.0.0.0 for every interface), got "${bad}"`,
      );
  });
});

describe('pathOption', () => {
  it('takes a path as given and refuses a blank one, naming the flag', () => {
    expect(pathOption('--out')('runs/x')).toBe('runs/x');
    expect(pathOption('--out')('.')).toBe('.');
    for (const bad of ['', '  '])
      expect(() => pathOption('--out')(bad)).toThrow(`--out must be a path, got "${bad}"`);
  });
});

describe('nameOption', () => {
  // worker --name '' was taken: the games it played said playedBy "".
  it('takes a name as given and refuses a blank or space-padded one, naming the flag', () => {
    expect(nameOption('--name')('w-1')).toBe('w-1');
    for (const bad of ['', '  ', ' w'])
      expect(() => nameOption('--name')(bad)).toThrow(
        `--name must be a name without leading or trailing spaces, got "${bad}"`,
      );
  });
});
