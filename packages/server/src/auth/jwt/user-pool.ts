/**
 * The AMAZON_COGNITO_USER_POOLS mode (appsync-auth.md §3.2): verifies the `Authorization` JWT of
 * one user pool and builds AppSync's user-pool identity.
 */
import { authError } from '@gatehouse/core';
import type { AuthProvider, Clock, JWKSource, Logger, Principal, UserPoolIdentity } from '@gatehouse/core';
import { stripBearer } from './jwt-shape.js';
import { compileAnchoredPattern, createJWTVerifier } from './verify-jwt.js';

export interface UserPoolProviderOptions {
  userPoolId: string;
  /** Resolved: the config `issuer`, or `https://cognito-idp.<awsRegion>.amazonaws.com/<userPoolId>`. */
  issuer: string;
  /** Must match the token's client id entirely; no client filter when absent. */
  appIdClientRegex?: string;
  /** The pool's `defaultAction`; `DENY` for additional pools. */
  defaultAction: 'ALLOW' | 'DENY';
  keys: JWKSource;
  now: Clock;
  /** 0–300, default 60. */
  clockToleranceSeconds?: number;
  logger?: Logger;
}

/** What a verified token says, the same for every request that presents it. */
interface TokenFacts {
  readonly principal: Principal;
  readonly sub: string;
  readonly username: string;
  readonly claims: UserPoolIdentity['claims'];
  readonly groups: UserPoolIdentity['groups'];
}

/** User pools sign with RS256 only (§3.2 step 2). */
const userPoolAlgorithms = ['RS256'] as const;

function isStringArray(value: unknown): value is string[] {
  return Array.isArray(value) && value.every((entry) => typeof entry === 'string');
}

export function createUserPoolProvider(options: UserPoolProviderOptions): AuthProvider {
  const { issuer, defaultAction } = options;
  if (typeof options.userPoolId !== 'string' || options.userPoolId === '') {
    throw new TypeError('"userPoolId" must be a non-empty string.');
  }
  if (typeof issuer !== 'string' || issuer === '')
    throw new TypeError('"issuer" must be a non-empty string.');
  if (defaultAction !== 'ALLOW' && defaultAction !== 'DENY')
    throw new TypeError('"defaultAction" must be "ALLOW" or "DENY".');
  const clientPattern =
    options.appIdClientRegex === undefined
      ? undefined
      : compileAnchoredPattern(options.appIdClientRegex, 'appIdClientRegex');
  const verifier = createJWTVerifier({
    issuer,
    keys: options.keys,
    algorithms: userPoolAlgorithms,
    now: options.now,
    ...(options.clockToleranceSeconds === undefined
      ? {}
      : { clockToleranceSeconds: options.clockToleranceSeconds }),
    ...(options.logger === undefined ? {} : { logger: options.logger }),
  });

  /**
   * Steps 7–8 and the identity, which depend on the verified claims alone: worked out once per
   * verified token (its claims object is shared by every request presenting it) and remembered
   * for as long as that object lives. Failures are not remembered.
   */
  const facts = new WeakMap<object, TokenFacts>();
  function tokenFacts(claims: Readonly<Record<string, unknown>>): TokenFacts {
    const known = facts.get(claims);
    if (known !== undefined) return known;
    // Step 7: both token kinds are accepted.
    const tokenUse = claims['token_use'];
    if (tokenUse !== 'id' && tokenUse !== 'access') {
      throw authError('ERR_AUTH_JWT_INVALID', 'The JWT "token_use" is neither "id" nor "access".');
    }

    // Step 8: the client id, matched entirely.
    if (clientPattern !== undefined) {
      const clientId = tokenUse === 'id' ? claims['aud'] : claims['client_id'];
      if (typeof clientId !== 'string' || !clientPattern.test(clientId)) {
        throw authError('ERR_AUTH_CLIENT_MISMATCH', 'The JWT client id does not match "appIdClientRegex".');
      }
    }

    const sub = claims['sub'];
    const username = tokenUse === 'id' ? claims['cognito:username'] : claims['username'];
    if (typeof sub !== 'string' || typeof username !== 'string') {
      throw authError('ERR_AUTH_JWT_INVALID', 'The JWT has no string "sub" or username claim.');
    }
    const rawGroups = claims['cognito:groups'];
    if (rawGroups !== undefined && !isStringArray(rawGroups)) {
      throw authError('ERR_AUTH_JWT_INVALID', 'The JWT "cognito:groups" claim is not a list of strings.');
    }
    const groups = rawGroups === undefined ? null : Object.freeze([...rawGroups]);
    const found: TokenFacts = Object.freeze({
      principal: Object.freeze({
        mode: 'AMAZON_COGNITO_USER_POOLS',
        providerId: issuer,
        groups: groups ?? Object.freeze([]),
      }),
      sub,
      username,
      claims,
      groups,
    });
    facts.set(claims, found);
    return found;
  }

  return {
    mode: 'AMAZON_COGNITO_USER_POOLS',
    providerId: issuer,
    async authenticate(request) {
      const header = request.headers['authorization'];
      if (header === undefined || header === '') throw authError('ERR_AUTH_NO_CREDENTIAL');
      // Steps 1–6: shape, alg, key, signature, iss, time.
      const { payload: claims } = await verifier.verify(stripBearer(header));

      const { principal, sub, username, groups } = tokenFacts(claims);
      const identity: UserPoolIdentity = {
        sub,
        issuer,
        username,
        claims,
        sourceIp: [...request.sourceIp],
        defaultAuthStrategy: defaultAction,
        groups,
      };
      return { kind: 'authenticated', principal, identity };
    },
  };
}
