// Type tests, checked by `tsc` (pnpm typecheck): inference and the public types' shape.
import { expectTypeOf } from 'vitest'

import type { S3FIFOCache, TinyLFUCache } from '../src/index.js'
import { createCache, LRUCache, type EvictionCache, type EvictionReason } from '../src/index.js'

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
