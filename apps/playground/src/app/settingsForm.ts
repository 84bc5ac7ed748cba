// The simulator's settings form: reads and writes a PageState, shows only the relevant fields.
import { SIMULATION_POLICIES, type SimulationPolicyName } from '@cache/core'

import { isWorkloadKind } from '../sim/workload.js'
import { isTraceFormat } from '../traces/traceFormat.js'
import { byId, element } from './dom.js'
import { DEFAULT_STATE, type PageState } from './pageState.js'

/** Descriptions shown next to each policy's checkbox. */
const POLICY_TITLES: Readonly<Record<SimulationPolicyName, string>> = {
  lru: 'least recently used',
  lfu: 'least frequently used',
  fifo: 'first in, first out',
  sieve: 'SIEVE (NSDI 24)',
  s3fifo: 'S3-FIFO (SOSP 23)',
  tinylfu: 'W-TinyLFU (Caffeine)',
  opt: "Belady's OPT: the most hits any policy of that size could get (needs the whole trace in advance)",
}

/** The form's controls, and conversions between them and a {@link PageState}. */
export class SettingsForm {
  readonly form = byId('settings', HTMLFormElement)
  readonly source = byId('source', HTMLSelectElement)
  readonly keys = byId('keys', HTMLInputElement)
  readonly length = byId('length', HTMLInputElement)
  readonly skew = byId('skew', HTMLInputElement)
  readonly seed = byId('seed', HTMLInputElement)
  readonly file = byId('trace-file', HTMLInputElement)
  readonly format = byId('format', HTMLSelectElement)
  readonly csvColumn = byId('csv-column', HTMLInputElement)
  readonly csvHeader = byId('csv-header', HTMLInputElement)
  readonly sizes = byId('sizes', HTMLInputElement)
  readonly run = byId('run', HTMLButtonElement)
  readonly cancel = byId('cancel', HTMLButtonElement)
  private readonly fileHint = byId('file-hint', HTMLParagraphElement)
  private readonly policyBoxes: Map<SimulationPolicyName, HTMLInputElement>

  constructor() {
    const fieldset = byId('policies', HTMLFieldSetElement)
    this.policyBoxes = new Map(
      SIMULATION_POLICIES.map((policy) => {
        const box = element('input', undefined, { type: 'checkbox', name: 'policy', value: policy })
        const label = element('label', undefined, { title: POLICY_TITLES[policy] })
        label.append(box, policy)
        fieldset.append(label)
        return [policy, box]
      }),
    )
  }

  /** The chosen file, if any. */
  get chosenFile(): File | undefined {
    return this.file.files?.[0]
  }

  /** The settings as the controls show them. */
  read(): PageState {
    const source = this.source.value
    const format = this.format.value
    return {
      source: source === 'file' || isWorkloadKind(source) ? source : DEFAULT_STATE.source,
      keys: this.keys.valueAsNumber,
      length: this.length.valueAsNumber,
      skew: this.skew.valueAsNumber,
      seed: this.seed.valueAsNumber,
      format: isTraceFormat(format) ? format : DEFAULT_STATE.format,
      csvColumn: this.csvColumn.value,
      csvHeader: this.csvHeader.checked,
      fileName: this.chosenFile?.name ?? this.fileHint.dataset.fileName ?? '',
      policies: SIMULATION_POLICIES.filter(
        (policy) => this.policyBoxes.get(policy)?.checked === true,
      ),
      sizes: this.sizes.value,
    }
  }

  /** Shows `state` in the controls. */
  write(state: PageState): void {
    this.source.value = state.source
    this.keys.value = String(state.keys)
    this.length.value = String(state.length)
    this.skew.value = String(state.skew)
    this.seed.value = String(state.seed)
    this.format.value = state.format
    this.csvColumn.value = state.csvColumn
    this.csvHeader.checked = state.csvHeader
    for (const [policy, box] of this.policyBoxes) box.checked = state.policies.includes(policy)
    this.sizes.value = state.sizes
    if (state.source === 'file' && state.fileName !== '' && this.chosenFile === undefined) {
      // A shared link names its trace file but cannot carry it.
      this.fileHint.dataset.fileName = state.fileName
      this.fileHint.textContent = `This link used the trace file "${state.fileName}": choose it to reproduce the result.`
      this.fileHint.hidden = false
    }
    this.showRelevantFields()
  }

  /** Hides the fields the chosen source does not use. */
  showRelevantFields(): void {
    const source = this.source.value
    const isFile = source === 'file'
    byId('synthetic-params', HTMLDivElement).hidden = isFile
    byId('file-params', HTMLDivElement).hidden = !isFile
    byId('csv-params', HTMLDivElement).hidden = this.format.value !== 'csv'
    this.skew.disabled = !(source === 'zipf' || source === 'scanmix')
    this.seed.disabled = source === 'loop'
    if (this.chosenFile !== undefined) this.fileHint.hidden = true
  }

  /** Marks the control of `field` (as an InputError names it) invalid, and clears the others. */
  markInvalid(field: string | undefined): void {
    const controls: Record<string, HTMLInputElement> = {
      keys: this.keys,
      length: this.length,
      skew: this.skew,
      seed: this.seed,
      sizes: this.sizes,
      'trace-file': this.file,
      'csv-column': this.csvColumn,
    }
    for (const [name, control] of Object.entries(controls)) {
      if (name === field) control.setAttribute('aria-invalid', 'true')
      else control.removeAttribute('aria-invalid')
    }
  }
}
