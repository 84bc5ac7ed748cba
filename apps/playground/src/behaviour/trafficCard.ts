// The live-statistics card: steady skewed traffic at a cached function, its stats refreshed.
import { POLICIES, type PolicyName } from '@cache/core'

import { InputError } from '../sim/inputError.js'
import { isPolicyName } from '../sim/policies.js'
import { Card } from './card.js'
import { realSleep } from './sleep.js'
import { showStats } from './statsView.js'
import { createTraffic, type Traffic } from './trafficSimulation.js'

/** How often a burst of requests is sent, and the stats redrawn, in ms. */
const TICK_MS = 100

/** How long a product load takes, in ms. */
const LOAD_MS = 40

/** The policy chosen when the page opens. */
const INITIAL_POLICY: PolicyName = 'tinylfu'

/** Wires the `#traffic` card. */
export function setUpTrafficCard(onError: (error: unknown) => void): void {
  const card = new Card('traffic')
  const policySelect = card.control('policy', HTMLSelectElement)
  // @cache/core's own list, so the card offers every policy the simulator page does.
  policySelect.replaceChildren(
    ...POLICIES.map((policy) => {
      const initial = policy === INITIAL_POLICY
      return new Option(policy, policy, initial, initial)
    }),
  )
  const stopButton = card.control('stop', HTMLButtonElement)
  const stats = card.output('stats', HTMLElement)
  let running: { traffic: Traffic; timer: ReturnType<typeof setInterval> } | undefined

  const stop = (): void => {
    if (running === undefined) return
    clearInterval(running.timer)
    void running.traffic.destroy()
    running = undefined
    card.submit.disabled = false
    stopButton.disabled = true
  }
  stopButton.addEventListener('click', stop)

  card.onSubmit(() => {
    stop()
    const policy = policySelect.value
    if (!isPolicyName(policy)) throw new InputError('policy', `unknown policy "${policy}"`, policy)
    const traffic = createTraffic({
      policy,
      maxSize: card.integer('size'),
      ttlMs: card.integer('ttl'),
      products: 1000,
      loadMs: LOAD_MS,
      sleep: realSleep,
    })
    // Requests per tick, carrying the fraction over so that low rates are honoured on average.
    const perTick = (card.integer('rate') * TICK_MS) / 1000
    let owed = 0
    const tick = (): void => {
      owed += perTick
      const count = Math.floor(owed)
      owed -= count
      traffic.burst(count).catch(onError)
      traffic
        .stats()
        .then((snapshot) => {
          showStats(stats, snapshot)
        })
        .catch(onError)
    }
    running = { traffic, timer: setInterval(tick, TICK_MS) }
    card.submit.disabled = true
    stopButton.disabled = false
    tick()
  }, onError)
}
