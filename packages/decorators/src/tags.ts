// Tags: what a tag list may hold (checked once per call, with a typed error), and where an
// entry's tags come from (a list given with the call, or a function of the loaded value).
import { describeValue, VALUE_STYLES } from '@cache/internal'

/** The most tags one entry may carry, and the most one `invalidateTags()` call may name. */
export const MAX_TAGS = 64

/** The longest a tag may be, in UTF-16 code units. */
export const MAX_TAG_LENGTH = 256

/**
 * A tag list that is not one: not an array, too long, or with a tag that is not a non-empty
 * string of at most {@link MAX_TAG_LENGTH} characters. Thrown (or rejected) to the caller that
 * gave it; for tags computed by a `tags` function, it goes to `onError` (operation `'tags'`)
 * and the value is served but not kept.
 *
 * @example
 * ```ts
 * await cache.invalidateTags(['']).catch((error) => error.code) // 'ERR_CACHE_TAG'
 * ```
 */
export class CacheTagError extends Error {
  override readonly name = 'CacheTagError' as const
  /** Stable code to match on. */
  readonly code = 'ERR_CACHE_TAG' as const
  /** What was given as tags. */
  readonly tags: unknown

  /** @param message - what was expected and what came; @param tags - the value given. */
  constructor(message: string, tags: unknown) {
    super(message)
    this.tags = tags
  }
}

/**
 * Where a load's tags come from: a list (given with the call: it tags values and kept errors
 * alike), or a function of the loaded value (`cached()`'s `tags`; kept errors get none).
 */
export type TagSource = readonly string[] | ((value: unknown) => unknown)

const EMPTY: readonly string[] = Object.freeze([])

function describe(value: unknown): string {
  return describeValue(value, VALUE_STYLES.decoratorsKey)
}

/**
 * `tags` as a frozen list of distinct tags, checked: an array (or other iterable) of at most
 * {@link MAX_TAGS} non-empty strings of at most {@link MAX_TAG_LENGTH} characters. `where`
 * names the input in the message (`'set() tags'`, `'invalidateTags()'`).
 *
 * @throws {CacheTagError} naming the bad tag, its position and what was expected.
 */
export function checkTags(tags: unknown, where: string): readonly string[] {
  if (typeof tags === 'string' || typeof tags !== 'object' || tags === null) {
    throw new CacheTagError(
      `${where} must be an array of tags (non-empty strings), got: ${describe(tags)}`,
      tags,
    )
  }
  let list: unknown[]
  try {
    list = Array.isArray(tags) ? (tags as unknown[]) : [...(tags as Iterable<unknown>)]
  } catch {
    throw new CacheTagError(
      `${where} must be an array of tags (non-empty strings), got: ${describe(tags)}`,
      tags,
    )
  }
  if (list.length === 0) return EMPTY
  if (list.length > MAX_TAGS) {
    throw new CacheTagError(`${where} may name at most ${MAX_TAGS} tags, got: ${list.length}`, tags)
  }
  const seen = new Set<string>()
  for (let i = 0; i < list.length; i++) {
    const tag = list[i]
    if (typeof tag !== 'string' || tag.length === 0 || tag.length > MAX_TAG_LENGTH) {
      throw new CacheTagError(
        `${where}: each tag must be a non-empty string of at most ${MAX_TAG_LENGTH} characters, ` +
          `got at index ${i}: ${describe(tag)}`,
        tags,
      )
    }
    seen.add(tag)
  }
  return Object.freeze([...seen])
}

/**
 * The tags of a loaded result: the call's list, or the `tags` function's answer for a value
 * (none for a kept error). `undefined` when there are none; throws a {@link CacheTagError}
 * when the function throws or answers something that is not a tag list.
 */
export function tagsOfResult(
  source: TagSource | undefined,
  value: unknown,
  isError: boolean,
): readonly string[] | undefined {
  if (source === undefined) return undefined
  if (typeof source !== 'function') return source.length === 0 ? undefined : source
  if (isError) return undefined
  let answer: unknown
  try {
    answer = source(value)
  } catch (error) {
    const tagError = new CacheTagError(
      `the tags function threw: ${error instanceof Error ? error.message : String(error)}`,
      undefined,
    )
    Object.defineProperty(tagError, 'cause', { value: error, configurable: true, writable: true })
    throw tagError
  }
  const tags = checkTags(answer, 'the tags function')
  return tags.length === 0 ? undefined : tags
}

/** {@link checkTags} for a method that answers with a promise: a bad list is a rejection. */
export function tagsOrRejection(tags: unknown, where: string): readonly string[] | Promise<never> {
  try {
    return checkTags(tags, where)
  } catch (error) {
    const tagError = error as CacheTagError
    return Promise.reject(tagError)
  }
}
