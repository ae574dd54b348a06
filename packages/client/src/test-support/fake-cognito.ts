/**
 * A fake of the Cognito JSON 1.1 HTTP layer for unit tests, backed by the real in-process user
 * and identity pools (tokens are real). Its SRP side is written from identity.md §3 with the
 * client's own math helpers, so it checks the wire format, not the math (the vectors do that).
 */
import { hmacSha256, sha256 } from '@gatehouse/core';
import type { OpenedIdentity } from '@gatehouse/identity';
import { base64ToBytes, bytesToBase64 } from '../jwt.js';
import { bytesToBigInt, hexToBytes, modPow, padHex, srpG, srpK, srpN, srpX } from '../auth/srp.js';

export interface FakeCognitoCall {
  readonly target: string;
  readonly body: Record<string, unknown>;
}

interface Pending {
  username: string;
  A: bigint;
  b: bigint;
  B: bigint;
  salt: bigint;
  v: bigint;
}

function json(status: number, body: unknown, errorType?: string): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: {
      'content-type': 'application/x-amz-json-1.1',
      ...(errorType ? { 'x-amzn-errortype': errorType } : {}),
    },
  });
}

const utf8 = new TextEncoder();

export function createFakeCognito(identity: OpenedIdentity, passwords: Record<string, string>) {
  const calls: FakeCognitoCall[] = [];
  const pending = new Map<string, Pending>();
  const poolName = identity.settings.userPoolId.split('_')[1]!;
  const random = (n: number) => globalThis.crypto.getRandomValues(new Uint8Array(n));
  const tokensResult = async (username: string) => {
    const tokens = await identity.userPool.issueTokens(username);
    return {
      ChallengeParameters: {},
      AuthenticationResult: {
        AccessToken: tokens.accessToken,
        IdToken: tokens.idToken,
        RefreshToken: tokens.refreshToken,
        ExpiresIn: tokens.expiresIn,
        TokenType: 'Bearer',
      },
    };
  };
  const notAuthorized = () =>
    json(
      400,
      { __type: 'NotAuthorizedException', message: 'Incorrect username or password.' },
      'NotAuthorizedException',
    );

  const handle = async (target: string, body: Record<string, unknown>): Promise<Response> => {
    const params = (body.AuthParameters ?? {}) as Record<string, string>;
    switch (target) {
      case 'AWSCognitoIdentityProviderService.InitiateAuth': {
        if (body.AuthFlow === 'USER_PASSWORD_AUTH') {
          if (passwords[params.USERNAME!] !== params.PASSWORD) return notAuthorized();
          return json(200, await tokensResult(params.USERNAME!));
        }
        if (body.AuthFlow === 'REFRESH_TOKEN_AUTH') {
          try {
            const refreshed = await identity.userPool.refresh(params.REFRESH_TOKEN!);
            return json(200, {
              ChallengeParameters: {},
              AuthenticationResult: {
                AccessToken: refreshed.accessToken,
                IdToken: refreshed.idToken,
                ExpiresIn: refreshed.expiresIn,
              },
            });
          } catch {
            return json(
              400,
              { __type: 'NotAuthorizedException', message: 'Invalid Refresh Token' },
              'NotAuthorizedException',
            );
          }
        }
        // USER_SRP_AUTH, step A.
        const username = params.USERNAME!;
        const password = passwords[username];
        if (password === undefined) return notAuthorized();
        const salt = bytesToBigInt(random(16));
        const v = modPow(srpG, srpX(salt, poolName, username, password), srpN);
        const b = bytesToBigInt(random(32));
        const B = (srpK * v + modPow(srpG, b, srpN)) % srpN;
        const handleBytes = random(32);
        const secretBlock = bytesToBase64(handleBytes);
        pending.set(secretBlock, { username, A: BigInt('0x' + params.SRP_A!), b, B, salt, v });
        return json(200, {
          ChallengeName: 'PASSWORD_VERIFIER',
          ChallengeParameters: {
            SALT: padHex(salt),
            SECRET_BLOCK: secretBlock,
            SRP_B: B.toString(16),
            USERNAME: username,
            USER_ID_FOR_SRP: username,
          },
        });
      }
      case 'AWSCognitoIdentityProviderService.RespondToAuthChallenge': {
        const responses = (body.ChallengeResponses ?? {}) as Record<string, string>;
        const state = pending.get(responses.PASSWORD_CLAIM_SECRET_BLOCK!);
        pending.delete(responses.PASSWORD_CLAIM_SECRET_BLOCK!);
        if (state === undefined || responses.USERNAME !== state.username) return notAuthorized();
        const pad = (n: bigint) => hexToBytes(padHex(n));
        const u = bytesToBigInt(sha256(concat(pad(state.A), pad(state.B))));
        const S = modPow((state.A * modPow(state.v, u, srpN)) % srpN, state.b, srpN);
        const prk = hmacSha256(pad(u), pad(S));
        const key = hmacSha256(prk, concat(utf8.encode('Caldera Derived Key'), new Uint8Array([1]))).slice(
          0,
          16,
        );
        const expected = hmacSha256(
          key,
          concat(
            utf8.encode(poolName),
            utf8.encode(state.username),
            base64ToBytes(responses.PASSWORD_CLAIM_SECRET_BLOCK!),
            utf8.encode(responses.TIMESTAMP),
          ),
        );
        if (bytesToBase64(expected) !== responses.PASSWORD_CLAIM_SIGNATURE) return notAuthorized();
        if (
          !/^[A-Z][a-z]{2} [A-Z][a-z]{2} [1-9]\d? \d{2}:\d{2}:\d{2} UTC \d{4}$/.test(responses.TIMESTAMP!)
        ) {
          return notAuthorized();
        }
        return json(200, await tokensResult(state.username));
      }
      case 'AWSCognitoIdentityProviderService.RevokeToken':
        await identity.userPool.revokeRefreshToken(String(body.Token));
        return json(200, {});
      case 'AWSCognitoIdentityProviderService.GlobalSignOut': {
        const claims = await identity.userPool.verifyAccessToken(String(body.AccessToken));
        await identity.userPool.globalSignOut(String(claims.username));
        return json(200, {});
      }
      case 'AWSCognitoIdentityService.GetId': {
        const { identityId } = await identity.identityPool.getId({
          identityPoolId: String(body.IdentityPoolId),
          logins: body.Logins as Record<string, string> | undefined,
        });
        return json(200, { IdentityId: identityId });
      }
      case 'AWSCognitoIdentityService.GetCredentialsForIdentity': {
        const got = await identity.identityPool.getCredentialsForIdentity({
          identityId: String(body.IdentityId),
          logins: body.Logins as Record<string, string> | undefined,
        });
        return json(200, {
          IdentityId: got.identityId,
          Credentials: {
            AccessKeyId: got.credentials.accessKeyId,
            SecretKey: got.credentials.secretKey,
            SessionToken: got.credentials.sessionToken,
            Expiration: got.credentials.expiration,
          },
        });
      }
      default:
        return json(400, { __type: 'UnknownOperationException' }, 'UnknownOperationException');
    }
  };

  const fakeFetch = (async (_input: string | URL | Request, init?: RequestInit) => {
    const target = new Headers(init?.headers).get('x-amz-target') ?? '';
    const body = JSON.parse(typeof init?.body === 'string' ? init.body : '{}') as Record<string, unknown>;
    calls.push({ target, body });
    try {
      return await handle(target, body);
    } catch (error) {
      const name = error instanceof Error ? error.name : 'InternalErrorException';
      return json(400, { __type: name, message: error instanceof Error ? error.message : '' }, name);
    }
  }) as typeof fetch;
  return { fetch: fakeFetch, calls };
}

function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((sum, part) => sum + part.length, 0));
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}
