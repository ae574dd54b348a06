/**
 * Sign-in, refresh, identity-pool credentials and sign-out over the Gatehouse identity service's
 * real Cognito-compatible endpoints (`/cognito-idp`, `/cognito-identity`), using the `Endpoint`s
 * that `gatehouse dev` writes into amplifyconfiguration.json. Skipped while a server build has no
 * such endpoints.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AmplifyAPI, AmplifyAuthCognito, AmplifyClass, AuthServiceException } from '../index.js';
import { startTestServer, type TestServer } from '../test-support/server.js';

let ts: TestServer;
let available = false;
const password = 'Passw0rd!erin';

beforeAll(async () => {
  ts = await startTestServer();
  await ts.server.identity.userPool.createUser('erin', { password, groups: ['admin'] });
  const probe = await fetch(`${ts.server.baseUrl}/cognito-idp`, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-amz-json-1.1',
      'x-amz-target': 'AWSCognitoIdentityProviderService.GetUser',
    },
    body: '{}',
  });
  available = probe.status !== 404;
});

afterAll(async () => {
  await ts?.close();
});

async function configured(config: object = ts.gen1) {
  const amplify = new AmplifyClass();
  await amplify.addPlugins([new AmplifyAPI(), new AmplifyAuthCognito()]);
  await amplify.configure(config);
  return amplify;
}

describe('against the real Cognito-compatible endpoints', () => {
  it('signs in with SRP, queries, refreshes, gets credentials and signs out', async (ctx) => {
    if (!available) ctx.skip();
    const amplify = await configured();
    await amplify.Auth.signIn({ username: 'erin', password });
    const whoami = await amplify.API.query<{ whoami: { username: string; groups: string[] } }>({
      document: '{ whoami { username groups } }',
      apiName: 'blog',
    }).response;
    expect(whoami.data?.whoami).toEqual({ username: 'erin', groups: ['admin'] });

    const refreshed = await amplify.Auth.fetchAuthSession({ forceRefresh: true });
    expect(refreshed.isSignedIn).toBe(true);
    expect(refreshed.credentials?.accessKeyId).toMatch(/^ASIA/);
    const stats = await amplify.API.query({ document: '{ stats { posts } }', apiName: 'blog_AWS_IAM' })
      .response;
    expect(stats.errors).toEqual([]);

    await amplify.Auth.signOut();
    const after = await amplify.Auth.fetchAuthSession();
    expect(after.isSignedIn).toBe(false);
  });

  it('rejects a wrong password with NotAuthorizedException', async (ctx) => {
    if (!available) ctx.skip();
    const amplify = await configured();
    const error = await amplify.Auth.signIn({ username: 'erin', password: 'nope-nope-1' }).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(AuthServiceException);
    expect(error).toMatchObject({ errorType: 'NotAuthorizedException' });
  });
});
