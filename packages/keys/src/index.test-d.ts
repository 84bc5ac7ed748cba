import { expectTypeOf } from 'vitest'

import {
  type CacheKey,
  KeyError,
  type KeyErrorCode,
  type Keyed,
  keyOf,
  type KeyTemplate,
  keyTemplate,
  makeKey,
  type MakeKeyOptions,
  SINGLE_KEY,
  stableHash,
} from './index.js'

expectTypeOf(stableHash).parameter(0).toBeUnknown()
expectTypeOf(stableHash(1)).toBeString()

expectTypeOf(makeKey([1, 'a'])).toEqualTypeOf<CacheKey>()
expectTypeOf<CacheKey>().toEqualTypeOf<
  string | number | bigint | boolean | symbol | null | undefined
>()
// A tuple of arguments, as a wrapper has them, is accepted as it is.
expectTypeOf(makeKey).toBeCallableWith([1, 'a'] as const)
expectTypeOf(makeKey).toBeCallableWith([1], {
  skipArgs: 1,
  ignoreArgs: [0, 'id'],
  paramNames: ['id'],
})
expectTypeOf<MakeKeyOptions['ignoreProps']>().toEqualTypeOf<readonly string[] | undefined>()
// @ts-expect-error: skipArgs is a count
makeKey([1], { skipArgs: '1' })

const userKey = keyTemplate<[id: number]>('user:{0}')
expectTypeOf(userKey).toEqualTypeOf<KeyTemplate<[id: number]>>()
expectTypeOf(userKey).parameters.toEqualTypeOf<[id: number]>()
expectTypeOf(userKey).returns.toBeString()
// @ts-expect-error: the argument types come from the type parameter
userKey('42')
// Without one, any arguments go.
expectTypeOf(keyTemplate('x:{0}')).toBeCallableWith(1, 'two', { three: 3 })
expectTypeOf(keyTemplate).toBeCallableWith('x:{id}', { paramNames: ['id'] })
expectTypeOf(SINGLE_KEY).toEqualTypeOf<KeyTemplate>()

class UserId implements Keyed {
  constructor(readonly id: string) {}
  [keyOf](): string {
    return this.id
  }
}
expectTypeOf(new UserId('a')[keyOf]()).toBeString()
expectTypeOf(keyOf).toEqualTypeOf<typeof keyOf>()

expectTypeOf(new KeyError('ERR_KEY_ARGS', 'm', 1).code).toEqualTypeOf<KeyErrorCode>()
expectTypeOf<KeyErrorCode>().toEqualTypeOf<
  | 'ERR_KEY_ARGS'
  | 'ERR_KEY_OPTIONS'
  | 'ERR_KEY_TEMPLATE'
  | 'ERR_KEY_TEMPLATE_VALUE'
  | 'ERR_KEY_DEPTH'
  | 'ERR_KEY_CLASS'
>()
// @ts-expect-error: codes are a closed set
new KeyError('ERR_NOPE', 'm', 1)
