// The default clock of a cache.

/** The default clock: `Date.now()`, looked up at each call so that fake timers apply. */
export function systemNow(): number {
  return Date.now()
}
