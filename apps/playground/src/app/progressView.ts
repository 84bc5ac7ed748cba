// The progress bar and its label under the Run button.
import { byId } from './dom.js'

/** Shows how far a load or run has come. */
export class ProgressView {
  private readonly bar = byId('progress', HTMLProgressElement)
  private readonly label = byId('progress-label', HTMLSpanElement)

  /** Shows `fraction` (0 to 1) done, with a label such as `Simulating… 42%`. */
  show(fraction: number, what: string): void {
    this.bar.value = fraction
    this.label.textContent = `${what} ${Math.floor(fraction * 100)}%`
  }

  /** Shows a final status, the bar full or empty. */
  finish(status: string, complete: boolean): void {
    this.bar.value = complete ? 1 : 0
    this.label.textContent = status
  }
}
