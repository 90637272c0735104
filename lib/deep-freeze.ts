// Freezes an object graph in place (already-frozen parts are skipped, so shared parts cost once).
// It runs on every in-process wake-up (thousands of orders, forecasts and reports per decision
// point), so it walks arrays by index and objects by key without building a values array per
// object, and never descends into primitives.
export function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) freezeObject(value);
  return value;
}

function freezeObject(o: object): void {
  Object.freeze(o);
  if (Array.isArray(o)) {
    for (let i = 0; i < o.length; i++) {
      const v: unknown = o[i];
      if (v !== null && typeof v === 'object' && !Object.isFrozen(v)) freezeObject(v);
    }
    return;
  }
  const rec = o as Record<string, unknown>;
  for (const k in rec) {
    // Own enumerable properties only, as Object.values would visit.
    if (!Object.hasOwn(rec, k)) continue;
    const v = rec[k];
    if (v !== null && typeof v === 'object' && !Object.isFrozen(v)) freezeObject(v);
  }
}
