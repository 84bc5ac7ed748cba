// What the simulator page's settings are: everything a shared link must reproduce.
import { SIMULATION_POLICIES, type SimulationPolicyName } from '@cache/core'

import { DEFAULT_SIZES } from '../sim/sizes.js'
import { DEFAULT_WORKLOAD, type WorkloadKind, type WorkloadSpec } from '../sim/workload.js'
import { parseCsvColumn, type TraceFormat } from '../traces/traceFormat.js'

/** The simulator page's settings. */
export interface PageState {
  /** A synthetic workload kind, or `file` for an uploaded trace. */
  source: WorkloadKind | 'file'
  /** Parameters of the synthetic workloads (kept while a file is chosen). */
  keys: number
  length: number
  skew: number
  seed: number
  /** The uploaded trace's format, CSV column and header flag. */
  format: TraceFormat
  csvColumn: string
  csvHeader: boolean
  /** The uploaded file's name: a link can name the file, not carry it. */
  fileName: string
  policies: SimulationPolicyName[]
  /** Cache sizes as typed, e.g. `100..10k:8` (see `parseSizes`). */
  sizes: string
}

/** A fresh page's settings. */
export const DEFAULT_STATE: Readonly<PageState> = {
  source: DEFAULT_WORKLOAD.kind,
  keys: DEFAULT_WORKLOAD.keys,
  length: DEFAULT_WORKLOAD.length,
  skew: DEFAULT_WORKLOAD.skew,
  seed: DEFAULT_WORKLOAD.seed,
  format: 'lines',
  csvColumn: '1',
  csvHeader: false,
  fileName: '',
  policies: [...SIMULATION_POLICIES],
  sizes: DEFAULT_SIZES,
}

/** The synthetic workload `state` describes (`source` must not be `file`). */
export function workloadOf(state: PageState, kind: WorkloadKind): WorkloadSpec {
  return { kind, keys: state.keys, length: state.length, skew: state.skew, seed: state.seed }
}

/** The CSV column as the parser takes it: a number when it is one, a header name otherwise. */
export function csvColumnOf(state: PageState): number | string {
  return parseCsvColumn(state.csvColumn.trim())
}
