/**
 * Per-field authorization by directives: pure and synchronous, over tables computed once per
 * schema. IAM root-field policies (§3.4 step 7) are checked elsewhere, before execution.
 *
 * Spec: appsync-auth.md §5 rules 1–10 (../../../../../shared/spec/appsync-auth.md).
 */
import type { Principal } from '../auth-types.js';
import { satisfiesAWSAuth } from './cognito-groups.js';
import { denyByDefaultRootGrants, isDenyByDefaultRoot } from './default-action.js';
import { isDeniedByLambda } from './denied-fields.js';
import { directivesGrant } from './directive-modes.js';
import { isIntrospectionField } from './introspection.js';
import { isConfiguredProvider } from './providers.js';
import type { AuthTables } from './tables.js';

/**
 * May `principal` read `typeName.fieldName`? `typeName` is the runtime object type (rule 10);
 * `isRootField` is true for fields selected directly on the operation's root type. Unknown types
 * and fields, and principals of unconfigured providers, are denied.
 */
export function authorizeField(
  tables: AuthTables,
  principal: Principal,
  typeName: string,
  fieldName: string,
  isRootField: boolean,
): boolean {
  if (isIntrospectionField(typeName, fieldName)) return true;
  const rules = tables.fields.get(typeName)?.get(fieldName);
  if (rules === undefined) return false;
  if (!isConfiguredProvider(tables, principal)) return false;
  if (isDeniedByLambda(rules, principal)) return false;
  if (!satisfiesAWSAuth(rules.authGroups, principal)) return false;
  if (isDenyByDefaultRoot(tables, isRootField)) return denyByDefaultRootGrants(rules, principal);
  return directivesGrant(tables, rules, principal);
}
