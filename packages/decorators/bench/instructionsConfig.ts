// What bench/instructions.ts measures, shared with the workload it runs under callgrind.

/** The hit paths measured. */
export const PATHS = ['AsyncCache#get', 'cached(async fn)'] as const
/** The configurations measured on each hit path. */
export const VARIANTS = [
  'off',
  'metrics',
  'metrics+traces',
  'hit subscriber (no-op)',
  'hit subscriber (reads event.key)',
] as const
/** Hits run before the measured ones, so that the hit path is optimized in both runs. */
export const WARM_UP_HITS = 200_000
/** Metrics are collected (and exported to nothing) once per this many hits. */
export const COLLECT_EVERY = 100_000
