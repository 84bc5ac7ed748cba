// The TTL card: reads one key at a steady pace and draws hits, loads and expiries on a timeline.
import { Card } from './card.js'
import { showStats } from './statsView.js'
import { createTtlTimeline, type TimelineEvent, type TtlTimeline } from './ttlTimeline.js'

/** Wires the `#ttl` card. */
export function setUpTtlCard(onError: (error: unknown) => void): void {
  const card = new Card('ttl')
  const track = card.output('timeline', HTMLDivElement)
  const stats = card.output('stats', HTMLElement)
  let running: { timeline: TtlTimeline; timer: ReturnType<typeof setInterval> } | undefined

  const stop = (): void => {
    if (running === undefined) return
    clearInterval(running.timer)
    void running.timeline.destroy()
    running = undefined
    card.submit.textContent = 'Start'
  }

  card.onSubmit(() => {
    if (running !== undefined) {
      stop()
      return
    }
    const ttlMs = card.integer('ttl')
    const everyMs = card.integer('every')
    const durationMs = card.integer('seconds') * 1000
    const timeline = createTtlTimeline({ ttlMs, now: () => performance.now() })
    const read = (): void => {
      if (timeline.events.length > 0 && (timeline.events.at(-1)?.at ?? 0) + everyMs > durationMs) {
        stop()
        return
      }
      timeline
        .read()
        .then(() => {
          draw(track, timeline.events, durationMs)
          showStats(stats, timeline.stats())
        })
        .catch(onError)
    }
    running = { timeline, timer: setInterval(read, everyMs) }
    card.submit.textContent = 'Stop'
    read()
  }, onError)
}

function draw(track: HTMLElement, events: readonly TimelineEvent[], durationMs: number): void {
  const left = (at: number): string => `${Math.min(100, (at / durationMs) * 100)}%`
  const nodes: HTMLElement[] = []
  for (const event of events) {
    if (event.kind === 'load') {
      const life = document.createElement('div')
      life.className = 'life'
      life.style.left = left(event.at)
      life.style.width = `calc(${left(event.expiresAt)} - ${left(event.at)})`
      life.title = `version ${event.version}, fresh until ${Math.round(event.expiresAt)} ms`
      nodes.push(life)
    }
    const mark = document.createElement('span')
    mark.className = `mark ${event.kind}`
    mark.style.left = left(event.at)
    mark.title = `${Math.round(event.at)} ms: ${event.kind}${'version' in event ? ` (version ${event.version})` : ''}`
    nodes.push(mark)
  }
  track.replaceChildren(...nodes)
  track.dataset.loads = String(events.filter((event) => event.kind === 'load').length)
  track.dataset.hits = String(events.filter((event) => event.kind === 'hit').length)
  track.dataset.expirations = String(events.filter((event) => event.kind === 'expire').length)
}
