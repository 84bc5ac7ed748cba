// The hook through which tracing (src/otel) wraps each load: undefined until `instrument()`
// turns tracing on, so a cache without it pays one field test per load.
import type { Flight } from './flight.js'

/** Runs one load inside a span of its own. Internal. */
export interface LoadTracer<K> {
  /**
   * Runs `load` (the pipeline's attempts) with the load's span active, so that what the loader
   * starts (a database call's span) is its child; `settled` is the flight's promise, which ends
   * the span with the outcome.
   */
  load(key: K, flight: Flight, load: () => Promise<void>): Promise<void>
  /**
   * Runs the miss of a cached sync function (`run`: its calls, retries included) with the load's
   * span active; a thenable result (the function returned a promise: its async load, started
   * inside `run`, is this load) ends the span when it settles. `run` calls `servedStale` when
   * the load failed and fail-safe answered with a stale value (which `run` returns).
   */
  loadSync(key: K, run: (servedStale: (error: unknown) => void) => unknown): unknown
}
