// How each package's error messages render values, in one table: the messages predate the shared
// formatter and users match on them, so each package keeps its own rendering by name here.
import type { ValueStyle } from './describeValue.js'

/** The {@link ValueStyle} of each package's error messages. */
export const VALUE_STYLES: {
  readonly core: ValueStyle
  readonly keys: ValueStyle
  readonly expiry: ValueStyle
  readonly batch: ValueStyle
  readonly decoratorsKey: ValueStyle
} = {
  /** core: strings and objects as JSON, cut at 200 characters; `array(2)`, `function f`. */
  core: { maxLength: 200, strings: 'json', functions: 'word', arrays: 'short', objects: 'json' },
  /** keys: `"abc"`, `12n`, `[Function f]`, `[Array(2)]`, `[object Map]`. */
  keys: {
    maxLength: 60,
    strings: 'json',
    functions: 'bracket',
    arrays: 'bracket',
    objects: 'name',
  },
  /** expiry: `'abc'`, `NaN`, `[Function f]`, JSON cut at 60, dates and bytes by what they hold. */
  expiry: {
    maxLength: 60,
    strings: 'single',
    functions: 'bracket',
    arrays: 'bracket',
    objects: 'json',
    binary: true,
  },
  /** batch: strings quoted and cut at 40, objects and errors in words. */
  batch: {
    maxLength: 40,
    strings: 'json',
    functions: 'word',
    arrays: 'words',
    objects: 'words',
    errors: true,
  },
  /** decorators, for keys: strings quoted and cut at 60, objects by their tag. */
  decoratorsKey: {
    maxLength: 60,
    strings: 'json',
    functions: 'word',
    arrays: 'tag',
    objects: 'tag',
  },
}
