// The sim CLI's arguments: parsed with node:util's parseArgs, checked, and turned into options.
import { parseArgs } from 'node:util'

import { SIMULATION_POLICIES, type SimulationPolicyName } from '@cache/core'

import { InputError } from '../sim/inputError.js'
import { parsePolicies } from '../sim/policies.js'
import { DEFAULT_SIZES, parseSizes } from '../sim/sizes.js'
import {
  DEFAULT_WORKLOAD,
  isWorkloadKind,
  validateWorkload,
  WORKLOAD_KINDS,
  type WorkloadSpec,
} from '../sim/workload.js'
import {
  inferTraceFormat,
  isTraceFormat,
  parseCsvColumn,
  TRACE_FORMATS,
  type TraceParserOptions,
} from '../traces/traceFormat.js'

/** What to replay, how, and how to print it. */
export interface CliOptions {
  source:
    | { kind: 'file'; path: string; options: TraceParserOptions }
    | { kind: 'workload'; spec: WorkloadSpec }
  policies: SimulationPolicyName[]
  sizes: number[]
  /** Print JSON instead of a table. */
  json: boolean
  /** Draw a progress bar on stderr: forced on, or (undefined) only when stderr is a terminal. */
  progress: boolean | undefined
}

/** The CLI's help text. */
export const USAGE = `Usage: pnpm sim [options]

Replays a trace file or a synthetic workload through @cache/core's eviction policies at several
cache sizes and prints hit ratio, evictions and throughput for each; opt is Belady's optimal
policy, the limit (it keeps the whole trace in memory).

Trace file:
  --trace FILE          the trace to replay (streamed: any size); gzip is read directly, and
                        zstd where node:zlib has it (Node.js 22.15 or later)
  --format FORMAT       ${TRACE_FORMATS.join(' | ')} (default: from the extension, else lines)
  --csv-column COLUMN   csv: the key's column, a 1-based number or a header name (default 1)
  --csv-header          csv: the first row is a header (implied by a column name)

Synthetic workload (when no --trace is given):
  --workload KIND       ${WORKLOAD_KINDS.join(' | ')} (default ${DEFAULT_WORKLOAD.kind})
  --keys N              distinct keys (default ${DEFAULT_WORKLOAD.keys})
  --length N            requests (default ${DEFAULT_WORKLOAD.length})
  --skew S              Zipf exponent for zipf and scanmix (default ${DEFAULT_WORKLOAD.skew})
  --seed N              generator seed (default ${DEFAULT_WORKLOAD.seed})

Run:
  --policies LIST       comma-separated (${SIMULATION_POLICIES.join(',')}) or all (default all)
  --sizes LIST          e.g. 1000,5000 or 100..10k:8 for 8 log-spaced sizes (default ${DEFAULT_SIZES})
  --json                print the results as JSON
  --progress            draw a progress bar on stderr even when it is not a terminal
  --help                print this help

Example:
  pnpm sim --trace OLTP.lis --format arc --policies lru,tinylfu --sizes 1000,5000
`

/**
 * Parses the CLI's arguments, or returns `'help'` for `--help`.
 * @throws {InputError} naming the bad argument and its value.
 */
export function parseCliArgs(argv: readonly string[]): CliOptions | 'help' {
  let values
  try {
    ;({ values } = parseArgs({
      args: [...argv],
      strict: true,
      allowPositionals: false,
      options: {
        trace: { type: 'string' },
        format: { type: 'string' },
        'csv-column': { type: 'string' },
        'csv-header': { type: 'boolean' },
        workload: { type: 'string' },
        keys: { type: 'string' },
        length: { type: 'string' },
        skew: { type: 'string' },
        seed: { type: 'string' },
        policies: { type: 'string', default: 'all' },
        sizes: { type: 'string', default: DEFAULT_SIZES },
        json: { type: 'boolean', default: false },
        progress: { type: 'boolean' },
        help: { type: 'boolean', default: false },
      },
    }))
  } catch (error) {
    // parseArgs' messages already name the option ("Unknown option '--polices'").
    throw new InputError('arguments', `${(error as Error).message}; see --help`, argv)
  }
  if (values.help) return 'help'
  const common = {
    policies: parsePolicies(values.policies),
    sizes: parseSizes(values.sizes),
    json: values.json,
    progress: values.progress,
  }
  if (values.trace !== undefined) {
    const synthetic = (['workload', 'keys', 'length', 'skew', 'seed'] as const).find(
      (name) => values[name] !== undefined,
    )
    if (synthetic !== undefined) {
      throw new InputError(
        synthetic,
        `--${synthetic} describes a synthetic workload; it cannot be combined with --trace`,
        values[synthetic],
      )
    }
    const format = values.format ?? inferTraceFormat(values.trace)
    if (!isTraceFormat(format)) {
      throw new InputError(
        'format',
        `--format must be one of ${TRACE_FORMATS.join(', ')}, got: "${format}"`,
        format,
      )
    }
    const column = values['csv-column']
    const options: TraceParserOptions = { format }
    if (column !== undefined) options.csvColumn = parseCsvColumn(column)
    if (values['csv-header'] !== undefined) options.csvHeader = values['csv-header']
    return { source: { kind: 'file', path: values.trace, options }, ...common }
  }
  for (const name of ['format', 'csv-column', 'csv-header'] as const) {
    if (values[name] !== undefined) {
      throw new InputError(
        name,
        `--${name} applies to a trace file; give --trace FILE`,
        values[name],
      )
    }
  }
  const kind = values.workload ?? DEFAULT_WORKLOAD.kind
  if (!isWorkloadKind(kind)) {
    throw new InputError(
      'workload',
      `--workload must be one of ${WORKLOAD_KINDS.join(', ')}, got: "${kind}"`,
      kind,
    )
  }
  const spec = validateWorkload({
    kind,
    keys: numberArg('keys', values.keys, DEFAULT_WORKLOAD.keys),
    length: numberArg('length', values.length, DEFAULT_WORKLOAD.length),
    skew: numberArg('skew', values.skew, DEFAULT_WORKLOAD.skew),
    seed: numberArg('seed', values.seed, DEFAULT_WORKLOAD.seed),
  })
  return { source: { kind: 'workload', spec }, ...common }
}

function numberArg(name: string, text: string | undefined, fallback: number): number {
  if (text === undefined) return fallback
  const value = text.trim() === '' ? NaN : Number(text)
  if (!Number.isFinite(value))
    throw new InputError(name, `--${name} must be a number, got: "${text}"`, text)
  return value
}
