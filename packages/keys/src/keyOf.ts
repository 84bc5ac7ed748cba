/**
 * The method a class implements to say what its instances' cache key is made of. `stableHash`
 * hashes the method's result (tagged with the class name) in place of the instance. Registered
 * with `Symbol.for`, so every copy of this package (ESM and CJS, two versions) shares it.
 *
 * @example
 * ```ts
 * class UserId implements Keyed {
 *   constructor(readonly value: string) {}
 *   [keyOf]() {
 *     return this.value
 *   }
 * }
 * stableHash(new UserId('ann')) === stableHash(new UserId('ann')) // true
 * ```
 */
export const keyOf: unique symbol = Symbol.for('@cache/keys.keyOf')

/** A value that tells `stableHash` what to hash in its place; see {@link keyOf}. */
export interface Keyed {
  /** Returns the data that identifies this value: a primitive, an array, a plain object… */
  [keyOf](): unknown
}
