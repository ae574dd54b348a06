import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openIdentity } from './bootstrap.js';
import { createTestClock, createTestStore, strongPassword } from './test-support/fixtures.js';

describe('openIdentity', () => {
  it('creates ids on first use in their AWS shapes and keeps them and the keys on the next open', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'gatehouse-identity-'));
    const store = createTestStore();
    const clock = createTestClock();
    const options = {
      store,
      dataDir,
      region: 'eu-west-2',
      accountId: '123456789012',
      issuerBaseUrl: 'http://127.0.0.1:4000/',
      now: clock.now,
      unsafeFastHashingForTests: true,
    };
    const first = await openIdentity(options);
    expect(first.settings.apiId).toMatch(/^[a-z0-9]{26}$/);
    expect(first.settings.userPoolId).toMatch(/^eu-west-2_[A-Za-z0-9]{9}$/);
    expect(first.settings.userPoolClientId).toMatch(/^[a-z0-9]{26}$/);
    expect(first.settings.identityPoolId).toMatch(
      /^eu-west-2:[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
    );
    expect(first.userPool.issuer).toBe(`http://127.0.0.1:4000/${first.settings.userPoolId}`);

    await first.userPool.createUser('alice', { password: strongPassword });
    const tokens = await first.userPool.issueTokens('alice');
    const key = await first.apiKeys.create();

    const second = await openIdentity(options);
    expect(second.settings).toEqual(first.settings);
    expect((await second.userPool.jwks()).keys).toEqual((await first.userPool.jwks()).keys);
    await expect(second.userPool.verifyIdToken(tokens.idToken)).resolves.toMatchObject({
      'cognito:username': 'alice',
    });
    expect(await second.apiKeys.isValid(key.id, clock.seconds())).toBe(true);
    const { identityId } = await second.identityPool.getId({
      logins: { [`127.0.0.1:4000/${first.settings.userPoolId}`]: tokens.idToken },
    });
    expect(identityId.startsWith('eu-west-2:')).toBe(true);
  });
});
