// The evaluator's HTTP endpoint answers a request whose scores cannot be computed with a 500 and
// the reason; the error used to escape the request handler and end the evaluator process.
import { describe, expect, it } from 'vitest';
import { HttpEndpoint } from './http-endpoint.js';

describe('HttpEndpoint', () => {
  it('answers 500 with the reason when the scores cannot be computed, and serves on', async () => {
    const endpoint = new HttpEndpoint({
      health: () => ({ status: 'ok' }),
      runs: () => [],
      scores: () => {
        throw new RangeError('perfect-foresight bound: spec.etaCharge must be in (0, 1], got 0');
      },
    });
    const port = await endpoint.listen('127.0.0.1', 0);
    try {
      const failed = await fetch(`http://127.0.0.1:${port}/runs/r`);
      expect(failed.status).toBe(500);
      expect(await failed.json()).toEqual({
        error: 'perfect-foresight bound: spec.etaCharge must be in (0, 1], got 0',
      });
      const health = await fetch(`http://127.0.0.1:${port}/health`);
      expect(await health.json()).toEqual({ status: 'ok' });
    } finally {
      await endpoint.close();
    }
  });
});
