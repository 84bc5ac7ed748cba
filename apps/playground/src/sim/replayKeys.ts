// Replays an in-memory trace through a sweep in batches, reporting progress and giving the
// event loop a turn now and then so that a worker can receive a cancel message mid-run.
import { BATCH_LENGTH, type KeyArray } from '../traces/keyBatcher.js'
import type { Sweep } from './sweep.js'

/** Options of {@link replayKeys}. */
export interface ReplayOptions {
  /** Called after each batch with the requests replayed so far. */
  onProgress?: (requests: number) => void
  /** Stops between batches (rejecting with the signal's reason) when aborted. */
  signal?: AbortSignal
  /**
   * Milliseconds of work between two yields to the event loop.
   * @default 50
   */
  yieldEvery?: number
}

/** Feeds `keys` to `sweep` batch by batch. */
export async function replayKeys(
  keys: KeyArray,
  sweep: Sweep,
  options: ReplayOptions = {},
): Promise<void> {
  const { onProgress, signal, yieldEvery = 50 } = options
  let lastYield = performance.now()
  for (let start = 0; start < keys.length; start += BATCH_LENGTH) {
    signal?.throwIfAborted()
    sweep.feed(keys.subarray(start, start + BATCH_LENGTH))
    onProgress?.(Math.min(start + BATCH_LENGTH, keys.length))
    if (performance.now() - lastYield >= yieldEvery) {
      await nextTask()
      lastYield = performance.now()
    }
  }
  signal?.throwIfAborted()
}

// A macrotask, not a microtask: pending messages (a cancel) are delivered before it runs.
function nextTask(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 0))
}
