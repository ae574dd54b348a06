/**
 * IAM policy evaluation for `appsync:GraphQL` on field ARNs (appsync-auth.md §3.4 step 7, §7 E13).
 * Explicit deny wins, then any allow, else deny. Only `Effect`, `Action` and `Resource` are
 * understood; statements using anything else fail closed (an Allow grants nothing, a Deny denies all).
 * Spec: https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html
 */
import type { IAMPolicy } from './auth-types.js';
import { authError } from './errors.js';

export type IAMDecision = 'allow' | 'deny';

export const APPSYNC_GRAPHQL_ACTION = 'appsync:GraphQL';

const understoodKeys = new Set(['Sid', 'Effect', 'Action', 'Resource']);

/**
 * Glob match with `*` (any run, including empty) and `?` (exactly one character), iterative with
 * single-star backtracking so it stays O(pattern × value) without regular expressions.
 */
export function matchesWildcard(pattern: string, value: string): boolean {
  let p = 0;
  let v = 0;
  let starP = -1;
  let starV = 0;
  while (v < value.length) {
    const c = pattern[p];
    if (c === '*') {
      starP = p++;
      starV = v;
    } else if (c !== undefined && (c === '?' || c === value[v])) {
      p++;
      v++;
    } else if (starP !== -1) {
      p = starP + 1;
      v = ++starV;
    } else {
      return false;
    }
  }
  while (pattern[p] === '*') p++;
  return p === pattern.length;
}

function stringList(value: unknown): string[] | undefined {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value) && value.length > 0 && value.every((entry) => typeof entry === 'string')) {
    return value;
  }
  return undefined;
}

/** Decides `action` on `resource`: actions match case-insensitively, resources case-sensitively. */
export function evaluateIAMPolicy(policy: IAMPolicy, action: string, resource: string): IAMDecision {
  const raw: unknown = (policy as { Statement?: unknown } | null | undefined)?.Statement;
  const statements: unknown[] = Array.isArray(raw) ? raw : raw === undefined || raw === null ? [] : [raw];
  const lowerAction = action.toLowerCase();
  let allowed = false;
  for (const statement of statements) {
    if (typeof statement !== 'object' || statement === null) return 'deny';
    const record = statement as Record<string, unknown>;
    const effect = record['Effect'];
    if (effect !== 'Allow' && effect !== 'Deny') return 'deny';
    const actions = stringList(record['Action']);
    const resources = stringList(record['Resource']);
    const understood = Object.keys(record).every((key) => understoodKeys.has(key));
    if (actions === undefined || resources === undefined || !understood) {
      if (effect === 'Deny') return 'deny';
      continue;
    }
    const matches =
      actions.some((pattern) => matchesWildcard(pattern.toLowerCase(), lowerAction)) &&
      resources.some((pattern) => matchesWildcard(pattern, resource));
    if (!matches) continue;
    if (effect === 'Deny') return 'deny';
    allowed = true;
  }
  return allowed ? 'allow' : 'deny';
}

/** `arn:aws:appsync:<region>:<accountId>:apis/<apiId>/types/<Type>/fields/<field>`. */
export function fieldArn(
  region: string,
  accountId: string,
  apiId: string,
  typeName: string,
  fieldName: string,
): string {
  return `arn:aws:appsync:${region}:${accountId}:apis/${apiId}/types/${typeName}/fields/${fieldName}`;
}

/** The policy of an identity-pool role with none configured: every field of this API. */
export function defaultRolePolicy(apiId: string): IAMPolicy {
  return {
    Version: '2012-10-17',
    Statement: [
      { Effect: 'Allow', Action: APPSYNC_GRAPHQL_ACTION, Resource: `arn:aws:appsync:*:*:apis/${apiId}/*` },
    ],
  };
}

export interface IAMAPIScope {
  readonly region: string;
  readonly accountId: string;
  readonly apiId: string;
}

/**
 * Throws `ERR_IAM_PERMISSION_DENIED` (E13) unless the policy allows `appsync:GraphQL` on every
 * given root field. The caller decides which fields are root fields (none are exempt here).
 */
export function assertRootFieldsAllowed(
  policy: IAMPolicy,
  api: IAMAPIScope,
  fields: readonly { readonly typeName: string; readonly fieldName: string }[],
): void {
  for (const { typeName, fieldName } of fields) {
    if (!isRootFieldAllowed(policy, api, typeName, fieldName)) throw authError('ERR_IAM_PERMISSION_DENIED');
  }
}

/** Whether the policy allows `appsync:GraphQL` on one field of this API. */
export function isRootFieldAllowed(
  policy: IAMPolicy,
  api: IAMAPIScope,
  typeName: string,
  fieldName: string,
): boolean {
  const arn = fieldArn(api.region, api.accountId, api.apiId, typeName, fieldName);
  return evaluateIAMPolicy(policy, APPSYNC_GRAPHQL_ACTION, arn) === 'allow';
}
