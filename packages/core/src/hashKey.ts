// A 32-bit hash of any key, for the frequency sketch only: collisions cost a little estimation
// accuracy, never correctness, so it favours speed over quality and needs no canonical encoding.

const objectIds = new WeakMap<object, number>()
let nextObjectId = 1
const floatView = new Float64Array(1)
const floatBits = new Uint32Array(floatView.buffer)

/** Hashes a key to a 32-bit integer: strings by content, numbers by value, objects by identity. */
export function hashKey(key: unknown): number {
  switch (typeof key) {
    case 'number':
      if ((key | 0) === key) return key
      floatView[0] = key
      return (floatBits[0]! ^ Math.imul(floatBits[1]!, 0x9e3779b1)) | 0
    case 'string':
      return hashString(key)
    case 'object':
    case 'function': {
      if (key === null) return 0x5bd1e995
      let id = objectIds.get(key)
      if (id === undefined) {
        id = Math.imul(nextObjectId++, 0x9e3779b1)
        objectIds.set(key, id)
      }
      return id
    }
    case 'boolean':
      return key ? 0x27d4eb2f : 0x165667b1
    case 'undefined':
      return 0x1b873593
    case 'bigint':
      return hashString(key.toString()) ^ 0x68e31da4
    case 'symbol':
      return hashString(key.description ?? '') ^ 0x7feb352d
  }
}

// FNV-1a over pairs of UTF-16 code units: half the multiplications of one unit per step, on the
// chain every evicting `set` of a string key waits for. The weaker spreading of the second unit is
// made up by the sketch's own mixing of the result (and by the position mixing of `StringTable`,
// which keeps short string keys with this same hash).
/** The hash `hashKey` gives a string: an int32. */
export function hashString(value: string): number {
  // As an int32 from the start: the empty string's hash is this basis, as `StringTable` stores it.
  let hash = 0x811c9dc5 | 0
  const pairs = value.length - 1
  let i = 0
  for (; i < pairs; i += 2) {
    hash = Math.imul(hash ^ (value.charCodeAt(i) | (value.charCodeAt(i + 1) << 16)), 0x01000193)
  }
  if (i < value.length) hash = Math.imul(hash ^ value.charCodeAt(i), 0x01000193)
  return hash
}
