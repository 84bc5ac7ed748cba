// Typed access to one demo card of the behaviour page: its form, numeric inputs and outputs.
import { InputError } from '../sim/inputError.js'

/** One `<section>` of the behaviour page. */
export class Card {
  readonly form: HTMLFormElement
  private readonly section: HTMLElement

  /** @param id - the section's id. */
  constructor(id: string) {
    const section = document.getElementById(id)
    const form = section?.querySelector('form')
    if (!section || !(form instanceof HTMLFormElement)) {
      throw new Error(`the page has no section "${id}" with a form`)
    }
    this.section = section
    this.form = form
  }

  /** The element marked `data-output="name"`. */
  output<T extends HTMLElement>(name: string, type: new () => T): T {
    const node = this.section.querySelector(`[data-output="${name}"]`)
    if (!(node instanceof type))
      throw new Error(`no <${type.name}> output "${name}" in #${this.section.id}`)
    return node
  }

  /** The form's submit button. */
  get submit(): HTMLButtonElement {
    const button = this.form.querySelector('button[type="submit"]')
    if (!(button instanceof HTMLButtonElement))
      throw new Error(`no submit button in #${this.section.id}`)
    return button
  }

  /** The form control named `name`. */
  control<T extends HTMLElement>(name: string, type: new () => T): T {
    const node = this.form.elements.namedItem(name)
    if (!(node instanceof type))
      throw new Error(`no <${type.name}> named "${name}" in #${this.section.id}`)
    return node
  }

  /**
   * The value of the number input `name`, an integer within its `min` and `max`.
   * @throws {InputError} naming the field and the value.
   */
  integer(name: string): number {
    const input = this.control(name, HTMLInputElement)
    const value = input.valueAsNumber
    const min = Number(input.min)
    const max = Number(input.max)
    if (!Number.isInteger(value) || value < min || value > max) {
      const label = input.parentElement?.textContent.trim() ?? name
      input.setAttribute('aria-invalid', 'true')
      throw new InputError(
        name,
        `${label} must be an integer from ${min} to ${max}, got: "${input.value}"`,
        input.value,
      )
    }
    input.removeAttribute('aria-invalid')
    return value
  }

  /** Calls `action` on submit; its errors, thrown or rejected, go to `onError`. */
  onSubmit(action: () => void | Promise<void>, onError: (error: unknown) => void): void {
    this.form.addEventListener('submit', (event) => {
      event.preventDefault()
      // Through an async function, so a synchronous throw (a bad input) becomes a rejection.
      const run = async (): Promise<void> => {
        await action()
      }
      run().catch(onError)
    })
  }
}
