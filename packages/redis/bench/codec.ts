// The default serializer against plain JSON.stringify / JSON.parse, in one process: encode, decode
// and round trip of a small plain object, an array of 100 of them, and an object with a Date and a
// Map (the tagged path; JSON turns the Date into a string and the Map into `{}`, so there JSON is
// a floor, not a peer). After a warm-up, the contenders alternate in slices of a fixed number of
// operations, GC included; the table gives the mean wall time per operation over all slices (what
// a service pays), and our ratio to JSON by wall time and by the process's CPU time (which a busy,
// shared machine disturbs less: it leaves out the time spent waiting for a core).
import { jsonSerializer } from '../src/codec.js'

const SLICES = 200
const SLICE_MS = 5
const WARM_UP_MS = 300

type Op = () => unknown

interface Case {
  readonly name: string
  readonly value: unknown
}

function person(id: number): unknown {
  return {
    id,
    name: 'Ada',
    tags: ['a', 'b'],
    address: { city: 'X', zip: '123' },
    active: true,
    score: 3.5,
  }
}

const CASES: readonly Case[] = [
  { name: '(a) small plain object', value: person(42) },
  { name: '(b) array of 100 objects', value: Array.from({ length: 100 }, (_, i) => person(i)) },
  {
    name: '(c) object with Date and Map',
    value: {
      id: 42,
      name: 'Ada',
      createdAt: new Date(1_700_000_000_000),
      scores: new Map([
        ['math', 3.5],
        ['art', 4],
      ]),
      active: true,
    },
  },
]

let sink = 0

/** How many calls of `op` take about SLICE_MS: each slice then runs that many calls. */
function sliceSize(op: Op): number {
  let n = 1
  for (;;) {
    const started = performance.now()
    for (let i = 0; i < n; i++) sink += op() === undefined ? 0 : 1
    if (performance.now() - started >= SLICE_MS / 4) return n * 4
    n *= 2
  }
}

interface Timing {
  /** Mean wall time per call, ns. */
  readonly wallNs: number
  /** Mean CPU time of the process per call, ns. */
  readonly cpuNs: number
}

const cpuNow = (): number => {
  const { user, system } = process.cpuUsage()
  return user + system // µs
}

/** Runs each op for WARM_UP_MS, so that the race measures optimized code. */
function warmUp(ops: readonly Op[]): void {
  for (const op of ops) {
    const deadline = performance.now() + WARM_UP_MS
    while (performance.now() < deadline) {
      for (let i = 0; i < 100; i++) sink += op() === undefined ? 0 : 1
    }
  }
}

/** Mean time per call of each op, the ops alternating slice by slice. */
function race(ops: readonly Op[]): Timing[] {
  warmUp(ops)
  const sizes = ops.map(sliceSize)
  const wall = ops.map(() => 0)
  const cpu = ops.map(() => 0)
  const counts = ops.map(() => 0)
  for (let slice = 0; slice < SLICES; slice++) {
    // Alternate which contender goes first, so neither always follows the other's garbage.
    for (let k = 0; k < ops.length; k++) {
      const j = (k + slice) % ops.length
      const op = ops[j]!
      const n = sizes[j]!
      const cpuStarted = cpuNow()
      const started = performance.now()
      for (let i = 0; i < n; i++) sink += op() === undefined ? 0 : 1
      wall[j]! += performance.now() - started
      cpu[j]! += cpuNow() - cpuStarted
      counts[j]! += n
    }
  }
  return ops.map((_, j) => ({
    wallNs: (wall[j]! / counts[j]!) * 1e6,
    cpuNs: (cpu[j]! / counts[j]!) * 1e3,
  }))
}

const format = (ns: number): string =>
  ns >= 10_000 ? `${(ns / 1_000).toFixed(1)} µs` : `${ns.toFixed(0)} ns`

console.log(
  `node ${process.version}, ${SLICES} slices of ~${SLICE_MS} ms per contender after ${WARM_UP_MS} ms of warm-up\n`,
)
console.log('| case | operation | jsonSerializer | JSON | ratio (wall) | ratio (CPU) |')
console.log('| --- | --- | ---: | ---: | ---: | ---: |')
for (const { name, value } of CASES) {
  const ours = jsonSerializer.encode(value)
  const json = JSON.stringify(value)
  const rows: [string, Op, Op][] = [
    ['encode', () => jsonSerializer.encode(value), () => JSON.stringify(value)],
    ['decode', () => jsonSerializer.decode(ours), (): unknown => JSON.parse(json)],
    [
      'round trip',
      () => jsonSerializer.decode(jsonSerializer.encode(value)),
      (): unknown => JSON.parse(JSON.stringify(value)),
    ],
  ]
  for (const [operation, oursOp, jsonOp] of rows) {
    const [ours, json] = race([oursOp, jsonOp]) as [Timing, Timing]
    const wallRatio = (ours.wallNs / json.wallNs).toFixed(2)
    const cpuRatio = (ours.cpuNs / json.cpuNs).toFixed(2)
    console.log(
      `| ${name} | ${operation} | ${format(ours.wallNs)} | ${format(json.wallNs)} | ${wallRatio}x | ${cpuRatio}x |`,
    )
  }
}
if (sink === 0) console.log('(nothing ran)')
