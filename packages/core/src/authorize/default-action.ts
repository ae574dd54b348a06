/**
 * `defaultAction: DENY` of a single default user pool: a root field is allowed only if an
 * `@aws_auth` or an `@aws_cognito_user_pools(cognito_groups: …)` on it grants the caller's
 * groups. Nested fields follow rule 1 (Decision: unconfirmed).
 *
 * Spec: appsync-auth.md §5 rule 8 (../../../../../shared/spec/appsync-auth.md).
 */
import type { Principal } from '../auth-types.js';
import { groupsGrant } from './cognito-groups.js';
import type { AuthTables, FieldAuthRules } from './tables.js';

/** True when rule 8 governs this field (DENY and a root field). */
export function isDenyByDefaultRoot(tables: AuthTables, isRootField: boolean): boolean {
  return isRootField && tables.defaultAction === 'DENY';
}

/**
 * Rule 8 for a root field. The caller has already passed `@aws_auth` (if any); the effective
 * mode directives still apply (rule 1), but implicit access and group-less user-pool directives
 * grant nothing unless an `@aws_auth` on the field does.
 */
export function denyByDefaultRootGrants(rules: FieldAuthRules, principal: Principal): boolean {
  if (principal.mode !== 'AMAZON_COGNITO_USER_POOLS') return false;
  const hasAWSAuth = rules.authGroups !== null;
  if (rules.source === 'default') return hasAWSAuth;
  if (!rules.modes.has('AMAZON_COGNITO_USER_POOLS')) return false;
  if (rules.userPoolGroups === null) return hasAWSAuth;
  return groupsGrant(rules.userPoolGroups, principal);
}
