// The source-outage card: the same key read side by side from a cache with fail-safe and one
// without, while the source goes down and comes back; each read drawn on a timeline.
import { Card } from './card.js'
import { createOutageStory, type OutageRead, type OutageStory } from './sourceOutage.js'

/** How often the demo reads its key, in ms. */
const READ_EVERY_MS = 200
const MAX_STALE_MS = 60_000

/** The two sides of the card, as `data-output` prefixes, and the cache options of each. */
const SIDES = ['with', 'without'] as const

/** Wires the `#outage` card. */
export function setUpOutageCard(onError: (error: unknown) => void): void {
  const card = new Card('outage')
  let running: { stories: OutageStory[]; timer: ReturnType<typeof setInterval> } | undefined

  const stop = (): void => {
    if (running === undefined) return
    clearInterval(running.timer)
    for (const story of running.stories) void story.destroy()
    running = undefined
    card.submit.textContent = 'Start'
  }

  card.onSubmit(() => {
    if (running !== undefined) {
      stop()
      return
    }
    const ttlMs = card.integer('ttl')
    const durationMs = card.integer('seconds') * 1000
    // The outage sits in the middle of the run (as long as the run, at most).
    const downForMs = Math.min(card.integer('down') * 1000, durationMs)
    const throttleMs = card.integer('throttle')
    const downFromMs = (durationMs - downForMs) / 2
    const now = (): number => performance.now()
    const stories = SIDES.map((side) =>
      createOutageStory({
        name: `${side} fail-safe`,
        ttlMs,
        downFromMs,
        downForMs,
        cacheOptions:
          side === 'with' ? { failSafe: { maxStale: MAX_STALE_MS, throttle: throttleMs } } : {},
        now,
      }),
    )
    const started = now()
    const read = (): void => {
      if (now() - started > durationMs) {
        stop()
        return
      }
      Promise.all(stories.map((story) => story.read()))
        .then(() => {
          SIDES.forEach((side, i) => {
            show(card, side, stories[i]!, durationMs, downFromMs, downForMs)
          })
        })
        .catch(onError)
    }
    running = { stories, timer: setInterval(read, READ_EVERY_MS) }
    card.submit.textContent = 'Stop'
    read()
  }, onError)
}

function show(
  card: Card,
  side: string,
  story: OutageStory,
  durationMs: number,
  downFromMs: number,
  downForMs: number,
): void {
  const reads = story.reads
  const count = (kind: OutageRead['kind']): number => reads.filter((r) => r.kind === kind).length
  const errors = count('error')
  card.output(`${side}-summary`, HTMLParagraphElement).textContent =
    `${errors} error${errors === 1 ? '' : 's'} · ${story.sourceCalls} source calls`
  const track = card.output(`${side}-timeline`, HTMLDivElement)
  const left = (at: number): string => `${Math.min(100, (at / durationMs) * 100)}%`
  const down = document.createElement('div')
  down.className = 'down'
  down.style.left = left(downFromMs)
  down.style.width = `calc(${left(downFromMs + downForMs)} - ${left(downFromMs)})`
  down.title = 'the source is down'
  const marks = reads.map((r) => {
    const mark = document.createElement('span')
    mark.className = `mark ${r.kind}`
    mark.style.left = left(r.at)
    mark.title = `${Math.round(r.at)} ms: ${r.kind}: ${r.text}`
    return mark
  })
  track.replaceChildren(down, ...marks)
  for (const kind of ['load', 'hit', 'stale', 'error'] as const) {
    track.dataset[kind === 'error' ? 'errors' : `${kind}s`] = String(count(kind))
  }
}
