/**
 * Effective modes of a field: its directives, else its type's, else the default provider only;
 * any listed mode matching the caller's provider grants (OR).
 *
 * Spec: appsync-auth.md §5 rules 1–5 (../../../../../shared/spec/appsync-auth.md).
 */
import type { Principal } from '../auth-types.js';
import { groupsGrant } from './cognito-groups.js';
import { isDefaultProvider } from './providers.js';
import type { AuthTables, FieldAuthRules } from './tables.js';

/** True if the field's effective directives (or implicit default-provider access) grant the caller. */
export function directivesGrant(tables: AuthTables, rules: FieldAuthRules, principal: Principal): boolean {
  if (rules.source === 'default') return isDefaultProvider(tables, principal);
  if (!rules.modes.has(principal.mode)) return false;
  if (principal.mode === 'AMAZON_COGNITO_USER_POOLS') return groupsGrant(rules.userPoolGroups, principal);
  return true;
}
