// Venues by name, like a clearing registry: each entry builds its market for a run, or nothing
// when the run's configuration switches that market off. The engine runs whatever is registered;
// adding a market is one entry here.
import type { RunContext } from '../core/run-context.js';
import { AuctionVenue } from './auction-venue.js';
import { BalancingVenue } from './balancing-venue.js';
import { CidVenue } from './cid-venue.js';
import type { Venue } from './venue.js';

export type VenueFactory = (ctx: RunContext) => Venue | undefined;

export const VENUE_REGISTRY: ReadonlyMap<string, VenueFactory> = new Map<string, VenueFactory>([
  ['cid', (ctx) => new CidVenue(ctx)],
  [
    'auctions',
    (ctx) => {
      const a = ctx.cfg.market.auctions;
      return a.dayAhead || a.intraday ? new AuctionVenue(ctx) : undefined;
    },
  ],
  ['balancing', (ctx) => (ctx.cfg.market.balancing.enabled ? new BalancingVenue(ctx) : undefined)],
]);

export interface RunVenues {
  /** In registry order: the order their same-time events and publications run. */
  all: Venue[];
  byName: Map<string, Venue>;
  cid: CidVenue;
  auctions: AuctionVenue | undefined;
  balancing: BalancingVenue | undefined;
}

export function createVenues(ctx: RunContext): RunVenues {
  const byName = new Map<string, Venue>();
  for (const [name, factory] of VENUE_REGISTRY) {
    const venue = factory(ctx);
    if (venue) byName.set(name, venue);
  }
  const cid = byName.get('cid');
  if (!(cid instanceof CidVenue)) throw new Error('the continuous market venue is always part of a run');
  const auctions = byName.get('auctions');
  const balancing = byName.get('balancing');
  return {
    all: [...byName.values()],
    byName,
    cid,
    auctions: auctions instanceof AuctionVenue ? auctions : undefined,
    balancing: balancing instanceof BalancingVenue ? balancing : undefined,
  };
}
