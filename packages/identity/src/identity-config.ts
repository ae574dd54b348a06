/**
 * The config file's top-level `identity` object (passed through unparsed by core's `parseConfig`):
 * password policy, token lifetimes, app-client settings and CORS origins of the identity service.
 * Messages name the field, as `parseConfig` does.
 */
import { ConfigError } from '@gatehouse/core';
import type { PasswordPolicy } from './passwords.js';

export interface IdentityConfig {
  readonly passwordPolicy?: PasswordPolicy | undefined;
  readonly tokenLifetimes?:
    | {
        /** 300–86400, default 3600. */
        readonly accessTokenSeconds?: number | undefined;
        /** 300–86400, default 3600. */
        readonly idTokenSeconds?: number | undefined;
        /** 3600–315360000, default 30 days. */
        readonly refreshTokenSeconds?: number | undefined;
      }
    | undefined;
  /** Refresh-token rotation (default off); the replaced token stays valid for the grace period (0–60 s). */
  readonly refreshTokenRotation?:
    { readonly enabled: boolean; readonly retryGracePeriodSeconds?: number | undefined } | undefined;
  /** Unauthenticated identity-pool identities (default true). */
  readonly allowGuestAccess?: boolean | undefined;
  /** `ALLOW_USER_PASSWORD_AUTH` on the app client (default false; SRP is always allowed). */
  readonly allowUserPasswordAuth?: boolean | undefined;
  /** `ENABLED` (default): unknown users look like wrong passwords. `LEGACY`: `UserNotFoundException`. */
  readonly preventUserExistenceErrors?: 'ENABLED' | 'LEGACY' | undefined;
  /** Lifetime of challenge state, 3–15 minutes (default 3). */
  readonly authSessionValidityMinutes?: number | undefined;
  /** Origins allowed by CORS on the Cognito endpoints; `*` matches a port. Default localhost and 127.0.0.1 on any port. */
  readonly allowedOrigins?: readonly string[] | undefined;
}

const topLevelKeys = [
  'passwordPolicy',
  'tokenLifetimes',
  'refreshTokenRotation',
  'allowGuestAccess',
  'allowUserPasswordAuth',
  'preventUserExistenceErrors',
  'authSessionValidityMinutes',
  'allowedOrigins',
] as const;

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'string' ? `the string ${JSON.stringify(value)}` : `${typeof value}`;
}

function object(value: unknown, field: string, keys: readonly string[]): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new ConfigError(field, `must be an object, not ${describe(value)}.`);
  }
  const raw = value as Record<string, unknown>;
  for (const key of Object.keys(raw)) {
    if (!keys.includes(key)) {
      throw new ConfigError(`${field}.${key}`, `is not a known field; expected one of ${keys.join(', ')}.`);
    }
  }
  return raw;
}

function boolean(value: unknown, field: string): boolean {
  if (typeof value !== 'boolean')
    throw new ConfigError(field, `must be true or false, not ${describe(value)}.`);
  return value;
}

function integer(value: unknown, field: string, min: number, max: number): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw new ConfigError(field, `must be an integer from ${min} to ${max}.`);
  }
  return value;
}

/** Validates the `identity` config object; `undefined` gives all defaults. */
export function parseIdentityConfig(value: unknown, field = 'identity'): IdentityConfig {
  if (value === undefined) return {};
  const raw = object(value, field, topLevelKeys);
  const config: {
    -readonly [K in keyof IdentityConfig]: IdentityConfig[K];
  } = {};
  if (raw['passwordPolicy'] !== undefined) {
    const at = `${field}.passwordPolicy`;
    const policy = object(raw['passwordPolicy'], at, [
      'minimumLength',
      'requireUppercase',
      'requireLowercase',
      'requireNumbers',
      'requireSymbols',
    ]);
    config.passwordPolicy = {
      minimumLength:
        policy['minimumLength'] === undefined
          ? 8
          : integer(policy['minimumLength'], `${at}.minimumLength`, 6, 99),
      requireUppercase: optionalBoolean(policy['requireUppercase'], `${at}.requireUppercase`, true),
      requireLowercase: optionalBoolean(policy['requireLowercase'], `${at}.requireLowercase`, true),
      requireNumbers: optionalBoolean(policy['requireNumbers'], `${at}.requireNumbers`, true),
      requireSymbols: optionalBoolean(policy['requireSymbols'], `${at}.requireSymbols`, true),
    };
  }
  if (raw['tokenLifetimes'] !== undefined) {
    const at = `${field}.tokenLifetimes`;
    const lifetimes = object(raw['tokenLifetimes'], at, [
      'accessTokenSeconds',
      'idTokenSeconds',
      'refreshTokenSeconds',
    ]);
    const seconds = (name: string, min: number, max: number) =>
      lifetimes[name] === undefined ? undefined : integer(lifetimes[name], `${at}.${name}`, min, max);
    config.tokenLifetimes = {
      accessTokenSeconds: seconds('accessTokenSeconds', 300, 86_400),
      idTokenSeconds: seconds('idTokenSeconds', 300, 86_400),
      refreshTokenSeconds: seconds('refreshTokenSeconds', 3600, 315_360_000),
    };
  }
  if (raw['refreshTokenRotation'] !== undefined) {
    const at = `${field}.refreshTokenRotation`;
    const rotation = object(raw['refreshTokenRotation'], at, ['enabled', 'retryGracePeriodSeconds']);
    config.refreshTokenRotation = {
      enabled: boolean(rotation['enabled'], `${at}.enabled`),
      retryGracePeriodSeconds:
        rotation['retryGracePeriodSeconds'] === undefined
          ? undefined
          : integer(rotation['retryGracePeriodSeconds'], `${at}.retryGracePeriodSeconds`, 0, 60),
    };
  }
  if (raw['allowGuestAccess'] !== undefined) {
    config.allowGuestAccess = boolean(raw['allowGuestAccess'], `${field}.allowGuestAccess`);
  }
  if (raw['allowUserPasswordAuth'] !== undefined) {
    config.allowUserPasswordAuth = boolean(raw['allowUserPasswordAuth'], `${field}.allowUserPasswordAuth`);
  }
  if (raw['preventUserExistenceErrors'] !== undefined) {
    const mode = raw['preventUserExistenceErrors'];
    if (mode !== 'ENABLED' && mode !== 'LEGACY') {
      throw new ConfigError(`${field}.preventUserExistenceErrors`, 'must be "ENABLED" or "LEGACY".');
    }
    config.preventUserExistenceErrors = mode;
  }
  if (raw['authSessionValidityMinutes'] !== undefined) {
    config.authSessionValidityMinutes = integer(
      raw['authSessionValidityMinutes'],
      `${field}.authSessionValidityMinutes`,
      3,
      15,
    );
  }
  if (raw['allowedOrigins'] !== undefined) {
    const origins = raw['allowedOrigins'];
    if (!Array.isArray(origins)) {
      throw new ConfigError(
        `${field}.allowedOrigins`,
        `must be an array of origins, not ${describe(origins)}.`,
      );
    }
    config.allowedOrigins = origins.map((origin: unknown, index) => {
      if (typeof origin !== 'string' || !/^(\*|https?:\/\/[^/\s]+)$/.test(origin)) {
        throw new ConfigError(
          `${field}.allowedOrigins[${index}]`,
          'must be "*" or an origin such as "http://localhost:*" or "https://app.example.com".',
        );
      }
      return origin;
    });
  }
  return config;
}

function optionalBoolean(value: unknown, field: string, fallback: boolean): boolean {
  return value === undefined ? fallback : boolean(value, field);
}
