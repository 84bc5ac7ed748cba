// The soak's figures as text: one summary line (what the goals are stated in), then a table.
import type { SoakResult } from './soak.js'

const ms = (value: number): string => `${Math.round(value).toLocaleString('en-US')} ms`
const n = (value: number): string => Math.round(value).toLocaleString('en-US')

/**
 * The goals of issue 12, each as a check of one figure; issue 13 holds 'errors to callers = 0'
 * through the source's outage too (fail-safe).
 */
export const GOALS: readonly {
  readonly figure: string
  readonly met: (r: SoakResult) => boolean
}[] = [
  { figure: 'wrong = 0', met: (r) => r.wrong === 0 },
  { figure: 'stale beyond ttl = 0', met: (r) => r.stale === 0 },
  { figure: 'served past their own expiry = 0', met: (r) => r.pastExpiry === 0 },
  { figure: 'errors to callers = 0', met: (r) => r.errors === 0 },
  { figure: 'over the bound = 0', met: (r) => r.overBound === 0 },
  { figure: 'loads per hot key per expiry <= 1', met: (r) => r.loadsPerExpiry <= 1 },
  { figure: 'console lines per outage <= 2', met: (r) => r.linesPerOutage <= 2 },
]

/** One line: every figure the goals are stated in. */
export function summaryLine(r: SoakResult): string {
  return (
    `soak ${r.seconds.toFixed(1)} s, ${r.instances} instances, ${r.callers} callers, ` +
    `${r.outages.length} outages: gets ${n(r.gets)}, wrong ${r.wrong}, stale beyond ttl ${r.stale}, ` +
    `past their own expiry ${r.pastExpiry}, ` +
    `errors ${r.errors}${sourcePart(r)}, over ${ms(r.bound.totalMs)} ${r.overBound} (hung ${r.hung}), ` +
    `loads per hot key per expiry ${r.loadsPerExpiry}, ` +
    `console lines per outage ${r.linesPerOutage.toFixed(1)}`
  )
}

function sourcePart(r: SoakResult): string {
  const outage = r.sourceOutage
  if (outage === null) return ''
  return (
    ` (source down ${(outage.atMs / 1_000).toFixed(1)}-${((outage.atMs + outage.forMs) / 1_000).toFixed(1)} s: ` +
    `failed loads ${n(r.failedLoads)}, served stale by fail-safe ${n(r.failSafeServed)}, ` +
    `no value at hand ${n(r.errorsNoValue)})`
  )
}

/** Every figure, with the goal it is held to, as a Markdown table. */
export function summaryTable(r: SoakResult): string {
  const goal = (figure: string): string => {
    const found = GOALS.find((g) => g.figure.startsWith(figure))
    return found === undefined
      ? ''
      : `${found.figure.slice(figure.length).trim()} ${found.met(r) ? 'met' : 'MISSED'}`
  }
  const rows: [string, string, string][] = [
    ['gets', n(r.gets), ''],
    ['gets per second', n(r.gets / r.seconds), ''],
    ['loader calls', n(r.loads), ''],
    ['writes (bump + delete)', n(r.writes), ''],
    ['wrong values', n(r.wrong), goal('wrong')],
    ['stale beyond ttl + tolerance', n(r.stale), goal('stale beyond ttl')],
    ['served past their own expiry', n(r.pastExpiry), goal('served past their own expiry')],
    ['errors to callers', n(r.errors), goal('errors to callers')],
    ...(r.sourceOutage === null
      ? []
      : ([
          [
            `source down: at ${(r.sourceOutage.atMs / 1_000).toFixed(1)} s for ${ms(r.sourceOutage.forMs)}, failed loads`,
            n(r.failedLoads),
            '',
          ],
          ['fail-safe: failed loads answered with a stale value', n(r.failSafeActivations), ''],
          ['fail-safe: calls served a value older than ttl + tolerance', n(r.failSafeServed), ''],
          [
            'errors for keys with no value at hand (not in the L1 called, since their delete)',
            n(r.errorsNoValue),
            '',
          ],
        ] as [string, string, string][])),
    [
      `calls over the bound (${r.bound.readOrLockMs} + ${r.bound.waitMs} + ${r.bound.readAfterWaitMs} + ${r.bound.loaderMs} + ${r.bound.slackMs} ms)`,
      n(r.overBound),
      goal('over the bound'),
    ],
    ['hung calls (pending one bound after the end)', n(r.hung), ''],
    ['from the end of calling to the last call settled', ms(r.drainMs), ''],
    ['slowest call / 99.9th percentile', `${ms(r.maxCallMs)} / ${ms(r.p999CallMs)}`, ''],
    [
      'loads per hot key per expiry (max)',
      n(r.loadsPerExpiry),
      goal('loads per hot key per expiry'),
    ],
    [
      'extra hot-key loads / hot-key loads counted',
      `${n(r.extraHotLoads)} / ${n(r.hotLoadsCounted)}`,
      '',
    ],
    ['console lines', n(r.consoleLines), ''],
    ['console lines per outage', r.linesPerOutage.toFixed(1), goal('console lines per outage')],
    ['event loop lag (max)', ms(r.maxEventLoopLagMs), ''],
    ...r.outages.map((o, i): [string, string, string] => [
      `outage ${i + 1}: ${o.kind} at ${(o.atMs / 1_000).toFixed(1)} s for ${ms(o.forMs)}`,
      `recovered ${ms(o.recoveredAfterMs)} later`,
      '',
    ]),
  ]
  const lines = ['| figure | value | goal |', '| --- | ---: | --- |']
  for (const [figure, value, goalText] of rows) lines.push(`| ${figure} | ${value} | ${goalText} |`)
  if (r.staleSample.length > 0) {
    lines.push('', 'stale values, first ones:')
    for (const { atMs, supersededForMs } of r.staleSample) {
      lines.push(`at ${(atMs / 1_000).toFixed(1)} s, superseded ${ms(supersededForMs)} before`)
    }
  }
  if (r.pastExpirySample.length > 0) {
    lines.push('', 'served past their own expiry, first ones:')
    for (const { atMs, loadedForMs } of r.pastExpirySample) {
      lines.push(`at ${(atMs / 1_000).toFixed(1)} s, loaded ${ms(loadedForMs)} before`)
    }
  }
  if (r.errorSample.length > 0) lines.push('', 'errors to callers, first ones:', ...r.errorSample)
  if (r.consoleSample.length > 0) lines.push('', 'console, first lines:', ...r.consoleSample)
  return lines.join('\n')
}
