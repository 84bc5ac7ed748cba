/* eslint-disable @typescript-eslint/require-await -- batch functions here are async like real ones */
// Type tests, checked by `tsc` (pnpm typecheck): Batcher<K, V> is inferred from the batch function.
import { expectTypeOf } from 'vitest'

import { Batcher } from './batcher.js'

interface User {
  id: number
  name: string
}
declare function fetchUsers(ids: readonly number[]): Promise<User[]>

// An async function returning an array in key order.
expectTypeOf(new Batcher(async (ids: number[]) => fetchUsers(ids))).toEqualTypeOf<
  Batcher<number, User>
>()

// Errors in slots don't widen the value type.
expectTypeOf(
  new Batcher(async (ids: number[]) => ids.map((id) => (id > 0 ? String(id) : new RangeError()))),
).toEqualTypeOf<Batcher<number, string>>()

// A Map from key to value.
expectTypeOf(
  new Batcher(async (ids: string[]) => new Map(ids.map((id) => [id, id.length] as const))),
).toEqualTypeOf<Batcher<string, number>>()

// A plain object keyed by key.
expectTypeOf(
  new Batcher(async (ids: string[]) => {
    const out: Record<string, boolean> = {}
    for (const id of ids) out[id] = true
    return out
  }),
).toEqualTypeOf<Batcher<string, boolean>>()

// A synchronous array.
expectTypeOf(new Batcher((ids: bigint[]) => ids.map((id) => id * 2n))).toEqualTypeOf<
  Batcher<bigint, bigint>
>()

// Object keys.
expectTypeOf(
  new Batcher(async (queries: { table: string; id: number }[]) => queries.map((q) => q.table)),
).toEqualTypeOf<Batcher<{ table: string; id: number }, string>>()

// load, loadMany, prime.
declare const users: Batcher<number, User>
expectTypeOf(users.load(1)).toEqualTypeOf<Promise<User>>()
expectTypeOf(users.loadMany([1, 2])).toEqualTypeOf<Promise<(User | Error)[]>>()
expectTypeOf(users.prime(1, { id: 1, name: 'Ada' })).toEqualTypeOf<Batcher<number, User>>()
// @ts-expect-error: the key type is enforced
void users.load('1')
// @ts-expect-error: a batch function must return values (or a promise of them)
new Batcher(async (ids: number[]) => ids.length)

// Covariant in V: a batcher of users is a batcher of unknown values.
expectTypeOf(users).toExtend<Batcher<number, unknown>>()
