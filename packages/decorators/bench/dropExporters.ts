// Exporters that drop everything, for the telemetry benches: the SDK's own work is what is
// measured, not an export.
import { ExportResultCode } from '@opentelemetry/core'
import type { PushMetricExporter } from '@opentelemetry/sdk-metrics'
import type { SpanExporter } from '@opentelemetry/sdk-trace-base'

/** A metric exporter that drops every export. */
export const dropMetrics: PushMetricExporter = {
  export: (_metrics, done) => {
    done({ code: ExportResultCode.SUCCESS })
  },
  forceFlush: () => Promise.resolve(),
  shutdown: () => Promise.resolve(),
}

/** A span exporter that drops every export. */
export const dropSpans: SpanExporter = {
  export: (_spans, done) => {
    done({ code: ExportResultCode.SUCCESS })
  },
  shutdown: () => Promise.resolve(),
}
