/**
 * Freezing verified data that is shared between requests (cached claims and headers), so one
 * handler cannot change what another sees.
 */

/**
 * Freezes an object and everything inside it.
 *
 * @example
 * deepFreeze({ scope: 'a', nested: { x: 1 } })
 */
export function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const member of Object.values(value)) deepFreeze(member);
  }
  return value;
}
