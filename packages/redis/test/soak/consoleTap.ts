// Counts (and swallows) what is printed while the soak runs: every console method and every
// write to process.stdout and process.stderr, so that a library that shouts during an outage
// shows up as lines per outage without flooding the terminal or the CI log.
import { format } from 'node:util'

const METHODS = ['log', 'info', 'warn', 'error', 'debug', 'trace'] as const

/** What was printed while the tap was open. */
export interface ConsoleTap {
  /** Lines printed so far. */
  readonly lines: number
  /** The first few lines, as printed (for the report). */
  readonly sample: readonly string[]
  /** Puts the console and the streams back. */
  close(): void
}

/** Lines in `text`: its newlines, and a last line without one. */
function linesIn(text: string): number {
  if (text === '') return 0
  let lines = 0
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) lines++
  return text.endsWith('\n') ? lines : lines + 1
}

/**
 * Replaces the console methods and the two streams' `write` with counters until `close()`.
 * The console methods do not forward to the streams, so a line is counted once.
 */
export function tapConsole(sampleSize = 5): ConsoleTap {
  let lines = 0
  const sample: string[] = []
  const record = (text: string): void => {
    lines += linesIn(text)
    if (sample.length < sampleSize && text !== '') sample.push(text.split('\n', 1)[0]!)
  }
  // Each property as it was (own, or inherited when undefined), to put back exactly.
  const targets: object[] = [console, process.stdout, process.stderr]
  const saved = targets.map((target) =>
    (target === console ? METHODS : ['write']).map(
      (name) => [name, Object.getOwnPropertyDescriptor(target, name)] as const,
    ),
  )
  for (const method of METHODS) {
    console[method] = (...args: unknown[]): void => {
      record(format(...args))
    }
  }
  for (const stream of [process.stdout, process.stderr]) {
    stream.write = (chunk: string | Uint8Array, ...rest: unknown[]): boolean => {
      record(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString())
      const callback = rest.find((arg) => typeof arg === 'function')
      if (callback !== undefined) queueMicrotask(callback as () => void)
      return true
    }
  }
  return {
    get lines() {
      return lines
    },
    sample,
    close() {
      targets.forEach((target, i) => {
        for (const [name, descriptor] of saved[i]!) {
          if (descriptor === undefined) Reflect.deleteProperty(target, name)
          else Object.defineProperty(target, name, descriptor)
        }
      })
    },
  }
}
