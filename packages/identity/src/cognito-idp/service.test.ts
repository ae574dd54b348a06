import { describe, expect, it } from 'vitest';
import { signRequest } from '@gatehouse/core';
import type { DocumentStore } from '@gatehouse/core';
import type { IdentityConfig } from '../identity-config.js';
import { createTestUserPool, strongPassword } from '../test-support/fixtures.js';
import { createSRPClient, srpTimestamp } from '../test-support/srp-client.js';
import type { AdminAccessKey } from './admin-auth.js';
import { createUserPoolService, type CodeDeliveryEvent, type UserPoolServiceOptions } from './service.js';

const clientId = 'testclient0000000000000000';
const poolId = 'us-east-1_Gatehouse1';
const poolName = 'Gatehouse1';
const adminKey: AdminAccessKey = {
  accessKeyId: 'AKIAADMIN0000000TEST',
  secretAccessKey: 'admin-secret-for-tests-only-0000000000000',
  userArn: 'arn:aws:iam::123456789012:user/admin',
  admin: true,
};
const plainKey: AdminAccessKey = {
  accessKeyId: 'AKIAPLAIN0000000TEST',
  secretAccessKey: 'plain-secret-for-tests-only-0000000000000',
  userArn: 'arn:aws:iam::123456789012:user/dev',
};

interface Reply {
  status: number;
  headers: Record<string, string>;
  body: Record<string, unknown>;
  raw: string;
}

async function setup(
  options: { config?: IdentityConfig; rateLimit?: UserPoolServiceOptions['rateLimit'] } = {},
) {
  const { pool, store, installKey, clock } = await createTestUserPool({
    refreshTokenRotation: options.config?.refreshTokenRotation,
  });
  const delivered: CodeDeliveryEvent[] = [];
  const service = await createUserPoolService({
    userPool: pool,
    store,
    installKey,
    region: 'us-east-1',
    accountId: '123456789012',
    config: options.config,
    accessKeys: [adminKey, plainKey],
    onCode: (event) => {
      delivered.push(event);
    },
    rateLimit: options.rateLimit ?? false,
    now: clock.now,
  });

  async function send(
    operation: string,
    body: unknown,
    extra: { headers?: Record<string, string>; sourceIp?: string[]; rawBody?: string } = {},
  ): Promise<Reply> {
    const response = await service.handle({
      method: 'POST',
      path: '/cognito-idp',
      headers: {
        'content-type': 'application/x-amz-json-1.1',
        'x-amz-target': `AWSCognitoIdentityProviderService.${operation}`,
        ...extra.headers,
      },
      body: new TextEncoder().encode(extra.rawBody ?? JSON.stringify(body)),
      sourceIp: extra.sourceIp ?? ['127.0.0.1'],
      requestId: 'request-1',
    });
    return {
      status: response.status,
      headers: { ...response.headers },
      body: response.body === '' ? {} : (JSON.parse(response.body) as Record<string, unknown>),
      raw: response.body,
    };
  }

  async function admin(
    operation: string,
    body: Record<string, unknown>,
    key: AdminAccessKey = adminKey,
    tweak: { service?: string; region?: string; date?: Date } = {},
  ) {
    const text = JSON.stringify(body);
    const headers = {
      host: '127.0.0.1:4000',
      'content-type': 'application/x-amz-json-1.1',
      'x-amz-target': `AWSCognitoIdentityProviderService.${operation}`,
    };
    const signed = signRequest({
      method: 'POST',
      path: '/cognito-idp',
      headers,
      body: text,
      region: tweak.region ?? 'us-east-1',
      service: tweak.service ?? 'cognito-idp',
      credentials: key,
      date: tweak.date ?? new Date(clock.now()),
    });
    return send(operation, body, { headers: { ...headers, ...signed } });
  }

  async function signUp(username: string, email = `${username}@example.com`) {
    const reply = await send('SignUp', {
      ClientId: clientId,
      Username: username,
      Password: strongPassword,
      UserAttributes: [{ Name: 'email', Value: email }],
    });
    expect(reply.status).toBe(200);
    return reply;
  }

  function lastCode(username: string, purpose = 'SignUp'): string {
    const event = delivered
      .filter((entry) => entry.username === username && entry.purpose === purpose)
      .at(-1);
    if (!event) throw new Error('no code delivered');
    return event.code;
  }

  async function signUpConfirmed(username: string) {
    await signUp(username);
    const reply = await send('ConfirmSignUp', {
      ClientId: clientId,
      Username: username,
      ConfirmationCode: lastCode(username),
    });
    expect(reply.status).toBe(200);
  }

  async function srpChallenge(username: string, client = createSRPClient()) {
    const reply = await send('InitiateAuth', {
      ClientId: clientId,
      AuthFlow: 'USER_SRP_AUTH',
      AuthParameters: { USERNAME: username, SRP_A: client.A },
    });
    return { reply, client };
  }

  async function srpSignIn(
    username: string,
    password = strongPassword,
    timestamp = srpTimestamp(clock.now()),
  ) {
    const { reply, client } = await srpChallenge(username);
    if (reply.status !== 200) return reply;
    const challenge = reply.body['ChallengeParameters'] as Record<string, string>;
    return send('RespondToAuthChallenge', {
      ClientId: clientId,
      ChallengeName: 'PASSWORD_VERIFIER',
      ChallengeResponses: {
        USERNAME: challenge['USER_ID_FOR_SRP'],
        PASSWORD_CLAIM_SECRET_BLOCK: challenge['SECRET_BLOCK'],
        TIMESTAMP: timestamp,
        PASSWORD_CLAIM_SIGNATURE: client.sign({ poolName, password, challenge, timestamp }),
      },
    });
  }

  return {
    pool,
    store,
    clock,
    service,
    delivered,
    send,
    admin,
    signUp,
    signUpConfirmed,
    lastCode,
    srpChallenge,
    srpSignIn,
  };
}

function expectError(reply: Reply, type: string, message?: string) {
  expect(reply.status).toBe(type === 'InternalErrorException' ? 500 : 400);
  expect(reply.body['__type']).toBe(type);
  expect(reply.headers['x-amzn-errortype']).toBe(`${type}:`);
  expect(reply.headers['x-amzn-requestid']).toBe('request-1');
  if (message !== undefined) {
    expect(reply.body['message']).toBe(message);
    expect(reply.headers['x-amzn-errormessage']).toBe(message);
  }
}

function result(reply: Reply) {
  expect(reply.status).toBe(200);
  return reply.body['AuthenticationResult'] as Record<string, string | number>;
}

function claims(token: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8')) as Record<
    string,
    unknown
  >;
}

describe('sign-up and confirmation', () => {
  it('signs up, refuses a wrong code, confirms, and signs in by SRP', async () => {
    const t = await setup();
    const reply = await t.signUp('alice');
    expect(reply.body).toMatchObject({
      UserConfirmed: false,
      CodeDeliveryDetails: { Destination: 'a***@e***', DeliveryMedium: 'EMAIL', AttributeName: 'email' },
    });
    expect(reply.body['UserSub']).toMatch(/^[0-9a-f-]{36}$/);
    expect(reply.headers['content-type']).toBe('application/x-amz-json-1.1');
    const code = t.lastCode('alice');
    expect(code).toMatch(/^\d{6}$/);
    expect(reply.raw).not.toContain(code);

    expectError(await t.srpSignIn('alice'), 'UserNotConfirmedException', 'User is not confirmed.');

    const wrong = code === '000000' ? '111111' : '000000';
    expectError(
      await t.send('ConfirmSignUp', { ClientId: clientId, Username: 'alice', ConfirmationCode: wrong }),
      'CodeMismatchException',
      'Invalid verification code provided, please try again.',
    );
    expect(
      (await t.send('ConfirmSignUp', { ClientId: clientId, Username: 'ALICE', ConfirmationCode: code })).body,
    ).toEqual({});
    expectError(
      await t.send('ConfirmSignUp', { ClientId: clientId, Username: 'alice', ConfirmationCode: code }),
      'NotAuthorizedException',
      'User cannot be confirmed. Current status is CONFIRMED',
    );
    expect(await t.pool.listCodes('alice')).toMatchObject([{ purpose: 'SignUp', code, used: true }]);

    const tokens = result(await t.srpSignIn('alice'));
    expect(tokens).toMatchObject({ ExpiresIn: 3600, TokenType: 'Bearer' });
    expect(Object.keys(tokens)).toEqual(['AccessToken', 'ExpiresIn', 'TokenType', 'IdToken', 'RefreshToken']);
    const user = await t.send('GetUser', { AccessToken: tokens['AccessToken'] });
    expect(user.body['Username']).toBe('alice');
    expect(user.body['UserAttributes']).toEqual(
      expect.arrayContaining([
        { Name: 'email', Value: 'alice@example.com' },
        { Name: 'email_verified', Value: 'true' },
        { Name: 'sub', Value: reply.body['UserSub'] },
      ]),
    );
  });

  it('refuses a taken username, a weak password and self-verified attributes', async () => {
    const t = await setup();
    await t.signUp('alice');
    expectError(
      await t.send('SignUp', { ClientId: clientId, Username: 'Alice', Password: strongPassword }),
      'UsernameExistsException',
      'User already exists',
    );
    expectError(
      await t.send('SignUp', { ClientId: clientId, Username: 'bob', Password: 'short' }),
      'InvalidPasswordException',
      'Password did not conform with policy: Password not long enough',
    );
    expectError(
      await t.send('SignUp', {
        ClientId: clientId,
        Username: 'bob',
        Password: strongPassword,
        UserAttributes: [{ Name: 'email_verified', Value: 'true' }],
      }),
      'NotAuthorizedException',
    );
    expectError(
      await t.send('SignUp', { ClientId: 'otherclient', Username: 'bob', Password: strongPassword }),
      'ResourceNotFoundException',
    );
  });

  it('applies the configured password policy', async () => {
    const t = await setup({
      config: {
        passwordPolicy: {
          minimumLength: 20,
          requireUppercase: false,
          requireLowercase: true,
          requireNumbers: false,
          requireSymbols: false,
        },
      },
    });
    // The policy is the pool's; this pool was built with the default one, so check the pool option path too.
    expect(t.pool.passwordPolicy.minimumLength).toBe(8);
    const { pool } = await createTestUserPool({
      passwordPolicy: {
        minimumLength: 20,
        requireUppercase: false,
        requireLowercase: true,
        requireNumbers: false,
        requireSymbols: false,
      },
    });
    await expect(pool.createUser('x', { password: strongPassword })).rejects.toThrow(
      'Password not long enough',
    );
    await pool.createUser('y', { password: 'all lowercase words here' });
  });

  it('resends a code that replaces the previous one, and hides unknown users', async () => {
    const t = await setup();
    await t.signUp('alice');
    const first = t.lastCode('alice');
    const resent = await t.send('ResendConfirmationCode', { ClientId: clientId, Username: 'alice' });
    expect(resent.body['CodeDeliveryDetails']).toMatchObject({ DeliveryMedium: 'EMAIL' });
    const second = t.lastCode('alice');
    if (first !== second) {
      expectError(
        await t.send('ConfirmSignUp', { ClientId: clientId, Username: 'alice', ConfirmationCode: first }),
        'CodeMismatchException',
      );
    }
    expect(
      (await t.send('ConfirmSignUp', { ClientId: clientId, Username: 'alice', ConfirmationCode: second }))
        .status,
    ).toBe(200);
    expectError(
      await t.send('ResendConfirmationCode', { ClientId: clientId, Username: 'alice' }),
      'InvalidParameterException',
      'User is already confirmed.',
    );
    const unknown = await t.send('ResendConfirmationCode', { ClientId: clientId, Username: 'nobody' });
    expect(unknown.status).toBe(200);
    expect(t.delivered.some((event) => event.username === 'nobody')).toBe(false);
    expectError(
      await t.send('ConfirmSignUp', { ClientId: clientId, Username: 'nobody', ConfirmationCode: '123456' }),
      'CodeMismatchException',
    );
    expectError(
      await t.send('ConfirmForgotPassword', {
        ClientId: clientId,
        Username: 'nobody',
        ConfirmationCode: '123456',
        Password: 'Another-Pass1',
      }),
      'CodeMismatchException',
      'Invalid verification code provided, please try again.',
    );
  });

  it('expires sign-up codes after 24 hours and kills a code after 5 wrong answers', async () => {
    const t = await setup();
    await t.signUp('alice');
    t.clock.advanceSeconds(24 * 3600);
    expectError(
      await t.send('ConfirmSignUp', {
        ClientId: clientId,
        Username: 'alice',
        ConfirmationCode: t.lastCode('alice'),
      }),
      'ExpiredCodeException',
      'Invalid code provided, please request a code again.',
    );
    await t.send('ResendConfirmationCode', { ClientId: clientId, Username: 'alice' });
    const code = t.lastCode('alice');
    const wrong = code === '000000' ? '111111' : '000000';
    for (let attempt = 0; attempt < 5; attempt += 1) {
      expectError(
        await t.send('ConfirmSignUp', { ClientId: clientId, Username: 'alice', ConfirmationCode: wrong }),
        'CodeMismatchException',
      );
    }
    expectError(
      await t.send('ConfirmSignUp', { ClientId: clientId, Username: 'alice', ConfirmationCode: code }),
      'LimitExceededException',
      'Attempt limit exceeded, please try after some time.',
    );
  });
});

describe('SRP sign-in', () => {
  it('answers a wrong password exactly as an unknown user, with a stable decoy salt', async () => {
    const t = await setup();
    await t.signUpConfirmed('alice');
    expectError(
      await t.srpSignIn('alice', 'Wrong-Password-1'),
      'NotAuthorizedException',
      'Incorrect username or password.',
    );
    expectError(await t.srpSignIn('nobody'), 'NotAuthorizedException', 'Incorrect username or password.');
    const first = (await t.srpChallenge('nobody')).reply.body['ChallengeParameters'] as Record<
      string,
      string
    >;
    const second = (await t.srpChallenge('nobody')).reply.body['ChallengeParameters'] as Record<
      string,
      string
    >;
    expect(first['SALT']).toBe(second['SALT']);
    expect(first['SRP_B']).not.toBe(second['SRP_B']);
    expect(Object.keys(first)).toEqual(['SALT', 'SECRET_BLOCK', 'SRP_B', 'USERNAME', 'USER_ID_FOR_SRP']);
  });

  it('reports unknown users in LEGACY mode', async () => {
    const t = await setup({ config: { preventUserExistenceErrors: 'LEGACY' } });
    expectError((await t.srpChallenge('nobody')).reply, 'UserNotFoundException', 'User does not exist.');
  });

  it('refuses a replayed SECRET_BLOCK and another ClientId', async () => {
    const t = await setup();
    await t.signUpConfirmed('alice');
    const { reply, client } = await t.srpChallenge('alice');
    const challenge = reply.body['ChallengeParameters'] as Record<string, string>;
    const timestamp = srpTimestamp(t.clock.now());
    const answer = {
      ClientId: clientId,
      ChallengeName: 'PASSWORD_VERIFIER',
      ChallengeResponses: {
        USERNAME: 'alice',
        PASSWORD_CLAIM_SECRET_BLOCK: challenge['SECRET_BLOCK'],
        TIMESTAMP: timestamp,
        PASSWORD_CLAIM_SIGNATURE: client.sign({ poolName, password: strongPassword, challenge, timestamp }),
      },
    };
    expect((await t.send('RespondToAuthChallenge', answer)).status).toBe(200);
    expectError(
      await t.send('RespondToAuthChallenge', answer),
      'NotAuthorizedException',
      'Incorrect username or password.',
    );
    // A challenge issued to this client cannot be answered as another one (unknown clients are refused first).
    expectError(
      await t.send('RespondToAuthChallenge', { ...answer, ClientId: 'otherclient' }),
      'ResourceNotFoundException',
    );
  });

  it('refuses a timestamp 6 minutes off, a padded day and an expired challenge', async () => {
    const t = await setup();
    await t.signUpConfirmed('alice');
    expectError(
      await t.srpSignIn('alice', strongPassword, srpTimestamp(t.clock.now() - 6 * 60_000)),
      'NotAuthorizedException',
    );
    const padded = srpTimestamp(t.clock.now()).replace(' 1 ', ' 01 ');
    expect(padded).toContain(' 01 ');
    expectError(await t.srpSignIn('alice', strongPassword, padded), 'NotAuthorizedException');
    expect(
      (await t.srpSignIn('alice', strongPassword, srpTimestamp(t.clock.now() + 4 * 60_000))).status,
    ).toBe(200);

    const { reply, client } = await t.srpChallenge('alice');
    const challenge = reply.body['ChallengeParameters'] as Record<string, string>;
    t.clock.advanceSeconds(181);
    const timestamp = srpTimestamp(t.clock.now());
    expectError(
      await t.send('RespondToAuthChallenge', {
        ClientId: clientId,
        ChallengeName: 'PASSWORD_VERIFIER',
        ChallengeResponses: {
          USERNAME: 'alice',
          PASSWORD_CLAIM_SECRET_BLOCK: challenge['SECRET_BLOCK'],
          TIMESTAMP: timestamp,
          PASSWORD_CLAIM_SIGNATURE: client.sign({ poolName, password: strongPassword, challenge, timestamp }),
        },
      }),
      'NotAuthorizedException',
    );
  });

  it('refuses oversized and zero SRP_A before any arithmetic', async () => {
    const t = await setup();
    for (const A of ['1'.repeat(771), '0', 'not-hex']) {
      expectError(
        await t.send('InitiateAuth', {
          ClientId: clientId,
          AuthFlow: 'USER_SRP_AUTH',
          AuthParameters: { USERNAME: 'a', SRP_A: A },
        }),
        'InvalidParameterException',
      );
    }
  });

  it('signs in users created by createUser (CLI) by SRP', async () => {
    const t = await setup();
    await t.pool.createUser('Carol', { password: strongPassword });
    const reply = await t.srpSignIn('carol');
    expect(claims(String(result(reply)['AccessToken']))['username']).toBe('Carol');
  });
});

describe('USER_PASSWORD_AUTH', () => {
  it('is refused unless the config allows it', async () => {
    const t = await setup();
    await t.signUpConfirmed('alice');
    expectError(
      await t.send('InitiateAuth', {
        ClientId: clientId,
        AuthFlow: 'USER_PASSWORD_AUTH',
        AuthParameters: { USERNAME: 'alice', PASSWORD: strongPassword },
      }),
      'InvalidParameterException',
      'USER_PASSWORD_AUTH flow not enabled for this client',
    );
    expectError(
      await t.send('InitiateAuth', { ClientId: clientId, AuthFlow: 'CUSTOM_AUTH', AuthParameters: {} }),
      'InvalidParameterException',
    );
  });

  it('checks the password when allowed', async () => {
    const t = await setup({ config: { allowUserPasswordAuth: true } });
    await t.signUpConfirmed('alice');
    const ok = await t.send('InitiateAuth', {
      ClientId: clientId,
      AuthFlow: 'USER_PASSWORD_AUTH',
      AuthParameters: { USERNAME: 'alice', PASSWORD: strongPassword },
    });
    expect(result(ok)['RefreshToken']).toBeTypeOf('string');
    expectError(
      await t.send('InitiateAuth', {
        ClientId: clientId,
        AuthFlow: 'USER_PASSWORD_AUTH',
        AuthParameters: { USERNAME: 'alice', PASSWORD: 'Wrong-pass-1' },
      }),
      'NotAuthorizedException',
      'Incorrect username or password.',
    );
  });
});

describe('tokens, refresh and sign-out', () => {
  it('refreshes with both APIs, keeping origin_jti and auth_time, without a new refresh token', async () => {
    const t = await setup();
    await t.signUpConfirmed('alice');
    const first = result(await t.srpSignIn('alice'));
    t.clock.advanceSeconds(120);
    const viaInitiate = result(
      await t.send('InitiateAuth', {
        ClientId: clientId,
        AuthFlow: 'REFRESH_TOKEN_AUTH',
        AuthParameters: { REFRESH_TOKEN: first['RefreshToken'] },
      }),
    );
    const viaGetTokens = result(
      await t.send('GetTokensFromRefreshToken', { ClientId: clientId, RefreshToken: first['RefreshToken'] }),
    );
    for (const refreshed of [viaInitiate, viaGetTokens]) {
      expect(refreshed['RefreshToken']).toBeUndefined();
      const before = claims(String(first['AccessToken']));
      const after = claims(String(refreshed['AccessToken']));
      expect(after['origin_jti']).toBe(before['origin_jti']);
      expect(after['auth_time']).toBe(before['auth_time']);
      expect(after['iat']).toBe(Number(before['iat']) + 120);
      expect(after['jti']).not.toBe(before['jti']);
    }
    expectError(
      await t.send('GetTokensFromRefreshToken', { ClientId: clientId, RefreshToken: 'x'.repeat(43) }),
      'NotAuthorizedException',
      'Invalid Refresh Token',
    );
  });

  it('revokes a refresh token and its access tokens with RevokeToken', async () => {
    const t = await setup();
    await t.signUpConfirmed('alice');
    const tokens = result(await t.srpSignIn('alice'));
    expect((await t.send('RevokeToken', { ClientId: clientId, Token: tokens['RefreshToken'] })).body).toEqual(
      {},
    );
    expect((await t.send('RevokeToken', { ClientId: clientId, Token: 'unknown' })).body).toEqual({});
    expectError(
      await t.send('GetTokensFromRefreshToken', { ClientId: clientId, RefreshToken: tokens['RefreshToken'] }),
      'NotAuthorizedException',
      'Refresh Token has been revoked',
    );
    expectError(
      await t.send('GetUser', { AccessToken: tokens['AccessToken'] }),
      'NotAuthorizedException',
      'Access Token has been revoked',
    );
  });

  it('ends every session with GlobalSignOut and refuses expired or forged access tokens', async () => {
    const t = await setup();
    await t.signUpConfirmed('alice');
    const one = result(await t.srpSignIn('alice'));
    const two = result(await t.srpSignIn('alice'));
    expect((await t.send('GlobalSignOut', { AccessToken: one['AccessToken'] })).body).toEqual({});
    for (const tokens of [one, two]) {
      expectError(
        await t.send('GetTokensFromRefreshToken', {
          ClientId: clientId,
          RefreshToken: tokens['RefreshToken'],
        }),
        'NotAuthorizedException',
        'Refresh Token has been revoked',
      );
    }
    const three = result(await t.srpSignIn('alice'));
    const parts = String(three['AccessToken']).split('.');
    expectError(
      await t.send('GetUser', { AccessToken: `${parts[0]}.${parts[1]}.AAAA` }),
      'NotAuthorizedException',
      'Invalid Access Token',
    );
    t.clock.advanceSeconds(3601);
    expectError(
      await t.send('GetUser', { AccessToken: three['AccessToken'] }),
      'NotAuthorizedException',
      'Access Token has expired',
    );
  });

  it('rotates refresh tokens when configured, with a grace period, then revokes the family on reuse', async () => {
    const t = await setup({
      config: { refreshTokenRotation: { enabled: true, retryGracePeriodSeconds: 10 } },
    });
    await t.signUpConfirmed('alice');
    const first = result(await t.srpSignIn('alice'));
    const second = result(
      await t.send('GetTokensFromRefreshToken', { ClientId: clientId, RefreshToken: first['RefreshToken'] }),
    );
    expect(second['RefreshToken']).toBeTypeOf('string');
    expect(second['RefreshToken']).not.toBe(first['RefreshToken']);
    t.clock.advanceSeconds(5);
    expect(
      (await t.send('GetTokensFromRefreshToken', { ClientId: clientId, RefreshToken: first['RefreshToken'] }))
        .status,
    ).toBe(200);
    t.clock.advanceSeconds(10);
    expectError(
      await t.send('GetTokensFromRefreshToken', { ClientId: clientId, RefreshToken: first['RefreshToken'] }),
      'RefreshTokenReuseException',
    );
    expectError(
      await t.send('GetTokensFromRefreshToken', { ClientId: clientId, RefreshToken: second['RefreshToken'] }),
      'NotAuthorizedException',
      'Refresh Token has been revoked',
    );
  });
});

describe('new password required', () => {
  it('challenges an admin-created user, takes the new password with a single-use session, then signs in by SRP', async () => {
    const t = await setup();
    const created = await t.admin('AdminCreateUser', {
      UserPoolId: poolId,
      Username: 'bob',
      TemporaryPassword: 'Temporary-Pass1',
      UserAttributes: [{ Name: 'email', Value: 'bob@example.com' }],
    });
    expect(created.body['User']).toMatchObject({
      Username: 'bob',
      UserStatus: 'FORCE_CHANGE_PASSWORD',
      Enabled: true,
    });
    const challenge = await t.srpSignIn('bob', 'Temporary-Pass1');
    expect(challenge.body).toMatchObject({
      ChallengeName: 'NEW_PASSWORD_REQUIRED',
      ChallengeParameters: {
        USER_ID_FOR_SRP: 'bob',
        requiredAttributes: '[]',
        userAttributes: '{"email":"bob@example.com"}',
      },
    });
    const session = challenge.body['Session'];
    const answer = (password: string) =>
      t.send('RespondToAuthChallenge', {
        ClientId: clientId,
        ChallengeName: 'NEW_PASSWORD_REQUIRED',
        Session: session,
        ChallengeResponses: { USERNAME: 'bob', NEW_PASSWORD: password, 'userAttributes.name': 'Bob' },
      });
    expectError(await answer('weak'), 'InvalidPasswordException');
    const tokens = result(await answer('Brand-New-Pass2'));
    expect(claims(String(tokens['IdToken']))['name']).toBe('Bob');
    expectError(
      await answer('Brand-New-Pass3'),
      'NotAuthorizedException',
      'Invalid session for the user, session is expired.',
    );
    expect(result(await t.srpSignIn('bob', 'Brand-New-Pass2'))['AccessToken']).toBeTypeOf('string');
  });
});

describe('password reset and change, attributes', () => {
  it('resets a password with a code, kills old refresh tokens, and hides unknown users', async () => {
    const t = await setup();
    await t.signUpConfirmed('alice');
    const old = result(await t.srpSignIn('alice'));
    const forgot = await t.send('ForgotPassword', { ClientId: clientId, Username: 'alice' });
    expect(forgot.body).toEqual({
      CodeDeliveryDetails: { Destination: 'a***@e***', DeliveryMedium: 'EMAIL', AttributeName: 'email' },
    });
    const code = t.lastCode('alice', 'ForgotPassword');
    expectError(
      await t.send('ConfirmForgotPassword', {
        ClientId: clientId,
        Username: 'alice',
        ConfirmationCode: code,
        Password: 'weak',
      }),
      'InvalidPasswordException',
    );
    expect(
      (
        await t.send('ConfirmForgotPassword', {
          ClientId: clientId,
          Username: 'alice',
          ConfirmationCode: code,
          Password: 'Reset-Password-1',
        })
      ).body,
    ).toEqual({});
    expectError(
      await t.send('GetTokensFromRefreshToken', { ClientId: clientId, RefreshToken: old['RefreshToken'] }),
      'NotAuthorizedException',
      'Refresh Token has been revoked',
    );
    expectError(await t.srpSignIn('alice'), 'NotAuthorizedException');
    expect((await t.srpSignIn('alice', 'Reset-Password-1')).status).toBe(200);

    const unknown = await t.send('ForgotPassword', { ClientId: clientId, Username: 'nobody' });
    expect(unknown.body['CodeDeliveryDetails']).toMatchObject({ DeliveryMedium: 'EMAIL' });
    expect(t.delivered.some((event) => event.username === 'nobody')).toBe(false);
    t.clock.advanceSeconds(3600);
  });

  it('expires reset codes after an hour', async () => {
    const t = await setup();
    await t.signUpConfirmed('alice');
    await t.send('ForgotPassword', { ClientId: clientId, Username: 'alice' });
    t.clock.advanceSeconds(3600);
    expectError(
      await t.send('ConfirmForgotPassword', {
        ClientId: clientId,
        Username: 'alice',
        ConfirmationCode: t.lastCode('alice', 'ForgotPassword'),
        Password: 'Reset-Password-1',
      }),
      'ExpiredCodeException',
    );
  });

  it('changes the password, keeping the caller’s session and ending the others', async () => {
    const t = await setup();
    await t.signUpConfirmed('alice');
    const other = result(await t.srpSignIn('alice'));
    const mine = result(await t.srpSignIn('alice'));
    expectError(
      await t.send('ChangePassword', {
        AccessToken: mine['AccessToken'],
        PreviousPassword: 'Wrong-pass-1',
        ProposedPassword: 'Changed-Pass-1',
      }),
      'NotAuthorizedException',
      'Incorrect username or password.',
    );
    expect(
      (
        await t.send('ChangePassword', {
          AccessToken: mine['AccessToken'],
          PreviousPassword: strongPassword,
          ProposedPassword: 'Changed-Pass-1',
        })
      ).body,
    ).toEqual({});
    expect(
      (await t.send('GetTokensFromRefreshToken', { ClientId: clientId, RefreshToken: mine['RefreshToken'] }))
        .status,
    ).toBe(200);
    expectError(
      await t.send('GetTokensFromRefreshToken', { ClientId: clientId, RefreshToken: other['RefreshToken'] }),
      'NotAuthorizedException',
    );
    expect((await t.srpSignIn('alice', 'Changed-Pass-1')).status).toBe(200);
  });

  it('updates attributes, unverifies a new email and verifies it with a code', async () => {
    const t = await setup();
    await t.signUpConfirmed('alice');
    const tokens = result(await t.srpSignIn('alice'));
    const update = await t.send('UpdateUserAttributes', {
      AccessToken: tokens['AccessToken'],
      UserAttributes: [
        { Name: 'email', Value: 'new@example.org' },
        { Name: 'name', Value: 'Alice' },
      ],
    });
    expect(update.body).toEqual({
      CodeDeliveryDetailsList: [
        { Destination: 'n***@e***', DeliveryMedium: 'EMAIL', AttributeName: 'email' },
      ],
    });
    expect((await t.pool.getUser('alice'))?.attributes).toMatchObject({
      email: 'new@example.org',
      email_verified: 'false',
      name: 'Alice',
    });
    expectError(
      await t.send('UpdateUserAttributes', {
        AccessToken: tokens['AccessToken'],
        UserAttributes: [{ Name: 'email_verified', Value: 'true' }],
      }),
      'NotAuthorizedException',
      'A client attempted to write unauthorized attribute',
    );
    const code = t.lastCode('alice', 'VerifyAttribute');
    expect(
      (
        await t.send('VerifyUserAttribute', {
          AccessToken: tokens['AccessToken'],
          AttributeName: 'email',
          Code: code,
        })
      ).body,
    ).toEqual({});
    expect((await t.pool.getUser('alice'))?.attributes['email_verified']).toBe('true');
    expect((await t.pool.listCodes('alice')).map((entry) => entry.purpose)).toEqual([
      'VerifyAttribute',
      'SignUp',
    ]);
  });
});

describe('sign-in protection', () => {
  it('locks a user out after 5 failures, even for the right password, and forgets after 15 quiet minutes', async () => {
    const t = await setup();
    await t.signUpConfirmed('alice');
    for (let attempt = 0; attempt < 5; attempt += 1) {
      expectError(
        await t.srpSignIn('alice', 'Wrong-Password-1'),
        'NotAuthorizedException',
        'Incorrect username or password.',
      );
    }
    expectError(await t.srpSignIn('alice'), 'NotAuthorizedException', 'Password attempts exceeded');
    t.clock.advanceSeconds(2);
    // The lock has passed (1 s after the 5th failure); one more failure locks for 2 s.
    expectError(
      await t.srpSignIn('alice', 'Wrong-Password-1'),
      'NotAuthorizedException',
      'Incorrect username or password.',
    );
    expectError(await t.srpSignIn('alice'), 'NotAuthorizedException', 'Password attempts exceeded');
    t.clock.advanceSeconds(900);
    const after = await t.srpSignIn('alice');
    expect(after.body['__type']).toBeUndefined();
  });

  it('locks unknown usernames the same way', async () => {
    const t = await setup();
    for (let attempt = 0; attempt < 5; attempt += 1) await t.srpSignIn('ghost');
    expectError(
      (await t.srpChallenge('ghost')).reply,
      'NotAuthorizedException',
      'Password attempts exceeded',
    );
  });

  it('rate-limits the unauthenticated operations per source address', async () => {
    const t = await setup({ rateLimit: { capacity: 3, refillPerSecond: 1 } });
    const call = (ip: string) =>
      t.send('ForgotPassword', { ClientId: clientId, Username: 'x' }, { sourceIp: ['10.0.0.9', ip] });
    for (let index = 0; index < 3; index += 1) expect((await call('192.0.2.1')).status).toBe(200);
    expectError(await call('192.0.2.1'), 'TooManyRequestsException', 'Rate exceeded');
    expect((await call('192.0.2.2')).status).toBe(200);
    t.clock.advanceSeconds(1);
    expect((await call('192.0.2.1')).status).toBe(200);
  });
});

describe('transport', () => {
  it('answers unknown targets, unsupported operations and malformed bodies in Cognito’s wire form', async () => {
    const t = await setup();
    expectError(
      await t.send('SignUp', {}, { headers: { 'x-amz-target': 'Other.SignUp' } }),
      'UnknownOperationException',
    );
    expectError(await t.send('AssociateSoftwareToken', {}), 'UnsupportedOperationException');
    expectError(await t.send('SignUp', {}, { rawBody: '{not json' }), 'SerializationException');
    expectError(
      await t.send('SignUp', {}, { headers: { 'content-type': 'text/plain' } }),
      'SerializationException',
    );
    expectError(
      await t.send('SignUp', { ClientId: clientId, Password: strongPassword }),
      'InvalidParameterException',
      "1 validation error detected: Value null at 'username' failed to satisfy constraint: Member must not be null",
    );
  });

  it('sets CORS headers for allowed origins only', async () => {
    const t = await setup();
    const allowed = await t.send(
      'ForgotPassword',
      { ClientId: clientId, Username: 'x' },
      { headers: { origin: 'http://localhost:5173' } },
    );
    expect(allowed.headers['access-control-allow-origin']).toBe('http://localhost:5173');
    expect(allowed.headers['access-control-expose-headers']).toBe(
      'x-amzn-RequestId, x-amzn-ErrorType, x-amzn-ErrorMessage, Date',
    );
    const other = await t.send(
      'ForgotPassword',
      { ClientId: clientId, Username: 'x' },
      { headers: { origin: 'https://evil.example' } },
    );
    expect(other.headers['access-control-allow-origin']).toBeUndefined();
    const preflight = t.service.preflight({
      method: 'OPTIONS',
      path: '/cognito-idp',
      headers: {
        origin: 'http://127.0.0.1:3000',
        'access-control-request-headers': 'content-type,x-amz-target',
      },
      body: new Uint8Array(),
      sourceIp: ['127.0.0.1'],
      requestId: 'request-1',
    });
    expect(preflight.headers).toMatchObject({
      'access-control-allow-origin': 'http://127.0.0.1:3000',
      'access-control-allow-methods': 'POST, OPTIONS',
      'access-control-allow-headers': 'content-type,x-amz-target',
    });
  });
});

describe('admin operations', () => {
  it('refuses unsigned, badly signed, non-admin, mis-scoped and expired requests', async () => {
    const t = await setup();
    const body = { UserPoolId: poolId, Username: 'x' };
    expectError(
      await t.send('AdminGetUser', body),
      'MissingAuthenticationTokenException',
      'Missing Authentication Token',
    );
    expectError(
      await t.admin('AdminGetUser', body, { ...adminKey, secretAccessKey: 'wrong-secret' }),
      'InvalidSignatureException',
    );
    expectError(
      await t.admin('AdminGetUser', body, plainKey),
      'AccessDeniedException',
      `User: ${plainKey.userArn} is not authorized to perform: cognito-idp:AdminGetUser on resource: arn:aws:cognito-idp:us-east-1:123456789012:userpool/${poolId}`,
    );
    expectError(
      await t.admin('AdminGetUser', body, adminKey, { service: 'appsync' }),
      'InvalidSignatureException',
      "Credential should be scoped to correct service: 'cognito-idp'.",
    );
    expectError(
      await t.admin('AdminGetUser', body, adminKey, { region: 'eu-west-1' }),
      'InvalidSignatureException',
      'Credential should be scoped to a valid region.',
    );
    expectError(
      await t.admin('AdminGetUser', body, adminKey, { date: new Date(t.clock.now() - 16 * 60_000) }),
      'InvalidSignatureException',
      'Signature expired.',
    );
    expectError(
      await t.admin('AdminGetUser', body, { ...adminKey, accessKeyId: 'AKIAUNKNOWN000000000' }),
      'UnrecognizedClientException',
    );
    expectError(
      await t.send('AdminGetUser', body, { headers: { authorization: 'AWS4-HMAC-SHA256 Credential=x' } }),
      'InvalidSignatureException',
    );
    // The signature covers the body.
    const signed = signRequest({
      method: 'POST',
      path: '/cognito-idp',
      headers: {
        host: 'h',
        'content-type': 'application/x-amz-json-1.1',
        'x-amz-target': 'AWSCognitoIdentityProviderService.AdminGetUser',
      },
      body: JSON.stringify(body),
      region: 'us-east-1',
      service: 'cognito-idp',
      credentials: adminKey,
      date: new Date(t.clock.now()),
    });
    expectError(
      await t.send('AdminGetUser', { ...body, Username: 'y' }, { headers: { host: 'h', ...signed } }),
      'InvalidSignatureException',
    );
  });

  it('manages users and groups', async () => {
    const t = await setup();
    expect(
      (
        await t.admin('AdminCreateUser', {
          UserPoolId: poolId,
          Username: 'dave',
          UserAttributes: [{ Name: 'email', Value: 'd@example.com' }],
        })
      ).status,
    ).toBe(200);
    const temporary = t.delivered.find((event) => event.purpose === 'TemporaryPassword');
    expect(temporary?.destination).toBe('d@example.com');
    expectError(
      await t.admin('AdminCreateUser', { UserPoolId: poolId, Username: 'DAVE', MessageAction: 'SUPPRESS' }),
      'UsernameExistsException',
      'User account already exists',
    );
    expectError(
      await t.admin('AdminGetUser', { UserPoolId: 'us-east-1_Other', Username: 'dave' }),
      'ResourceNotFoundException',
    );
    expectError(
      await t.admin('AdminGetUser', { UserPoolId: poolId, Username: 'nobody' }),
      'UserNotFoundException',
      'User does not exist.',
    );

    const got = await t.admin('AdminGetUser', { UserPoolId: poolId, Username: 'dave' });
    expect(got.body).toMatchObject({ Username: 'dave', UserStatus: 'FORCE_CHANGE_PASSWORD', Enabled: true });
    expect(got.body['UserCreateDate']).toBe(t.clock.now() / 1000);

    expect(
      (
        await t.admin('AdminSetUserPassword', {
          UserPoolId: poolId,
          Username: 'dave',
          Password: 'Permanent-Pass1',
          Permanent: true,
        })
      ).body,
    ).toEqual({});
    expect((await t.srpSignIn('dave', 'Permanent-Pass1')).status).toBe(200);

    expect(
      (
        await t.admin('CreateGroup', {
          UserPoolId: poolId,
          GroupName: 'editors',
          Description: 'Edit',
          Precedence: 1,
        })
      ).body['Group'],
    ).toMatchObject({
      GroupName: 'editors',
      UserPoolId: poolId,
      Description: 'Edit',
      Precedence: 1,
    });
    expectError(
      await t.admin('CreateGroup', { UserPoolId: poolId, GroupName: 'editors' }),
      'GroupExistsException',
    );
    expectError(
      await t.admin('AdminAddUserToGroup', { UserPoolId: poolId, Username: 'dave', GroupName: 'nope' }),
      'ResourceNotFoundException',
      'Group not found.',
    );
    expect(
      (await t.admin('AdminAddUserToGroup', { UserPoolId: poolId, Username: 'dave', GroupName: 'editors' }))
        .body,
    ).toEqual({});
    const members = await t.admin('ListUsersInGroup', { UserPoolId: poolId, GroupName: 'editors' });
    expect((members.body['Users'] as { Username: string }[]).map((user) => user.Username)).toEqual(['dave']);
    expect(((await t.admin('ListGroups', { UserPoolId: poolId })).body['Groups'] as unknown[]).length).toBe(
      1,
    );
    const tokens = result(await t.srpSignIn('dave', 'Permanent-Pass1'));
    expect(claims(String(tokens['AccessToken']))['cognito:groups']).toEqual(['editors']);
    expect(
      (
        await t.admin('AdminRemoveUserFromGroup', {
          UserPoolId: poolId,
          Username: 'dave',
          GroupName: 'editors',
        })
      ).body,
    ).toEqual({});

    await t.signUp('erin');
    const listed = await t.admin('ListUsers', { UserPoolId: poolId, Filter: 'email ^= "erin"' });
    expect((listed.body['Users'] as { Username: string }[]).map((user) => user.Username)).toEqual(['erin']);
    const paged = await t.admin('ListUsers', { UserPoolId: poolId, Limit: 1 });
    expect(paged.body['PaginationToken']).toBeTypeOf('string');

    expect((await t.admin('AdminDeleteUser', { UserPoolId: poolId, Username: 'dave' })).body).toEqual({});
    expectError(
      await t.admin('AdminGetUser', { UserPoolId: poolId, Username: 'dave' }),
      'UserNotFoundException',
    );
  });
});

describe('storage', () => {
  it('stores no plaintext password, code, refresh token or verifier', async () => {
    const t = await setup();
    await t.signUpConfirmed('alice');
    const tokens = result(await t.srpSignIn('alice'));
    const verifier = await t.pool.srpVerifier('alice');
    const dump = await dumpStore(t.store, [
      'identity_users',
      'identity_codes',
      'identity_refresh_tokens',
      'identity_auth_sessions',
      'identity_signin_failures',
    ]);
    expect(dump).not.toContain(strongPassword);
    expect(dump).not.toContain(String(tokens['RefreshToken']));
    expect(dump).not.toContain(verifier!.verifier.toString(16).slice(0, 32));
    expect(dump).not.toContain(`"${t.lastCode('alice')}"`);
  });
});

async function dumpStore(store: DocumentStore, tables: string[]): Promise<string> {
  const schemas: Record<string, Parameters<DocumentStore['table']>[1]> = {
    identity_users: {
      partitionKey: 'poolId',
      sortKey: 'usernameKey',
      indexes: { bySub: { partitionKey: 'sub' } },
    },
    identity_codes: { partitionKey: 'userRef', sortKey: 'codeId' },
    identity_refresh_tokens: {
      partitionKey: 'tokenHash',
      indexes: { byUser: { partitionKey: 'userRef' }, byOrigin: { partitionKey: 'originJti' } },
    },
    identity_auth_sessions: { partitionKey: 'id' },
    identity_signin_failures: { partitionKey: 'key' },
  };
  let text = '';
  for (const name of tables) {
    const table = await store.table(name, schemas[name]!);
    text += JSON.stringify((await table.scan()).items);
  }
  return text;
}
