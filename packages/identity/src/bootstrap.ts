/**
 * Opens the identity service of one data dir: the install key, the generated ids (kept in a
 * settings table so every process and every start agrees), the user pool, identity pool and API keys.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { isConditionalCheckFailedError } from '@gatehouse/core';
import type { Clock, DocumentStore, Item, Logger } from '@gatehouse/core';
import type { AdminAccessKey } from './cognito-idp/admin-auth.js';
import {
  createUserPoolService,
  type CodeDeliveryEvent,
  type UserPoolService,
} from './cognito-idp/service.js';
import type { RateLimitOptions } from './cognito-idp/throttle.js';
import type { IdentityConfig } from './identity-config.js';
import type { RSAKeyPairGenerator } from './signing-keys.js';
import { createLocalOIDCIssuer, type LocalOIDCIssuer } from './oidc-issuer.js';
import { createAPIKeyStore, type APIKeyStore } from './api-keys.js';
import { createIdentityPool, type IdentityPool } from './identity-pool.js';
import { loadOrCreateInstallKey } from './install-key.js';
import type { PasswordHashingOptions } from './passwords.js';
import { createLocalUserPool, type LocalUserPool } from './user-pool.js';

export interface IdentitySettings {
  /** 26 lowercase alphanumerics. */
  readonly apiId: string;
  /** `<region>_` + 9 alphanumerics. */
  readonly userPoolId: string;
  /** 26 lowercase alphanumerics. */
  readonly userPoolClientId: string;
  /** `<region>:<uuid>`. */
  readonly identityPoolId: string;
}

export interface OpenIdentityOptions extends PasswordHashingOptions {
  readonly store: DocumentStore;
  readonly dataDir: string;
  readonly region: string;
  readonly accountId: string;
  /** e.g. `http://127.0.0.1:4000`; the issuer is `<issuerBaseUrl>/<userPoolId>`. */
  readonly issuerBaseUrl: string;
  readonly now?: Clock | undefined;
  /** Default true. */
  readonly allowUnauthenticated?: boolean | undefined;
  /** Lifetime of identity-pool credentials, 1–43200 s (default 3600); short ones test expiry. */
  readonly credentialLifetimeSeconds?: number | undefined;
  /** The config's `identity` object, parsed by `parseIdentityConfig`. */
  readonly config?: IdentityConfig | undefined;
  /** `iam.accessKeys`: entries with `admin: true` may call the user pool's admin operations. */
  readonly accessKeys?: readonly AdminAccessKey[] | undefined;
  /** Delivers confirmation and reset codes; the dev server logs them. */
  readonly onCode?: ((event: CodeDeliveryEvent) => void | Promise<void>) | undefined;
  /** Per-address limit of the unauthenticated Cognito operations; `false` turns it off. */
  readonly rateLimit?: RateLimitOptions | false | undefined;
  readonly logger?: Logger | undefined;
  /** Signing-key generation; injectable so tests can reuse keys. */
  readonly generateRSAKeyPair?: RSAKeyPairGenerator | undefined;
}

export interface OpenedIdentity {
  readonly settings: IdentitySettings;
  readonly userPool: LocalUserPool;
  readonly identityPool: IdentityPool;
  readonly apiKeys: APIKeyStore;
  /** The built-in OIDC issuer at `<issuerBaseUrl>/oidc` (`"issuer": "local"`). */
  readonly oidcIssuer: LocalOIDCIssuer;
  /** The Cognito user pool API (`POST /cognito-idp`). */
  readonly userPoolAPI: UserPoolService;
  /** CORS origins of the Cognito endpoints (`identity.allowedOrigins`). */
  readonly allowedOrigins: readonly string[] | undefined;
}

const settingsTable = 'identity_settings';
const settingsName = 'ids';
const lowercaseAlphanumerics = 'abcdefghijklmnopqrstuvwxyz0123456789';
const alphanumerics = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

export async function openIdentity(options: OpenIdentityOptions): Promise<OpenedIdentity> {
  const { store, region, accountId } = options;
  if (typeof options.issuerBaseUrl !== 'string' || !/^https?:\/\/[^/]+/.test(options.issuerBaseUrl)) {
    throw new TypeError('"issuerBaseUrl" must be an http(s) URL.');
  }
  const installKey = await loadOrCreateInstallKey(options.dataDir);
  const settings = await loadOrCreateSettings(store, region);
  const issuer = `${options.issuerBaseUrl.replace(/\/+$/, '')}/${settings.userPoolId}`;
  const userPool = await createLocalUserPool({
    store,
    installKey,
    userPoolId: settings.userPoolId,
    clientId: settings.userPoolClientId,
    region,
    issuer,
    now: options.now,
    unsafeFastHashingForTests: options.unsafeFastHashingForTests,
    passwordPolicy: options.config?.passwordPolicy,
    accessTokenLifetimeSeconds: options.config?.tokenLifetimes?.accessTokenSeconds,
    idTokenLifetimeSeconds: options.config?.tokenLifetimes?.idTokenSeconds,
    refreshTokenLifetimeSeconds: options.config?.tokenLifetimes?.refreshTokenSeconds,
    refreshTokenRotation: options.config?.refreshTokenRotation,
    generateRSAKeyPair: options.generateRSAKeyPair,
  });
  const identityPool = await createIdentityPool({
    store,
    installKey,
    identityPoolId: settings.identityPoolId,
    region,
    accountId,
    userPool,
    now: options.now,
    allowUnauthenticated: options.allowUnauthenticated,
    credentialLifetimeSeconds: options.credentialLifetimeSeconds,
  });
  const apiKeys = await createAPIKeyStore({ store, apiId: settings.apiId, now: options.now });
  const oidcIssuer = await createLocalOIDCIssuer({
    store,
    installKey,
    issuer: `${options.issuerBaseUrl.replace(/\/+$/, '')}/oidc`,
    audience: settings.userPoolClientId,
    userPool,
    now: options.now,
    generateRSAKeyPair: options.generateRSAKeyPair,
  });
  const userPoolAPI = await createUserPoolService({
    userPool,
    store,
    installKey,
    region,
    accountId,
    config: options.config,
    accessKeys: options.accessKeys,
    onCode: options.onCode,
    rateLimit: options.rateLimit,
    now: options.now,
    logger: options.logger,
  });
  return {
    settings,
    userPool,
    identityPool,
    apiKeys,
    oidcIssuer,
    userPoolAPI,
    allowedOrigins: options.config?.allowedOrigins,
  };
}

async function loadOrCreateSettings(store: DocumentStore, region: string): Promise<IdentitySettings> {
  if (typeof region !== 'string' || !/^[a-z]{2}(-[a-z]+)+-\d+$/.test(region)) {
    throw new TypeError('"region" must be an AWS region name such as "us-east-1".');
  }
  const table = await store.table(settingsTable, { partitionKey: 'name' });
  const existing = parseSettings(await table.get({ name: settingsName }));
  if (existing) return existing;
  const created: IdentitySettings = {
    apiId: randomString(lowercaseAlphanumerics, 26),
    userPoolId: `${region}_${randomString(alphanumerics, 9)}`,
    userPoolClientId: randomString(lowercaseAlphanumerics, 26),
    identityPoolId: `${region}:${randomUUID()}`,
  };
  try {
    await table.put({ name: settingsName, ...created }, { condition: { name: { attributeExists: false } } });
    return created;
  } catch (error) {
    if (!isConditionalCheckFailedError(error)) throw error;
    // Another process created them first.
    const winner = parseSettings(await table.get({ name: settingsName }));
    if (winner) return winner;
    throw error;
  }
}

function parseSettings(item: Item | undefined): IdentitySettings | undefined {
  if (!item) return undefined;
  const { apiId, userPoolId, userPoolClientId, identityPoolId } = item;
  if (
    typeof apiId !== 'string' ||
    typeof userPoolId !== 'string' ||
    typeof userPoolClientId !== 'string' ||
    typeof identityPoolId !== 'string'
  ) {
    throw new Error('The stored identity settings are malformed.');
  }
  return { apiId, userPoolId, userPoolClientId, identityPoolId };
}

/** Uniform characters from the CSPRNG by rejection sampling. */
function randomString(alphabet: string, length: number): string {
  const limit = 256 - (256 % alphabet.length);
  let result = '';
  while (result.length < length) {
    for (const byte of randomBytes(length * 2)) {
      if (byte < limit && result.length < length) result += alphabet.charAt(byte % alphabet.length);
    }
  }
  return result;
}
