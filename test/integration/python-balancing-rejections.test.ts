// Balancing bids that break a rule, sent over gRPC by a Python SDK agent in a real run
// (test/helpers/py-balancing-probe.py): each gets one typed rejection naming the proto field and
// stating the limit the markets apply, on both sides of a limit alike; a capacity bid after the
// auction's gate and an energy bid after its gate name the product and the gate time; an energy bid
// below the agent's awarded capacity names the obligation. The valid bids are taken, and the
// award they bring is what the tape says.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { RejectCode } from '../../gen/flexarena/v1/market.js';
import { ActionStatus } from '../../gen/flexarena/v1/session.js';
import {
  demoConfig,
  readTape,
  STARTUP_MS,
  startArena,
  stopAll,
  tempDir,
  writeConfig,
} from '../helpers/arena-process.js';

afterEach(stopAll);

const root = join(import.meta.dirname, '..', '..');

interface Result {
  ref: string;
  status: number;
  code: number;
  field: string;
  limit: string;
  message: string;
}

const QUANTITY = 'an integer within [1, 100000] lots of 0.1 MW';
const CAPACITY_PRICE = 'an integer within [0, 9999999] ticks of 0.01 EUR/MW per hour';
const ENERGY_PRICE = 'an integer within [-1500000, 1500000] ticks of 0.01 EUR/MWh';
const DIRECTION = 'one of BALANCING_DIRECTION_UP (1), BALANCING_DIRECTION_DOWN (2)';

describe('balancing bids over gRPC from a Python agent', () => {
  it('rejects each broken rule with the field and the limit, and takes the valid bids', async () => {
    const dir = tempDir();
    const cfg = demoConfig({ market: { auctions: { dayAhead: false, intraday: false } } });
    cfg.agents = [
      (cfg.agents as object[])[0]!,
      {
        id: 'probe',
        strategy: 'external-python',
        launch: false,
        token: 'probe-token',
        asset: { type: 'battery', powerMw: 10, energyMwh: 20 },
      },
    ];
    const arena = await startArena(writeConfig(dir, cfg), ['--out', dir, '--in-process'], STARTUP_MS);
    const outPath = join(dir, 'probe-results.jsonl');
    const py = spawn(
      '/usr/bin/python3',
      [join(root, 'test', 'helpers', 'py-balancing-probe.py'), '--arena', arena.address, '--out', outPath],
      {
        stdio: ['ignore', 'pipe', 'pipe'],
        env: { ...process.env, FLEXARENA_TOKEN: 'probe-token', PYTHONPATH: join(root, 'agents', 'python') },
      },
    );
    let log = '';
    py.stdout.on('data', (d) => (log += d));
    py.stderr.on('data', (d) => (log += d));
    const pyExit = new Promise<number | null>((resolve) => py.on('exit', resolve));
    const res = await arena.exited;
    expect(res.code, res.stderr).toBe(0);
    expect(await pyExit, log).toBe(0);

    const results = new Map<string, Result>(
      readFileSync(outPath, 'utf8')
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as Result)
        .map((r) => [r.ref, r]),
    );
    const rejected = (ref: string, code: RejectCode, field: string, limit: string | RegExp) => {
      const r = results.get(ref);
      expect(r, ref).toBeDefined();
      expect(r!.status, ref).toBe(ActionStatus.ACTION_STATUS_REJECTED);
      expect({ ref, code: r!.code, field: r!.field }).toEqual({ ref, code, field });
      if (typeof limit === 'string') expect(r!.limit, ref).toBe(limit);
      else expect(r!.limit, ref).toMatch(limit);
      expect(r!.message, ref).not.toBe('');
    };
    const C = RejectCode;
    rejected('cap-direction-unset', C.REJECT_CODE_DIRECTION_INVALID, 'capacity_bid.direction', DIRECTION);
    rejected('cap-direction-unknown', C.REJECT_CODE_DIRECTION_INVALID, 'capacity_bid.direction', DIRECTION);
    rejected('cap-quantity-zero', C.REJECT_CODE_QUANTITY_INVALID, 'capacity_bid.quantity_lots', QUANTITY);
    rejected(
      'cap-quantity-above-max',
      C.REJECT_CODE_QUANTITY_INVALID,
      'capacity_bid.quantity_lots',
      QUANTITY,
    );
    rejected(
      'cap-price-negative',
      C.REJECT_CODE_PRICE_OUT_OF_RANGE,
      'capacity_bid.price_ticks',
      CAPACITY_PRICE,
    );
    rejected(
      'cap-price-above-max',
      C.REJECT_CODE_PRICE_OUT_OF_RANGE,
      'capacity_bid.price_ticks',
      CAPACITY_PRICE,
    );
    rejected('cap-block-6', C.REJECT_CODE_UNKNOWN_PRODUCT, 'capacity_bid.product_id', /K in 0\.\.5/);
    rejected('energy-direction-unset', C.REJECT_CODE_DIRECTION_INVALID, 'energy_bid.direction', DIRECTION);
    rejected('energy-direction-unknown', C.REJECT_CODE_DIRECTION_INVALID, 'energy_bid.direction', DIRECTION);
    rejected('energy-quantity-zero', C.REJECT_CODE_QUANTITY_INVALID, 'energy_bid.quantity_lots', QUANTITY);
    rejected(
      'energy-quantity-above-max',
      C.REJECT_CODE_QUANTITY_INVALID,
      'energy_bid.quantity_lots',
      QUANTITY,
    );
    rejected(
      'energy-price-above-max',
      C.REJECT_CODE_PRICE_OUT_OF_RANGE,
      'energy_bid.price_ticks',
      ENERGY_PRICE,
    );
    rejected(
      'energy-price-below-min',
      C.REJECT_CODE_PRICE_OUT_OF_RANGE,
      'energy_bid.price_ticks',
      ENERGY_PRICE,
    );
    rejected('energy-on-hour', C.REJECT_CODE_UNKNOWN_PRODUCT, 'energy_bid.product_id', /quarter-hour/);
    // D-1 09:00 (UTC) for 2026-11-22.
    rejected(
      'cap-after-gate',
      C.REJECT_CODE_GATE_CLOSED,
      'capacity_bid.product_id',
      '< 2026-11-21T09:00:00.000Z',
    );
    rejected(
      'energy-below-obligation',
      C.REJECT_CODE_ENERGY_BELOW_AWARDED_CAPACITY,
      'energy_bid.quantity_lots',
      '>= 20 lots',
    );
    rejected(
      'energy-after-gate',
      C.REJECT_CODE_GATE_CLOSED,
      'energy_bid.product_id',
      /^< 2026-11-2\dT\d\d:\d\d:00\.000Z$/,
    );
    expect(results.get('energy-after-gate')!.message).toMatch(
      /balancing energy gate of qh-\d{8}-\d{4} closed at/,
    );
    for (const ref of ['cap-valid', 'energy-obligation-met'])
      expect(results.get(ref)?.status, ref).toBe(ActionStatus.ACTION_STATUS_ACCEPTED);
    expect(results.size).toBe(19);

    // The valid capacity bid (2 MW at 1 EUR/MW/h) undercuts the world's ladder: awarded in full,
    // paid as bid for the 4-hour block (20 lots × 100 ticks × 400 cash units).
    const award = readTape(arena.runDir)
      .filter((e) => e.type === 'capacity-result')
      .flatMap((e) => e.awards as { agentId: string; awardedLots: number; paymentCashUnits: number }[]);
    expect(award).toEqual([
      expect.objectContaining({ agentId: 'probe', awardedLots: 20, paymentCashUnits: 800_000 }),
    ]);
  });
});
