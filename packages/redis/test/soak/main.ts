// `pnpm soak` in packages/redis: the 60 s soak (SOAK_SECONDS to change it) against a private
// redis-server, printing the summary line and the table; exits 1 when a goal is missed.
import { startRedisCluster } from '../redisCluster.js'
import { apartFrom, parseFaults } from './faults.js'
import { GOALS, summaryLine, summaryTable } from './summary.js'
import { defaultSourceOutage, runSoak } from './soak.js'

const seconds = Number(process.env.SOAK_SECONDS ?? 60)
if (!(seconds >= 10)) {
  throw new Error(
    `SOAK_SECONDS must be a number of seconds, at least 10; got: ${process.env.SOAK_SECONDS}`,
  )
}
// SOAK_CLUSTER=1: on a private Redis Cluster (3 masters, 1 replica each), one master killed
// (SIGKILL) a third of the way in and restarted 15 s later (it comes back as a replica).
const onCluster = process.env.SOAK_CLUSTER === '1'
// SOAK_FAULTS: another schedule on one server (see parseFaults: `random:<seed>`, or
// `kill@5000+2000,pause@15000+3000`); faults that overlap the source's outage are left out,
// unless SOAK_OVERLAP=1 (Redis and the source down together: outside the goals, see the README).
const faultSpec = process.env.SOAK_FAULTS
const sourceOutage = defaultSourceOutage(seconds)
const overlap = process.env.SOAK_OVERLAP === '1'
const faults =
  faultSpec === undefined || onCluster
    ? undefined
    : overlap
      ? parseFaults(faultSpec, seconds)
      : apartFrom(parseFaults(faultSpec, seconds), sourceOutage)
const cluster = onCluster ? await startRedisCluster() : undefined
console.log(
  cluster === undefined
    ? faults === undefined
      ? `soak: ${seconds} s, a kill or a pause of Redis every 10 s...`
      : `soak: ${seconds} s, faults ${faults.map((f) => `${f.kind}@${f.atMs}+${f.forMs}`).join(',')}...`
    : `soak: ${seconds} s on a Redis Cluster of 3 masters, one master killed at ${Math.round(seconds / 3)} s...`,
)
let result: Awaited<ReturnType<typeof runSoak>>
try {
  result = await runSoak(
    cluster === undefined
      ? { seconds, sourceOutage, ...(faults === undefined ? {} : { faults }) }
      : {
          seconds,
          cluster,
          faults: [{ kind: 'kill', atMs: Math.round((seconds * 1_000) / 3), forMs: 15_000 }],
          sourceOutage: null,
        },
  )
} finally {
  await cluster?.stop()
}
console.log(summaryLine(result))
console.log()
console.log(summaryTable(result))
const missed = GOALS.filter((goal) => !goal.met(result)).map((goal) => goal.figure)
console.log()
console.log(missed.length === 0 ? 'every goal met' : `goals missed: ${missed.join('; ')}`)
process.exitCode = missed.length === 0 ? 0 : 1
