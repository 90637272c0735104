// The public entry of the market library: import from here, not from the files behind it.

export { CidMarket } from './cid/cid-market.js';
export { ReferenceBook } from './cid/reference-book.js';
export * from './types.js';
export { eurToTicks, lotsToMw, mwToLots, ticksToEur, tradeCashUnits } from './units.js';
