import { createHash, createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { IdentityError } from './errors.js';
import { deriveInstallSubkey } from './install-key.js';
import { createIdentityPool, defaultRole, type IdentityPoolOptions } from './identity-pool.js';
import { createLocalUserPool } from './user-pool.js';
import { createTestUserPool, reusedRSAKeyPairs, strongPassword } from './test-support/fixtures.js';

const identityPoolId = 'us-east-1:0f9e8d7c-6b5a-4321-8fed-cba987654321';
const cognitoProvider = 'cognito-idp.us-east-1.amazonaws.com/us-east-1_Gatehouse1';
const issuerProvider = '127.0.0.1:4000/us-east-1_Gatehouse1';

async function setup(overrides: Partial<IdentityPoolOptions> = {}) {
  const { pool: userPool, store, installKey, clock } = await createTestUserPool();
  const identityPool = await createIdentityPool({
    store,
    installKey,
    identityPoolId,
    region: 'us-east-1',
    accountId: '123456789012',
    userPool,
    now: clock.now,
    ...overrides,
  });
  await userPool.createUser('alice', { password: strongPassword });
  const idToken = async (options?: { expiresInSeconds?: number }) =>
    (await userPool.issueTokens('alice', options)).idToken;
  return { userPool, identityPool, store, installKey, clock, idToken };
}

async function expectIdentityError(promise: Promise<unknown>, code: string, message?: string | RegExp) {
  const error: unknown = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(IdentityError);
  expect((error as IdentityError).code).toBe(code);
  if (message !== undefined) expect((error as IdentityError).message).toMatch(message);
}

describe('createIdentityPool getId', () => {
  it('gives a new guest identity on every call', async () => {
    const { identityPool } = await setup();
    const first = await identityPool.getId({ logins: {} });
    const second = await identityPool.getId();
    expect(first.identityId).toMatch(/^us-east-1:[0-9a-f-]{36}$/);
    expect(second.identityId).not.toBe(first.identityId);
  });

  it('refuses guests when unauthenticated identities are off', async () => {
    const { identityPool } = await setup({ allowUnauthenticated: false });
    await expectIdentityError(
      identityPool.getId({ logins: {} }),
      'NotAuthorizedException',
      'Unauthenticated access is not supported for this identity pool.',
    );
  });

  it('gives the same identity for the same user under either provider name', async () => {
    const { identityPool, idToken } = await setup();
    const first = await identityPool.getId({ logins: { [issuerProvider]: await idToken() } });
    const second = await identityPool.getId({ logins: { [cognitoProvider]: await idToken() } });
    expect(second.identityId).toBe(first.identityId);
  });

  it('refuses an unsupported provider and an unknown identity pool id', async () => {
    const { identityPool, idToken } = await setup();
    await expectIdentityError(
      identityPool.getId({ logins: { 'accounts.google.com': await idToken() } }),
      'NotAuthorizedException',
      'Token is not from a supported provider of this identity pool.',
    );
    await expectIdentityError(
      identityPool.getId({ identityPoolId: 'us-east-1:00000000-0000-4000-8000-000000000000' }),
      'ResourceNotFoundException',
      "IdentityPool 'us-east-1:00000000-0000-4000-8000-000000000000' not found.",
    );
  });
});

describe('createIdentityPool getCredentialsForIdentity', () => {
  it('issues guest credentials in AWS’s shape for the unauthenticated role', async () => {
    const { identityPool, clock } = await setup();
    const { identityId } = await identityPool.getId();
    const result = await identityPool.getCredentialsForIdentity({ identityId });
    expect(result.identityId).toBe(identityId);
    const { accessKeyId, secretKey, sessionToken, expiration } = result.credentials;
    expect(accessKeyId).toMatch(/^ASIA[A-Z0-9]{16}$/);
    expect(secretKey).toHaveLength(40);
    expect(sessionToken.length).toBeGreaterThan(40);
    expect(expiration).toBe(clock.seconds() + 3600);
  });

  it('lets the AWS_IAM mode look credentials up, recomputing the secret', async () => {
    const { identityPool, installKey, store, userPool, idToken } = await setup();
    const { identityId } = await identityPool.getId({ logins: { [issuerProvider]: await idToken() } });
    const { credentials } = await identityPool.getCredentialsForIdentity({
      identityId,
      logins: { [issuerProvider]: await idToken() },
    });
    const record = await identityPool.findTemporaryCredentials(credentials.accessKeyId);
    const role = defaultRole('gatehouse-authenticated-role');
    const sub = (await userPool.getUser('alice'))?.sub;
    expect(record).toEqual({
      accessKeyId: credentials.accessKeyId,
      secretAccessKey: credentials.secretKey,
      sessionTokenSha256: createHash('sha256').update(credentials.sessionToken).digest('hex'),
      expiresAt: credentials.expiration,
      identityPoolId,
      identityId,
      authType: 'authenticated',
      roleName: 'gatehouse-authenticated-role',
      roleId: role.roleId,
      accountId: '123456789012',
      userPoolProvider: cognitoProvider,
      sub,
    });
    const expectedSecret = createHmac('sha256', deriveInstallSubkey(installKey, 'iam-secret'))
      .update(`iam-secret${credentials.accessKeyId}`)
      .digest('base64')
      .slice(0, 40);
    expect(record?.secretAccessKey).toBe(expectedSecret);
    expect(role.roleId).toMatch(/^AROA[A-Z0-9]{17}$/);

    const { items } = await (
      await store.table('identity_pool_credentials', { partitionKey: 'accessKeyId' })
    ).scan();
    expect(JSON.stringify(items)).not.toContain(credentials.secretKey);
    expect(JSON.stringify(items)).not.toContain(credentials.sessionToken);
  });

  it('finds nothing for an unknown or malformed access key id', async () => {
    const { identityPool } = await setup();
    expect(await identityPool.findTemporaryCredentials('ASIAAAAAAAAAAAAAAAAA')).toBeUndefined();
    expect(await identityPool.findTemporaryCredentials('AKIDEXAMPLE')).toBeUndefined();
  });

  it('needs a valid ID token of the linked user for an authenticated identity', async () => {
    const { identityPool, idToken, userPool, clock, store, installKey } = await setup();
    const { identityId } = await identityPool.getId({ logins: { [issuerProvider]: await idToken() } });
    const loginsMismatch =
      "Logins don't match. Please include at least one valid login for this identity or identity pool.";
    await expectIdentityError(
      identityPool.getCredentialsForIdentity({ identityId }),
      'NotAuthorizedException',
      loginsMismatch,
    );

    await userPool.createUser('bob', { password: strongPassword });
    const bobs = (await userPool.issueTokens('bob')).idToken;
    await expectIdentityError(
      identityPool.getCredentialsForIdentity({ identityId, logins: { [issuerProvider]: bobs } }),
      'NotAuthorizedException',
      loginsMismatch,
    );

    const valid = await idToken();
    const [header, payload] = valid.split('.');
    const forged = `${header ?? ''}.${payload ?? ''}.${Buffer.from('f'.repeat(256)).toString('base64url')}`;
    await expectIdentityError(
      identityPool.getCredentialsForIdentity({ identityId, logins: { [issuerProvider]: forged } }),
      'NotAuthorizedException',
      /^Invalid login token/,
    );

    const shortLived = await idToken({ expiresInSeconds: 60 });
    clock.advanceSeconds(60);
    await expectIdentityError(
      identityPool.getCredentialsForIdentity({ identityId, logins: { [issuerProvider]: shortLived } }),
      'NotAuthorizedException',
      'Invalid login token. Token expired.',
    );

    const otherPool = await createLocalUserPool({
      store,
      installKey,
      userPoolId: 'us-east-1_Other1',
      clientId: 'testclient0000000000000000',
      region: 'us-east-1',
      issuer: 'http://127.0.0.1:4000/us-east-1_Other1',
      now: clock.now,
      unsafeFastHashingForTests: true,
      generateRSAKeyPair: reusedRSAKeyPairs,
    });
    await otherPool.createUser('alice', { password: strongPassword });
    const foreign = (await otherPool.issueTokens('alice')).idToken;
    await expectIdentityError(
      identityPool.getCredentialsForIdentity({ identityId, logins: { [issuerProvider]: foreign } }),
      'NotAuthorizedException',
    );

    const result = await identityPool.getCredentialsForIdentity({
      identityId,
      logins: { [cognitoProvider]: await idToken() },
    });
    expect(result.identityId).toBe(identityId);
    expect((await identityPool.findTemporaryCredentials(result.credentials.accessKeyId))?.authType).toBe(
      'authenticated',
    );
  });

  it('links a login to a cached guest identity, which becomes authenticated', async () => {
    const { identityPool, idToken } = await setup();
    const { identityId } = await identityPool.getId();
    const result = await identityPool.getCredentialsForIdentity({
      identityId,
      logins: { [issuerProvider]: await idToken() },
    });
    expect(result.identityId).toBe(identityId);
    const record = await identityPool.findTemporaryCredentials(result.credentials.accessKeyId);
    expect(record).toMatchObject({ authType: 'authenticated', roleName: 'gatehouse-authenticated-role' });
    expect((await identityPool.getId({ logins: { [issuerProvider]: await idToken() } })).identityId).toBe(
      identityId,
    );
  });

  it('answers a guest identity with a login linked elsewhere with that identity', async () => {
    const { identityPool, idToken } = await setup();
    const linked = await identityPool.getId({ logins: { [issuerProvider]: await idToken() } });
    const guest = await identityPool.getId();
    const result = await identityPool.getCredentialsForIdentity({
      identityId: guest.identityId,
      logins: { [issuerProvider]: await idToken() },
    });
    expect(result.identityId).toBe(linked.identityId);
  });

  it('refuses guest credentials when unauthenticated identities are off, and unknown identities', async () => {
    const { identityPool, store, installKey, userPool, clock } = await setup();
    const { identityId } = await identityPool.getId();
    const closed = await createIdentityPool({
      store,
      installKey,
      identityPoolId,
      region: 'us-east-1',
      accountId: '123456789012',
      userPool,
      now: clock.now,
      allowUnauthenticated: false,
    });
    await expectIdentityError(closed.getCredentialsForIdentity({ identityId }), 'NotAuthorizedException');
    await expectIdentityError(
      identityPool.getCredentialsForIdentity({
        identityId: 'us-east-1:00000000-0000-4000-8000-000000000000',
      }),
      'ResourceNotFoundException',
    );
  });

  it('refuses a custom role that is not the identity’s role', async () => {
    const { identityPool } = await setup();
    const { identityId } = await identityPool.getId();
    await expectIdentityError(
      identityPool.getCredentialsForIdentity({
        identityId,
        customRoleArn: 'arn:aws:iam::123456789012:role/admin',
      }),
      'InvalidParameterException',
    );
    await expect(
      identityPool.getCredentialsForIdentity({
        identityId,
        customRoleArn: 'arn:aws:iam::123456789012:role/gatehouse-unauthenticated-role',
      }),
    ).resolves.toHaveProperty('credentials');
  });
});

describe('createIdentityPool with a user pool that reports revoked sign-ins', () => {
  it('refuses an ID token whose sign-in has been revoked (identity.md §8)', async () => {
    const { pool: userPool, store, installKey, clock } = await createTestUserPool();
    const revoked = new Set<string>();
    const identityPool = await createIdentityPool({
      store,
      installKey,
      identityPoolId,
      region: 'us-east-1',
      accountId: '123456789012',
      userPool: {
        userPoolId: userPool.userPoolId,
        issuer: userPool.issuer,
        providerName: userPool.providerName,
        verifyIdToken: (token) => userPool.verifyIdToken(token),
        isSignInRevoked: async (originJti) => revoked.has(originJti),
      },
      now: clock.now,
    });
    await userPool.createUser('alice', { password: strongPassword });
    const { idToken } = await userPool.issueTokens('alice');
    const logins = { [issuerProvider]: idToken };
    const { identityId } = await identityPool.getId({ logins });
    const claims = await userPool.verifyIdToken(idToken);
    revoked.add(String(claims['origin_jti']));
    await expectIdentityError(
      identityPool.getId({ logins }),
      'NotAuthorizedException',
      'Invalid login token. Token has been revoked.',
    );
    await expectIdentityError(
      identityPool.getCredentialsForIdentity({ identityId, logins }),
      'NotAuthorizedException',
      'Invalid login token. Token has been revoked.',
    );
  });
});
