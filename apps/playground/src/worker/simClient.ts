// The page's side of the worker: one request at a time, as promises, with progress and cancel.
import type { SimulationPolicyName } from '@cache/core'

import type { SimulationReport } from '../sim/results.js'
import type { SweepRow } from '../sim/sweep.js'
import type {
  SerializedError,
  TraceInfo,
  TraceSource,
  WorkerRequest,
  WorkerResponse,
} from './protocol.js'

/** A failure reported by the worker, with the fields the page points at. */
export class SimulationError extends Error {
  /** The original error's code: `ERR_TRACE_SYNTAX`, `ERR_PLAYGROUND_INPUT`, … */
  readonly code: string | undefined
  /** The trace line at fault, if any. */
  readonly line: number | undefined
  /** The setting at fault, if any. */
  readonly field: string | undefined

  /** @param error - as the worker sent it. */
  constructor(error: SerializedError) {
    super(error.message)
    this.name = error.name
    this.code = error.code
    this.line = error.line
    this.field = error.field
  }
}

/** Progress of a load or run: `done` of `total` units, and the rows so far during a run. */
export type ProgressListener = (done: number, total: number, rows?: SweepRow[]) => void

/** How a request ended, when it did not fail. */
export type Outcome<T> = { status: 'done'; value: T } | { status: 'cancelled' }

interface Pending {
  readonly id: number
  readonly onProgress: ProgressListener
  readonly settle: (response: WorkerResponse | Error) => void
}

/** Talks to the simulation worker, re-creating it if it dies. */
export class SimClient {
  private readonly createWorker: () => Worker
  private worker: Worker
  private nextId = 1
  private pending: Pending | undefined
  /** How many times the worker was re-created after a crash; a new worker holds no trace. */
  restarts = 0

  /** @param createWorker - makes the worker (Vite bundles it from the `new URL` inside). */
  constructor(createWorker: () => Worker) {
    this.createWorker = createWorker
    this.worker = this.start()
  }

  /** Loads a trace into the worker, replacing the previous one. */
  load(source: TraceSource, onProgress: ProgressListener): Promise<Outcome<TraceInfo>> {
    return this.request({ type: 'load', id: this.nextId++, source }, onProgress, (response) =>
      response.type === 'loaded' ? response.info : undefined,
    )
  }

  /** Runs every policy at every size on the loaded trace. */
  run(
    policies: SimulationPolicyName[],
    sizes: number[],
    onProgress: ProgressListener,
  ): Promise<Outcome<SimulationReport>> {
    return this.request(
      { type: 'run', id: this.nextId++, policies, sizes },
      onProgress,
      (response) => (response.type === 'finished' ? response.report : undefined),
    )
  }

  /** Cancels the request in progress, if any; its promise resolves as cancelled. */
  cancel(): void {
    if (this.pending !== undefined) {
      this.worker.postMessage({ type: 'cancel', id: this.pending.id } satisfies WorkerRequest)
    }
  }

  private request<T>(
    message: Exclude<WorkerRequest, { type: 'cancel' }>,
    onProgress: ProgressListener,
    result: (response: WorkerResponse) => T | undefined,
  ): Promise<Outcome<T>> {
    // The worker supersedes the previous request itself; this only settles its promise.
    this.pending?.settle({ type: 'cancelled', id: this.pending.id })
    return new Promise((resolve, reject) => {
      this.pending = {
        id: message.id,
        onProgress,
        settle: (response) => {
          this.pending = undefined
          if (response instanceof Error) {
            reject(response)
          } else if (response.type === 'failed') {
            reject(new SimulationError(response.error))
          } else if (response.type === 'cancelled') {
            resolve({ status: 'cancelled' })
          } else {
            const value = result(response)
            if (value === undefined) reject(new Error(`unexpected response ${response.type}`))
            else resolve({ status: 'done', value })
          }
        },
      }
      this.worker.postMessage(message)
    })
  }

  private start(): Worker {
    const worker = this.createWorker()
    worker.addEventListener('message', (event: MessageEvent<WorkerResponse>) => {
      const response = event.data
      const pending = this.pending
      if (pending?.id !== response.id) return
      if (response.type === 'progress')
        pending.onProgress(response.done, response.total, response.rows)
      else pending.settle(response)
    })
    worker.addEventListener('error', (event) => {
      // A crash (out of memory, a bug) loses the worker's trace: start afresh.
      const message = event.message || 'the simulation worker stopped'
      worker.terminate()
      this.restarts++
      this.worker = this.start()
      this.pending?.settle(new Error(`${message}; load the trace again`))
    })
    return worker
  }
}
