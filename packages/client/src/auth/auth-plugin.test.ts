/**
 * The Auth plugin's wire calls against an in-test fake of Cognito's JSON 1.1 layer that is backed
 * by the real in-process user and identity pools (real tokens, real credentials), then used by
 * the API plugin against the real GraphQL server.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  AmplifyAPI,
  AmplifyAuthCognito,
  AmplifyClass,
  AuthServiceException,
  MissingCredentialsException,
  SessionExpiredException,
  type AmplifyAuthCognitoOptions,
  type AuthStorage,
} from '../index.js';
import { createFakeCognito } from '../test-support/fake-cognito.js';
import { recordingFetch, startTestServer, type TestServer } from '../test-support/server.js';

const WHOAMI = '{ whoami { username groups } }';
const STATS = '{ stats { posts } }';

let ts: TestServer;
const passwords = { carol: 'Passw0rd!carol', dave: 'Passw0rd!dave' };

beforeAll(async () => {
  ts = await startTestServer();
  await ts.server.identity.userPool.createUser('carol', { password: passwords.carol, groups: ['admin'] });
  await ts.server.identity.userPool.createUser('dave', { password: passwords.dave });
});

afterAll(async () => {
  await ts?.close();
});

async function setup(options: Omit<AmplifyAuthCognitoOptions, 'fetch'> = {}) {
  const cognito = createFakeCognito(ts.server.identity, passwords);
  const graphql = recordingFetch();
  const amplify = new AmplifyClass();
  const auth = new AmplifyAuthCognito({ ...options, fetch: cognito.fetch });
  await amplify.addPlugins([new AmplifyAPI({ fetch: graphql.fetch }), auth]);
  await amplify.configure(ts.gen1);
  const targets = () => cognito.calls.map((call) => call.target.split('.')[1]);
  return { amplify, auth, cognito, graphql, targets };
}

describe('AmplifyAuthCognito sign-in', () => {
  it('signs in with SRP and the API sends the access token', async () => {
    const { amplify, cognito, targets } = await setup();
    const hub: string[] = [];
    amplify.Hub.listen('auth', (payload) => hub.push(payload.event));
    expect(await amplify.Auth.signIn({ username: 'carol', password: passwords.carol })).toEqual({
      isSignedIn: true,
      nextStep: { signInStep: 'DONE' },
    });
    expect(targets()).toEqual(['InitiateAuth', 'RespondToAuthChallenge']);
    expect(cognito.calls[0]!.body).toMatchObject({
      AuthFlow: 'USER_SRP_AUTH',
      AuthParameters: { USERNAME: 'carol' },
    });
    expect(Object.keys(cognito.calls[1]!.body.ChallengeResponses as object).sort()).toEqual([
      'PASSWORD_CLAIM_SECRET_BLOCK',
      'PASSWORD_CLAIM_SIGNATURE',
      'TIMESTAMP',
      'USERNAME',
    ]);
    expect(hub).toEqual(['signedIn']);
    const session = await amplify.Auth.fetchAuthSession();
    expect(session.isSignedIn).toBe(true);
    expect(session.userPoolTokens?.accessToken.claims.token_use).toBe('access');
    expect(session.userPoolTokens?.idToken.claims.token_use).toBe('id');
    expect(String(session.userPoolTokens?.idToken)).toBe(session.userPoolTokens?.idToken.raw);
    expect(await amplify.Auth.getCurrentUser()).toMatchObject({ username: 'carol' });
    const response = await amplify.API.query<{ whoami: { username: string } }>({
      document: WHOAMI,
      apiName: 'blog',
    }).response;
    expect(response.data?.whoami.username).toBe('carol');
  });

  it('signs in with USER_PASSWORD_AUTH', async () => {
    const { amplify, cognito } = await setup();
    await amplify.Auth.signIn({
      username: 'dave',
      password: passwords.dave,
      options: { authFlowType: 'USER_PASSWORD_AUTH' },
    });
    expect(cognito.calls[0]!.body).toMatchObject({ AuthFlow: 'USER_PASSWORD_AUTH' });
    expect((await amplify.Auth.fetchAuthSession()).isSignedIn).toBe(true);
  });

  it('rejects a wrong password with the service error type', async () => {
    const { amplify } = await setup();
    const error = await amplify.Auth.signIn({ username: 'carol', password: 'wrong-password' }).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(AuthServiceException);
    expect(error).toMatchObject({
      errorType: 'NotAuthorizedException',
      message: 'Incorrect username or password.',
    });
    expect(JSON.stringify(error)).not.toContain('wrong-password');
  });

  it('persists tokens in the given storage', async () => {
    const map = new Map<string, string>();
    const storage: AuthStorage = {
      getItem: (key) => map.get(key) ?? null,
      setItem: (key, value) => void map.set(key, value),
      removeItem: (key) => void map.delete(key),
    };
    const first = await setup({ storage });
    await first.amplify.Auth.signIn({ username: 'dave', password: passwords.dave });
    const second = await setup({ storage });
    expect((await second.amplify.Auth.fetchAuthSession()).isSignedIn).toBe(true);
  });
});

describe('AmplifyAuthCognito session', () => {
  it('E4: refreshes a token about to expire before sending, single-flight', async () => {
    let offset = 0;
    const { amplify, targets, graphql } = await setup({ clock: () => Date.now() + offset });
    await amplify.Auth.signIn({ username: 'carol', password: passwords.carol });
    offset = 3600_000 - 30_000; // 30 s before expiry: inside the 60 s window
    const sessions = await Promise.all(Array.from({ length: 5 }, () => amplify.Auth.fetchAuthSession()));
    expect(sessions.every((session) => session.isSignedIn)).toBe(true);
    expect(targets().filter((target) => target === 'InitiateAuth')).toHaveLength(2); // sign-in + one refresh
    const before = targets().length;
    const response = await amplify.API.query<{ whoami: { username: string } }>({
      document: WHOAMI,
      apiName: 'blog',
    }).response;
    expect(response.data?.whoami.username).toBe('carol');
    expect(targets().length).toBeGreaterThan(before); // the refresh ran before the request
    expect(graphql.calls).toHaveLength(1);
  });

  it('signs the user out when the refresh fails (SessionExpiredException)', async () => {
    const { amplify } = await setup();
    await amplify.Auth.signIn({ username: 'dave', password: passwords.dave });
    await ts.server.identity.userPool.globalSignOut('dave');
    const session = await amplify.Auth.fetchAuthSession({ forceRefresh: true });
    expect(session.isSignedIn).toBe(false);
    expect(session.errors.userPoolTokens).toBeInstanceOf(SessionExpiredException);
    const error = await amplify.API.query({ document: WHOAMI, apiName: 'blog' }).response.catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(MissingCredentialsException);
  });

  it('keeps the session when the refresh cannot reach the service', async () => {
    let offline = false;
    const cognito = createFakeCognito(ts.server.identity, passwords);
    const flaky = ((input: string | URL | Request, init?: RequestInit) =>
      offline ? Promise.reject(new TypeError('fetch failed')) : cognito.fetch(input, init)) as typeof fetch;
    const amplify = new AmplifyClass();
    await amplify.addPlugins([new AmplifyAPI(), new AmplifyAuthCognito({ fetch: flaky })]);
    await amplify.configure(ts.gen1);
    await amplify.Auth.signIn({ username: 'dave', password: passwords.dave });
    offline = true;
    const during = await amplify.Auth.fetchAuthSession({ forceRefresh: true });
    expect(during.isSignedIn).toBe(false);
    expect(during.errors.userPoolTokens).toMatchObject({ code: 'ERR_AUTH_NETWORK' });
    offline = false;
    expect((await amplify.Auth.fetchAuthSession()).isSignedIn).toBe(true);
  });

  it('gets guest credentials when signed out, and IAM requests verify', async () => {
    const { amplify, cognito, targets } = await setup();
    const session = await amplify.Auth.fetchAuthSession();
    expect(session.isSignedIn).toBe(false);
    expect(session.identityId).toMatch(/^us-east-1:/);
    expect(session.credentials?.accessKeyId).toMatch(/^ASIA/);
    expect(cognito.calls[0]!.body).not.toHaveProperty('Logins');
    const response = await amplify.API.query<{ stats: { posts: number } }>({
      document: STATS,
      apiName: 'blog_AWS_IAM',
    }).response;
    expect(response.errors).toEqual([]);
    expect(targets()).toEqual(['GetId', 'GetCredentialsForIdentity']); // cached for the request
  });

  it('gets authenticated credentials with the ID token under the Cognito provider name', async () => {
    const { amplify, cognito } = await setup();
    await amplify.Auth.signIn({ username: 'carol', password: passwords.carol });
    const session = await amplify.Auth.fetchAuthSession();
    const getId = cognito.calls.find((call) => call.target.endsWith('.GetId'))!;
    const providerName = `cognito-idp.us-east-1.amazonaws.com/${ts.server.identity.settings.userPoolId}`;
    expect(getId.body.Logins).toEqual({ [providerName]: session.userPoolTokens?.idToken.raw });
    const response = await amplify.API.query({ document: STATS, apiName: 'blog_AWS_IAM' }).response;
    expect(response.errors).toEqual([]);
  });

  it('revokes the refresh token on sign-out, or signs out globally', async () => {
    const { amplify, targets } = await setup();
    const hub: string[] = [];
    amplify.Hub.listen('auth', (payload) => hub.push(payload.event));
    await amplify.Auth.signIn({ username: 'dave', password: passwords.dave });
    await amplify.Auth.signOut();
    expect(targets()).toContain('RevokeToken');
    expect((await amplify.Auth.fetchAuthSession()).isSignedIn).toBe(false);
    expect(hub).toEqual(['signedIn', 'signedOut']);
    await amplify.Auth.signIn({ username: 'dave', password: passwords.dave });
    await amplify.Auth.signOut({ global: true });
    expect(targets()).toContain('GlobalSignOut');
  });
});

describe('AmplifyAuthCognito endpoints option', () => {
  it('accepts https endpoints and http ones on loopback hosts', () => {
    expect(
      () =>
        new AmplifyAuthCognito({
          endpoints: {
            userPool: 'https://auth.example.com/cognito-idp',
            identityPool: 'http://127.0.0.1:4000/x',
          },
        }),
    ).not.toThrow();
  });

  it('refuses a plain-http endpoint on another host and a relative URL', () => {
    expect(
      () => new AmplifyAuthCognito({ endpoints: { userPool: 'http://auth.example.com/cognito-idp' } }),
    ).toThrow('"endpoints.userPool" must use https (http is allowed only for loopback hosts).');
    expect(() => new AmplifyAuthCognito({ endpoints: { identityPool: '/cognito-identity' } })).toThrow(
      '"endpoints.identityPool" must be an absolute URL.',
    );
  });
});
