/**
 * The identity pool operations Amplify calls (identity.md §4): `GetId` and
 * `GetCredentialsForIdentity`, from the wire's PascalCase members to the identity pool and back.
 * Input constraints are those of the Cognito Identity API reference.
 */
import type { IdentityPool, Logins } from '../identity-pool.js';
import { WireError } from './wire.js';

export const supportedOperations = ['GetId', 'GetCredentialsForIdentity'] as const;
export type SupportedOperation = (typeof supportedOperations)[number];

/** Every other operation of `AWSCognitoIdentityService`: answered `UnsupportedOperationException`. */
export const unsupportedOperations: ReadonlySet<string> = new Set([
  'CreateIdentityPool',
  'DeleteIdentities',
  'DeleteIdentityPool',
  'DescribeIdentity',
  'DescribeIdentityPool',
  'GetIdentityPoolRoles',
  'GetOpenIdToken',
  'GetOpenIdTokenForDeveloperIdentity',
  'GetPrincipalTagAttributeMap',
  'ListIdentities',
  'ListIdentityPools',
  'ListTagsForResource',
  'LookupDeveloperIdentity',
  'MergeDeveloperIdentities',
  'SetIdentityPoolRoles',
  'SetPrincipalTagAttributeMap',
  'TagResource',
  'UnlinkDeveloperIdentity',
  'UnlinkIdentity',
  'UntagResource',
  'UpdateIdentityPool',
]);

export function isSupportedOperation(name: string): name is SupportedOperation {
  return (supportedOperations as readonly string[]).includes(name);
}

const idPattern = /^[\w-]+:[0-9a-f-]+$/;
const maxLogins = 10;

function invalid(member: string, constraint: string): WireError {
  return new WireError(
    'InvalidParameterException',
    `1 validation error detected: Value at "${member}" failed to satisfy constraint: ${constraint}.`,
  );
}

function requiredId(body: Record<string, unknown>, member: 'IdentityPoolId' | 'IdentityId'): string {
  const value = body[member];
  if (value === undefined || value === null) throw invalid(member, 'Member must not be null');
  if (typeof value !== 'string' || value.length < 1 || value.length > 55 || !idPattern.test(value)) {
    throw invalid(member, 'Member must satisfy regular expression pattern: [\\w-]+:[0-9a-f-]+');
  }
  return value;
}

function optionalLogins(body: Record<string, unknown>): Logins | undefined {
  const value = body['Logins'];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'object' || Array.isArray(value)) throw invalid('Logins', 'Member must be a map');
  const entries = Object.entries(value as Record<string, unknown>);
  if (entries.length > maxLogins) {
    throw invalid('Logins', `Member must have at most ${maxLogins} entries`);
  }
  const logins: Record<string, string> = {};
  for (const [provider, token] of entries) {
    if (provider.length < 1 || provider.length > 128) {
      throw invalid('Logins', 'Map keys must have length from 1 to 128');
    }
    if (typeof token !== 'string' || token.length < 1 || token.length > 50_000) {
      throw invalid('Logins', 'Map values must be strings of length from 1 to 50000');
    }
    logins[provider] = token;
  }
  return logins;
}

function optionalRoleArn(body: Record<string, unknown>): string | undefined {
  const value = body['CustomRoleArn'];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string' || value.length < 20 || value.length > 2048) {
    throw invalid('CustomRoleArn', 'Member must have length from 20 to 2048');
  }
  return value;
}

/** Runs one supported operation; errors are `IdentityError`s or `WireError`s. */
export async function runOperation(
  pool: IdentityPool,
  operation: SupportedOperation,
  body: Record<string, unknown>,
): Promise<Record<string, unknown>> {
  if (operation === 'GetId') {
    const identityPoolId = requiredId(body, 'IdentityPoolId');
    const logins = optionalLogins(body);
    const { identityId } = await pool.getId({ identityPoolId, logins });
    return { IdentityId: identityId };
  }
  const identityId = requiredId(body, 'IdentityId');
  const logins = optionalLogins(body);
  const customRoleArn = optionalRoleArn(body);
  const result = await pool.getCredentialsForIdentity({ identityId, logins, customRoleArn });
  return {
    IdentityId: result.identityId,
    Credentials: {
      AccessKeyId: result.credentials.accessKeyId,
      SecretKey: result.credentials.secretKey,
      SessionToken: result.credentials.sessionToken,
      // Epoch seconds: Amplify multiplies by 1000 (identity.md §4).
      Expiration: result.credentials.expiration,
    },
  };
}
