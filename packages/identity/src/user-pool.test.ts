import { createLocalJWKSet, decodeProtectedHeader, jwtVerify } from 'jose';
import { describe, expect, it } from 'vitest';
import { IdentityError } from './errors.js';
import { createLocalUserPool, type LocalUserPool } from './user-pool.js';
import { createTestUserPool, reusedRSAKeyPairs, strongPassword } from './test-support/fixtures.js';

const issuer = 'http://127.0.0.1:4000/us-east-1_Gatehouse1';
const clientId = 'testclient0000000000000000';

function decode(token: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8')) as Record<
    string,
    unknown
  >;
}

async function verifyWithJWKS(pool: LocalUserPool, token: string, now: number) {
  const keys = createLocalJWKSet(await pool.jwks());
  return jwtVerify(token, keys, { issuer, algorithms: ['RS256'], currentDate: new Date(now) });
}

async function expectIdentityError(promise: Promise<unknown>, code: string, message?: string | RegExp) {
  const error: unknown = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(IdentityError);
  expect((error as IdentityError).code).toBe(code);
  expect((error as IdentityError).name).toBe(code);
  if (message !== undefined) expect((error as IdentityError).message).toMatch(message);
}

describe('createLocalUserPool users', () => {
  it('creates a confirmed user with a random sub and never returns the password hash', async () => {
    const { pool } = await createTestUserPool();
    const user = await pool.createUser('alice', {
      password: strongPassword,
      attributes: { email: 'alice@example.com', email_verified: 'true' },
      groups: ['admins'],
    });
    expect(user).toMatchObject({ username: 'alice', status: 'CONFIRMED', enabled: true, groups: ['admins'] });
    expect(user.sub).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(JSON.stringify(user)).not.toMatch(/scrypt|Correct-Horse/);
    expect(await pool.getUser('ALICE')).toEqual(user);
    expect(await pool.listGroups()).toEqual(['admins']);
  });

  it('refuses a username that exists, whatever its case', async () => {
    const { pool } = await createTestUserPool();
    await pool.createUser('alice', { password: strongPassword });
    await expectIdentityError(
      pool.createUser('Alice', { password: strongPassword }),
      'UsernameExistsException',
      'User already exists',
    );
  });

  it('refuses a weak password with the rule it breaks', async () => {
    const { pool } = await createTestUserPool();
    await expectIdentityError(
      pool.createUser('bob', { password: 'password' }),
      'InvalidPasswordException',
      'Password did not conform with policy: Password must have uppercase characters',
    );
    expect(await pool.getUser('bob')).toBeUndefined();
  });

  it('refuses attributes outside the schema and a settable sub', async () => {
    const { pool } = await createTestUserPool();
    await expectIdentityError(
      pool.createUser('bob', { password: strongPassword, attributes: { sub: 'x' } }),
      'InvalidParameterException',
    );
    await expectIdentityError(
      pool.createUser('bob', { password: strongPassword, attributes: { shoe: 'x' } }),
      'InvalidParameterException',
    );
  });

  it('verifies the right password and refuses a wrong one or an unknown user', async () => {
    const { pool } = await createTestUserPool();
    await pool.createUser('alice', { password: strongPassword });
    expect(await pool.verifyPassword('alice', strongPassword)).toBe(true);
    expect(await pool.verifyPassword('alice', 'Correct-Horse-8')).toBe(false);
    expect(await pool.verifyPassword('nobody', strongPassword)).toBe(false);
  });

  it('adds and removes groups, creating them on demand', async () => {
    const { pool } = await createTestUserPool();
    await pool.createUser('alice', { password: strongPassword });
    await pool.addUserToGroup('alice', 'editors');
    await pool.addUserToGroup('alice', 'editors');
    await pool.addUserToGroup('alice', 'viewers');
    expect((await pool.getUser('alice'))?.groups).toEqual(['editors', 'viewers']);
    await pool.removeUserFromGroup('alice', 'editors');
    expect((await pool.getUser('alice'))?.groups).toEqual(['viewers']);
    expect((await pool.listGroups()).sort()).toEqual(['editors', 'viewers']);
    await expectIdentityError(pool.addUserToGroup('nobody', 'editors'), 'UserNotFoundException');
  });

  it('lists users page by page and deletes them', async () => {
    const { pool } = await createTestUserPool();
    for (const name of ['a', 'b', 'c']) await pool.createUser(name, { password: strongPassword });
    const first = await pool.listUsers({ limit: 2 });
    expect(first.users).toHaveLength(2);
    const second = await pool.listUsers({ limit: 2, nextToken: first.nextToken });
    expect([...first.users, ...second.users].map((user) => user.username).sort()).toEqual(['a', 'b', 'c']);
    await pool.deleteUser('b');
    expect(await pool.getUser('b')).toBeUndefined();
    await expectIdentityError(pool.deleteUser('b'), 'UserNotFoundException');
  });
});

describe('createLocalUserPool tokens', () => {
  it('issues tokens that jose verifies against jwks() with exactly Cognito’s claims', async () => {
    const { pool, clock } = await createTestUserPool();
    const user = await pool.createUser('alice', {
      password: strongPassword,
      groups: ['admins'],
      attributes: {
        email: 'alice@example.com',
        email_verified: 'true',
        name: 'Alice',
        'custom:team': 'blue',
      },
    });
    const tokens = await pool.issueTokens('alice');
    expect(tokens.expiresIn).toBe(3600);
    expect(tokens.refreshToken).toMatch(/^[A-Za-z0-9_-]{43}$/);

    const access = await verifyWithJWKS(pool, tokens.accessToken, clock.now());
    const id = await verifyWithJWKS(pool, tokens.idToken, clock.now());
    expect(Object.keys(access.protectedHeader)).toEqual(['kid', 'alg']);
    expect(access.protectedHeader.kid).not.toBe(id.protectedHeader.kid);

    const iat = clock.seconds();
    expect(Object.keys(access.payload)).toEqual([
      'sub',
      'cognito:groups',
      'iss',
      'client_id',
      'origin_jti',
      'event_id',
      'token_use',
      'scope',
      'auth_time',
      'exp',
      'iat',
      'jti',
      'username',
    ]);
    expect(access.payload).toMatchObject({
      sub: user.sub,
      'cognito:groups': ['admins'],
      iss: issuer,
      client_id: clientId,
      token_use: 'access',
      scope: 'aws.cognito.signin.user.admin',
      auth_time: iat,
      iat,
      exp: iat + 3600,
      username: 'alice',
    });
    expect(Object.keys(id.payload)).toEqual([
      'sub',
      'cognito:groups',
      'email_verified',
      'iss',
      'cognito:username',
      'origin_jti',
      'aud',
      'event_id',
      'token_use',
      'auth_time',
      'exp',
      'iat',
      'jti',
      'email',
      'name',
      'custom:team',
    ]);
    expect(id.payload).toMatchObject({
      sub: user.sub,
      email_verified: true,
      'cognito:username': 'alice',
      aud: clientId,
      token_use: 'id',
      email: 'alice@example.com',
      'custom:team': 'blue',
    });
    expect(id.payload['origin_jti']).toBe(access.payload['origin_jti']);
    expect(id.payload['event_id']).toBe(access.payload['event_id']);
    expect(id.payload.jti).not.toBe(access.payload.jti);
  });

  it('leaves out cognito:groups and email_verified when the user has neither groups nor email', async () => {
    const { pool } = await createTestUserPool();
    await pool.createUser('bob', { password: strongPassword });
    const tokens = await pool.issueTokens('bob');
    expect(decode(tokens.accessToken)).not.toHaveProperty('cognito:groups');
    expect(decode(tokens.idToken)).not.toHaveProperty('cognito:groups');
    expect(decode(tokens.idToken)).not.toHaveProperty('email_verified');
    expect(decode(tokens.accessToken)).not.toHaveProperty('aud');
  });

  it('issues short-lived tokens on request and refuses them once expired', async () => {
    const { pool, clock } = await createTestUserPool();
    await pool.createUser('alice', { password: strongPassword });
    const tokens = await pool.issueTokens('alice', { expiresInSeconds: 5 });
    expect(tokens.expiresIn).toBe(5);
    expect(decode(tokens.idToken)['exp']).toBe(clock.seconds() + 5);
    await expect(pool.verifyIdToken(tokens.idToken)).resolves.toMatchObject({ token_use: 'id' });
    clock.advanceSeconds(5);
    await expectIdentityError(
      pool.verifyIdToken(tokens.idToken),
      'NotAuthorizedException',
      'Invalid login token. Token expired.',
    );
    await expectIdentityError(
      pool.verifyAccessToken(tokens.accessToken),
      'NotAuthorizedException',
      'Access Token has expired',
    );
    await expect(pool.issueTokens('alice', { expiresInSeconds: 0 })).rejects.toThrow(RangeError);
  });

  it('refreshes with the same auth_time and origin_jti and new jti, iat and exp', async () => {
    const { pool, clock } = await createTestUserPool();
    await pool.createUser('alice', { password: strongPassword });
    const tokens = await pool.issueTokens('alice');
    const authTime = clock.seconds();
    clock.advanceSeconds(600);
    await pool.addUserToGroup('alice', 'late');
    const refreshed = await pool.refresh(tokens.refreshToken, { clientId });
    expect(refreshed).not.toHaveProperty('refreshToken');
    const access = decode(refreshed.accessToken);
    const id = decode(refreshed.idToken);
    expect(access['auth_time']).toBe(authTime);
    expect(id['auth_time']).toBe(authTime);
    expect(access['origin_jti']).toBe(decode(tokens.accessToken)['origin_jti']);
    expect(access['iat']).toBe(authTime + 600);
    expect(access['jti']).not.toBe(decode(tokens.accessToken)['jti']);
    expect(access['cognito:groups']).toEqual(['late']);
  });

  it('refuses an unknown, expired, other-client or revoked refresh token', async () => {
    const { pool, clock } = await createTestUserPool({ refreshTokenLifetimeSeconds: 3600 });
    await pool.createUser('alice', { password: strongPassword });
    const tokens = await pool.issueTokens('alice');
    await expectIdentityError(
      pool.refresh('A'.repeat(43)),
      'NotAuthorizedException',
      'Invalid Refresh Token',
    );
    await expectIdentityError(
      pool.refresh(tokens.refreshToken, { clientId: 'other' }),
      'NotAuthorizedException',
      'Invalid Refresh Token',
    );
    await pool.revokeRefreshToken(tokens.refreshToken);
    await expectIdentityError(
      pool.refresh(tokens.refreshToken),
      'NotAuthorizedException',
      'Refresh Token has been revoked',
    );
    await expectIdentityError(
      pool.verifyAccessToken(tokens.accessToken),
      'NotAuthorizedException',
      'Access Token has been revoked',
    );
    await pool.revokeRefreshToken('unknown');

    const later = await pool.issueTokens('alice');
    clock.advanceSeconds(3600);
    await expectIdentityError(
      pool.refresh(later.refreshToken),
      'NotAuthorizedException',
      'Refresh Token has expired',
    );
  });

  it('ends every session of the user on global sign-out', async () => {
    const { pool } = await createTestUserPool();
    await pool.createUser('alice', { password: strongPassword });
    await pool.createUser('bob', { password: strongPassword });
    const first = await pool.issueTokens('alice');
    const second = await pool.issueTokens('alice', { clientId: 'otherclient' });
    const bobs = await pool.issueTokens('bob');
    await pool.globalSignOut('alice');
    await expectIdentityError(
      pool.refresh(first.refreshToken),
      'NotAuthorizedException',
      'Refresh Token has been revoked',
    );
    await expectIdentityError(
      pool.refresh(second.refreshToken),
      'NotAuthorizedException',
      'Refresh Token has been revoked',
    );
    await expect(pool.refresh(bobs.refreshToken)).resolves.toHaveProperty('idToken');
  });

  it('revokes the refresh tokens of a deleted user', async () => {
    const { pool } = await createTestUserPool();
    await pool.createUser('alice', { password: strongPassword });
    const tokens = await pool.issueTokens('alice');
    await pool.deleteUser('alice');
    await pool.createUser('alice', { password: strongPassword });
    await expectIdentityError(pool.refresh(tokens.refreshToken), 'NotAuthorizedException');
  });

  it('stores refresh tokens only as hashes', async () => {
    const { pool, store } = await createTestUserPool();
    await pool.createUser('alice', { password: strongPassword });
    const tokens = await pool.issueTokens('alice');
    const table = await store.table('identity_refresh_tokens', {
      partitionKey: 'tokenHash',
      indexes: { byUser: { partitionKey: 'userRef' }, byOrigin: { partitionKey: 'originJti' } },
    });
    const { items } = await table.scan();
    expect(items).toHaveLength(1);
    expect(JSON.stringify(items)).not.toContain(tokens.refreshToken);
    const users = await store.table('identity_users', {
      partitionKey: 'poolId',
      sortKey: 'usernameKey',
      indexes: { bySub: { partitionKey: 'sub' } },
    });
    expect(JSON.stringify((await users.scan()).items)).not.toContain(strongPassword);
  });

  it('keeps tokens signed before a rotation verifiable and signs new ones with the new key', async () => {
    const { pool, clock } = await createTestUserPool();
    await pool.createUser('alice', { password: strongPassword });
    const before = await pool.issueTokens('alice');
    const newKid = await pool.rotateSigningKey('id');
    const after = await pool.issueTokens('alice');
    expect(decodeProtectedHeader(after.idToken).kid).toBe(newKid);
    expect(decodeProtectedHeader(before.idToken).kid).not.toBe(newKid);
    await expect(verifyWithJWKS(pool, before.idToken, clock.now())).resolves.toBeDefined();
    await expect(pool.verifyIdToken(before.idToken)).resolves.toBeDefined();
    await expect(pool.verifyIdToken(after.idToken)).resolves.toBeDefined();
  });

  it('verifies only ID tokens of this pool for its client', async () => {
    const { pool, store, installKey } = await createTestUserPool();
    await pool.createUser('alice', { password: strongPassword });
    const tokens = await pool.issueTokens('alice');
    await expectIdentityError(
      pool.verifyIdToken(tokens.accessToken),
      'NotAuthorizedException',
      /^Invalid login token/,
    );
    const otherClient = await pool.issueTokens('alice', { clientId: 'otherclient' });
    await expectIdentityError(pool.verifyIdToken(otherClient.idToken), 'NotAuthorizedException');

    const [header, payload] = tokens.idToken.split('.');
    const forged = `${header ?? ''}.${payload ?? ''}.${Buffer.from('x'.repeat(256)).toString('base64url')}`;
    await expectIdentityError(pool.verifyIdToken(forged), 'NotAuthorizedException');
    await expectIdentityError(pool.verifyIdToken('not a token'), 'NotAuthorizedException');

    const otherPool = await createLocalUserPool({
      store,
      installKey,
      userPoolId: 'us-east-1_Other1',
      clientId,
      region: 'us-east-1',
      issuer: 'http://127.0.0.1:4000/us-east-1_Other1',
      unsafeFastHashingForTests: true,
      generateRSAKeyPair: reusedRSAKeyPairs,
    });
    await otherPool.createUser('alice', { password: strongPassword });
    const foreign = await otherPool.issueTokens('alice');
    await expectIdentityError(pool.verifyIdToken(foreign.idToken), 'NotAuthorizedException');
  });

  it('exposes its keys as a JWKSource', async () => {
    const { pool } = await createTestUserPool();
    const keys = await pool.keySource.getKeys();
    expect(keys.map((key) => key.kid)).toEqual((await pool.jwks()).keys.map((key) => key.kid));
  });
});
