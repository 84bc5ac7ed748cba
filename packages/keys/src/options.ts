// Checks of the options of makeKey and keyTemplate, with the same messages in both, and
// checkKeyOptions, which layers above call instead of repeating makeKey's rules.
import { isArray } from '@cache/internal'

import { KeyError, show } from './keyError.js'
import type { MakeKeyOptions } from './makeKey.js'

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
  if (!isArray(value)) {
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

/** `makeKey`'s options, checked and turned into what its hot path reads. */
export interface KeyOptionsPlan {
  readonly skip: number
  /** `ignored[i]` is true when argument i is left out; shorter than the argument list is fine. */
  readonly ignored: readonly boolean[]
  readonly props: readonly string[]
}

/** Checks `makeKey`'s options and compiles them (see {@link checkKeyOptions}). */
export function compileKeyOptions(options: MakeKeyOptions): KeyOptionsPlan {
  checkOptions(options)
  const { skipArgs = 0, ignoreArgs = [], ignoreProps = [] } = options
  const paramNames = checkParamNames(options.paramNames)
  if (!Number.isSafeInteger(skipArgs) || skipArgs < 0) {
    throw new KeyError(
      'ERR_KEY_OPTIONS',
      `\`skipArgs\` must be a non-negative integer, got: ${show(skipArgs)}`,
      skipArgs,
    )
  }
  if (!isArray(ignoreArgs)) {
    throw new KeyError(
      'ERR_KEY_OPTIONS',
      `\`ignoreArgs\` must be an array of positions and parameter names, got: ${show(ignoreArgs)}`,
      ignoreArgs,
    )
  }
  const ignored: boolean[] = []
  for (const arg of ignoreArgs as readonly unknown[]) {
    const position = typeof arg === 'string' ? paramNames.indexOf(arg) : arg
    if (typeof position !== 'number' || !Number.isSafeInteger(position) || position < 0) {
      throw new KeyError(
        'ERR_KEY_OPTIONS',
        typeof arg === 'string'
          ? `\`ignoreArgs\` names ${show(arg)}, which is not in \`paramNames\` (${paramNames.map((name) => show(name)).join(', ') || 'none given'})`
          : `\`ignoreArgs\` must hold non-negative integer positions or parameter names, got: ${show(arg)}`,
        arg,
      )
    }
    ignored[position] = true
  }
  if (!isArray(ignoreProps) || !ignoreProps.every((prop) => typeof prop === 'string')) {
    throw new KeyError(
      'ERR_KEY_OPTIONS',
      `\`ignoreProps\` must be an array of property names, got: ${show(ignoreProps)}`,
      ignoreProps,
    )
  }
  return { skip: skipArgs, ignored, props: ignoreProps }
}

/**
 * Checks `makeKey`'s options the way `makeKey` does on first sight of them, without making a key:
 * for a layer above that takes these options from its users and wants to reject bad ones when it
 * is configured, with `makeKey`'s own rules and messages.
 *
 * @throws {KeyError} `ERR_KEY_OPTIONS` naming the first invalid option and its value.
 * @example
 * ```ts
 * checkKeyOptions({ skipArgs: 1, ignoreProps: ['requestId'] }) // fine
 * checkKeyOptions({ skipArgs: -1 }) // KeyError: `skipArgs` must be a non-negative integer, got: -1
 * ```
 */
export function checkKeyOptions(options: MakeKeyOptions): void {
  compileKeyOptions(options)
}
