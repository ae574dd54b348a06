/** appsync-auth.md §2 as a decision table over stub providers (no verification happens here). */
import { describe, expect, it } from 'vitest';
import { isGatehouseError, type AuthMode, type AuthProvider, type ErrorCode } from '@gatehouse/core';
import { selectProvider, type ProviderSet } from './select-provider.js';

const poolIssuer = 'https://cognito-idp.us-east-1.amazonaws.com/us-east-1_Pool';
const oidcIssuer = 'https://idp.example.com';

function stub(mode: AuthMode, providerId: string = mode): AuthProvider {
  return {
    mode,
    providerId,
    authenticate: () => Promise.reject(new Error('Selection must not verify.')),
  };
}

type Enabled = 'key' | 'iam' | 'lambda' | 'pool' | 'oidc';

function providers(...enabled: Enabled[]): ProviderSet {
  const jwtByIssuer = new Map<string, AuthProvider>();
  if (enabled.includes('pool')) jwtByIssuer.set(poolIssuer, stub('AMAZON_COGNITO_USER_POOLS', poolIssuer));
  if (enabled.includes('oidc')) jwtByIssuer.set(oidcIssuer, stub('OPENID_CONNECT', oidcIssuer));
  return {
    apiKey: enabled.includes('key') ? stub('API_KEY') : undefined,
    iam: enabled.includes('iam') ? stub('AWS_IAM') : undefined,
    lambda: enabled.includes('lambda') ? stub('AWS_LAMBDA') : undefined,
    jwtByIssuer,
  };
}

const b64 = (value: unknown): string => Buffer.from(JSON.stringify(value)).toString('base64url');
const jwt = (
  payload: Record<string, unknown>,
  header: Record<string, unknown> = { alg: 'RS256', kid: 'k' },
): string => `${b64(header)}.${b64(payload)}.c2lnbmF0dXJl`;
const poolJWT = jwt({ iss: poolIssuer });
const oidcJWT = jwt({ iss: oidcIssuer });
const sigV4 =
  'AWS4-HMAC-SHA256 Credential=AKID/20260301/us-east-1/appsync/aws4_request, SignedHeaders=host;x-amz-date, Signature=00';
const all: Enabled[] = ['key', 'iam', 'lambda', 'pool', 'oidc'];

const E1: ErrorCode = 'ERR_AUTH_NO_CREDENTIAL';
const E2: ErrorCode = 'ERR_AUTH_JWT_UNPARSEABLE';
const E3: ErrorCode = 'ERR_AUTH_JWT_INVALID';

const table: readonly [string, Enabled[], Record<string, string>, string][] = [
  ['x-api-key before Authorization', all, { 'x-api-key': 'da2-x', authorization: poolJWT }, 'API_KEY'],
  ['x-api-key before SigV4', all, { 'x-api-key': 'da2-x', authorization: sigV4 }, 'API_KEY'],
  [
    'x-api-key ignored with API_KEY disabled',
    ['lambda'],
    { 'x-api-key': 'da2-x', authorization: 'opaque' },
    'AWS_LAMBDA',
  ],
  ['x-api-key alone with API_KEY disabled', ['pool', 'lambda'], { 'x-api-key': 'da2-x' }, E1],
  ['empty x-api-key', all, { 'x-api-key': '', authorization: poolJWT }, poolIssuer],
  ['empty Authorization', all, { authorization: '' }, E1],
  ['nothing', all, {}, E1],
  ['SigV4 → IAM', all, { authorization: sigV4 }, 'AWS_IAM'],
  ['SigV4 → Lambda without IAM', ['key', 'lambda', 'pool'], { authorization: sigV4 }, 'AWS_LAMBDA'],
  ['SigV4 → E2 with only JWT modes', ['key', 'pool'], { authorization: sigV4 }, E2],
  ['SigV4 → E1 with no JWT mode', ['key'], { authorization: sigV4 }, E1],
  ['SigV4 prefix needs its space', ['iam', 'lambda'], { authorization: 'AWS4-HMAC-SHA256' }, 'AWS_LAMBDA'],
  ['pool JWT → pool despite Lambda', all, { authorization: poolJWT }, poolIssuer],
  ['OIDC JWT → OIDC despite Lambda', all, { authorization: oidcJWT }, oidcIssuer],
  ['Bearer pool JWT', all, { authorization: `Bearer ${poolJWT}` }, poolIssuer],
  ['bearer (any case) OIDC JWT', all, { authorization: `BEARER ${oidcJWT}` }, oidcIssuer],
  ['only one Bearer is stripped', ['pool'], { authorization: `Bearer Bearer ${poolJWT}` }, E2],
  ['unknown issuer → Lambda', all, { authorization: jwt({ iss: 'https://evil' }) }, 'AWS_LAMBDA'],
  [
    'issuer with trailing slash → Lambda',
    all,
    { authorization: jwt({ iss: `${poolIssuer}/` }) },
    'AWS_LAMBDA',
  ],
  [
    'unknown issuer without Lambda → E3',
    ['pool', 'oidc'],
    { authorization: jwt({ iss: 'https://evil' }) },
    E3,
  ],
  ['no iss without Lambda → E3', ['pool'], { authorization: jwt({ sub: 'x' }) }, E3],
  [
    'header without alg is not a JWT → E2',
    ['pool'],
    { authorization: jwt({ iss: poolIssuer }, { kid: 'k' }) },
    E2,
  ],
  ['opaque → Lambda', all, { authorization: 'opaque-token' }, 'AWS_LAMBDA'],
  ['opaque → E2 without Lambda', ['key', 'pool'], { authorization: 'opaque-token' }, E2],
  ['opaque → E1 without Lambda or JWT modes', ['key', 'iam'], { authorization: 'opaque-token' }, E1],
  ['pool JWT → E3 when only OIDC is configured', ['oidc'], { authorization: poolJWT }, E3],
];

describe('selectProvider (appsync-auth.md §2)', () => {
  it.each(table)('%s', (_name, enabled, headers, expected) => {
    const selected = selectProvider(headers, providers(...enabled));
    if (isGatehouseError(selected)) expect(selected.code).toBe(expected);
    else expect(selected.providerId).toBe(expected);
  });
});

describe('selectProvider: remembered token shapes', () => {
  it('routes a repeated token the same way under each provider set', () => {
    const token = jwt({ iss: poolIssuer, n: 'repeat' });
    const withPool = providers('pool', 'lambda');
    const withoutPool = providers('lambda');
    for (let i = 0; i < 3; i += 1) {
      const chosen = selectProvider({ authorization: token }, withPool);
      expect(isGatehouseError(chosen) ? chosen.code : chosen.providerId).toBe(poolIssuer);
      const fallback = selectProvider({ authorization: token }, withoutPool);
      expect(isGatehouseError(fallback) ? fallback.code : fallback.providerId).toBe('AWS_LAMBDA');
    }
  });

  it('routes a token that differs in one byte by its own shape', () => {
    const pool = selectProvider({ authorization: jwt({ iss: poolIssuer }) }, providers('pool', 'oidc'));
    const oidc = selectProvider({ authorization: jwt({ iss: oidcIssuer }) }, providers('pool', 'oidc'));
    expect(isGatehouseError(pool) ? pool.code : pool.providerId).toBe(poolIssuer);
    expect(isGatehouseError(oidc) ? oidc.code : oidc.providerId).toBe(oidcIssuer);
  });
});
