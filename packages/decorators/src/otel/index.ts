// @cache/decorators/otel: OpenTelemetry metrics and spans for a cache. The only entry that
// imports @opentelemetry/api, so the package's main entry works without it.
export {
  instrument,
  INSTRUMENTATION_SCOPE,
  LOAD_DURATION_BUCKETS,
  type Instrumentable,
  type InstrumentOptions,
  type Uninstrument,
} from './instrument.js'
export { L2_DURATION_BUCKETS, type L2Operation } from './l2Telemetry.js'
export { COUNTER_METRICS, type CounterMetric, type CounterPoint } from './metricTable.js'
