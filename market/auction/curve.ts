import type { CurveBid } from './types.js';

// One curve bid as a function of price. Prices may be real numbers here (the exact crossing of linear
// curves); quantities are lots, fractional only on linear segments.

/** A bid's acceptable net quantities at one price: any value in [lo, hi]. */
export interface QuantityRange {
  lo: number;
  hi: number;
}

/** Index of the last point whose price is <= p, or -1. */
function lastPointAtOrBelow(bid: CurveBid, p: number): number {
  const pts = bid.points;
  let lo = 0;
  let hi = pts.length - 1;
  let found = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (pts[mid]!.priceTicks <= p) {
      found = mid;
      lo = mid + 1;
    } else {
      hi = mid - 1;
    }
  }
  return found;
}

/** The nominal net demand q(p): right-continuous for step curves, continuous for linear ones. */
export function curveQuantityAt(bid: CurveBid, p: number): number {
  const pts = bid.points;
  const k = lastPointAtOrBelow(bid, p);
  if (k < 0) return pts[0]!.quantityLots;
  const a = pts[k]!;
  if (bid.interpolation === 'step' || k === pts.length - 1 || a.priceTicks === p) return a.quantityLots;
  const b = pts[k + 1]!;
  return (
    a.quantityLots + ((b.quantityLots - a.quantityLots) * (p - a.priceTicks)) / (b.priceTicks - a.priceTicks)
  );
}

/**
 * The range of net quantities the bid accepts at price p. A step curve is indifferent at the price of
 * each of its points (index >= 1): any quantity between the quantity before and after the step.
 * Price-limit extension: at the maximum price every buy can be curtailed down to 0, at the minimum
 * price every sell can be curtailed up to 0 (price-taking quantities are marginal at the limits).
 */
export function curveRangeAt(bid: CurveBid, p: number, priceMin: number, priceMax: number): QuantityRange {
  let lo: number;
  let hi: number;
  const k = lastPointAtOrBelow(bid, p);
  if (bid.interpolation === 'step' && k >= 1 && bid.points[k]!.priceTicks === p) {
    lo = bid.points[k]!.quantityLots;
    hi = bid.points[k - 1]!.quantityLots;
  } else {
    lo = curveQuantityAt(bid, p);
    hi = lo;
  }
  if (p <= priceMin) hi = Math.max(hi, 0);
  if (p >= priceMax) lo = Math.min(lo, 0);
  return { lo, hi };
}

/** The net quantities a bid can be awarded at any price within the limits. */
export function curveQuantityBounds(bid: CurveBid): QuantityRange {
  const pts = bid.points;
  return { lo: Math.min(pts[pts.length - 1]!.quantityLots, 0), hi: Math.max(pts[0]!.quantityLots, 0) };
}

/**
 * Gross value U(x) = ∫_0^x P(ξ) dξ of net quantity x to the bidder, in tick·lots, where P is the inverse
 * curve (marginal value of the ξ-th lot bought; for negative ξ the marginal cost of selling). Integer
 * for step curves and integer x.
 */
export function curveUtility(bid: CurveBid, x: number, priceMin: number, priceMax: number): number {
  const bounds = curveQuantityBounds(bid);
  if (x < bounds.lo - 1e-9 || x > bounds.hi + 1e-9) {
    throw new RangeError(`quantity ${x} outside bid ${bid.bidId}'s range [${bounds.lo}, ${bounds.hi}]`);
  }
  const from = Math.min(0, x);
  const to = Math.max(0, x);
  const pts = bid.points;
  const first = pts[0]!.quantityLots;
  const last = pts[pts.length - 1]!.quantityLots;
  // Price-taking buy (still bought at the maximum price) is valued at the maximum price, price-taking
  // sell (still sold at the minimum price) at the minimum price.
  let area = 0;
  if (last > 0) area += overlap(from, to, 0, last) * priceMax;
  if (first < 0) area += overlap(from, to, first, 0) * priceMin;
  const step = bid.interpolation === 'step';
  for (let k = 1; k < pts.length; k++) {
    // Between Q_k and Q_(k-1): marginal at P_k (step), or from P_k at Q_k to P_(k-1) at Q_(k-1) (linear).
    const qLo = pts[k]!.quantityLots;
    const qHi = pts[k - 1]!.quantityLots;
    const a = Math.max(from, qLo);
    const b = Math.min(to, qHi);
    if (b <= a) continue;
    const pLo = pts[k]!.priceTicks;
    if (step) {
      area += (b - a) * pLo;
    } else {
      const slope = (pts[k - 1]!.priceTicks - pLo) / (qHi - qLo);
      area += ((b - a) * (2 * pLo + slope * (a - qLo + (b - qLo)))) / 2;
    }
  }
  return x >= 0 ? area : -area;
}

function overlap(a0: number, a1: number, b0: number, b1: number): number {
  return Math.max(0, Math.min(a1, b1) - Math.max(a0, b0));
}
