// The public entry of the built-in strategies: the registry by name.
export { createStrategy, hasStrategy, listStrategies, UnknownStrategyError } from './registry.js';
