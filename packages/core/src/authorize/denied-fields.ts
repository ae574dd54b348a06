/**
 * Lambda authorizer `deniedFields`: a listed `Type.field` is denied at any depth, on top of the
 * directives.
 *
 * Spec: appsync-auth.md §5 rule 9 and §6 (../../../../../shared/spec/appsync-auth.md).
 */
import type { Principal } from '../auth-types.js';
import type { FieldAuthRules } from './tables.js';

/** True if the Lambda authorizer denied this field for the caller. */
export function isDeniedByLambda(rules: FieldAuthRules, principal: Principal): boolean {
  return principal.mode === 'AWS_LAMBDA' && principal.deniedFields.has(rules.coordinate);
}
