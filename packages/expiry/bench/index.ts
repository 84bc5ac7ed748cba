// Throughput of the parsers on the common forms, and of a compiled vs an uncompiled expiry spec.
// There is no peer to race in JS land (aquiche is Python), so this prints ops/s per form.
import { Bench } from 'tinybench'

import { compileExpiry, parseDateTime, parseDuration, resolveExpiry } from '@cache/expiry'

const bench = new Bench({ time: 300, warmupTime: 100 })
const item = { value: { token: { exp: '10 minutes' } }, fetchedAt: 1_000, isError: false }
const compiled = compileExpiry('10 minutes')
const pointer = compileExpiry('$.token.exp')

for (const form of [30, '30', '10:15:30', '4 10:15:30', 'P4DT5H', '1d42m6s', '1 day 42 minutes']) {
  bench.add(`parseDuration(${JSON.stringify(form)})`, () => parseDuration(form))
}
for (const form of [
  '2012-04-23T10:20:30.400+02:30',
  '2012-04-23T09:15:00Z',
  '1494012444',
  1_494_012_444,
]) {
  bench.add(`parseDateTime(${JSON.stringify(form)})`, () => parseDateTime(form))
}
bench
  .add(`resolveExpiry('10 minutes')`, () => resolveExpiry('10 minutes', item))
  .add(`compileExpiry('10 minutes')(item)`, () => compiled(item))
  .add(`compileExpiry('$.token.exp')(item)`, () => pointer(item))

await bench.run()

const width = Math.max(...bench.tasks.map((task) => task.name.length))
for (const task of bench.tasks) {
  const result = task.result
  const hz = result.state === 'completed' ? result.throughput.mean : Number.NaN
  console.log(
    `${task.name.padEnd(width)}  ${Math.round(hz).toLocaleString('en-US').padStart(12)} ops/s`,
  )
}
