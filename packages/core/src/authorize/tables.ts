/**
 * The authorization tables of one schema, computed once at schema load (appsync-auth.md §5,
 * rules 1, 3, 7 and 8). `authorizeField()` reads them per field with no other work than a few
 * `Map`/`Set` look-ups.
 *
 * Spec: ../../../../../shared/spec/appsync-auth.md §5 "Multi-auth directives".
 */
import type { AuthMode } from '../auth-types.js';

/** The auth directive of each mode (§5 list). `@aws_auth` is not a mode directive (rule 7). */
export const authDirectiveModes = {
  aws_api_key: 'API_KEY',
  aws_iam: 'AWS_IAM',
  aws_oidc: 'OPENID_CONNECT',
  aws_lambda: 'AWS_LAMBDA',
  aws_cognito_user_pools: 'AMAZON_COGNITO_USER_POOLS',
} as const satisfies Readonly<Record<string, AuthMode>>;

/** One configured provider: its mode and id (the issuer for JWT modes, the mode string otherwise). */
export interface ProviderRef {
  readonly mode: AuthMode;
  readonly providerId: string;
}

/** The mode directives found at one level (a field or a type). */
export interface AuthDirectiveSet {
  /** Modes listed; never empty. */
  readonly modes: readonly AuthMode[];
  /** `cognito_groups` of `@aws_cognito_user_pools`; `null` when it has none (any group). */
  readonly userPoolGroups: readonly string[] | null;
}

export interface FieldAuthSpec {
  readonly name: string;
  /** Mode directives on the field; `null` when it has none. */
  readonly directives: AuthDirectiveSet | null;
  /** `@aws_auth(cognito_groups:)` on the field; `null` when absent. */
  readonly authGroups: readonly string[] | null;
}

/** One object type as the schema declares it (definition and extensions merged). */
export interface TypeAuthSpec {
  readonly name: string;
  /** Mode directives on the type; `null` when it has none. */
  readonly directives: AuthDirectiveSet | null;
  readonly fields: readonly FieldAuthSpec[];
}

export interface AuthTablesInput {
  readonly defaultProvider: ProviderRef;
  /** Every configured provider, the default one included. */
  readonly providers: readonly ProviderRef[];
  /** The default user pool's `defaultAction`; only for a default user pool (default `ALLOW`). */
  readonly defaultAction?: 'ALLOW' | 'DENY' | undefined;
  readonly types: readonly TypeAuthSpec[];
}

/** The effective rules of one field, precomputed. */
export interface FieldAuthRules {
  /** `Type.field`, the form Lambda `deniedFields` uses. */
  readonly coordinate: string;
  /** Where the effective mode directives come from (§5 rule 1); `default` = default provider only. */
  readonly source: 'field' | 'type' | 'default';
  /** Modes of the effective directives; empty when `source` is `default`. */
  readonly modes: ReadonlySet<AuthMode>;
  /** `cognito_groups` of the effective `@aws_cognito_user_pools`; `null` = any group. */
  readonly userPoolGroups: ReadonlySet<string> | null;
  /** Enforced `@aws_auth` groups (rule 7); `null` when absent or ignored (additional providers). */
  readonly authGroups: ReadonlySet<string> | null;
}

export interface AuthTables {
  readonly defaultProvider: ProviderRef;
  /** Configured provider ids by mode. */
  readonly providers: ReadonlyMap<AuthMode, ReadonlySet<string>>;
  /** The API's only provider is its default user pool (rules 7 and 8 apply). */
  readonly singleUserPool: boolean;
  /** The default user pool's `defaultAction`; `null` when the default provider is not a user pool. */
  readonly defaultAction: 'ALLOW' | 'DENY' | null;
  /** Object type name → field name → rules. Interfaces and unions have no entry (rule 10). */
  readonly fields: ReadonlyMap<string, ReadonlyMap<string, FieldAuthRules>>;
}

const emptyModes: ReadonlySet<AuthMode> = new Set();

function checkDirectiveSet(set: AuthDirectiveSet | null, where: string): void {
  if (set !== null && set.modes.length === 0) {
    throw new TypeError(`"directives.modes" of ${where} must list at least one mode; use null for none.`);
  }
}

/** Computes the tables; throws `TypeError` on inconsistent input. */
export function createAuthTables(input: AuthTablesInput): AuthTables {
  const { defaultProvider } = input;
  const providers = new Map<AuthMode, Set<string>>();
  for (const provider of input.providers) {
    let ids = providers.get(provider.mode);
    if (ids === undefined) providers.set(provider.mode, (ids = new Set()));
    ids.add(provider.providerId);
  }
  if (providers.get(defaultProvider.mode)?.has(defaultProvider.providerId) !== true) {
    throw new TypeError('"providers" must include "defaultProvider".');
  }
  let providerCount = 0;
  for (const ids of providers.values()) providerCount += ids.size;
  const defaultIsUserPool = defaultProvider.mode === 'AMAZON_COGNITO_USER_POOLS';
  const singleUserPool = defaultIsUserPool && providerCount === 1;
  if (input.defaultAction !== undefined && !defaultIsUserPool) {
    throw new TypeError('"defaultAction" is allowed only when the default provider is a user pool.');
  }
  const defaultAction = defaultIsUserPool ? (input.defaultAction ?? 'ALLOW') : null;
  if (defaultAction === 'DENY' && !singleUserPool) {
    throw new TypeError('"defaultAction" must be "ALLOW" when the API has additional providers.');
  }

  const fields = new Map<string, Map<string, FieldAuthRules>>();
  for (const type of input.types) {
    checkDirectiveSet(type.directives, `"${type.name}"`);
    const byField = new Map<string, FieldAuthRules>();
    for (const field of type.fields) {
      const coordinate = `${type.name}.${field.name}`;
      checkDirectiveSet(field.directives, `"${coordinate}"`);
      const effective = field.directives ?? type.directives;
      const source = field.directives !== null ? 'field' : type.directives !== null ? 'type' : 'default';
      const modes = effective === null ? emptyModes : new Set(effective.modes);
      const userPoolGroups =
        effective !== null && modes.has('AMAZON_COGNITO_USER_POOLS') && effective.userPoolGroups !== null
          ? new Set(effective.userPoolGroups)
          : null;
      const authGroups = singleUserPool && field.authGroups !== null ? new Set(field.authGroups) : null;
      byField.set(field.name, { coordinate, source, modes, userPoolGroups, authGroups });
    }
    fields.set(type.name, byField);
  }
  return { defaultProvider: { ...defaultProvider }, providers, singleUserPool, defaultAction, fields };
}
