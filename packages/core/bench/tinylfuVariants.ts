// pnpm bench:variants: W-TinyLFU variants on the 28 points of the public LIRS traces and on
// synthetic workloads, each against today's TinyLFUCache, as the rows of BENCHMARKS.md's tables.
//
//   pnpm bench:variants [--check] [--markdown] [--points multi1@250,cpp@200] [name+name…]
//
// A name is one of VARIANTS (tinylfuVariantCache.ts) or several joined by `+` (`unit+c3bit`).
// --check first proves that the replay with no knob makes TinyLFUCache's decisions (same hits at
// every point and workload); --points measures only those points (no synthetic workloads);
// --oracle replays admission decided by each key's next use, the most admission can give;
// --grid gives, for each name and point, the best fixed window, protected share and halving period.
import { loopTrace, scanMixTrace, simulate, TinyLFUCache, zipfTrace } from '../src/index.js'
import { findTraceDir, readLirsTrace, TRACE_REFERENCES } from '../test/traceFiles.js'
import { parseVariant, VariantCache, type Variant } from './tinylfuVariantCache.js'

type Workload = [name: string, trace: Int32Array, maxSize: number]

interface Point {
  id: string
  hitRatio: number
  lru: number
  arc: number
}

interface Measured {
  points: Point[]
  synthetic: number[]
}

const SIX_POINTS = ['multi1@250', 'sprite@500', 'sprite@1000', 'cpp@100', 'cpp@200', '2_pools@1000']

const dir = findTraceDir()
if (dir === undefined) {
  console.error('traces not found: set CACHE_TRACES_DIR to the folder holding multi1.trace, …')
  process.exit(1)
}
const traces = TRACE_REFERENCES.map((r) => ({ ...r, trace: readLirsTrace(dir, r.name) }))
const args = process.argv.slice(2)
const pointsAt = args.indexOf('--points')
const only = pointsAt >= 0 ? args.splice(pointsAt, 2)[1]?.split(',') : undefined
const withSynthetic = only === undefined
const names = args.filter((a) => !a.startsWith('--'))

let synthetic: Workload[] | undefined
// Built on first use: 8M requests in all. With --fresh, ten others that were not looked at while
// choosing the options (other seeds, sizes, skews, loop lengths and drift speeds).
function syntheticWorkloads(): Workload[] {
  synthetic ??= args.includes('--fresh')
    ? [
        ['Zipf .9 @5k', zipfTrace({ length: 1e6, keys: 50_000, skew: 0.9, seed: 11 }), 5000],
        ['Zipf .99 @1k', zipfTrace({ length: 5e5, keys: 20_000, skew: 0.99, seed: 12 }), 1000],
        ['Zipf .6 @2k', zipfTrace({ length: 5e5, keys: 20_000, skew: 0.6, seed: 13 }), 2000],
        ['Zipf 1.2 @200', zipfTrace({ length: 2e5, keys: 5_000, skew: 1.2, seed: 14 }), 200],
        ['loop 2k @1k', loopTrace({ length: 100_000, keys: 2_000 }), 1000],
        ['loop 5.5k @5k', loopTrace({ length: 200_000, keys: 5_500 }), 5000],
        [
          'scan mix @2k',
          scanMixTrace({ length: 500_000, keys: 30_000, hotKeys: 4000, seed: 15 }),
          2000,
        ],
        ['drift/20 @2k', drift(1_000_000, 2000, 20, 16), 2000],
        ['drift/200 @500', drift(500_000, 500, 200, 17), 500],
        ['drift/2 @5k', drift(1_000_000, 5000, 2, 18), 5000],
      ]
    : [
        ['Zipf .99', zipfTrace({ length: 2_000_000, keys: 100_000, skew: 0.99, seed: 1 }), 10_000],
        ['Zipf .8', zipfTrace({ length: 1_000_000, keys: 100_000, skew: 0.8, seed: 2 }), 10_000],
        ['Zipf .99 @500', zipfTrace({ length: 500_000, keys: 10_000, skew: 0.99, seed: 3 }), 500],
        ['Zipf .7 @1k', zipfTrace({ length: 500_000, keys: 10_000, skew: 0.7, seed: 4 }), 1000],
        ['loop 15k', loopTrace({ length: 300_000, keys: 15_000 }), 10_000],
        ['loop 1.2k', loopTrace({ length: 100_000, keys: 1_200 }), 1000],
        ['scan mix', scanMixTrace({ length: 500_000, keys: 50_000, hotKeys: 2000, seed: 5 }), 1000],
        ['drift @1k', drift(1_000_000, 1000, 50), 1000],
        ['drift @10k', drift(2_000_000, 10_000, 5), 10_000],
      ]
  return synthetic
}

// Zipf(0.9) popularity over 20 × size keys whose ranks slide by one key every `speed` requests:
// recently popular keys fade, a recency-heavy stream on which LRU does well.
function drift(length: number, size: number, speed: number, seed = 7): Int32Array {
  const base = zipfTrace({ length, keys: size * 20, skew: 0.9, seed })
  const out = new Int32Array(length)
  for (let i = 0; i < length; i++) out[i] = base[i]! + Math.floor(i / speed)
  return out
}

function hitsOf(trace: Int32Array, maxSize: number, variant: Variant): number {
  const cache = new VariantCache(maxSize, variant)
  let hits = 0
  for (const key of trace) if (cache.access(key)) hits++
  return hits
}

function percent(hits: number, requests: number): number {
  return Number(((100 * hits) / requests).toFixed(2))
}

function measure(variant: Variant): Measured {
  const points: Point[] = []
  for (const { name, sizes, lru, arc, trace } of traces) {
    for (const [i, maxSize] of sizes.entries()) {
      const id = `${name}@${maxSize}`
      if (only !== undefined && !only.includes(id)) continue
      const hitRatio = percent(hitsOf(trace, maxSize, variant), trace.length)
      points.push({ id, hitRatio, lru: lru[i]!, arc: arc[i]! })
    }
  }
  const figures = withSynthetic
    ? syntheticWorkloads().map(([, trace, n]) => percent(hitsOf(trace, n, variant), trace.length))
    : []
  return { points, synthetic: figures }
}

if (args.includes('--check')) {
  const workloads: Workload[] = traces.flatMap(({ name, sizes, trace }) =>
    sizes.map((n): Workload => [`${name}@${n}`, trace, n]),
  )
  for (const [id, trace, maxSize] of [...workloads, ...syntheticWorkloads()]) {
    const ours = hitsOf(trace, maxSize, {})
    const cache = simulate(trace, new TinyLFUCache<number, boolean>({ maxSize })).hits
    if (ours !== cache) throw new Error(`${id}: ${ours} hits against TinyLFUCache's ${cache}`)
  }
  console.log('the replay with no knob makes TinyLFUCache’s decisions at every point and workload')
}

if (args.includes('--oracle')) oracle()
if (args.includes('--grid')) {
  grid()
  process.exit(0)
}

const today = measure({})
const rows: string[] = []
const six: string[] = []
for (const name of names) {
  const m = name === 'today' ? today : measure(parseVariant(name))
  const below = m.points.filter((x) => x.hitRatio < x.lru || x.hitRatio < x.arc)
  // The worst loss where today's tinylfu is at or above both LRU and ARC.
  let worst = 0
  let worstAt = ''
  for (const [i, x] of m.points.entries()) {
    const was = today.points[i]!.hitRatio
    if (was >= x.lru && was >= x.arc && was - x.hitRatio > worst) {
      worst = was - x.hitRatio
      worstAt = x.id
    }
  }
  const short = Math.max(0, ...m.points.map((x) => Math.max(x.lru, x.arc) - x.hitRatio))
  const sum = m.points.reduce((total, x, i) => total + x.hitRatio - today.points[i]!.hitRatio, 0)
  console.log(
    `${name}: below ${below.length} [${below.map((x) => `${x.id} ${x.hitRatio}`).join(', ')}], ` +
      `worst loss ${worst.toFixed(2)}${worstAt === '' ? '' : ` (${worstAt})`}, ` +
      `at most ${short.toFixed(2)} below LRU or ARC, sum of changes ${sum.toFixed(2)}`,
  )
  if (withSynthetic) {
    const changes = syntheticWorkloads().map(([id], i) => {
      const change = m.synthetic[i]! - today.synthetic[i]!
      return `${id} ${m.synthetic[i]!.toFixed(2)} (${change >= 0 ? '+' : ''}${change.toFixed(2)})`
    })
    console.log(`  ${changes.join(', ')}`)
  }
  rows.push(
    `| ${name} | ${below.length} | ${worst.toFixed(2)} | ${short.toFixed(2)} | ` +
      `${m.synthetic.map((x) => x.toFixed(2)).join(' | ')} |`,
  )
  const at = (id: string): string => m.points.find((x) => x.id === id)?.hitRatio.toFixed(2) ?? '-'
  six.push(`${name}: ${SIX_POINTS.map(at).join(', ')}`)
}
if (args.includes('--markdown')) {
  const columns = withSynthetic ? syntheticWorkloads().map(([id]) => id) : []
  console.log(['| option | below | worst loss | most below', ...columns].join(' | ') + ' |')
  console.log(rows.join('\n'))
  console.log(`\nat ${SIX_POINTS.join(', ')}:\n${six.join('\n')}`)
}

// Admission decided by next use (the candidate is admitted if it is requested again before the
// victim), on a fixed window, in two forms: for every contest, and only for ties of frequency.
function oracle(): void {
  for (const ties of [false, true]) {
    const out: string[] = []
    for (const { name, sizes, trace } of traces) {
      const uses = new Map<number, number[]>()
      trace.forEach((key, i) => {
        let at = uses.get(key)
        if (at === undefined) uses.set(key, (at = []))
        at.push(i)
      })
      for (const maxSize of sizes) {
        if (only !== undefined && !only.includes(`${name}@${maxSize}`)) continue
        const cursor = new Map<number, number>()
        let now = 0
        const nextUse = (key: number): number => {
          const at = uses.get(key)!
          let i = cursor.get(key) ?? 0
          while (i < at.length && at[i]! <= now) i++
          cursor.set(key, i)
          return i < at.length ? at[i]! : Infinity
        }
        const cache = new VariantCache(maxSize, { climber: 'none' })
        cache.admitOverride = (candidate, victim, frequencies) =>
          ties && frequencies[0] !== frequencies[1]
            ? frequencies[0] > frequencies[1]
            : nextUse(candidate) < nextUse(victim)
        let hits = 0
        for (now = 0; now < trace.length; now++) if (cache.access(trace[now]!)) hits++
        out.push(`${name}@${maxSize} ${percent(hits, trace.length).toFixed(2)}`)
      }
    }
    console.log(`oracle admission${ties ? ' on ties only' : ''}, 1% window: ${out.join(', ')}`)
  }
}

// The best of 156 fixed configurations (window 1%-90%, protected 20%, 50% or 80% of main, counters
// halved every 5, 10, 15 or 20 × maxSize increments) at each point, for each named variant.
function grid(): void {
  const windows = [0.01, 0.03, 0.05, 0.08, 0.1, 0.12, 0.15, 0.2, 0.25, 0.3, 0.5, 0.7, 0.9]
  for (const { name, sizes, trace } of traces) {
    for (const maxSize of sizes) {
      const id = `${name}@${maxSize}`
      if (only !== undefined && !only.includes(id)) continue
      for (const variantName of names) {
        let best = { hitRatio: -1, at: '' }
        for (const windowRatio of windows) {
          for (const protectedShare of [0.2, 0.5, 0.8]) {
            for (const reset of [5, 10, 15, 20]) {
              const variant: Variant = {
                ...parseVariant(variantName),
                climber: 'none',
                windowRatio,
                protectedShare,
                reset,
              }
              const hitRatio = percent(hitsOf(trace, maxSize, variant), trace.length)
              if (hitRatio > best.hitRatio) {
                best = {
                  hitRatio,
                  at: `window ${windowRatio}, protected ${protectedShare}, halving ${reset}×`,
                }
              }
            }
          }
        }
        console.log(`${id} ${variantName}: best fixed ${best.hitRatio.toFixed(2)} (${best.at})`)
      }
    }
  }
}
