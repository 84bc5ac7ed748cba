// Type tests, checked by `tsc` (pnpm typecheck): inference and the public types' shape.
import { expectTypeOf } from 'vitest'

import type { S3FIFOCache, TinyLFUCache } from '../src/index.js'
import {
  createCache,
  LRUCache,
  simulate,
  SIMULATION_POLICIES,
  type EvictionCache,
  type EvictionReason,
  type OfflinePolicyName,
  type PolicyName,
  type SimulationPolicyName,
  type SimulationResult,
} from '../src/index.js'

const lru = createCache<string, number>({ maxSize: 10 })
expectTypeOf(lru).toEqualTypeOf<LRUCache<string, number>>()
expectTypeOf(lru.get('a')).toEqualTypeOf<number | undefined>()
expectTypeOf(createCache<string, number>({ policy: 's3fifo', maxSize: 10 })).toEqualTypeOf<
  S3FIFOCache<string, number>
>()
expectTypeOf(createCache({ policy: 'tinylfu', maxSize: 10, seed: 3 })).toEqualTypeOf<
  TinyLFUCache<unknown, unknown>
>()
expectTypeOf(new LRUCache<string, number>({ maxSize: 1 })).toExtend<EvictionCache<string, number>>()

new LRUCache<string, number>({
  maxSize: 1,
  onEvict: (key, value, reason) => {
    expectTypeOf(key).toEqualTypeOf<string>()
    expectTypeOf(value).toEqualTypeOf<number>()
    expectTypeOf(reason).toEqualTypeOf<EvictionReason>()
  },
})

// @ts-expect-error: policy-specific options belong to their policy
createCache({ policy: 'lru', maxSize: 10, promotionThreshold: 2 })
// @ts-expect-error: values must match the cache's type
lru.set('a', 'one')

// OPT is a policy of the simulator only: simulate takes it in place of a cache, createCache and
// the cache policy names do not know it.
expectTypeOf(simulate([1, 2], { policy: 'opt', maxSize: 1 })).toEqualTypeOf<SimulationResult>()
expectTypeOf(SIMULATION_POLICIES).toEqualTypeOf<readonly SimulationPolicyName[]>()
expectTypeOf<SimulationPolicyName>().toEqualTypeOf<PolicyName | OfflinePolicyName>()
expectTypeOf<'opt'>().not.toExtend<PolicyName>()
// @ts-expect-error: no cache runs OPT
createCache({ policy: 'opt', maxSize: 10 })
// @ts-expect-error: only an offline policy stands in for a cache
simulate([1], { policy: 'lru', maxSize: 1 })
