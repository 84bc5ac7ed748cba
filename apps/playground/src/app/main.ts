// The simulator page: wires the settings form, the worker, the plot, the table and the URL.
import { formatCount, formatTraceSummary } from '../sim/format.js'
import { InputError } from '../sim/inputError.js'
import { parsePolicies } from '../sim/policies.js'
import { reportToCsv, reportToJson, type SimulationReport } from '../sim/results.js'
import { parseSizes } from '../sim/sizes.js'
import { validateWorkload } from '../sim/workload.js'
import { formatBytes } from '../traces/limits.js'
import { inferTraceFormat } from '../traces/traceFormat.js'
import type { TraceInfo, TraceSource } from '../worker/protocol.js'
import { SimClient, SimulationError } from '../worker/simClient.js'
import { byId } from './dom.js'
import { downloadText } from './download.js'
import { csvColumnOf, type PageState, workloadOf } from './pageState.js'
import { ProgressView } from './progressView.js'
import { ResultsPlot } from './resultsPlot.js'
import { ResultsTable } from './resultsTable.js'
import { SettingsForm } from './settingsForm.js'
import { stateFromQuery, stateToQuery } from './urlState.js'

const form = new SettingsForm()
const progress = new ProgressView()
const plot = new ResultsPlot()
const table = new ResultsTable()
const traceInfo = byId('trace-info', HTMLParagraphElement)
const errorBox = byId('error', HTMLParagraphElement)
const downloadCsv = byId('download-csv', HTMLButtonElement)
const downloadJson = byId('download-json', HTMLButtonElement)
const client = new SimClient(
  () => new Worker(new URL('../worker/simWorker.ts', import.meta.url), { type: 'module' }),
)

/** The source the worker holds, as a comparable string, and what it is; none at first. */
// The trace in the worker: which source, and in which worker (a restarted one holds none).
let loaded: { key: string; info: TraceInfo; worker: number } | undefined
let lastReport: SimulationReport | undefined
let busy = false
/** Counts operations, so only the latest one clears the busy state when it ends. */
let operation = 0

function sourceOf(state: PageState): { source: TraceSource; key: string } {
  if (state.source !== 'file') {
    const spec = validateWorkload(workloadOf(state, state.source))
    return { source: { kind: 'workload', spec }, key: JSON.stringify(spec) }
  }
  const file = form.chosenFile
  if (file === undefined) {
    throw new InputError('trace-file', 'choose a trace file, or a synthetic workload', undefined)
  }
  const options = {
    format: state.format,
    csvColumn: csvColumnOf(state),
    csvHeader: state.csvHeader,
  }
  return {
    source: { kind: 'file', file, options },
    key: JSON.stringify([file.name, file.size, file.lastModified, options]),
  }
}

function showError(error: unknown): void {
  const message = error instanceof Error ? error.message : String(error)
  errorBox.textContent = message
  errorBox.hidden = false
  const field =
    error instanceof InputError || error instanceof SimulationError ? error.field : undefined
  form.markInvalid(
    error instanceof SimulationError && error.line !== undefined ? 'trace-file' : field,
  )
}

function clearError(): void {
  errorBox.hidden = true
  errorBox.textContent = ''
  form.markInvalid(undefined)
}

/** Marks an operation started; the returned function marks it ended. */
function beginOperation(): () => void {
  const current = ++operation
  setBusy(true)
  return () => {
    if (current === operation) setBusy(false)
  }
}

function setBusy(value: boolean): void {
  busy = value
  form.run.disabled = value
  form.cancel.disabled = !value
}

/** Loads the form's source into the worker unless it is already there; false if cancelled. */
async function ensureLoaded(state: PageState): Promise<boolean> {
  const { source, key } = sourceOf(state)
  if (loaded?.key === key && loaded.worker === client.restarts) return true
  loaded = undefined
  traceInfo.textContent = ''
  const total = source.kind === 'file' ? formatBytes(source.file.size) : ''
  const outcome = await client.load(source, (done, all) => {
    progress.show(all === 0 ? 0 : done / all, `Reading ${total}…`)
  })
  if (outcome.status === 'cancelled') return false
  loaded = { key, info: outcome.value, worker: client.restarts }
  traceInfo.textContent = formatTraceSummary(outcome.value.description, outcome.value)
  return true
}

/** Loads the chosen file as soon as it is chosen, so its size and errors show before a run. */
async function loadChosenFile(): Promise<void> {
  clearError()
  const end = beginOperation()
  try {
    progress.show(0, 'Reading…')
    const done = await ensureLoaded(form.read())
    progress.finish(done ? 'Trace loaded.' : 'Cancelled.', done)
  } finally {
    end()
  }
}

function reportFailure(error: unknown): void {
  progress.finish('Failed.', false)
  showError(error)
}

/** Loads the chosen source (if needed) and runs the chosen policies and sizes on it. */
async function run(): Promise<void> {
  clearError()
  const state = form.read()
  const policies = parsePolicies(state.policies.join(','))
  const sizes = parseSizes(state.sizes)
  const end = beginOperation()
  try {
    progress.show(0, 'Loading…')
    if (!(await ensureLoaded(state))) {
      progress.finish('Cancelled.', false)
      return
    }
    const summary = formatTraceSummary(loaded!.info.description, loaded!.info)
    const outcome = await client.run(policies, sizes, (done, total, rows) => {
      progress.show(total === 0 ? 0 : done / total, 'Simulating…')
      if (rows !== undefined) {
        plot.show(policies, sizes, rows)
        table.show(summary, rows, false)
      }
    })
    if (outcome.status === 'cancelled') {
      progress.finish('Cancelled.', false)
      return
    }
    const report = outcome.value
    lastReport = report
    plot.show(report.policies, report.sizes, report.rows)
    table.show(formatTraceSummary(report.workload, report), report.rows, true)
    downloadCsv.disabled = false
    downloadJson.disabled = false
    const runs = report.rows.length
    progress.finish(
      `Done: ${runs} run${runs === 1 ? '' : 's'} of ${formatCount(report.requests)} requests.`,
      true,
    )
  } finally {
    end()
  }
}

function saveState(): void {
  history.replaceState(null, '', `?${stateToQuery(form.read())}`)
}

function start(): void {
  const shared = new URLSearchParams(location.search).has('source')
  const state = stateFromQuery(location.search)
  form.write(state)
  saveState()

  form.form.addEventListener('submit', (event) => {
    event.preventDefault()
    if (busy) return
    saveState()
    run().catch(reportFailure)
  })
  form.cancel.addEventListener('click', () => {
    client.cancel()
  })
  form.form.addEventListener('change', (event) => {
    const file = form.chosenFile
    if (event.target === form.file && file !== undefined) {
      form.format.value = inferTraceFormat(file.name)
    }
    form.showRelevantFields()
    saveState()
    const fileSettings: EventTarget[] = [
      form.file,
      form.format,
      form.csvColumn,
      form.csvHeader,
      form.source,
    ]
    const fileSettingChanged = event.target !== null && fileSettings.includes(event.target)
    if (file !== undefined && form.source.value === 'file' && fileSettingChanged) {
      client.cancel()
      loadChosenFile().catch(reportFailure)
    }
  })
  form.form.addEventListener('input', saveState)
  downloadCsv.addEventListener('click', () => {
    if (lastReport !== undefined)
      downloadText('cache-simulation.csv', reportToCsv(lastReport), 'text/csv')
  })
  downloadJson.addEventListener('click', () => {
    if (lastReport !== undefined) {
      downloadText('cache-simulation.json', reportToJson(lastReport), 'application/json')
    }
  })

  // A shared link of a synthetic workload shows its result straight away.
  if (shared && state.source !== 'file') {
    form.form.requestSubmit()
  }
}

start()
