// The class part of the key of a value read through [keyOf]() or toJSON(): which class made it,
// told apart from every other class in the process and the same in every process.
import { giveHasher, takeHasher } from './hash128.js'
import { KeyError, show } from './keyError.js'
import { keyOf } from './keyOf.js'

/** The class key of each prototype's instances, worked out once. */
const keys = new WeakMap<object, string>()

/** The key of objects with no constructor function: `Object.create(null)`, odd prototypes. */
const PLAIN_NULL = sized('Object') + sized('')
const NO_CLASS = sized('') + sized('')

/**
 * The class of `object` as the encoding writes it, `<len>:<name><len>:<discriminator>`:
 * - a class with its own string `static [keyOf]` (`static [keyOf] = 'billing.Money'`): an empty
 *   name and `n<that string>`, so the key survives renaming the class, editing it, and any
 *   bundler or minifier;
 * - any other class: its name and `h<4 code units>`, 64 bits of a hash of its source text
 *   (`Function.prototype.toString`), which is the same in every process running the same code
 *   and differs between two classes that merely share a name.
 *
 * Two classes with the same name and source text are one class here: the same class loaded again
 * (hot module reload, a package loaded as both ESM and CJS) keeps its keys. Classes made by one
 * factory function are alike in both and need a `static [keyOf]` each to be told apart.
 *
 * @throws {KeyError} `ERR_KEY_CLASS` when `static [keyOf]` is not a non-empty string.
 */
export function classKeyOf(object: object): string {
  const proto: unknown = Object.getPrototypeOf(object)
  if (proto === null) return PLAIN_NULL
  // Cached by prototype, which the instances of a class share, to save reading `constructor`.
  const known = keys.get(proto as object)
  if (known !== undefined) return known
  const ctor: unknown = (proto as { constructor?: unknown }).constructor
  const key = typeof ctor === 'function' ? register(ctor) : NO_CLASS
  keys.set(proto as object, key)
  return key
}

function register(ctor: object): string {
  if (Object.hasOwn(ctor, keyOf)) {
    const name: unknown = (ctor as unknown as Record<typeof keyOf, unknown>)[keyOf]
    if (typeof name !== 'string' || name === '') {
      throw new KeyError(
        'ERR_KEY_CLASS',
        `\`static [keyOf]\` of class ${show(ctor)} must be a non-empty string that names the ` +
          `class in keys, got: ${show(name)}`,
        name,
      )
    }
    return sized('') + sized(`n${name}`)
  }
  const source = Function.prototype.toString.call(ctor)
  const { name } = ctor as { name: unknown }
  return sized(typeof name === 'string' ? name : '') + sized(`h${sourceHash(source)}`)
}

/** The first 64 bits of the source text's hash, as 4 code units (shorter to hash than hex). */
function sourceHash(source: string): string {
  const hasher = takeHasher()
  hasher.text(source)
  const raw = hasher.raw()
  giveHasher(hasher)
  return raw.slice(0, 4)
}

function sized(text: string): string {
  return `${text.length}:${text}`
}
