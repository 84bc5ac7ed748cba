// @cache/decorators/testing: the L2 contract as a conformance suite for vitest, and an in-memory
// L2 store that passes it. Needs vitest (an optional peer dependency); the main entry never
// imports this.
export { l2StoreCases, type L2CaseOutcome, type L2StoreCase } from './l2StoreCases.js'
export {
  L2UnreachableError,
  MemoryL2Server,
  MemoryL2Store,
  memoryL2Store,
  type MemoryL2Entry,
  type MemoryL2Lock,
  type MemoryL2ServerOptions,
  type MemoryL2StoreOptions,
} from './memoryL2Store.js'
export type {
  L2StoreContext,
  L2StoreFactory,
  L2StoreSuiteOptions,
  L2SuiteClock,
} from './suiteTools.js'
export { testL2Store } from './testL2Store.js'
