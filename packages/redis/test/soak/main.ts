// `pnpm soak` in packages/redis: the 60 s soak (SOAK_SECONDS to change it) against a private
// redis-server, printing the summary line and the table; exits 1 when a goal is missed.
import { GOALS, summaryLine, summaryTable } from './summary.js'
import { runSoak } from './soak.js'

const seconds = Number(process.env.SOAK_SECONDS ?? 60)
if (!(seconds >= 10)) {
  throw new Error(
    `SOAK_SECONDS must be a number of seconds, at least 10; got: ${process.env.SOAK_SECONDS}`,
  )
}
console.log(`soak: ${seconds} s, a kill or a pause of Redis every 10 s...`)
const result = await runSoak({ seconds })
console.log(summaryLine(result))
console.log()
console.log(summaryTable(result))
const missed = GOALS.filter((goal) => !goal.met(result)).map((goal) => goal.figure)
console.log()
console.log(missed.length === 0 ? 'every goal met' : `goals missed: ${missed.join('; ')}`)
process.exitCode = missed.length === 0 ? 0 : 1
