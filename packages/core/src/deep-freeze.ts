/**
 * Freezes a value and everything reachable from it, so that one object can be handed to every
 * request that presents the same credential (cached JWT claims, Lambda `resolverContext`).
 */
export function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}
