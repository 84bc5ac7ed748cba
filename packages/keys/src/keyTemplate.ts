import { KeyError, show } from './keyError.js'
import { checkOptions, checkParamNames } from './options.js'

/** A function that renders a key for a call's arguments; made by {@link keyTemplate}. */
export type KeyTemplate<A extends readonly unknown[] = readonly unknown[]> = (...args: A) => string

/** Options of {@link keyTemplate}. */
export interface KeyTemplateOptions {
  /**
   * The function's parameter names in order, so that placeholders can name arguments:
   * `{user.id}` instead of `{0.id}`.
   * @default []
   */
  readonly paramNames?: readonly string[]
}

/**
 * The key of a function whose result does not depend on its arguments (a config loader, a
 * "list all"): every call renders `'single'`.
 *
 * @example
 * ```ts
 * cached(loadConfig, { key: SINGLE_KEY })
 * ```
 */
export const SINGLE_KEY: KeyTemplate = () => 'single'

/** One placeholder: which argument, then which properties of it. */
interface Placeholder {
  /** As written between the braces, for messages: `user[id]`. */
  readonly source: string
  /** The path as messages name it: the source, with the position a `{}` or `{.id}` took. */
  readonly label: string
  readonly index: number
  /** The property names to read, in order. */
  readonly path: readonly string[]
  /** The readable prefixes of the path, for messages: `user`, `user.id`. */
  readonly names: readonly string[]
}

const LETTER_OR_DIGIT = /[A-Za-z0-9]/
const IDENTIFIER = /[A-Za-z_$][\w$]*/y
const INDEX = /\d+/y

/**
 * Compiles a readable key template, such as `'user:{0}'` or
 * `'env:{environment.id}:id:{user[id]}'`, once, into a function of the call's arguments.
 *
 * - `{0}`, `{1}`… are arguments by position; `{user}` is the argument named `user` in
 *   `paramNames`.
 * - `{}` takes the argument after the one the previous `{}` took, starting at the first, as in
 *   Python's `str.format` (`'id:{}:env:{}'`); `{.id}` and `{[0]}` too. A template numbers all its
 *   placeholders or none: mixing `{}` with `{0}` is an error, as in Python.
 * - `.name`, `[name]`, `[0]` and `["any text"]` read properties (getters and array indexes too).
 * - `{{` and `}}` write literal braces.
 *
 * Keys are text, meant for Redis and for invalidating by hand (`invalidate('user:42')`), so a
 * placeholder must lead to a string, a number, a bigint or a boolean, and `1` and `'1'` render
 * alike. A path that is missing on the way (`user` is `undefined` in `{user.id}`) or that ends on
 * anything else (an object, `null`, `undefined`) throws a {@link KeyError} naming the path.
 *
 * Distinct arguments never render to the same key: in a rendered value, `%` and every character
 * other than a letter or digit that the template's own text uses are escaped as `%XX` (or
 * `%uXXXX`, `%UXXXXXX`), so a value cannot fake a separator. With `'a:{0}:{1}'`, `('x:y', 'z')`
 * renders `'a:x%3Ay:z'` and `('x', 'y:z')` renders `'a:x:y%3Az'`. For the same reason two
 * placeholders need between them a character other than a letter, a digit or `%`.
 *
 * @throws {KeyError} `ERR_KEY_TEMPLATE` for a malformed template and `ERR_KEY_OPTIONS` for bad
 *   options, when compiling; the returned function throws `ERR_KEY_TEMPLATE_VALUE`.
 * @example
 * ```ts
 * const userKey = keyTemplate<[id: number]>('user:{0}')
 * userKey(42) // 'user:42'
 * const key = keyTemplate('env:{environment.id}:id:{user[id]}', {
 *   paramNames: ['environment', 'user'],
 * })
 * key({ id: 'prod' }, { id: 7 }) // 'env:prod:id:7'
 * ```
 */
export function keyTemplate<A extends readonly unknown[] = readonly unknown[]>(
  template: string,
  options: KeyTemplateOptions = {},
): KeyTemplate<A> {
  if (typeof template !== 'string') {
    throw new KeyError(
      'ERR_KEY_TEMPLATE',
      `\`template\` must be a string, got: ${show(template)}`,
      template,
    )
  }
  checkOptions(options)
  const paramNames = checkParamNames(options.paramNames)
  const { literals, placeholders } = new Parser(template, paramNames).parse()
  const reserved = new Set<string>(['%'])
  for (const literal of literals) {
    for (const char of literal) if (!LETTER_OR_DIGIT.test(char)) reserved.add(char)
  }
  const escape = escaper(reserved)
  const head = literals[0]!

  return (...args: A): string => {
    let key = head
    for (let i = 0; i < placeholders.length; i++) {
      key += escape(render(placeholders[i]!, args, template)) + literals[i + 1]!
    }
    return key
  }
}

/** Splits a template into literal text and placeholders, with an error at the first fault. */
class Parser {
  private at = 0
  /** How placeholders are numbered so far, once one is: `{}` or `{0}`. */
  private mode: 'automatic' | 'manual' | undefined
  /** Where the first numbered placeholder starts, for messages. */
  private firstNumbered = 0
  /** The argument the next `{}` takes. */
  private autoIndex = 0
  private readonly literals: string[] = []
  private readonly placeholders: Placeholder[] = []

  constructor(
    private readonly template: string,
    private readonly paramNames: readonly string[],
  ) {}

  parse(): { literals: string[]; placeholders: Placeholder[] } {
    const { template } = this
    let literal = ''
    while (this.at < template.length) {
      const char = template[this.at]!
      const next = template[this.at + 1]
      if ((char === '{' || char === '}') && next === char) {
        literal += char
        this.at += 2
      } else if (char === '}') {
        throw this.error(`has a lone \`}\` at ${this.at} (write \`}}\` for a brace)`)
      } else if (char === '{') {
        const placeholder = this.placeholder()
        const previous = this.placeholders.at(-1)
        if (previous !== undefined && !separates(literal)) {
          throw this.error(
            `needs a character other than a letter, a digit or \`%\` between ` +
              `\`{${previous.source}}\` and \`{${placeholder.source}}\`, ` +
              'or two different calls could render the same key',
          )
        }
        this.literals.push(literal)
        this.placeholders.push(placeholder)
        literal = ''
      } else {
        literal += char
        this.at++
      }
    }
    this.literals.push(literal)
    return { literals: this.literals, placeholders: this.placeholders }
  }

  /**
   * `{` [head] (`.name` | `[name]` | `[0]` | `["text"]`)* `}`, with `at` on the `{`. Without a
   * head, the placeholder takes the argument after the previous one without a head, as in
   * Python's `str.format`: `{}`, `{.id}` and `{[0]}` number themselves.
   */
  private placeholder(): Placeholder {
    const start = this.at++
    const path: string[] = []
    const next = this.template[this.at]
    const auto = next === '}' || next === '.' || next === '['
    const position = auto ? undefined : this.match(INDEX)
    if (auto || position !== undefined) this.numbering(auto, start)
    const index = auto
      ? this.autoIndex++
      : position === undefined
        ? this.paramIndex(start)
        : Number(position)
    // The head as messages name it: the parameter, or the position as a number (`{07}` is `7`).
    const names = [position === undefined && !auto ? this.paramNames[index]! : String(index)]
    for (;;) {
      const char = this.template[this.at]
      if (char === '}') break
      this.at++
      let property: string | undefined
      if (char === '.') {
        property = this.match(IDENTIFIER) ?? this.match(INDEX)
      } else if (char === '[') {
        property = this.match(INDEX) ?? this.match(IDENTIFIER) ?? this.quoted()
        if (property !== undefined && this.template[this.at++] !== ']') property = undefined
      }
      if (property === undefined) {
        throw this.fault(start, 'a `.name`, `[name]`, `["name"]` or the closing `}`')
      }
      path.push(property)
      names.push(`${auto ? index : ''}${this.template.slice(start + 1, this.at)}`)
    }
    this.at++
    const source = this.template.slice(start + 1, this.at - 1)
    return { source, label: auto ? `${index}${source}` : source, index, path, names }
  }

  /**
   * Python's rule: a template numbers its placeholders itself (`{}`) or has them numbered by hand
   * (`{0}`), never both, or `'{}:{0}'` would leave a reader guessing. Names (`{user}`) go with
   * either.
   */
  private numbering(auto: boolean, start: number): void {
    const mode = auto ? 'automatic' : 'manual'
    if (this.mode === undefined) {
      this.mode = mode
      this.firstNumbered = start
    } else if (this.mode !== mode) {
      const first = this.template.slice(
        this.firstNumbered,
        this.template.indexOf('}', this.firstNumbered) + 1,
      )
      const here = this.template.slice(start, this.template.indexOf('}', start) + 1)
      throw this.error(
        `cannot switch from ${this.mode} field numbering (\`${first}\` at ${this.firstNumbered}) ` +
          `to ${mode} field numbering (\`${here || this.template.slice(start)}\` at ${start}), as in Python's str.format: ` +
          'number every placeholder, as in `{0}`, or none, as in `{}`',
      )
    }
  }

  /** The position of the parameter a placeholder names, with `at` on the name. */
  private paramIndex(start: number): number {
    const param = this.match(IDENTIFIER)
    if (param === undefined) throw this.fault(start, 'an argument position or name')
    const index = this.paramNames.indexOf(param)
    if (index === -1) {
      throw this.error(
        `names \`{${param}}\` at ${start}, but \`paramNames\` ` +
          (this.paramNames.length === 0
            ? 'is not given (use a position, as in `{0}`)'
            : `holds only ${this.paramNames.map((p) => `\`${p}\``).join(', ')}`),
      )
    }
    return index
  }

  private quoted(): string | undefined {
    const quote = this.template[this.at]
    if (quote !== '"' && quote !== "'") return undefined
    const end = this.template.indexOf(quote, this.at + 1)
    if (end === -1) return undefined
    const text = this.template.slice(this.at + 1, end)
    this.at = end + 1
    return text
  }

  private match(pattern: RegExp): string | undefined {
    pattern.lastIndex = this.at
    const found = pattern.exec(this.template)?.[0]
    if (found !== undefined) this.at += found.length
    return found
  }

  /** The error for a placeholder that stops making sense at `at`. */
  private fault(start: number, expected: string): KeyError {
    const end = this.template.indexOf('}', start)
    if (end === -1)
      return this.error(`has an unclosed \`{\` at ${start} (write \`{{\` for a brace)`)
    const source = this.template.slice(start, end + 1)
    return this.error(
      `has an invalid placeholder \`${source}\` at ${start}: expected ${expected} at ${this.at}`,
    )
  }

  private error(problem: string): KeyError {
    return new KeyError(
      'ERR_KEY_TEMPLATE',
      `Key template ${JSON.stringify(this.template)} ${problem}`,
      this.template,
    )
  }
}

/**
 * Whether a literal between two placeholders lets a reader find where the first value ends: it
 * needs a character that rendered values never hold raw. Letters and digits are never escaped,
 * and `%` starts every escape, so a literal made of only those could be forged by a value.
 */
function separates(literal: string): boolean {
  for (const char of literal) if (char !== '%' && !LETTER_OR_DIGIT.test(char)) return true
  return false
}

function render(placeholder: Placeholder, args: readonly unknown[], template: string): string {
  let value: unknown = args[placeholder.index]
  const { path } = placeholder
  for (let i = 0; i < path.length; i++) {
    if (value === undefined || value === null) {
      throw valueError(template, placeholder, placeholder.names[i]!, value)
    }
    value = (value as Record<string, unknown>)[path[i]!]
  }
  switch (typeof value) {
    case 'string':
      return value
    case 'number':
    case 'bigint':
    case 'boolean':
      return String(value)
    default:
      throw valueError(template, placeholder, placeholder.label, value)
  }
}

function valueError(
  template: string,
  placeholder: Placeholder,
  path: string,
  value: unknown,
): KeyError {
  return new KeyError(
    'ERR_KEY_TEMPLATE_VALUE',
    `Key template ${JSON.stringify(template)}: \`${path}\` ` +
      (path === placeholder.label
        ? `must be a string, number, bigint or boolean, got: ${show(value)}`
        : `is ${show(value)}, so \`{${placeholder.source}}\` cannot be read`),
    value,
  )
}

function escaper(reserved: ReadonlySet<string>): (text: string) => string {
  const chars = [...reserved].map((char) => `\\u{${char.codePointAt(0)!.toString(16)}}`).join('')
  const pattern = new RegExp(`[${chars}]`, 'gu')
  // Most values need no escape, and a scan over a lookup table finds that faster than a regex.
  const ascii = new Uint8Array(128)
  let beyondAscii = false
  for (const char of reserved) {
    const code = char.codePointAt(0)!
    if (code < 128) ascii[code] = 1
    else beyondAscii = true
  }
  return (text) => {
    for (let i = 0; i < text.length; i++) {
      const code = text.charCodeAt(i)
      if (code < 128 ? ascii[code] === 1 : beyondAscii) return text.replace(pattern, escapeChar)
    }
    return text
  }
}

// A prefix-free code (`u` and `U` are not hex digits), so escaped text decodes one way only.
function escapeChar(char: string): string {
  const code = char.codePointAt(0)!
  const hex = code.toString(16).toUpperCase()
  if (code < 0x100) return `%${hex.padStart(2, '0')}`
  if (code < 0x10000) return `%u${hex.padStart(4, '0')}`
  return `%U${hex.padStart(6, '0')}`
}
