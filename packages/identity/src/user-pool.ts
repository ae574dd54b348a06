/**
 * The built-in user pool (identity.md §2, §5, §8): users with scrypt-hashed passwords, groups,
 * attributes, and Cognito-shaped ID/access/refresh tokens signed by the pool's own keys.
 * The Cognito-compatible HTTP operations are layered on top of these functions.
 */
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { importJWK, jwtVerify, errors as joseErrors, type JWTPayload, type JWTVerifyGetKey } from 'jose';
import { isConditionalCheckFailedError } from '@gatehouse/core';
import type { Clock, DocumentStore, Item, JWKSource } from '@gatehouse/core';
import { IdentityError } from './errors.js';
import { createCodeStore, type CodeListing, type CodePurpose } from './cognito-idp/codes.js';
import { createSRPVerifier } from './cognito-idp/srp.js';
import { assertInstallKey, decryptBlob, encryptBlob } from './install-key.js';
import {
  assertPasswordPolicy,
  defaultPasswordPolicy,
  hashPassword,
  verifyDecoyPassword,
  verifyPasswordHash,
  type PasswordHashingOptions,
  type PasswordPolicy,
} from './passwords.js';
import {
  createSigningKeyRing,
  type RSAKeyPairGenerator,
  type SigningJWK,
  type SigningKeyUse,
} from './signing-keys.js';

export type UserStatus = 'UNCONFIRMED' | 'CONFIRMED' | 'FORCE_CHANGE_PASSWORD' | 'RESET_REQUIRED';

/** A user as the pool's callers see it: never the password hash. */
export interface LocalUser {
  /** The internal username, as created (lookups are case-insensitive). */
  readonly username: string;
  readonly sub: string;
  readonly status: UserStatus;
  readonly enabled: boolean;
  /** Attributes other than `sub`, in creation order; values are strings as in Cognito. */
  readonly attributes: Readonly<Record<string, string>>;
  readonly groups: readonly string[];
  /** Epoch ms. */
  readonly createdAt: number;
  readonly updatedAt: number;
}

export interface CreateUserInput {
  readonly password: string;
  readonly groups?: readonly string[] | undefined;
  readonly attributes?: Readonly<Record<string, string>> | undefined;
  /** Default `CONFIRMED`; `UNCONFIRMED` for sign-up, `FORCE_CHANGE_PASSWORD` for a temporary password. */
  readonly status?: 'CONFIRMED' | 'UNCONFIRMED' | 'FORCE_CHANGE_PASSWORD' | undefined;
}

/** A group as `CreateGroup`/`ListGroups` describe it. */
export interface LocalGroup {
  readonly groupName: string;
  readonly description: string | undefined;
  readonly precedence: number | undefined;
  /** Epoch ms. */
  readonly createdAt: number;
}

/** A user's SRP verifier, decrypted (for the `USER_SRP_AUTH` flow only). */
export interface UserSRPVerifier {
  readonly user: LocalUser;
  readonly salt: bigint;
  readonly verifier: bigint;
}

export interface IssueTokensOptions {
  /** Lifetime of the ID and access tokens, 1–86400 s (`--expires-in`); default the pool's. */
  readonly expiresInSeconds?: number | undefined;
  /** App client the tokens are for; default the pool's client. */
  readonly clientId?: string | undefined;
}

export interface IssuedTokens {
  readonly idToken: string;
  readonly accessToken: string;
  readonly refreshToken: string;
  /** Access token lifetime in seconds (`ExpiresIn`). */
  readonly expiresIn: number;
}

export interface RefreshedTokens {
  readonly idToken: string;
  readonly accessToken: string;
  readonly expiresIn: number;
  /** A new refresh token, only when rotation is on. */
  readonly refreshToken?: string | undefined;
}

/** Verified ID token claims (identity.md §5). */
export interface IdTokenClaims extends JWTPayload {
  sub: string;
  iss: string;
  aud: string;
  token_use: 'id';
  'cognito:username': string;
  auth_time: number;
  exp: number;
  iat: number;
}

export interface AccessTokenClaims extends JWTPayload {
  sub: string;
  iss: string;
  client_id: string;
  origin_jti: string;
  token_use: 'access';
  scope: string;
  username: string;
  exp: number;
  iat: number;
}

export interface LocalUserPoolOptions extends PasswordHashingOptions {
  readonly store: DocumentStore;
  readonly installKey: Uint8Array;
  /** `<region>_<name>`, no `_` in the name. */
  readonly userPoolId: string;
  readonly clientId: string;
  readonly region: string;
  /** `<publicBaseUrl>/<userPoolId>`. */
  readonly issuer: string;
  readonly now?: Clock | undefined;
  /** 300–86400, default 3600. */
  readonly accessTokenLifetimeSeconds?: number | undefined;
  /** 300–86400, default 3600. */
  readonly idTokenLifetimeSeconds?: number | undefined;
  /** 3600–315360000, default 30 days. */
  readonly refreshTokenLifetimeSeconds?: number | undefined;
  /** Signing-key generation; injectable so tests can reuse keys. */
  readonly generateRSAKeyPair?: RSAKeyPairGenerator | undefined;
  /** Default Cognito's (`defaultPasswordPolicy`). */
  readonly passwordPolicy?: PasswordPolicy | undefined;
  /** Refresh-token rotation (default off); a replaced token keeps working for the grace period (0–60 s, default 0). */
  readonly refreshTokenRotation?:
    { readonly enabled: boolean; readonly retryGracePeriodSeconds?: number | undefined } | undefined;
}

export interface ListUsersOptions {
  readonly limit?: number | undefined;
  readonly nextToken?: string | null | undefined;
}

export interface LocalUserPool {
  readonly userPoolId: string;
  readonly clientId: string;
  readonly region: string;
  readonly issuer: string;
  /** `cognito-idp.<region>.amazonaws.com/<userPoolId>`: the identity-pool provider name AWS SDKs use. */
  readonly providerName: string;
  /** The pool's keys for in-process verification by the server's user-pool mode. */
  readonly keySource: JWKSource;
  /** SRP's pool name `P`: the user pool id after `_`. */
  readonly poolName: string;
  readonly passwordPolicy: PasswordPolicy;
  /** ID and access token lifetimes, seconds. */
  readonly tokenLifetimes: { readonly access: number; readonly id: number };
  createUser(username: string, input: CreateUserInput): Promise<LocalUser>;
  getUser(username: string): Promise<LocalUser | undefined>;
  listUsers(options?: ListUsersOptions): Promise<{ users: LocalUser[]; nextToken: string | null }>;
  deleteUser(username: string): Promise<void>;
  addUserToGroup(username: string, group: string): Promise<void>;
  removeUserFromGroup(username: string, group: string): Promise<void>;
  listGroups(): Promise<string[]>;
  /** Throws `GroupExistsException` for a name in use. */
  createGroup(
    group: string,
    options?: { description?: string | undefined; precedence?: number | undefined },
  ): Promise<LocalGroup>;
  getGroup(group: string): Promise<LocalGroup | undefined>;
  describeGroups(): Promise<LocalGroup[]>;
  listUsersInGroup(group: string): Promise<LocalUser[]>;
  /**
   * Replaces the password's hash and SRP verifier and revokes the user's refresh tokens. `permanent`
   * (default true) leaves the user `CONFIRMED`, else `FORCE_CHANGE_PASSWORD`. Checks the policy.
   */
  setPassword(
    username: string,
    password: string,
    options?: {
      permanent?: boolean | undefined;
      /** A sign-in (`origin_jti`) whose refresh tokens stay valid (ChangePassword keeps the caller's). */
      keepOriginJti?: string | undefined;
    },
  ): Promise<LocalUser>;
  /** `UNCONFIRMED` → `CONFIRMED`; marks `email`/`phone_number` verified when present. */
  confirmUser(username: string): Promise<LocalUser>;
  /** Sets (or with `""` removes) attributes; a changed email or phone number becomes unverified. */
  updateAttributes(username: string, attributes: Readonly<Record<string, string>>): Promise<LocalUser>;
  /** Disabling also revokes the user's refresh tokens. */
  setUserEnabled(username: string, enabled: boolean): Promise<void>;
  /** The user's SRP verifier, decrypted; `undefined` for an unknown user or one without a verifier. */
  srpVerifier(username: string): Promise<UserSRPVerifier | undefined>;
  /** Issues a confirmation or reset code (replacing the previous one of the purpose); returns it for delivery only. */
  issueCode(username: string, purpose: CodePurpose, attribute?: string): Promise<string>;
  /** Accepts the newest code of the purpose once; throws Cognito's code errors. */
  consumeCode(username: string, purpose: CodePurpose, code: unknown): Promise<{ attribute: string | null }>;
  /** The user's codes, newest first, decrypted with the install key (for `gatehouse users codes`). */
  listCodes(username: string): Promise<CodeListing[]>;
  /** Constant-time; unknown users cost the same as known ones. */
  verifyPassword(username: string, password: string): Promise<boolean>;
  issueTokens(username: string, options?: IssueTokensOptions): Promise<IssuedTokens>;
  /** `rotate: false` never rotates (InitiateAuth's refresh flow); otherwise the pool's rotation setting applies. */
  refresh(
    refreshToken: string,
    options?: { clientId?: string | undefined; rotate?: boolean | undefined },
  ): Promise<RefreshedTokens>;
  /** Revokes one refresh token and its sign-in (`origin_jti`); unknown tokens are ignored. */
  revokeRefreshToken(refreshToken: string, options?: { clientId?: string | undefined }): Promise<void>;
  /** Revokes every refresh token of the user, on every client. */
  globalSignOut(username: string): Promise<void>;
  /** Verifies an ID token of this pool: signature, `iss`, `aud` = the client, `token_use` `id`, unexpired. */
  verifyIdToken(token: string): Promise<IdTokenClaims>;
  /** Verifies an access token of this pool, including that its sign-in is not revoked. */
  verifyAccessToken(token: string): Promise<AccessTokenClaims>;
  /** True once the sign-in (`origin_jti`) was revoked: sign-out, global sign-out, password change. */
  isSignInRevoked(originJti: string): Promise<boolean>;
  jwks(): Promise<{ keys: SigningJWK[] }>;
  rotateSigningKey(use: SigningKeyUse): Promise<string>;
}

const usersTable = 'identity_users';
const groupsTable = 'identity_groups';
const refreshTokensTable = 'identity_refresh_tokens';
const accessScope = 'aws.cognito.signin.user.admin';
const maximumTokenLifetimeSeconds = 86_400;

const standardAttributes = new Set([
  'address',
  'birthdate',
  'email',
  'email_verified',
  'family_name',
  'gender',
  'given_name',
  'locale',
  'middle_name',
  'name',
  'nickname',
  'phone_number',
  'phone_number_verified',
  'picture',
  'preferred_username',
  'profile',
  'updated_at',
  'website',
  'zoneinfo',
]);
const booleanAttributes = new Set(['email_verified', 'phone_number_verified']);

interface StoredAttribute {
  name: string;
  value: string;
}

interface StoredUser {
  poolId: string;
  usernameKey: string;
  username: string;
  sub: string;
  status: UserStatus;
  enabled: boolean;
  passwordHash: string;
  /** `{s, v}` hex, sealed with the install key; absent for users created before SRP. */
  srp?: string | undefined;
  attributes: StoredAttribute[];
  groups: string[];
  createdAt: number;
  updatedAt: number;
  version: number;
}

interface StoredRefreshToken {
  tokenHash: string;
  poolId: string;
  userRef: string;
  usernameKey: string;
  sub: string;
  clientId: string;
  originJti: string;
  eventId: string;
  authTime: number;
  expiresAt: number;
  revoked: boolean;
  /** Rotation parent's hash (rotation is a later feature); `null` for a sign-in's first token. */
  parentHash: string | null;
  /** Epoch ms when rotation replaced it (rotation on only). */
  rotatedAt?: number | null | undefined;
  createdAt: number;
}

interface Session {
  clientId: string;
  originJti: string;
  eventId: string;
  authTime: number;
  lifetimeSeconds: { access: number; id: number };
}

export async function createLocalUserPool(options: LocalUserPoolOptions): Promise<LocalUserPool> {
  assertInstallKey(options.installKey);
  const { userPoolId, clientId, region, issuer } = options;
  if (typeof region !== 'string' || !/^[a-z]{2}(-[a-z]+)+-\d+$/.test(region)) {
    throw new TypeError('"region" must be an AWS region name such as "us-east-1".');
  }
  if (typeof userPoolId !== 'string' || !/^[\w-]+_[0-9a-zA-Z]+$/.test(userPoolId)) {
    throw new TypeError('"userPoolId" must look like "<region>_<name>" with no "_" in the name.');
  }
  assertClientId(clientId, 'clientId');
  if (typeof issuer !== 'string' || !/^https?:\/\/[^/]/.test(issuer)) {
    throw new TypeError('"issuer" must be an http(s) URL.');
  }
  const now = options.now ?? Date.now;
  const nowSeconds = () => Math.floor(now() / 1000);
  const accessLifetime = integerOption(
    options.accessTokenLifetimeSeconds,
    'accessTokenLifetimeSeconds',
    3600,
    300,
    86_400,
  );
  const idLifetime = integerOption(
    options.idTokenLifetimeSeconds,
    'idTokenLifetimeSeconds',
    3600,
    300,
    86_400,
  );
  const refreshLifetime = integerOption(
    options.refreshTokenLifetimeSeconds,
    'refreshTokenLifetimeSeconds',
    30 * 86_400,
    3600,
    10 * 365 * 86_400,
  );
  const hashing: PasswordHashingOptions = { unsafeFastHashingForTests: options.unsafeFastHashingForTests };
  const passwordPolicy = options.passwordPolicy ?? defaultPasswordPolicy;
  const rotation = {
    enabled: options.refreshTokenRotation?.enabled === true,
    graceMs:
      integerOption(
        options.refreshTokenRotation?.retryGracePeriodSeconds,
        'refreshTokenRotation.retryGracePeriodSeconds',
        0,
        0,
        60,
      ) * 1000,
  };
  const poolName = userPoolId.slice(userPoolId.indexOf('_') + 1);
  const codes = await createCodeStore({ store: options.store, installKey: options.installKey, now });

  const keys = await createSigningKeyRing({
    store: options.store,
    installKey: options.installKey,
    poolId: userPoolId,
    now,
    // Per-token lifetimes may reach a day (`expiresInSeconds`), so keep replaced keys that long.
    retiredKeyLifetimeSeconds: maximumTokenLifetimeSeconds + 300,
    generateRSAKeyPair: options.generateRSAKeyPair,
  });
  const users = await options.store.table(usersTable, {
    partitionKey: 'poolId',
    sortKey: 'usernameKey',
    indexes: { bySub: { partitionKey: 'sub' } },
  });
  const groups = await options.store.table(groupsTable, { partitionKey: 'poolId', sortKey: 'groupName' });
  const refreshTokens = await options.store.table(refreshTokensTable, {
    partitionKey: 'tokenHash',
    indexes: { byUser: { partitionKey: 'userRef' }, byOrigin: { partitionKey: 'originJti' } },
  });

  const providerName = `cognito-idp.${region}.amazonaws.com/${userPoolId}`;
  const userRef = (usernameKey: string) => `${userPoolId}\n${usernameKey}`;

  /** Hash and SRP verifier of a password; `I` is the internal username, `P` the pool name. */
  async function passwordSecrets(user: Pick<StoredUser, 'username' | 'sub'>, password: string) {
    const { salt, verifier } = createSRPVerifier(poolName, user.username, password);
    const srp = encryptBlob(
      options.installKey,
      'srp-verifier',
      Buffer.from(JSON.stringify({ s: salt.toString(16), v: verifier.toString(16) }), 'utf8'),
      `${userPoolId}\n${user.sub}`,
    );
    return { passwordHash: await hashPassword(password, hashing), srp };
  }

  async function revokeAllOf(usernameKey: string, keepOriginJti?: string): Promise<void> {
    for (const record of await allRefreshTokensOf(usernameKey)) {
      if (record.originJti !== keepOriginJti) await revokeRecord(record);
    }
  }

  async function loadGroup(groupName: string): Promise<LocalGroup | undefined> {
    const item = await groups.get({ poolId: userPoolId, groupName });
    return item && toLocalGroup(item);
  }

  async function loadUser(username: string): Promise<StoredUser | undefined> {
    if (typeof username !== 'string' || username.length === 0) return undefined;
    return parseUser(await users.get({ poolId: userPoolId, usernameKey: usernameKeyOf(username) }));
  }

  async function requireUser(username: string): Promise<StoredUser> {
    const user = await loadUser(username);
    if (!user) throw new IdentityError('UserNotFoundException', 'User does not exist.');
    return user;
  }

  /** Read-modify-write with optimistic locking on `version`. */
  async function updateUser(username: string, change: (user: StoredUser) => StoredUser): Promise<StoredUser> {
    for (let attempt = 0; attempt < 10; attempt += 1) {
      const user = await requireUser(username);
      const next = { ...change(user), version: user.version + 1, updatedAt: now() };
      try {
        await users.put(next, { condition: { version: { eq: user.version } } });
        return next;
      } catch (error) {
        if (!isConditionalCheckFailedError(error)) throw error;
      }
    }
    throw new IdentityError('TooManyRequestsException', 'The user is being changed concurrently; try again.');
  }

  async function ensureGroup(groupName: string): Promise<void> {
    const existing = await groups.get({ poolId: userPoolId, groupName });
    if (!existing) await groups.put({ poolId: userPoolId, groupName, createdAt: now() });
  }

  async function signTokens(
    user: StoredUser,
    session: Session,
  ): Promise<{ idToken: string; accessToken: string }> {
    const iat = nowSeconds();
    const groupClaim = user.groups.length > 0 ? { 'cognito:groups': [...user.groups] } : {};
    const accessClaims = {
      sub: user.sub,
      ...groupClaim,
      iss: issuer,
      client_id: session.clientId,
      origin_jti: session.originJti,
      event_id: session.eventId,
      token_use: 'access',
      scope: accessScope,
      auth_time: session.authTime,
      exp: iat + session.lifetimeSeconds.access,
      iat,
      jti: randomUUID(),
      username: user.username,
    };
    const hasEmail = user.attributes.some((attribute) => attribute.name === 'email');
    const emailVerified =
      user.attributes.find((attribute) => attribute.name === 'email_verified')?.value === 'true';
    const idClaims: Record<string, unknown> = {
      sub: user.sub,
      ...groupClaim,
      ...(hasEmail ? { email_verified: emailVerified } : {}),
      iss: issuer,
      'cognito:username': user.username,
      origin_jti: session.originJti,
      aud: session.clientId,
      event_id: session.eventId,
      token_use: 'id',
      auth_time: session.authTime,
      exp: iat + session.lifetimeSeconds.id,
      iat,
      jti: randomUUID(),
    };
    for (const { name, value } of user.attributes) {
      if (name === 'email_verified' && hasEmail) continue;
      idClaims[name] = booleanAttributes.has(name) ? value === 'true' : value;
    }
    const [idToken, accessToken] = await Promise.all([
      keys.sign('id', idClaims),
      keys.sign('access', accessClaims),
    ]);
    return { idToken, accessToken };
  }

  async function loadRefreshToken(refreshToken: string): Promise<StoredRefreshToken | undefined> {
    if (typeof refreshToken !== 'string' || !/^[A-Za-z0-9_-]{43}$/.test(refreshToken)) return undefined;
    const record = parseRefreshToken(await refreshTokens.get({ tokenHash: sha256Hex(refreshToken) }));
    return record && record.poolId === userPoolId ? record : undefined;
  }

  async function revokeRecord(record: StoredRefreshToken): Promise<void> {
    if (!record.revoked)
      await refreshTokens.update({ tokenHash: record.tokenHash }, { set: { revoked: true } });
  }

  async function isOriginRevoked(originJti: string): Promise<boolean> {
    let nextToken: string | null = null;
    do {
      const page = await refreshTokens.query({ index: 'byOrigin', partition: originJti, nextToken });
      if (page.items.some((item) => item['revoked'] === true)) return true;
      nextToken = page.nextToken;
    } while (nextToken);
    return false;
  }

  async function allRefreshTokensOf(usernameKey: string): Promise<StoredRefreshToken[]> {
    const found: StoredRefreshToken[] = [];
    let nextToken: string | null = null;
    do {
      const page = await refreshTokens.query({ index: 'byUser', partition: userRef(usernameKey), nextToken });
      for (const item of page.items) {
        const record = parseRefreshToken(item);
        if (record) found.push(record);
      }
      nextToken = page.nextToken;
    } while (nextToken);
    return found;
  }

  const verificationKeys = new Map<string, CryptoKey | Uint8Array>();
  const getVerificationKey: JWTVerifyGetKey = async (header) => {
    const kid = header.kid;
    if (header.alg !== 'RS256' || typeof kid !== 'string') throw new joseErrors.JWKSNoMatchingKey();
    // Only published keys verify: a key retired long enough ago is gone from `getKeys()`.
    let jwk = (await keys.getKeys()).find((key) => key.kid === kid);
    // Another process may have rotated: re-read the store once for an unknown kid.
    jwk ??= (await keys.getKeys({ refresh: true })).find((key) => key.kid === kid);
    if (!jwk) throw new joseErrors.JWKSNoMatchingKey();
    let key = verificationKeys.get(kid);
    if (!key) {
      key = await importJWK({ ...jwk }, 'RS256');
      verificationKeys.set(kid, key);
    }
    return key;
  };

  async function verifyJWT(token: string, audience: string | undefined): Promise<JWTPayload> {
    if (typeof token !== 'string' || token.length === 0 || token.length > 16_384) {
      throw new joseErrors.JWTInvalid('The token is missing or too long.');
    }
    const { payload } = await jwtVerify(token, getVerificationKey, {
      issuer,
      ...(audience === undefined ? {} : { audience }),
      algorithms: ['RS256'],
      currentDate: new Date(now()),
      clockTolerance: 0,
    });
    return payload;
  }

  return {
    userPoolId,
    clientId,
    region,
    issuer,
    providerName,
    keySource: keys,
    poolName,
    passwordPolicy,
    tokenLifetimes: { access: accessLifetime, id: idLifetime },

    async createUser(username, input) {
      assertUsername(username);
      if (typeof input !== 'object' || input === null) throw new TypeError('"input" must be an object.');
      assertPasswordPolicy(input.password, passwordPolicy);
      const status = input.status ?? 'CONFIRMED';
      if (!['CONFIRMED', 'UNCONFIRMED', 'FORCE_CHANGE_PASSWORD'].includes(status)) {
        throw new TypeError('"status" must be "CONFIRMED", "UNCONFIRMED" or "FORCE_CHANGE_PASSWORD".');
      }
      const attributes = parseAttributes(input.attributes ?? {});
      const groupNames = [...new Set(input.groups ?? [])];
      groupNames.forEach(assertGroupName);
      if (await loadUser(username)) throw new IdentityError('UsernameExistsException', 'User already exists');
      const time = now();
      const sub = randomUUID();
      const user: StoredUser = {
        poolId: userPoolId,
        usernameKey: usernameKeyOf(username),
        username,
        sub,
        status,
        enabled: true,
        ...(await passwordSecrets({ username, sub }, input.password)),
        attributes,
        groups: groupNames,
        createdAt: time,
        updatedAt: time,
        version: 1,
      };
      for (const group of groupNames) await ensureGroup(group);
      try {
        await users.put(user as unknown as Item, { condition: { usernameKey: { attributeExists: false } } });
      } catch (error) {
        if (isConditionalCheckFailedError(error)) {
          throw new IdentityError('UsernameExistsException', 'User already exists');
        }
        throw error;
      }
      return toLocalUser(user);
    },

    async getUser(username) {
      const user = await loadUser(username);
      return user && toLocalUser(user);
    },

    async listUsers(listOptions = {}) {
      const limit = listOptions.limit;
      if (limit !== undefined && (!Number.isInteger(limit) || limit < 1 || limit > 60)) {
        throw new RangeError('"limit" must be an integer from 1 to 60.');
      }
      const page = await users.query({
        partition: userPoolId,
        limit,
        nextToken: listOptions.nextToken ?? null,
      });
      const found: LocalUser[] = [];
      for (const item of page.items) {
        const user = parseUser(item);
        if (user) found.push(toLocalUser(user));
      }
      return { users: found, nextToken: page.nextToken };
    },

    async deleteUser(username) {
      const user = await requireUser(username);
      await users.delete({ poolId: userPoolId, usernameKey: user.usernameKey });
      await revokeAllOf(user.usernameKey);
      await codes.deleteAll(userRef(user.usernameKey));
    },

    async addUserToGroup(username, group) {
      assertGroupName(group);
      await requireUser(username);
      await ensureGroup(group);
      await updateUser(username, (user) =>
        user.groups.includes(group) ? user : { ...user, groups: [...user.groups, group] },
      );
    },

    async removeUserFromGroup(username, group) {
      assertGroupName(group);
      await updateUser(username, (user) => ({
        ...user,
        groups: user.groups.filter((name) => name !== group),
      }));
    },

    async listGroups() {
      const names: string[] = [];
      let nextToken: string | null = null;
      do {
        const page = await groups.query({ partition: userPoolId, nextToken });
        for (const item of page.items)
          if (typeof item['groupName'] === 'string') names.push(item['groupName']);
        nextToken = page.nextToken;
      } while (nextToken);
      return names;
    },

    async createGroup(group, groupOptions = {}) {
      assertGroupName(group);
      const description = groupOptions.description;
      if (description !== undefined && (typeof description !== 'string' || description.length > 2048)) {
        throw new IdentityError(
          'InvalidParameterException',
          'Group description must be at most 2048 characters.',
        );
      }
      const precedence = groupOptions.precedence;
      if (precedence !== undefined && (!Number.isInteger(precedence) || precedence < 0)) {
        throw new IdentityError(
          'InvalidParameterException',
          'Group precedence must be a non-negative integer.',
        );
      }
      const item: Item = { poolId: userPoolId, groupName: group, createdAt: now() };
      if (description !== undefined) item['description'] = description;
      if (precedence !== undefined) item['precedence'] = precedence;
      try {
        await groups.put(item, { condition: { groupName: { attributeExists: false } } });
      } catch (error) {
        if (isConditionalCheckFailedError(error)) {
          throw new IdentityError('GroupExistsException', 'A group with the name already exists.');
        }
        throw error;
      }
      return toLocalGroup(item);
    },

    getGroup: loadGroup,

    async describeGroups() {
      const found: LocalGroup[] = [];
      let nextToken: string | null = null;
      do {
        const page = await groups.query({ partition: userPoolId, nextToken });
        for (const item of page.items) found.push(toLocalGroup(item));
        nextToken = page.nextToken;
      } while (nextToken);
      return found;
    },

    async listUsersInGroup(group) {
      const found: LocalUser[] = [];
      let nextToken: string | null = null;
      do {
        const page = await users.query({
          partition: userPoolId,
          filter: { groups: { contains: group } },
          nextToken,
        });
        for (const item of page.items) {
          const user = parseUser(item);
          if (user) found.push(toLocalUser(user));
        }
        nextToken = page.nextToken;
      } while (nextToken);
      return found;
    },

    async setPassword(username, password, setOptions = {}) {
      assertPasswordPolicy(password, passwordPolicy);
      const existing = await requireUser(username);
      const secrets = await passwordSecrets(existing, password);
      const permanent = setOptions.permanent ?? true;
      const updated = await updateUser(username, (user) => ({
        ...user,
        ...secrets,
        status: permanent ? 'CONFIRMED' : 'FORCE_CHANGE_PASSWORD',
      }));
      await revokeAllOf(updated.usernameKey, setOptions.keepOriginJti);
      return toLocalUser(updated);
    },

    async confirmUser(username) {
      const updated = await updateUser(username, (user) => {
        const names = new Set(user.attributes.map((attribute) => attribute.name));
        const verified = [
          ...(names.has('email') ? ['email_verified'] : []),
          ...(names.has('phone_number') ? ['phone_number_verified'] : []),
        ];
        const attributes = user.attributes.filter((attribute) => !verified.includes(attribute.name));
        for (const name of verified) attributes.push({ name, value: 'true' });
        return { ...user, status: user.status === 'UNCONFIRMED' ? 'CONFIRMED' : user.status, attributes };
      });
      return toLocalUser(updated);
    },

    async updateAttributes(username, changes) {
      const parsed = parseAttributes(changes);
      const updated = await updateUser(username, (user) => {
        const attributes = new Map(user.attributes.map((attribute) => [attribute.name, attribute.value]));
        for (const { name, value } of parsed) {
          const previous = attributes.get(name);
          if (value === '') attributes.delete(name);
          else attributes.set(name, value);
          const flag =
            name === 'email'
              ? 'email_verified'
              : name === 'phone_number'
                ? 'phone_number_verified'
                : undefined;
          if (flag && previous !== value && !parsed.some((attribute) => attribute.name === flag)) {
            attributes.set(flag, 'false');
          }
        }
        return { ...user, attributes: [...attributes].map(([name, value]) => ({ name, value })) };
      });
      return toLocalUser(updated);
    },

    async setUserEnabled(username, enabled) {
      const updated = await updateUser(username, (user) => ({ ...user, enabled }));
      if (!enabled) await revokeAllOf(updated.usernameKey);
    },

    async srpVerifier(username) {
      const user = await loadUser(username);
      if (!user?.srp) return undefined;
      const sealed = decryptBlob(options.installKey, 'srp-verifier', user.srp, `${userPoolId}\n${user.sub}`);
      const { s, v } = JSON.parse(Buffer.from(sealed).toString('utf8')) as { s: string; v: string };
      return { user: toLocalUser(user), salt: BigInt(`0x${s}`), verifier: BigInt(`0x${v}`) };
    },

    async issueCode(username, purpose, attribute) {
      const user = await requireUser(username);
      return codes.issue(userRef(user.usernameKey), purpose, attribute);
    },

    async consumeCode(username, purpose, code) {
      const user = await requireUser(username);
      return codes.consume(userRef(user.usernameKey), purpose, code);
    },

    async listCodes(username) {
      const user = await requireUser(username);
      return codes.list(userRef(user.usernameKey));
    },

    async verifyPassword(username, password) {
      const user = await loadUser(username);
      if (!user) return verifyDecoyPassword(password, hashing);
      return verifyPasswordHash(password, user.passwordHash);
    },

    async issueTokens(username, issueOptions = {}) {
      const user = await requireUser(username);
      if (!user.enabled) throw new IdentityError('NotAuthorizedException', 'User is disabled.');
      const tokenClientId = issueOptions.clientId ?? clientId;
      assertClientId(tokenClientId, 'clientId');
      const lifetime =
        issueOptions.expiresInSeconds === undefined
          ? undefined
          : integerOption(
              issueOptions.expiresInSeconds,
              'expiresInSeconds',
              3600,
              1,
              maximumTokenLifetimeSeconds,
            );
      const time = nowSeconds();
      const session: Session = {
        clientId: tokenClientId,
        originJti: randomUUID(),
        eventId: randomUUID(),
        authTime: time,
        lifetimeSeconds: { access: lifetime ?? accessLifetime, id: lifetime ?? idLifetime },
      };
      const refreshToken = randomBytes(32).toString('base64url');
      const record: StoredRefreshToken = {
        tokenHash: sha256Hex(refreshToken),
        poolId: userPoolId,
        userRef: userRef(user.usernameKey),
        usernameKey: user.usernameKey,
        sub: user.sub,
        clientId: tokenClientId,
        originJti: session.originJti,
        eventId: session.eventId,
        authTime: time,
        expiresAt: time + refreshLifetime,
        revoked: false,
        parentHash: null,
        createdAt: now(),
      };
      await refreshTokens.put(record as unknown as Item);
      const signed = await signTokens(user, session);
      return { ...signed, refreshToken, expiresIn: session.lifetimeSeconds.access };
    },

    async refresh(refreshToken, refreshOptions = {}) {
      const record = await loadRefreshToken(refreshToken);
      const invalid = () => new IdentityError('NotAuthorizedException', 'Invalid Refresh Token');
      if (!record) throw invalid();
      if (refreshOptions.clientId !== undefined && refreshOptions.clientId !== record.clientId)
        throw invalid();
      if (record.revoked) throw new IdentityError('NotAuthorizedException', 'Refresh Token has been revoked');
      if (nowSeconds() >= record.expiresAt)
        throw new IdentityError('NotAuthorizedException', 'Refresh Token has expired');
      const user = parseUser(await users.get({ poolId: userPoolId, usernameKey: record.usernameKey }));
      if (!user || user.sub !== record.sub) throw invalid();
      if (!user.enabled) throw new IdentityError('NotAuthorizedException', 'User is disabled.');
      let rotated: string | undefined;
      if (rotation.enabled && refreshOptions.rotate !== false) {
        const rotatedAt = record.rotatedAt ?? null;
        if (rotatedAt !== null && now() - rotatedAt > rotation.graceMs) {
          // Reuse of a replaced token: the whole sign-in is revoked.
          for (const member of await allRefreshTokensOf(record.usernameKey)) {
            if (member.originJti === record.originJti) await revokeRecord(member);
          }
          throw new IdentityError('RefreshTokenReuseException', 'Refresh token has already been used.');
        }
        rotated = randomBytes(32).toString('base64url');
        const child: StoredRefreshToken = {
          ...record,
          tokenHash: sha256Hex(rotated),
          revoked: false,
          parentHash: record.tokenHash,
          rotatedAt: null,
          createdAt: now(),
        };
        await refreshTokens.put(child as unknown as Item);
        if (rotatedAt === null) {
          await refreshTokens.update({ tokenHash: record.tokenHash }, { set: { rotatedAt: now() } });
        }
      }
      const signed = await signTokens(user, {
        clientId: record.clientId,
        originJti: record.originJti,
        eventId: record.eventId,
        authTime: record.authTime,
        lifetimeSeconds: { access: accessLifetime, id: idLifetime },
      });
      return {
        ...signed,
        expiresIn: accessLifetime,
        ...(rotated === undefined ? {} : { refreshToken: rotated }),
      };
    },

    async revokeRefreshToken(refreshToken, revokeOptions = {}) {
      const record = await loadRefreshToken(refreshToken);
      // A token of another client is left alone, as an unknown one is.
      if (record && (revokeOptions.clientId === undefined || revokeOptions.clientId === record.clientId)) {
        await revokeRecord(record);
      }
    },

    async globalSignOut(username) {
      const user = await requireUser(username);
      await revokeAllOf(user.usernameKey);
    },

    async verifyIdToken(token) {
      let payload: JWTPayload;
      try {
        payload = await verifyJWT(token, clientId);
      } catch (cause) {
        throw loginTokenError(cause);
      }
      if (
        payload['token_use'] !== 'id' ||
        typeof payload.sub !== 'string' ||
        typeof payload['cognito:username'] !== 'string'
      ) {
        throw new IdentityError('NotAuthorizedException', 'Invalid login token. Not a valid ID token.');
      }
      return payload as IdTokenClaims;
    },

    isSignInRevoked: (originJti) => isOriginRevoked(originJti),
    async verifyAccessToken(token) {
      let payload: JWTPayload;
      try {
        payload = await verifyJWT(token, undefined);
      } catch (cause) {
        if (cause instanceof joseErrors.JWTExpired) {
          throw new IdentityError('NotAuthorizedException', 'Access Token has expired', { cause });
        }
        throw new IdentityError('NotAuthorizedException', 'Invalid Access Token', { cause });
      }
      if (
        payload['token_use'] !== 'access' ||
        payload['scope'] !== accessScope ||
        typeof payload['origin_jti'] !== 'string' ||
        typeof payload.sub !== 'string' ||
        typeof payload['username'] !== 'string' ||
        typeof payload['client_id'] !== 'string'
      ) {
        throw new IdentityError('NotAuthorizedException', 'Invalid Access Token');
      }
      if (await isOriginRevoked(payload['origin_jti'])) {
        throw new IdentityError('NotAuthorizedException', 'Access Token has been revoked');
      }
      return payload as AccessTokenClaims;
    },

    jwks: () => keys.jwks(),
    rotateSigningKey: (use) => keys.rotate(use),
  };
}

function loginTokenError(cause: unknown): IdentityError {
  if (cause instanceof joseErrors.JWTExpired) {
    return new IdentityError('NotAuthorizedException', 'Invalid login token. Token expired.', { cause });
  }
  if (cause instanceof joseErrors.JWTClaimValidationFailed && cause.claim === 'iss') {
    return new IdentityError(
      'NotAuthorizedException',
      "Invalid login token. Issuer doesn't match providerName",
      { cause },
    );
  }
  return new IdentityError('NotAuthorizedException', 'Invalid login token.', { cause });
}

function usernameKeyOf(username: string): string {
  return username.normalize('NFC').toLowerCase();
}

function sha256Hex(value: string): string {
  return createHash('sha256').update(value, 'utf8').digest('hex');
}

function integerOption(
  value: number | undefined,
  name: string,
  fallback: number,
  min: number,
  max: number,
): number {
  if (value === undefined) return fallback;
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new RangeError(`"${name}" must be an integer from ${min} to ${max}.`);
  }
  return value;
}

function assertClientId(value: unknown, name: string): asserts value is string {
  if (typeof value !== 'string' || !/^[\w+]{1,128}$/.test(value)) {
    throw new TypeError(`"${name}" must be 1 to 128 characters of letters, digits, "_" or "+".`);
  }
}

function assertUsername(username: unknown): asserts username is string {
  if (typeof username !== 'string' || !/^[\p{L}\p{M}\p{S}\p{N}\p{P}]{1,128}$/u.test(username)) {
    throw new IdentityError(
      'InvalidParameterException',
      'Username must be 1 to 128 letters, marks, symbols, digits or punctuation characters.',
    );
  }
}

function assertGroupName(group: unknown): asserts group is string {
  if (typeof group !== 'string' || !/^[\p{L}\p{M}\p{S}\p{N}\p{P}]{1,128}$/u.test(group)) {
    throw new IdentityError(
      'InvalidParameterException',
      'Group name must be 1 to 128 letters, marks, symbols, digits or punctuation characters.',
    );
  }
}

function parseAttributes(attributes: Readonly<Record<string, string>>): StoredAttribute[] {
  if (typeof attributes !== 'object' || attributes === null) {
    throw new IdentityError('InvalidParameterException', 'User attributes must be an object of strings.');
  }
  const parsed: StoredAttribute[] = [];
  for (const [name, value] of Object.entries(attributes)) {
    if (name === 'sub')
      throw new IdentityError('InvalidParameterException', 'Attribute "sub" cannot be set.');
    if (!standardAttributes.has(name) && !/^custom:[\w-]{1,20}$/.test(name)) {
      throw new IdentityError(
        'InvalidParameterException',
        `Attribute "${name}" does not exist in the schema.`,
      );
    }
    if (typeof value !== 'string' || value.length > 2048) {
      throw new IdentityError(
        'InvalidParameterException',
        `Attribute "${name}" must be a string of at most 2048 characters.`,
      );
    }
    if (booleanAttributes.has(name) && value !== 'true' && value !== 'false') {
      throw new IdentityError('InvalidParameterException', `Attribute "${name}" must be "true" or "false".`);
    }
    parsed.push({ name, value });
  }
  return parsed;
}

function toLocalGroup(item: Item): LocalGroup {
  const { groupName, description, precedence, createdAt } = item;
  if (typeof groupName !== 'string') throw new Error('A stored group is malformed.');
  return {
    groupName,
    description: typeof description === 'string' ? description : undefined,
    precedence: typeof precedence === 'number' ? precedence : undefined,
    createdAt: typeof createdAt === 'number' ? createdAt : 0,
  };
}

function toLocalUser(user: StoredUser): LocalUser {
  const attributes: Record<string, string> = {};
  for (const { name, value } of user.attributes) attributes[name] = value;
  return {
    username: user.username,
    sub: user.sub,
    status: user.status,
    enabled: user.enabled,
    attributes,
    groups: [...user.groups],
    createdAt: user.createdAt,
    updatedAt: user.updatedAt,
  };
}

function parseUser(item: Item | undefined): StoredUser | undefined {
  if (!item) return undefined;
  const user = item as unknown as StoredUser;
  if (
    typeof user.username !== 'string' ||
    typeof user.sub !== 'string' ||
    typeof user.passwordHash !== 'string' ||
    !Array.isArray(user.attributes) ||
    !Array.isArray(user.groups) ||
    typeof user.version !== 'number'
  ) {
    throw new Error('A stored user is malformed.');
  }
  return user;
}

function parseRefreshToken(item: Item | undefined): StoredRefreshToken | undefined {
  if (!item) return undefined;
  const record = item as unknown as StoredRefreshToken;
  if (
    typeof record.usernameKey !== 'string' ||
    typeof record.originJti !== 'string' ||
    typeof record.expiresAt !== 'number' ||
    typeof record.authTime !== 'number' ||
    typeof record.revoked !== 'boolean'
  ) {
    throw new Error('A stored refresh token record is malformed.');
  }
  return record;
}
