// The single-flight card: fires N concurrent calls with and without single flight.
import { formatCount } from '../sim/format.js'
import { Card } from './card.js'
import { realSleep } from './sleep.js'
import { stampede, type StampedeResult } from './stampede.js'

/** Wires the `#stampede` card. */
export function setUpStampedeCard(onError: (error: unknown) => void): void {
  const card = new Card('stampede')
  const button = card.submit
  card.onSubmit(async () => {
    const calls = card.integer('calls')
    const delayMs = card.integer('delay')
    button.disabled = true
    for (const side of ['with', 'without']) {
      card.output(`${side}-loader-calls`, HTMLParagraphElement).textContent = '…'
      card.output(`${side}-detail`, HTMLParagraphElement).textContent = ''
    }
    try {
      const [withFlight, without] = await Promise.all([
        stampede({ calls, delayMs, singleFlight: true, sleep: realSleep }),
        stampede({ calls, delayMs, singleFlight: false, sleep: realSleep }),
      ])
      show(card, 'with', withFlight)
      show(card, 'without', without)
    } finally {
      button.disabled = false
    }
  }, onError)
}

function show(card: Card, side: string, result: StampedeResult): void {
  const loads = result.loaderCalls
  card.output(`${side}-loader-calls`, HTMLParagraphElement).textContent =
    `${formatCount(loads)} loader call${loads === 1 ? '' : 's'}`
  card.output(`${side}-detail`, HTMLParagraphElement).textContent =
    `${formatCount(result.calls)} callers got ${formatCount(result.distinctValues)} distinct value(s) ` +
    `in ${Math.round(result.elapsedMs)} ms; dedup hits: ${formatCount(result.stats.dedupHits)}`
}
