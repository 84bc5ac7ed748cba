// The messages between the simulator page and its worker. Plain data only (structured clone).
import type { SimulationPolicyName } from '@cache/core'

import type { SimulationReport } from '../sim/results.js'
import type { SweepRow } from '../sim/sweep.js'
import type { WorkloadSpec } from '../sim/workload.js'
import type { TraceParserOptions } from '../traces/traceFormat.js'

/** Where a trace comes from: a synthetic workload, or a file the user chose. */
export type TraceSource =
  | { kind: 'workload'; spec: WorkloadSpec }
  | { kind: 'file'; file: File; options: TraceParserOptions }

/** What the page shows about a loaded trace. */
export interface TraceInfo {
  /** A workload description, or the file's name and format. */
  description: string
  requests: number
  distinctKeys: number
}

/** Page → worker. Each load and run has an `id`, echoed by every response about it. */
export type WorkerRequest =
  | { type: 'load'; id: number; source: TraceSource }
  | { type: 'run'; id: number; policies: SimulationPolicyName[]; sizes: number[] }
  | { type: 'cancel'; id: number }

/** An error, flattened for the trip across `postMessage`. */
export interface SerializedError {
  name: string
  message: string
  /** `ERR_TRACE_SYNTAX`, `ERR_PLAYGROUND_INPUT`, `ERR_CACHE_CONFIG`, … */
  code?: string
  /** The trace line at fault, for a `TraceParseError`. */
  line?: number
  /** The setting at fault, for an `InputError`. */
  field?: string
}

/** Worker → page. */
export type WorkerResponse =
  | {
      type: 'progress'
      id: number
      /** Units done: bytes for a file, requests for a workload. */
      done: number
      total: number
      /** Hit ratios so far, during a run. */
      rows?: SweepRow[]
    }
  | { type: 'loaded'; id: number; info: TraceInfo }
  | { type: 'finished'; id: number; report: SimulationReport }
  | { type: 'cancelled'; id: number }
  | { type: 'failed'; id: number; error: SerializedError }

/** Flattens `error` for `postMessage`, keeping the fields the page shows. */
export function serializeError(error: unknown): SerializedError {
  if (!(error instanceof Error)) return { name: 'Error', message: String(error) }
  const { code, line, field } = error as Error & { code?: unknown; line?: unknown; field?: unknown }
  return {
    name: error.name,
    message: error.message,
    ...(typeof code === 'string' && { code }),
    ...(typeof line === 'number' && { line }),
    ...(typeof field === 'string' && { field }),
  }
}
