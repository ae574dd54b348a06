/**
 * A principal counts only if a configured provider verified it; `@aws_cognito_user_pools` and
 * `@aws_oidc` match every configured pool or issuer, and implicit access is for the exact default
 * provider only.
 *
 * Spec: appsync-auth.md §5 rules 1 and 3 (../../../../../shared/spec/appsync-auth.md).
 */
import type { Principal } from '../auth-types.js';
import type { AuthTables } from './tables.js';

/** True if the principal's mode and provider id are configured for this API. */
export function isConfiguredProvider(tables: AuthTables, principal: Principal): boolean {
  return tables.providers.get(principal.mode)?.has(principal.providerId) === true;
}

/** True if the principal comes from the default provider itself (same mode and provider id). */
export function isDefaultProvider(tables: AuthTables, principal: Principal): boolean {
  return (
    principal.mode === tables.defaultProvider.mode &&
    principal.providerId === tables.defaultProvider.providerId
  );
}
