/**
 * `cognito_groups` of `@aws_cognito_user_pools` and `@aws_auth`: the caller's `cognito:groups`
 * must contain a listed name, compared exactly (case-sensitive). Only user-pool principals carry
 * groups; groups claimed by any other kind of caller never count.
 *
 * Spec: appsync-auth.md §5 rules 4 and 7 (../../../../../shared/spec/appsync-auth.md).
 */
import type { Principal } from '../auth-types.js';

/** True if `required` is `null` (any group) or the caller is in one of its groups. */
export function groupsGrant(required: ReadonlySet<string> | null, principal: Principal): boolean {
  if (required === null) return true;
  if (principal.mode !== 'AMAZON_COGNITO_USER_POOLS') return false;
  const groups: unknown = principal.groups;
  if (!Array.isArray(groups)) return false;
  for (const group of groups) {
    if (typeof group === 'string' && required.has(group)) return true;
  }
  return false;
}

/**
 * `@aws_auth` (APIs whose only provider is a default user pool): a requirement added to the other
 * rules at every depth (Decision: fail closed). `authGroups` is `null` when there is none.
 */
export function satisfiesAWSAuth(authGroups: ReadonlySet<string> | null, principal: Principal): boolean {
  if (authGroups === null) return true;
  return principal.mode === 'AMAZON_COGNITO_USER_POOLS' && groupsGrant(authGroups, principal);
}
