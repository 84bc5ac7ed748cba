// Checks of the options that makeKey and keyTemplate share, with the same messages in both.
import { KeyError, show } from './keyError.js'

/** Checks that an options argument is an object (not `null`). */
export function checkOptions(value: unknown): asserts value is object {
  if (typeof value !== 'object' || value === null) {
    throw new KeyError(
      'ERR_KEY_OPTIONS',
      `\`options\` must be an object, got: ${show(value)}`,
      value,
    )
  }
}

/** Checks a `paramNames` option: an array of distinct strings. Returns it, typed. */
export function checkParamNames(value: unknown): readonly string[] {
  if (value === undefined) return []
  if (!Array.isArray(value)) {
    throw new KeyError(
      'ERR_KEY_OPTIONS',
      `\`paramNames\` must be an array of parameter names, got: ${show(value)}`,
      value,
    )
  }
  value.forEach((name: unknown, i) => {
    if (typeof name !== 'string' || name === '') {
      throw new KeyError(
        'ERR_KEY_OPTIONS',
        `\`paramNames[${i}]\` must be a non-empty string, got: ${show(name)}`,
        name,
      )
    }
    if (value.indexOf(name) !== i) {
      throw new KeyError('ERR_KEY_OPTIONS', `\`paramNames\` names ${show(name)} twice`, name)
    }
  })
  return value as string[]
}
