/**
 * Resolves SigV4 access key ids to principals: long-term keys from the `iam.accessKeys` config and
 * temporary identity-pool credentials (appsync-auth.md §3.4 "Identity", §4 IAM row).
 */
import { createHash } from 'node:crypto';
import { defaultRolePolicy } from '@gatehouse/core';
import { LRUCache } from '../graphql/lru.js';
import type {
  Clock,
  IAMAccessKeyConfig,
  IAMConfig,
  IAMPrincipalRecord,
  IAMPrincipalResolver,
  TemporaryCredentialLookup,
  TemporaryCredentialRecord,
} from '@gatehouse/core';

export interface IAMPrincipalResolverOptions {
  readonly accessKeys: readonly IAMAccessKeyConfig[];
  /** The API's account id, for keys that name none. */
  readonly accountId: string;
  readonly apiId: string;
  readonly roles?: IAMConfig['roles'];
  readonly temporary?: TemporaryCredentialLookup | undefined;
  /** Clock for the temporary-credential cache (epoch ms); default `Date.now`. */
  readonly now?: Clock | undefined;
  /** How many temporary credentials stay cached; default 10 000. */
  readonly cacheSize?: number | undefined;
}

const base32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

/** A stable IAM-user-style unique id (`AIDA` + 17 characters) derived from an access key id. */
export function derivedUserId(accessKeyId: string): string {
  const digest = createHash('sha256').update(`gatehouse-iam-user:${accessKeyId}`).digest();
  let id = 'AIDA';
  for (let i = 0; i < 17; i++) id += base32[digest[i]! & 31];
  return id;
}

function longTermRecord(key: IAMAccessKeyConfig, accountId: string): IAMPrincipalRecord {
  return {
    accessKeyId: key.accessKeyId,
    secretAccessKey: key.secretAccessKey,
    sessionTokenSha256: null,
    expiresAt: null,
    policy: key.policy,
    identity: {
      accountId: key.accountId ?? accountId,
      cognitoIdentityPoolId: null,
      cognitoIdentityId: null,
      username: key.username ?? derivedUserId(key.accessKeyId),
      userArn: key.userArn,
      cognitoIdentityAuthType: null,
      cognitoIdentityAuthProvider: null,
    },
  };
}

function temporaryRecord(
  credentials: TemporaryCredentialRecord,
  options: IAMPrincipalResolverOptions,
): IAMPrincipalRecord {
  const role = options.roles?.[credentials.authType];
  const provider = credentials.userPoolProvider;
  const authProvider =
    credentials.authType === 'authenticated' && provider !== null && credentials.sub !== null
      ? `"${provider}","${provider}:CognitoSignIn:${credentials.sub}"`
      : null;
  return {
    accessKeyId: credentials.accessKeyId,
    secretAccessKey: credentials.secretAccessKey,
    sessionTokenSha256: credentials.sessionTokenSha256,
    expiresAt: credentials.expiresAt,
    policy: role?.policy ?? defaultRolePolicy(options.apiId),
    identity: {
      accountId: credentials.accountId,
      cognitoIdentityPoolId: credentials.identityPoolId,
      cognitoIdentityId: credentials.identityId,
      username: `${credentials.roleId}:CognitoIdentityCredentials`,
      userArn: `arn:aws:sts::${credentials.accountId}:assumed-role/${credentials.roleName}/CognitoIdentityCredentials`,
      cognitoIdentityAuthType: credentials.authType,
      cognitoIdentityAuthProvider: authProvider,
    },
  };
}

/**
 * Long-term keys are looked up first; an unknown id is then asked of the identity pool's
 * credential store. Duplicate configured ids are a configuration error.
 */
export function createIAMPrincipalResolver(options: IAMPrincipalResolverOptions): IAMPrincipalResolver {
  const longTerm = new Map<string, IAMPrincipalRecord>();
  for (const key of options.accessKeys) {
    if (longTerm.has(key.accessKeyId)) {
      throw new TypeError(`"iam.accessKeys" lists the access key id "${key.accessKeyId}" more than once.`);
    }
    longTerm.set(key.accessKeyId, longTermRecord(key, options.accountId));
  }
  // Issued identity-pool credentials never change before they expire (there is no revocation), so
  // their records are kept in memory until then: no store read or secret derivation per request.
  const now = options.now ?? Date.now;
  const cached = new LRUCache<string, IAMPrincipalRecord>(options.cacheSize ?? 10_000);
  return {
    async find(accessKeyId) {
      const record = longTerm.get(accessKeyId);
      if (record !== undefined) return record;
      if (options.temporary === undefined) return undefined;
      const hit = cached.get(accessKeyId);
      if (hit !== undefined) {
        if (hit.expiresAt !== null && now() / 1000 < hit.expiresAt) return hit;
        cached.delete(accessKeyId);
      }
      const credentials = await options.temporary.findTemporaryCredentials(accessKeyId);
      if (credentials === undefined || credentials.accessKeyId !== accessKeyId) return undefined;
      const found = temporaryRecord(credentials, options);
      if (now() / 1000 < credentials.expiresAt) cached.set(accessKeyId, found);
      return found;
    },
  };
}
