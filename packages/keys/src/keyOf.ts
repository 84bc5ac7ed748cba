/**
 * The method a class implements to say what its instances' cache key is made of. `stableHash`
 * hashes the method's result (tagged with the class: its name and source text) in place of the
 * instance. As a `static` string property, it names the class in keys instead, so that keys
 * survive editing or renaming the class. Registered with `Symbol.for`, so every copy of this
 * package (ESM and CJS, two versions) shares it.
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
 *
 * class Money {
 *   static [keyOf] = 'billing.Money' // the class's name in keys, whatever its code
 *   constructor(readonly cents: bigint) {}
 *   [keyOf]() {
 *     return this.cents
 *   }
 * }
 * ```
 */
export const keyOf: unique symbol = Symbol.for('@cache/keys.keyOf')

/** A value that tells `stableHash` what to hash in its place; see {@link keyOf}. */
export interface Keyed {
  /** Returns the data that identifies this value: a primitive, an array, a plain object… */
  [keyOf](): unknown
}
