// Synthetic workloads: which generator of @cache/core to call, with which parameters.
import { loopTrace, scanMixTrace, uniformTrace, zipfTrace } from '@cache/core'

import { formatCount } from './format.js'
import { InputError } from './inputError.js'

/** Every synthetic workload kind, in the order the UI lists them. */
export const WORKLOAD_KINDS = ['zipf', 'uniform', 'loop', 'scanmix'] as const

/**
 * A synthetic workload: `zipf` (skewed popularity), `uniform`, `loop` (keys 0 … keys-1 over and
 * over) or `scanmix` (a Zipf hot set of keys/10, with a scan of the other keys after every
 * 10 × hot-set accesses).
 */
export type WorkloadKind = (typeof WORKLOAD_KINDS)[number]

/** A synthetic workload and its parameters (each kind uses the ones it needs). */
export interface WorkloadSpec {
  kind: WorkloadKind
  /** Distinct keys the generator draws from. */
  keys: number
  /** Requests. */
  length: number
  /** Zipf exponent (`zipf`, and the hot set of `scanmix`). */
  skew: number
  /** Seed of the generator (all but `loop`). */
  seed: number
}

/** Labels for the UI and the CLI. */
export const WORKLOAD_LABELS: Readonly<Record<WorkloadKind, string>> = {
  zipf: 'Zipf',
  uniform: 'Uniform',
  loop: 'Looping scan',
  scanmix: 'Hot set + periodic scans',
}

/** The workload a fresh page and the CLI start with. */
export const DEFAULT_WORKLOAD: Readonly<WorkloadSpec> = {
  kind: 'zipf',
  keys: 100_000,
  length: 1_000_000,
  skew: 0.99,
  seed: 1,
}

/** The longest synthetic trace (an `Int32Array` of 4 bytes per request). */
export const MAX_WORKLOAD_LENGTH = 50_000_000

/** The most keys of a synthetic workload (Zipf keeps a `Float64Array` of that many). */
export const MAX_WORKLOAD_KEYS = 16_000_000

/** Whether `value` names a workload kind. */
export function isWorkloadKind(value: unknown): value is WorkloadKind {
  return (WORKLOAD_KINDS as readonly unknown[]).includes(value)
}

/**
 * Checks every parameter of `spec`.
 * @throws {InputError} naming the first invalid parameter and its value.
 */
export function validateWorkload(spec: WorkloadSpec): WorkloadSpec {
  integer('keys', spec.keys, spec.kind === 'scanmix' ? 2 : 1, MAX_WORKLOAD_KEYS)
  integer('length', spec.length, 1, MAX_WORKLOAD_LENGTH)
  integer('seed', spec.seed, -(2 ** 31), 2 ** 31 - 1)
  if (!(Number.isFinite(spec.skew) && spec.skew >= 0 && spec.skew <= 10)) {
    throw new InputError('skew', `skew must be a number from 0 to 10, got: ${spec.skew}`, spec.skew)
  }
  return spec
}

/**
 * Generates the workload's trace with @cache/core's seeded generators: the same spec always
 * gives the same trace.
 * @throws {InputError} for an invalid parameter.
 */
export function generateWorkload(spec: WorkloadSpec): Int32Array {
  const { kind, keys, length, skew, seed } = validateWorkload(spec)
  switch (kind) {
    case 'zipf':
      return zipfTrace({ keys, length, skew, seed })
    case 'uniform':
      return uniformTrace({ keys, length, seed })
    case 'loop':
      return loopTrace({ keys, length })
    case 'scanmix':
      return scanMixTrace({ keys, length, skew, seed })
  }
}

/** A one-line description: `Zipf 0.99, 100,000 keys, 1,000,000 requests, seed 1`. */
export function describeWorkload(spec: WorkloadSpec): string {
  const parts = [`${formatCount(spec.keys)} keys`, `${formatCount(spec.length)} requests`]
  if (spec.kind !== 'loop') parts.push(`seed ${spec.seed}`)
  const name =
    spec.kind === 'zipf' || spec.kind === 'scanmix'
      ? `${WORKLOAD_LABELS[spec.kind]} ${spec.skew}`
      : WORKLOAD_LABELS[spec.kind]
  return `${name}, ${parts.join(', ')}`
}

/** How many distinct values `trace` holds, given that they all lie in 0 … `universe - 1`. */
export function countDistinct(trace: Int32Array, universe: number): number {
  const seen = new Uint8Array(universe)
  let distinct = 0
  for (const key of trace) {
    if (seen[key] === 0) {
      seen[key] = 1
      distinct++
    }
  }
  return distinct
}

function integer(field: string, value: number, min: number, max: number): void {
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new InputError(
      field,
      `${field} must be an integer from ${formatCount(min)} to ${formatCount(max)}, got: ${value}`,
      value,
    )
  }
}
