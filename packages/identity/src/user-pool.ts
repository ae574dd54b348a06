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
import { assertInstallKey } from './install-key.js';
import {
  assertPasswordPolicy,
  hashPassword,
  verifyDecoyPassword,
  verifyPasswordHash,
  type PasswordHashingOptions,
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
  createUser(username: string, input: CreateUserInput): Promise<LocalUser>;
  getUser(username: string): Promise<LocalUser | undefined>;
  listUsers(options?: ListUsersOptions): Promise<{ users: LocalUser[]; nextToken: string | null }>;
  deleteUser(username: string): Promise<void>;
  addUserToGroup(username: string, group: string): Promise<void>;
  removeUserFromGroup(username: string, group: string): Promise<void>;
  listGroups(): Promise<string[]>;
  /** Constant-time; unknown users cost the same as known ones. */
  verifyPassword(username: string, password: string): Promise<boolean>;
  issueTokens(username: string, options?: IssueTokensOptions): Promise<IssuedTokens>;
  refresh(refreshToken: string, options?: { clientId?: string | undefined }): Promise<RefreshedTokens>;
  /** Revokes one refresh token and its sign-in (`origin_jti`); unknown tokens are ignored. */
  revokeRefreshToken(refreshToken: string): Promise<void>;
  /** Revokes every refresh token of the user, on every client. */
  globalSignOut(username: string): Promise<void>;
  /** Verifies an ID token of this pool: signature, `iss`, `aud` = the client, `token_use` `id`, unexpired. */
  verifyIdToken(token: string): Promise<IdTokenClaims>;
  /** Verifies an access token of this pool, including that its sign-in is not revoked. */
  verifyAccessToken(token: string): Promise<AccessTokenClaims>;
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

    async createUser(username, input) {
      assertUsername(username);
      if (typeof input !== 'object' || input === null) throw new TypeError('"input" must be an object.');
      assertPasswordPolicy(input.password);
      const attributes = parseAttributes(input.attributes ?? {});
      const groupNames = [...new Set(input.groups ?? [])];
      groupNames.forEach(assertGroupName);
      if (await loadUser(username)) throw new IdentityError('UsernameExistsException', 'User already exists');
      const time = now();
      const user: StoredUser = {
        poolId: userPoolId,
        usernameKey: usernameKeyOf(username),
        username,
        sub: randomUUID(),
        status: 'CONFIRMED',
        enabled: true,
        passwordHash: await hashPassword(input.password, hashing),
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
      for (const record of await allRefreshTokensOf(user.usernameKey)) await revokeRecord(record);
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
      const signed = await signTokens(user, {
        clientId: record.clientId,
        originJti: record.originJti,
        eventId: record.eventId,
        authTime: record.authTime,
        lifetimeSeconds: { access: accessLifetime, id: idLifetime },
      });
      return { ...signed, expiresIn: accessLifetime };
    },

    async revokeRefreshToken(refreshToken) {
      const record = await loadRefreshToken(refreshToken);
      if (record) await revokeRecord(record);
    },

    async globalSignOut(username) {
      const user = await requireUser(username);
      for (const record of await allRefreshTokensOf(user.usernameKey)) await revokeRecord(record);
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
