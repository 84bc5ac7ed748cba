// Policy lists as typed by a user: `lru,tinylfu` or `all`.
import { POLICIES, type PolicyName } from '@cache/core'

import { InputError } from './inputError.js'

/** Whether `value` is the name of one of @cache/core's policies. */
export function isPolicyName(value: unknown): value is PolicyName {
  return (POLICIES as readonly unknown[]).includes(value)
}

/**
 * Parses a comma-separated list of policy names (`all` for every one), keeping @cache/core's
 * order and dropping duplicates.
 * @throws {InputError} naming an unknown policy and listing the known ones.
 */
export function parsePolicies(text: string): PolicyName[] {
  const names = text
    .split(',')
    .map((name) => name.trim().toLowerCase())
    .filter((name) => name !== '')
  if (names.includes('all')) return [...POLICIES]
  for (const name of names) {
    if (!isPolicyName(name)) {
      throw new InputError(
        'policies',
        `unknown policy "${name}"; the policies are ${POLICIES.join(', ')} (or all)`,
        name,
      )
    }
  }
  if (names.length === 0) {
    throw new InputError('policies', `choose at least one policy of ${POLICIES.join(', ')}`, text)
  }
  return POLICIES.filter((policy) => names.includes(policy))
}
