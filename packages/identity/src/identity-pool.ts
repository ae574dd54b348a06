/**
 * The built-in identity pool (identity.md §4): guest and authenticated identities and their
 * temporary credentials for the AWS_IAM mode (appsync-auth.md §3.4). Secret keys are never
 * stored: each is derived from the install key and the access key id, and recomputed on lookup.
 */
import { createHash, createHmac, randomBytes, randomUUID } from 'node:crypto';
import { isConditionalCheckFailedError } from '@gatehouse/core';
import type {
  Clock,
  DocumentStore,
  DocumentTable,
  Item,
  TemporaryCredentialLookup,
  TemporaryCredentialRecord,
} from '@gatehouse/core';
import { IdentityError } from './errors.js';
import { assertInstallKey, deriveInstallSubkey } from './install-key.js';
import type { IdTokenClaims, LocalUserPool } from './user-pool.js';

export interface IdentityPoolRole {
  readonly roleName: string;
  /** `AROA…`. */
  readonly roleId: string;
}

export interface IdentityPoolOptions {
  readonly store: DocumentStore;
  readonly installKey: Uint8Array;
  /** `<region>:<uuid>`. */
  readonly identityPoolId: string;
  readonly region: string;
  readonly accountId: string;
  /**
   * The attached user pool (only `verifyIdToken`, its names and, when it has one, the revocation
   * check are used). ID tokens of a revoked sign-in (`origin_jti`) are refused (identity.md §8).
   */
  readonly userPool: Pick<LocalUserPool, 'userPoolId' | 'issuer' | 'providerName' | 'verifyIdToken'> & {
    readonly isSignInRevoked?: ((originJti: string) => Promise<boolean>) | undefined;
  };
  /** Default true. */
  readonly allowUnauthenticated?: boolean | undefined;
  readonly now?: Clock | undefined;
  /** 900–43200, default 3600. */
  readonly credentialLifetimeSeconds?: number | undefined;
  readonly roles?: { authenticated?: IdentityPoolRole; unauthenticated?: IdentityPoolRole } | undefined;
  /** CSPRNG; injectable for tests. */
  readonly random?: ((length: number) => Uint8Array) | undefined;
}

/** `Logins`: provider name → ID token. */
export type Logins = Readonly<Record<string, string>>;

export interface IdentityCredentials {
  readonly accessKeyId: string;
  readonly secretKey: string;
  readonly sessionToken: string;
  /** Epoch seconds. */
  readonly expiration: number;
}

export interface IdentityPool extends TemporaryCredentialLookup {
  readonly identityPoolId: string;
  readonly roles: { readonly authenticated: IdentityPoolRole; readonly unauthenticated: IdentityPoolRole };
  /** `GetId`: a new guest identity per call without logins, else the stable identity of the login. */
  getId(input?: {
    identityPoolId?: string | undefined;
    logins?: Logins | undefined;
  }): Promise<{ identityId: string }>;
  /** `GetCredentialsForIdentity`. */
  getCredentialsForIdentity(input: {
    identityId: string;
    logins?: Logins | undefined;
    customRoleArn?: string | undefined;
  }): Promise<{ identityId: string; credentials: IdentityCredentials }>;
}

interface StoredIdentity {
  identityId: string;
  identityPoolId: string;
  authType: 'authenticated' | 'unauthenticated';
  /** `<userPoolId>\n<sub>` of the linked login, `null` for guests. */
  loginKey: string | null;
  userPoolId: string | null;
  sub: string | null;
  createdAt: number;
}

type StoredCredential = Omit<TemporaryCredentialRecord, 'secretAccessKey'> & { createdAt: number };

const identitiesTable = 'identity_pool_identities';
const loginsTable = 'identity_pool_logins';
const credentialsTable = 'identity_pool_credentials';
const secretPurpose = 'iam-secret';
const accessKeyAlphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';
/** Expired credential rows are kept this long so the IAM mode can still say "expired". */
const expiredRetentionSeconds = 86_400;

const messages = {
  unauthenticated: 'Unauthenticated access is not supported for this identity pool.',
  unsupportedProvider: 'Token is not from a supported provider of this identity pool.',
  // Cognito's wording for this case is unconfirmed.
  revokedLogin: 'Invalid login token. Token has been revoked.',
  loginsMismatch:
    "Logins don't match. Please include at least one valid login for this identity or identity pool.",
} as const;

export async function createIdentityPool(options: IdentityPoolOptions): Promise<IdentityPool> {
  assertInstallKey(options.installKey);
  const { identityPoolId, region, accountId, userPool } = options;
  if (typeof identityPoolId !== 'string' || !identityPoolIdPattern(region).test(identityPoolId)) {
    throw new TypeError('"identityPoolId" must look like "<region>:<uuid>".');
  }
  if (typeof accountId !== 'string' || !/^\d{12}$/.test(accountId))
    throw new TypeError('"accountId" must be 12 digits.');
  const now = options.now ?? Date.now;
  const nowSeconds = () => Math.floor(now() / 1000);
  const random = options.random ?? ((length: number) => new Uint8Array(randomBytes(length)));
  const allowUnauthenticated = options.allowUnauthenticated ?? true;
  const lifetime = options.credentialLifetimeSeconds ?? 3600;
  if (!Number.isInteger(lifetime) || lifetime < 1 || lifetime > 43_200) {
    throw new RangeError('"credentialLifetimeSeconds" must be an integer from 1 to 43200.');
  }
  const roles = {
    authenticated: options.roles?.authenticated ?? defaultRole('gatehouse-authenticated-role'),
    unauthenticated: options.roles?.unauthenticated ?? defaultRole('gatehouse-unauthenticated-role'),
  };
  for (const role of [roles.authenticated, roles.unauthenticated]) {
    if (!/^[\w+=,.@-]{1,64}$/.test(role.roleName))
      throw new TypeError('"roles.*.roleName" must be an IAM role name.');
    if (!/^AROA[A-Z0-9]{12,124}$/.test(role.roleId))
      throw new TypeError('"roles.*.roleId" must look like "AROA…".');
  }
  const secretKey = deriveInstallSubkey(options.installKey, secretPurpose);
  const providerNames = new Set([userPool.providerName, userPool.issuer.replace(/^https?:\/\//, '')]);

  const identities = await options.store.table(identitiesTable, { partitionKey: 'identityId' });
  const logins = await options.store.table(loginsTable, { partitionKey: 'loginKey' });
  const credentials = await options.store.table(credentialsTable, { partitionKey: 'accessKeyId' });

  function secretFor(accessKeyId: string): string {
    return createHmac('sha256', secretKey)
      .update(`iam-secret${accessKeyId}`, 'utf8')
      .digest('base64')
      .slice(0, 40);
  }

  /** Verifies every login; all must name the attached pool and the same user. */
  async function verifyLogins(input: Logins): Promise<IdTokenClaims> {
    if (typeof input !== 'object' || input === null) {
      throw new IdentityError(
        'InvalidParameterException',
        'Logins must be a map of provider names to tokens.',
      );
    }
    let claims: IdTokenClaims | undefined;
    for (const [provider, token] of Object.entries(input)) {
      if (!providerNames.has(provider))
        throw new IdentityError('NotAuthorizedException', messages.unsupportedProvider);
      if (typeof token !== 'string')
        throw new IdentityError('NotAuthorizedException', 'Invalid login token.');
      const verified = await userPool.verifyIdToken(token);
      const originJti = verified['origin_jti'];
      if (
        userPool.isSignInRevoked &&
        typeof originJti === 'string' &&
        (await userPool.isSignInRevoked(originJti))
      ) {
        throw new IdentityError('NotAuthorizedException', messages.revokedLogin);
      }
      if (claims && claims.sub !== verified.sub) {
        throw new IdentityError('NotAuthorizedException', messages.loginsMismatch);
      }
      claims = verified;
    }
    if (!claims) throw new IdentityError('NotAuthorizedException', messages.unsupportedProvider);
    return claims;
  }

  const loginKeyOf = (sub: string) => `${userPool.userPoolId}\n${sub}`;

  async function findIdentity(identityId: string): Promise<StoredIdentity | undefined> {
    const identity = parseIdentity(await identities.get({ identityId }));
    return identity && identity.identityPoolId === identityPoolId ? identity : undefined;
  }

  async function putIdentity(identity: StoredIdentity): Promise<void> {
    await identities.put(identity as unknown as Item);
  }

  /** The identity linked to the login, creating (or, with `guest`, upgrading) one when there is none. */
  async function identityForLogin(claims: IdTokenClaims, guest?: StoredIdentity): Promise<StoredIdentity> {
    const loginKey = loginKeyOf(claims.sub);
    const linked = await logins.get({ loginKey });
    if (linked && typeof linked['identityId'] === 'string') {
      const identity = await findIdentity(linked['identityId']);
      if (identity) return identity;
    }
    const identity: StoredIdentity = {
      identityId: guest?.identityId ?? newIdentityId(),
      identityPoolId,
      authType: 'authenticated',
      loginKey,
      userPoolId: userPool.userPoolId,
      sub: claims.sub,
      createdAt: guest?.createdAt ?? now(),
    };
    try {
      await logins.put(
        { loginKey, identityId: identity.identityId, createdAt: now() },
        linked ? undefined : { condition: { loginKey: { attributeExists: false } } },
      );
    } catch (error) {
      if (!isConditionalCheckFailedError(error)) throw error;
      // Another request linked this login first: use its identity.
      const winner = await logins.get({ loginKey });
      const winnerIdentity =
        typeof winner?.['identityId'] === 'string' ? await findIdentity(winner['identityId']) : undefined;
      if (winnerIdentity) return winnerIdentity;
      throw error;
    }
    await putIdentity(identity);
    return identity;
  }

  function newIdentityId(): string {
    return `${region}:${randomUUID()}`;
  }

  function newAccessKeyId(): string {
    let body = '';
    while (body.length < 16) {
      for (const byte of random(32)) {
        // Rejection sampling keeps the 36 characters uniform: 252 = 7 × 36.
        if (byte < 252 && body.length < 16) body += accessKeyAlphabet.charAt(byte % 36);
      }
    }
    return `ASIA${body}`;
  }

  function assertPool(id: string | undefined): void {
    if (id !== undefined && id !== identityPoolId) {
      throw new IdentityError('ResourceNotFoundException', `IdentityPool '${String(id)}' not found.`);
    }
  }

  return {
    identityPoolId,
    roles,

    async getId(input = {}) {
      assertPool(input.identityPoolId);
      if (!input.logins || Object.keys(input.logins).length === 0) {
        if (!allowUnauthenticated)
          throw new IdentityError('NotAuthorizedException', messages.unauthenticated);
        const identity: StoredIdentity = {
          identityId: newIdentityId(),
          identityPoolId,
          authType: 'unauthenticated',
          loginKey: null,
          userPoolId: null,
          sub: null,
          createdAt: now(),
        };
        await putIdentity(identity);
        return { identityId: identity.identityId };
      }
      const claims = await verifyLogins(input.logins);
      return { identityId: (await identityForLogin(claims)).identityId };
    },

    async getCredentialsForIdentity(input) {
      if (typeof input !== 'object' || input === null || typeof input.identityId !== 'string') {
        throw new IdentityError('InvalidParameterException', 'IdentityId is required.');
      }
      const found = await findIdentity(input.identityId);
      if (!found)
        throw new IdentityError('ResourceNotFoundException', `Identity '${input.identityId}' not found.`);
      const hasLogins = input.logins !== undefined && Object.keys(input.logins).length > 0;
      let identity = found;
      if (found.authType === 'authenticated') {
        if (!hasLogins) throw new IdentityError('NotAuthorizedException', messages.loginsMismatch);
        const claims = await verifyLogins(input.logins ?? {});
        if (found.loginKey !== loginKeyOf(claims.sub)) {
          throw new IdentityError('NotAuthorizedException', messages.loginsMismatch);
        }
      } else if (hasLogins) {
        // A guest id cached before sign-in: link the login here, or adopt the identity it already has.
        identity = await identityForLogin(await verifyLogins(input.logins ?? {}), found);
      } else if (!allowUnauthenticated) {
        throw new IdentityError('NotAuthorizedException', messages.unauthenticated);
      }

      const role = identity.authType === 'authenticated' ? roles.authenticated : roles.unauthenticated;
      if (input.customRoleArn !== undefined && input.customRoleArn !== roleArn(accountId, role)) {
        throw new IdentityError(
          'InvalidParameterException',
          'CustomRoleArn is not a role of this identity pool.',
        );
      }
      const accessKeyId = newAccessKeyId();
      const sessionToken = Buffer.from(random(64)).toString('base64');
      const expiresAt = nowSeconds() + lifetime;
      const record: StoredCredential = {
        accessKeyId,
        sessionTokenSha256: createHash('sha256').update(sessionToken, 'utf8').digest('hex'),
        expiresAt,
        identityPoolId,
        identityId: identity.identityId,
        authType: identity.authType,
        roleName: role.roleName,
        roleId: role.roleId,
        accountId,
        userPoolProvider: identity.authType === 'authenticated' ? userPool.providerName : null,
        sub: identity.authType === 'authenticated' ? identity.sub : null,
        createdAt: now(),
      };
      await credentials.put(record, { condition: { accessKeyId: { attributeExists: false } } });
      return {
        identityId: identity.identityId,
        credentials: { accessKeyId, secretKey: secretFor(accessKeyId), sessionToken, expiration: expiresAt },
      };
    },

    async findTemporaryCredentials(accessKeyId) {
      if (typeof accessKeyId !== 'string' || !/^ASIA[A-Z0-9]{16}$/.test(accessKeyId)) return undefined;
      const record = parseCredential(await credentials.get({ accessKeyId }));
      if (!record || record.identityPoolId !== identityPoolId) return undefined;
      if (nowSeconds() >= record.expiresAt + expiredRetentionSeconds) {
        await purge(credentials, accessKeyId);
        return undefined;
      }
      return {
        accessKeyId: record.accessKeyId,
        secretAccessKey: secretFor(accessKeyId),
        sessionTokenSha256: record.sessionTokenSha256,
        expiresAt: record.expiresAt,
        identityPoolId: record.identityPoolId,
        identityId: record.identityId,
        authType: record.authType,
        roleName: record.roleName,
        roleId: record.roleId,
        accountId: record.accountId,
        userPoolProvider: record.userPoolProvider,
        sub: record.sub,
      };
    },
  };
}

/** `arn:aws:iam::<account>:role/<name>`. */
export function roleArn(accountId: string, role: IdentityPoolRole): string {
  return `arn:aws:iam::${accountId}:role/${role.roleName}`;
}

/** A role with a stable `AROA` id derived from its name (21 characters, like AWS's). */
export function defaultRole(roleName: string): IdentityPoolRole {
  const digest = createHash('sha256').update(`gatehouse-role:${roleName}`, 'utf8').digest();
  let body = '';
  for (const byte of digest) {
    if (body.length === 17) break;
    body += accessKeyAlphabet.charAt(byte % 36);
  }
  return { roleName, roleId: `AROA${body}` };
}

function identityPoolIdPattern(region: string): RegExp {
  const escaped = region.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return new RegExp(`^${escaped}:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$`);
}

async function purge(table: DocumentTable, accessKeyId: string): Promise<void> {
  await table.delete({ accessKeyId }).catch(() => undefined);
}

function parseIdentity(item: Item | undefined): StoredIdentity | undefined {
  if (!item) return undefined;
  const identity = item as unknown as StoredIdentity;
  if (
    typeof identity.identityId !== 'string' ||
    typeof identity.identityPoolId !== 'string' ||
    (identity.authType !== 'authenticated' && identity.authType !== 'unauthenticated')
  ) {
    throw new Error('A stored identity is malformed.');
  }
  return identity;
}

function parseCredential(item: Item | undefined): StoredCredential | undefined {
  if (!item) return undefined;
  const record = item as unknown as StoredCredential;
  if (
    typeof record.accessKeyId !== 'string' ||
    typeof record.sessionTokenSha256 !== 'string' ||
    typeof record.expiresAt !== 'number' ||
    (record.authType !== 'authenticated' && record.authType !== 'unauthenticated')
  ) {
    throw new Error('A stored credential record is malformed.');
  }
  return record;
}
