// The negative-caching card: calls a failing loader in a row, with and without negativeCache.
import { Card } from './card.js'
import { callFailingLoader, type NegativeCachingResult } from './negativeCaching.js'
import { realSleep } from './sleep.js'

/** How long the demo's loader takes to fail, in ms: long enough to see, short enough to wait. */
const FAIL_AFTER_MS = 150

/** Wires the `#negative` card. */
export function setUpNegativeCard(onError: (error: unknown) => void): void {
  const card = new Card('negative')
  card.onSubmit(async () => {
    const calls = card.integer('calls')
    const keepErrorSeconds = card.integer('keep')
    card.submit.disabled = true
    for (const side of ['with', 'without']) {
      card.output(`${side}-loader-calls`, HTMLParagraphElement).textContent = '…'
      card.output(`${side}-log`, HTMLOListElement).replaceChildren()
    }
    try {
      const run = (negativeCache: boolean): Promise<NegativeCachingResult> =>
        callFailingLoader({
          calls,
          negativeCache,
          keepErrorSeconds,
          delayMs: FAIL_AFTER_MS,
          sleep: realSleep,
        })
      const [withCache, without] = await Promise.all([run(true), run(false)])
      show(card, 'with', withCache)
      show(card, 'without', without)
    } finally {
      card.submit.disabled = false
    }
  }, onError)
}

function show(card: Card, side: string, result: NegativeCachingResult): void {
  const loads = result.loaderCalls
  card.output(`${side}-loader-calls`, HTMLParagraphElement).textContent =
    `${loads} loader call${loads === 1 ? '' : 's'}`
  card.output(`${side}-log`, HTMLOListElement).replaceChildren(
    ...result.outcomes.map((outcome) => {
      const item = document.createElement('li')
      item.className = outcome.source
      item.textContent =
        outcome.source === 'loader'
          ? `loader ran and failed: ${outcome.message}`
          : `kept error rethrown: ${outcome.message}`
      return item
    }),
  )
}
