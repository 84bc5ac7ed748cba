// The OpenTelemetry SDK as the telemetry tests use it: a metric reader that collects only when
// asked, in-memory span export, and readings of what was exported (metric points by attributes,
// span trees by parent).
import type { Attributes } from '@opentelemetry/api'
import {
  AggregationTemporality,
  DataPointType,
  InMemoryMetricExporter,
  MeterProvider,
  MetricReader,
  type MetricData,
} from '@opentelemetry/sdk-metrics'
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  SimpleSpanProcessor,
  type ReadableSpan,
} from '@opentelemetry/sdk-trace-base'
import { expect } from 'vitest'

/** A reader that collects only when asked (a periodic one would wait on the fake timers). */
export class ManualReader extends MetricReader {
  protected override onForceFlush(): Promise<void> {
    return Promise.resolve()
  }
  protected override onShutdown(): Promise<void> {
    return Promise.resolve()
  }
}

/** One test's providers and what they exported. */
export interface OtelSdk {
  readonly reader: ManualReader
  readonly meterProvider: MeterProvider
  readonly spanExporter: InMemorySpanExporter
  readonly tracerProvider: BasicTracerProvider
  /** The metrics as exported now, by name (every one from the `@cache/decorators` scope). */
  collect(): Promise<Map<string, MetricData>>
  shutdown(): Promise<void>
}

/** Fresh providers: cumulative metrics read on demand, spans kept in memory. */
export function otelSdk(): OtelSdk {
  const metricExporter = new InMemoryMetricExporter(AggregationTemporality.CUMULATIVE)
  const reader = new ManualReader({
    aggregationTemporalitySelector: () => AggregationTemporality.CUMULATIVE,
  })
  const meterProvider = new MeterProvider({ readers: [reader] })
  const spanExporter = new InMemorySpanExporter()
  const tracerProvider = new BasicTracerProvider({
    spanProcessors: [new SimpleSpanProcessor(spanExporter)],
  })
  return {
    reader,
    meterProvider,
    spanExporter,
    tracerProvider,
    async collect() {
      metricExporter.reset()
      const { resourceMetrics, errors } = await reader.collect()
      expect(errors).toEqual([])
      metricExporter.export(resourceMetrics, () => undefined)
      const byName = new Map<string, MetricData>()
      for (const resource of metricExporter.getMetrics()) {
        for (const scope of resource.scopeMetrics) {
          expect(scope.scope.name).toBe('@cache/decorators')
          for (const metric of scope.metrics) byName.set(metric.descriptor.name, metric)
        }
      }
      return byName
    },
    async shutdown() {
      await meterProvider.shutdown()
      await tracerProvider.shutdown()
    },
  }
}

/** Attributes rendered as `k=v,…`, in their order. */
export function label(attributes: Attributes): string {
  return Object.entries(attributes)
    .map(([k, v]) => `${k}=${String(v)}`)
    .join(',')
}

/** Each point of a sum or gauge as `attributes → value`. */
export function points(metrics: Map<string, MetricData>, name: string): Record<string, number> {
  const metric = metrics.get(name)
  if (metric === undefined) throw new Error(`no metric ${name}`)
  const out: Record<string, number> = {}
  for (const point of metric.dataPoints) out[label(point.attributes)] = point.value as number
  return out
}

/** Each histogram point as `attributes → { count, sum }` (sum rounded to the microsecond). */
export function histogram(
  metrics: Map<string, MetricData>,
  name: string,
): Record<string, { count: number; sum: number }> {
  const metric = metrics.get(name)
  if (metric?.dataPointType !== DataPointType.HISTOGRAM) throw new Error(`no histogram ${name}`)
  const out: Record<string, { count: number; sum: number }> = {}
  for (const point of metric.dataPoints) {
    out[label(point.attributes)] = {
      count: point.value.count,
      sum: Math.round((point.value.sum ?? NaN) * 1e6) / 1e6,
    }
  }
  return out
}

/** Each span as `name <- parent name`, in the order they ended. */
export function tree(spans: readonly ReadableSpan[]): string[] {
  const names = new Map(spans.map((s) => [s.spanContext().spanId, s.name]))
  return spans.map((s) => {
    const parent = s.parentSpanContext?.spanId
    return `${s.name} <- ${parent === undefined ? '(root)' : (names.get(parent) ?? '?')}`
  })
}
