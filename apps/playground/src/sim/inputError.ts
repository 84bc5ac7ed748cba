// The error for a bad setting typed by a user (a size, a policy, a workload parameter).

/**
 * A setting the user gave is invalid. `field` names the setting (as the form and the CLI name
 * it) and `value` is what was given, so the message and the UI can point at it.
 */
export class InputError extends Error {
  /** A stable code to match on. */
  readonly code = 'ERR_PLAYGROUND_INPUT'
  /** The setting: `'sizes'`, `'policies'`, `'keys'`, … */
  readonly field: string
  /** The rejected value, as given. */
  readonly value: unknown

  /** @param field - the setting; @param message - what it must be and what it was. */
  constructor(field: string, message: string, value: unknown) {
    super(message)
    this.name = 'InputError'
    this.field = field
    this.value = value
  }
}
