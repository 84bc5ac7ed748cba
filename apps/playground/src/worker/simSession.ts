// The worker's state and logic, free of worker globals so tests can drive it directly: one loaded
// trace, at most one load or run at a time, each cancellable between batches.
import type { SimulationPolicyName } from '@cache/core'

import { replayKeys } from '../sim/replayKeys.js'
import type { SimulationReport } from '../sim/results.js'
import { Sweep } from '../sim/sweep.js'
import { countDistinct, describeWorkload, generateWorkload } from '../sim/workload.js'
import { checkUploadSize } from '../traces/limits.js'
import { readTrace } from '../traces/readTrace.js'
import { streamChunks } from '../traces/streamChunks.js'
import { createTraceParser } from '../traces/traceParser.js'
import type { TraceParserOptions } from '../traces/traceFormat.js'
import {
  serializeError,
  type TraceInfo,
  type WorkerRequest,
  type WorkerResponse,
} from './protocol.js'

type LoadedTrace =
  | { kind: 'keys'; keys: Int32Array; info: TraceInfo }
  // A file is parsed again on every run rather than kept parsed: a trace of 100M requests would
  // need 800 MB as a Float64Array, while the File itself costs nothing to re-read.
  | { kind: 'file'; file: File; options: TraceParserOptions; info: TraceInfo }

/** How often, at most, progress is posted, in ms. */
const PROGRESS_INTERVAL = 100

/** Handles the requests of {@link WorkerRequest}, answering through `post`. */
export class SimSession {
  private readonly post: (response: WorkerResponse) => void
  private trace: LoadedTrace | undefined
  private current: { id: number; controller: AbortController } | undefined

  /** @param post - sends a response to the page. */
  constructor(post: (response: WorkerResponse) => void) {
    this.post = post
  }

  /** Handles one request; never rejects (failures are posted). */
  async handle(request: WorkerRequest): Promise<void> {
    if (request.type === 'cancel') {
      if (this.current?.id === request.id) this.current.controller.abort()
      return
    }
    // A new request supersedes one still running.
    this.current?.controller.abort()
    const controller = new AbortController()
    const current = { id: request.id, controller }
    this.current = current
    const { id } = request
    try {
      if (request.type === 'load') {
        this.trace = undefined
        const info = await this.load(request, controller.signal)
        this.post({ type: 'loaded', id, info })
      } else {
        const report = await this.run(id, request.policies, request.sizes, controller.signal)
        this.post({ type: 'finished', id, report })
      }
    } catch (error) {
      if (controller.signal.aborted) this.post({ type: 'cancelled', id })
      else this.post({ type: 'failed', id, error: serializeError(error) })
    } finally {
      if (this.current === current) this.current = undefined
    }
  }

  private async load(
    request: Extract<WorkerRequest, { type: 'load' }>,
    signal: AbortSignal,
  ): Promise<TraceInfo> {
    const { source } = request
    if (source.kind === 'workload') {
      const keys = generateWorkload(source.spec)
      const info = {
        description: describeWorkload(source.spec),
        requests: keys.length,
        distinctKeys: countDistinct(keys, source.spec.keys),
      }
      this.trace = { kind: 'keys', keys, info }
      return info
    }
    const { file, options } = source
    checkUploadSize(file)
    const progress = this.progress(request.id, file.size)
    const parser = createTraceParser(options, () => undefined)
    const stats = await readTrace(streamChunks(file.stream()), parser, {
      signal,
      onProgress: progress,
      name: file.name,
    })
    const info = {
      description: `${file.name} (${options.format})`,
      requests: stats.requests,
      distinctKeys: stats.distinctKeys,
    }
    this.trace = { kind: 'file', file, options, info }
    return info
  }

  private async run(
    id: number,
    policies: SimulationPolicyName[],
    sizes: number[],
    signal: AbortSignal,
  ): Promise<SimulationReport> {
    const trace = this.trace
    if (trace === undefined) throw new Error('no trace is loaded: load a workload or a file first')
    const sweep = new Sweep(policies, sizes)
    if (trace.kind === 'keys') {
      const progress = this.progress(id, trace.keys.length, sweep)
      await replayKeys(trace.keys, sweep, { signal, onProgress: progress })
    } else {
      const progress = this.progress(id, trace.file.size, sweep)
      const parser = createTraceParser(trace.options, (keys) => {
        sweep.feed(keys)
      })
      await readTrace(streamChunks(trace.file.stream()), parser, {
        signal,
        onProgress: progress,
        name: trace.file.name,
      })
    }
    // OPT, if chosen, replays the whole trace now that it has been read.
    sweep.finish()
    const { description, requests, distinctKeys } = trace.info
    return { workload: description, requests, distinctKeys, policies, sizes, rows: sweep.rows() }
  }

  /** A progress callback posting at most every {@link PROGRESS_INTERVAL} ms, and at the end. */
  private progress(id: number, total: number, sweep?: Sweep): (done: number) => void {
    let last = -Infinity
    return (done) => {
      const now = performance.now()
      if (now - last < PROGRESS_INTERVAL && done < total) return
      last = now
      this.post({
        type: 'progress',
        id,
        done,
        total,
        ...(sweep !== undefined && { rows: sweep.rows() }),
      })
    }
  }
}
