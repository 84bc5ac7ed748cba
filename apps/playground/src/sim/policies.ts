// Policy lists as typed by a user: `lru,tinylfu,opt` or `all`.
import {
  POLICIES,
  SIMULATION_POLICIES,
  type PolicyName,
  type SimulationPolicyName,
} from '@cache/core'

import { InputError } from './inputError.js'

/** Whether `value` is the name of one of @cache/core's cache policies (not `opt`). */
export function isPolicyName(value: unknown): value is PolicyName {
  return (POLICIES as readonly unknown[]).includes(value)
}

/** Whether `value` names a policy the simulator replays: a cache policy or `opt`. */
export function isSimulationPolicyName(value: unknown): value is SimulationPolicyName {
  return (SIMULATION_POLICIES as readonly unknown[]).includes(value)
}

/**
 * Parses a comma-separated list of policy names (`all` for every one, `opt` included), keeping
 * @cache/core's order and dropping duplicates.
 * @throws {InputError} naming an unknown policy and listing the known ones.
 */
export function parsePolicies(text: string): SimulationPolicyName[] {
  const names = text
    .split(',')
    .map((name) => name.trim().toLowerCase())
    .filter((name) => name !== '')
  if (names.includes('all')) return [...SIMULATION_POLICIES]
  for (const name of names) {
    if (!isSimulationPolicyName(name)) {
      throw new InputError(
        'policies',
        `unknown policy "${name}"; the policies are ${SIMULATION_POLICIES.join(', ')} (or all)`,
        name,
      )
    }
  }
  if (names.length === 0) {
    throw new InputError(
      'policies',
      `choose at least one policy of ${SIMULATION_POLICIES.join(', ')}`,
      text,
    )
  }
  return SIMULATION_POLICIES.filter((policy) => names.includes(policy))
}
