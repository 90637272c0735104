// Public entry of the balancing markets: aFRR capacity auction, balancing energy market with
// activation, non-delivery penalties, imbalance prices and settlement, conservation checks.
// Import from here (or from market/index.ts), not from the files behind it.

export {
  type AcceptedCapacityBid,
  awardedCapacityLots,
  CapacityAuction,
  type CapacityAuctionConfig,
  type CapacityAuctionResult,
  type CapacityAward,
  type CapacityBid,
  type CapacityDemand,
  type CapacityPricing,
  type CapacityProductResult,
  capacityPaymentCashUnits,
  clearCapacityAuction,
  DEFAULT_CAPACITY_AUCTION_CONFIG,
  validateCapacityBid,
} from './capacity-auction.js';
export {
  activationFlows,
  type ConservationReport,
  capacityFlows,
  checkConservation,
  imbalanceFlows,
  penaltyFlows,
  type SettlementFlow,
  TSO_PARTY,
} from './conservation.js';
export {
  type ActivationPricing,
  type ActivationResult,
  activateEnergyBids,
  capacityProductOfPeriod,
  DEFAULT_ENERGY_MARKET_CONFIG,
  type EnergyActivation,
  type EnergyBid,
  EnergyMarket,
  type EnergyMarketConfig,
  energyMeritOrder,
  kwhPerLotPerPeriod,
  type ObligationCheck,
  type ObligationShortfall,
  periodsOfCapacityProduct,
  validateEnergyBid,
} from './energy-market.js';
export {
  type ImbalancePriceInput,
  type ImbalancePrices,
  type ImbalancePricingMode,
  imbalancePrices,
  type RegulationState,
  regulationState,
  settleImbalance,
  systemImbalanceFromParties,
} from './imbalance-price.js';
export {
  activatedKwhByAgent,
  type BalancingPrices,
  DEFAULT_PENALTY_CONFIG,
  type NonDeliveryInput,
  type NonDeliveryPenalty,
  nonDeliveryPenalties,
  nonDeliveryPenalty,
  type PenaltyConfig,
  penaltyPriceTicks,
} from './penalty.js';
export * from './types.js';
