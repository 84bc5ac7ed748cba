// One configuration of the telemetry instruction count (bench/instructions.ts runs it under
// callgrind, bundled): `node hits.js <path> <variant> <hits>` warms a hit path up, then runs
// `<hits>` more hits, awaited one by one over the bench's skewed trace of 1000 cached keys. The
// driver runs it twice per configuration (no hits, then many) and divides the difference by the
// hits: what one hit costs, GC included, with the process's start and warm-up cancelled out.
// Metrics are collected every COLLECT_EVERY hits (counted, not timed: under callgrind the clock
// runs about 50 times slower, and a timed reader would collect 50 times as often per hit).
// bench/telemetryProcesses.ts runs it without callgrind and reads the measured hits' time.
import diagnostics from 'node:diagnostics_channel'

import { MeterProvider, PeriodicExportingMetricReader } from '@opentelemetry/sdk-metrics'
import { BasicTracerProvider, BatchSpanProcessor } from '@opentelemetry/sdk-trace-base'

import { AsyncCache, cached, DIAGNOSTICS_CHANNELS } from '../src/index.js'
import type { CacheDiagnosticsMessage } from '../src/index.js'
import { instrument, type Instrumentable } from '../src/otel/index.js'
import { dropMetrics, dropSpans } from './dropExporters.js'
import { COLLECT_EVERY, PATHS, VARIANTS, WARM_UP_HITS } from './instructionsConfig.js'

type Path = (typeof PATHS)[number]
type Variant = (typeof VARIANTS)[number]

const OPS = 1000
const KEYS = 1000
// The bench's skewed trace (bench/index.ts).
const trace = Array.from({ length: OPS }, (_, i) =>
  Math.floor((KEYS * ((i * 7919) % OPS) ** 2) / OPS ** 2),
)

let sink: unknown = undefined
function noop(): void {}
function readKey(message: unknown): void {
  const { cache, event } = message as CacheDiagnosticsMessage<number>
  if (event.type === 'hit') sink = cache.length + event.key
}

/**
 * Runs `count` hits over the trace, `done` of them run before, calling `flush` (a metric
 * collection) every COLLECT_EVERY hits. In a function of its own: the same loop written in
 * `main()`, beside the timing variables, measured 64 instructions more per hit (1026 against 962
 * for `AsyncCache#get` without telemetry), which inflated every configuration's baseline.
 */
async function runHits(
  call: (key: number) => Promise<number>,
  count: number,
  done: number,
  flush: (() => Promise<void>) | undefined,
): Promise<void> {
  for (const end = done + count; done < end;) {
    for (let i = 0; i < trace.length; i++) await call(trace[i]!)
    done += trace.length
    if (flush !== undefined && done % COLLECT_EVERY === 0) await flush()
  }
}

async function main(): Promise<void> {
  const [path, variant, hitsArg] = process.argv.slice(2) as [Path, Variant, string]
  if (!PATHS.includes(path) || !VARIANTS.includes(variant) || !(Number(hitsArg) >= 0)) {
    throw new Error(`usage: hits.js <${PATHS.join('|')}> <${VARIANTS.join('|')}> <hits>`)
  }
  const hits = Number(hitsArg)
  const collectMs =
    process.env.COLLECT_MS === undefined ? undefined : Number(process.env.COLLECT_MS)
  // eslint-disable-next-line @typescript-eslint/require-await
  const doubleAsync = async (n: number): Promise<number> => n * 2
  let call: (key: number) => Promise<number>
  let target: Instrumentable<number, number>
  if (path === 'AsyncCache#get') {
    const cache = new AsyncCache<number, number>({ name: 'bench', maxSize: 10_000 })
    for (let k = 0; k < KEYS; k++) cache.set(k, k * 2)
    call = (key) => cache.get(key) as Promise<number>
    target = cache
  } else {
    const fn = cached(doubleAsync, { name: 'bench', maxSize: 10_000 })
    for (let k = 0; k < KEYS; k++) await fn(k)
    call = fn
    target = fn
  }
  let reader: PeriodicExportingMetricReader | undefined
  if (variant === 'metrics' || variant === 'metrics+traces') {
    // A period no run reaches: collections are made by the loop below; or, with COLLECT_MS
    // (bench/telemetryProcesses.ts, timed), the reader's own period, as a service has it.
    reader = new PeriodicExportingMetricReader({
      exporter: dropMetrics,
      exportIntervalMillis: collectMs ?? 2 ** 30,
    })
    instrument(target, {
      meterProvider: new MeterProvider({ readers: [reader] }),
      tracerProvider:
        variant === 'metrics'
          ? false
          : new BasicTracerProvider({ spanProcessors: [new BatchSpanProcessor(dropSpans)] }),
    })
  } else if (variant === 'hit subscriber (no-op)') {
    diagnostics.subscribe(DIAGNOSTICS_CHANNELS.hit, noop)
  } else if (variant === 'hit subscriber (reads event.key)') {
    diagnostics.subscribe(DIAGNOSTICS_CHANNELS.hit, readKey)
  }
  const flush =
    reader !== undefined && collectMs === undefined ? reader.forceFlush.bind(reader) : undefined
  await runHits(call, WARM_UP_HITS, 0, flush)
  const started = process.hrtime.bigint()
  await runHits(call, hits, WARM_UP_HITS, flush)
  // TIME_HITS=1 (bench/telemetryProcesses.ts): the measured hits' wall time, GC included.
  if (process.env.TIME_HITS === '1') {
    process.stdout.write(`${process.hrtime.bigint() - started}\n`)
  }
  if (sink === 'never') console.log(sink)
  // The periodic reader's and the span processor's timers would keep the process alive.
  process.exit(0)
}

await main()
