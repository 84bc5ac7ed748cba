// Array.isArray, for values a user hands in: it throws on a revoked Proxy, and an option check
// that throws a TypeError would replace the typed error it exists to give.

/** `Array.isArray(value)`, or `false` where that throws (a revoked Proxy). Never throws. */
export function isArray(value: unknown): value is unknown[] {
  try {
    return Array.isArray(value)
  } catch {
    return false
  }
}
