// The sim CLI's work, apart from process globals so tests can run it in-process: parse the
// arguments, replay the trace through every policy and size, print a table or JSON.
import { createReadStream } from 'node:fs'
import { stat } from 'node:fs/promises'
import { basename, resolve } from 'node:path'

import { CacheError } from '@cache/core'

import { InputError } from '../sim/inputError.js'
import { replayKeys } from '../sim/replayKeys.js'
import { reportToJson, type SimulationReport } from '../sim/results.js'
import { Sweep } from '../sim/sweep.js'
import { countDistinct, describeWorkload, generateWorkload } from '../sim/workload.js'
import { readTrace } from '../traces/readTrace.js'
import { createTraceParser } from '../traces/traceParser.js'
import { TraceParseError } from '../traces/traceParseError.js'
import { parseCliArgs, USAGE, type CliOptions } from './args.js'
import { formatTable } from './formatTable.js'
import { nodeDecompressor } from './nodeDecompressor.js'
import { createProgressBar, type ProgressBar, type ProgressStream } from './progressBar.js'

/** Where the CLI writes (results to `stdout`, the progress bar and errors to `stderr`), and from where. */
export interface CliIo {
  stdout: { write(text: string): unknown }
  stderr: ProgressStream & { readonly isTTY?: boolean }
  /** The directory relative trace paths are resolved against. */
  cwd: string
}

/** Runs the CLI with `argv` (without `node` and the script), returning the exit code. */
export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  try {
    const options = parseCliArgs(argv)
    if (options === 'help') {
      io.stdout.write(USAGE)
      return 0
    }
    const showProgress = options.progress ?? io.stderr.isTTY === true
    const report = await simulateSource(options, io.cwd, (label) =>
      showProgress ? createProgressBar(io.stderr, label) : undefined,
    )
    io.stdout.write(options.json ? reportToJson(report) : formatTable(report))
    return 0
  } catch (error) {
    const expected =
      error instanceof InputError || error instanceof TraceParseError || error instanceof CacheError
    io.stderr.write(`sim: ${expected ? error.message : String((error as Error).stack ?? error)}\n`)
    return 1
  }
}

async function simulateSource(
  options: CliOptions,
  cwd: string,
  progressBar: (label: string) => ProgressBar | undefined,
): Promise<SimulationReport> {
  const { source, policies, sizes } = options
  const sweep = new Sweep(policies, sizes)
  const runs = `${policies.length * sizes.length} caches`
  if (source.kind === 'workload') {
    const keys = generateWorkload(source.spec)
    const bar = progressBar(`replaying ${source.spec.kind} through ${runs}`)
    await replayKeys(keys, sweep, { onProgress: (done) => bar?.update(done / keys.length) })
    sweep.finish()
    bar?.done()
    return {
      workload: describeWorkload(source.spec),
      requests: keys.length,
      distinctKeys: countDistinct(keys, source.spec.keys),
      policies,
      sizes,
      rows: sweep.rows(),
    }
  }
  const { path, options: parserOptions } = source
  const file = resolve(cwd, path)
  const size = await fileSize(file, path)
  const bar = progressBar(`replaying ${basename(path)} through ${runs}`)
  const parser = createTraceParser(parserOptions, (keys) => {
    sweep.feed(keys)
  })
  try {
    const stats = await readTrace(createReadStream(file, { highWaterMark: 1 << 20 }), parser, {
      onProgress: (bytes) => bar?.update(size === 0 ? 1 : bytes / size),
      name: path,
      decompressor: nodeDecompressor,
    })
    sweep.finish()
    return {
      workload: `${basename(path)} (${parserOptions.format})`,
      requests: stats.requests,
      distinctKeys: stats.distinctKeys,
      policies,
      sizes,
      rows: sweep.rows(),
    }
  } catch (error) {
    // Errors about the file as a whole name it already; the others get its name in front.
    if (error instanceof TraceParseError && error.file === undefined) {
      error.message = `${path}: ${error.message}`
    }
    throw error
  } finally {
    bar?.done()
  }
}

async function fileSize(file: string, path: string): Promise<number> {
  let stats
  try {
    stats = await stat(file)
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? String(error)
    const why = code === 'ENOENT' ? 'no such file' : code
    throw new InputError('trace', `cannot read the trace "${path}": ${why}`, path)
  }
  if (!stats.isFile()) throw new InputError('trace', `the trace "${path}" is not a file`, path)
  return stats.size
}
