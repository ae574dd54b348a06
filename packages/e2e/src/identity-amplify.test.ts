/**
 * The unmodified aws-amplify v6 client against `gatehouse dev`'s Cognito-compatible user pool and
 * identity pool (identity.md §9), configured only from the generated `amplify-resources.json`:
 * sign-up, confirmation, SRP sign-in, sessions, GraphQL in `userPool` and `iam` modes (signed in
 * and as a guest), refresh after expiry, sign-out and the sign-in errors.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { main } from '@gatehouse/cli';
import { Amplify } from 'aws-amplify';
import { generateClient } from 'aws-amplify/api';
import { confirmSignUp, fetchAuthSession, getCurrentUser, signIn, signOut, signUp } from 'aws-amplify/auth';
import { cognitoUserPoolsTokenProvider } from 'aws-amplify/auth/cognito';
import { parseAmplifyConfig } from 'aws-amplify/utils';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { exampleConfig, exampleResolvers, exampleSchema } from './support/paths.js';
import { startInProcess, type AmplifyResourcesFile, type InProcessServer } from './support/in-process.js';
import { callCognito, createInspectableStorage } from './support/identity-wire.js';
import { createTempDir, type TempDir } from './support/temp-dir.js';

const password = 'Sturdy-Passw0rd!';
const username = 'carol';
const email = 'carol@example.com';

/** The rejection of `promise`, or a failure if it resolves. */
async function rejectionOf(promise: Promise<unknown>): Promise<Error> {
  const outcome = await promise.then(
    (value) => ({ resolved: true as const, value }),
    (error: unknown) => ({ resolved: false as const, error }),
  );
  if (outcome.resolved) throw new Error(`expected a rejection, got ${JSON.stringify(outcome.value)}`);
  expect(outcome.error).toBeInstanceOf(Error);
  return outcome.error as Error;
}

/** The newest code of a purpose, as `gatehouse users codes` lists them. */
async function newestCode(s: InProcessServer, name: string, purpose: 'SignUp' | 'ForgotPassword') {
  const codes = await s.server.identity.userPool.listCodes(name);
  const code = codes.find((entry) => entry.purpose === purpose && !entry.used);
  if (!code) throw new Error(`no ${purpose} code for "${name}"`);
  return code.code;
}

/** `gatehouse users codes NAME --json`, run in-process on the server's data dir. */
async function codesFromCLI(dataDir: string, name: string) {
  const chunks: string[] = [];
  const spy = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    chunks.push(String(chunk));
    return true;
  });
  let exitCode: number;
  try {
    exitCode = await main(['users', 'codes', name, '--data', dataDir, '--json']);
  } finally {
    spy.mockRestore();
  }
  expect(exitCode).toBe(0);
  return JSON.parse(chunks.join('')) as { purpose: string; code: string; createdAt: string; used: boolean }[];
}

describe('aws-amplify v6 against the Cognito-compatible identity service', () => {
  let s: InProcessServer;
  let resources: AmplifyResourcesFile;
  let signedInIdentityId: string | undefined;
  const storage = createInspectableStorage();

  beforeAll(async () => {
    s = await startInProcess();
    resources = await s.readResources();
    Amplify.configure(resources as Parameters<typeof Amplify.configure>[0]);
    cognitoUserPoolsTokenProvider.setKeyValueStorage(storage);
  });

  afterAll(async () => {
    vi.useRealTimers();
    await s?.close();
  });

  it('writes client config files that point Amplify at the local endpoints', async () => {
    const cognito = resources.Auth.Cognito as AmplifyResourcesFile['Auth']['Cognito'] & {
      loginWith?: unknown;
    };
    expect(cognito).toMatchObject({
      userPoolId: s.server.identity.settings.userPoolId,
      userPoolClientId: s.server.identity.settings.userPoolClientId,
      identityPoolId: s.server.identity.settings.identityPoolId,
      allowGuestAccess: true,
      userPoolEndpoint: `${s.baseUrl}/cognito-idp`,
      identityPoolEndpoint: `${s.baseUrl}/cognito-identity`,
      loginWith: { username: true },
    });
    const outputs = JSON.parse(await readFile(join(s.dataDir, 'amplify_outputs.json'), 'utf8')) as object;
    expect(parseAmplifyConfig(outputs).Auth?.Cognito).toMatchObject({
      userPoolId: cognito.userPoolId,
      userPoolClientId: cognito.userPoolClientId,
      identityPoolId: cognito.identityPoolId,
      allowGuestAccess: true,
    });
  });

  it('refuses a weak password at sign-up with InvalidPasswordException', async () => {
    const error = await rejectionOf(
      signUp({ username: 'weakling', password: 'short', options: { userAttributes: { email } } }),
    );
    expect(error.name).toBe('InvalidPasswordException');
  });

  it('signs up, refuses a wrong code, then confirms with the delivered code', async () => {
    const result = await signUp({ username, password, options: { userAttributes: { email } } });
    expect(result.isSignUpComplete).toBe(false);
    expect(result.nextStep.signUpStep).toBe('CONFIRM_SIGN_UP');
    expect(result.userId).toMatch(/^[0-9a-f-]{36}$/);

    const code = await newestCode(s, username, 'SignUp');
    expect(code).toMatch(/^\d{6}$/);
    const wrong = code === '000000' ? '111111' : '000000';
    const mismatch = await rejectionOf(confirmSignUp({ username, confirmationCode: wrong }));
    expect(mismatch.name).toBe('CodeMismatchException');

    const listed = await codesFromCLI(s.dataDir, username);
    expect(listed[0]).toEqual({
      purpose: 'SignUp',
      code,
      createdAt: expect.any(String) as unknown,
      used: false,
    });

    const confirmed = await confirmSignUp({ username, confirmationCode: code });
    expect(confirmed.isSignUpComplete).toBe(true);
    expect((await codesFromCLI(s.dataDir, username))[0]).toMatchObject({ code, used: true });
  });

  it('answers a wrong password and an unknown user alike, with NotAuthorizedException', async () => {
    const wrongPassword = await rejectionOf(signIn({ username, password: 'Wrong-Passw0rd!' }));
    expect(wrongPassword.name).toBe('NotAuthorizedException');
    expect(wrongPassword.message).toBe('Incorrect username or password.');
    const unknown = await rejectionOf(signIn({ username: 'nobody-here', password }));
    expect(unknown.name).toBe('NotAuthorizedException');
    expect(unknown.message).toBe('Incorrect username or password.');
  });

  it('reports an unconfirmed user (UserNotConfirmedException) as the CONFIRM_SIGN_UP step', async () => {
    await signUp({ username: 'dave', password, options: { userAttributes: { email: 'dave@example.com' } } });
    // Amplify turns UserNotConfirmedException into this step instead of throwing (identity.md §2).
    const result = await signIn({ username: 'dave', password });
    expect(result.isSignedIn).toBe(false);
    expect(result.nextStep.signInStep).toBe('CONFIRM_SIGN_UP');
  });

  it('signs in by SRP and gets tokens, an identity and IAM credentials', async () => {
    const result = await signIn({ username, password });
    expect(result).toMatchObject({ isSignedIn: true, nextStep: { signInStep: 'DONE' } });
    const user = await getCurrentUser();
    expect(user.username).toBe(username);

    const session = await fetchAuthSession();
    expect(session.tokens?.accessToken.payload['token_use']).toBe('access');
    expect(session.tokens?.idToken?.payload['cognito:username']).toBe(username);
    expect(session.identityId).toMatch(/^us-east-1:[0-9a-f-]{36}$/);
    signedInIdentityId = session.identityId;
    expect(session.credentials?.accessKeyId).toMatch(/^ASIA[A-Z0-9]{16}$/);
    const expiration = session.credentials?.expiration?.getTime() ?? 0;
    // Epoch seconds on the wire, so about an hour from now once Amplify multiplies by 1000.
    expect(Math.abs(expiration - (Date.now() + 3_600_000))).toBeLessThan(120_000);
    expect(storage.refreshToken()).toMatch(/^[A-Za-z0-9_-]{43}$/);
  });

  it('calls GraphQL as the user pool user and with authenticated identity-pool credentials', async () => {
    const client = generateClient();
    const asUser = (await client.graphql({
      query: '{ whoami { username groups } }',
      authMode: 'userPool',
    })) as {
      data: { whoami: { username: string } };
    };
    expect(asUser.data.whoami.username).toBe(username);

    const asIAM = (await client.graphql({ query: '{ posts { id title } }', authMode: 'iam' })) as {
      data: { posts: unknown[] };
    };
    expect(Array.isArray(asIAM.data.posts)).toBe(true);
    const record = await s.server.identity.identityPool.findTemporaryCredentials(
      (await fetchAuthSession()).credentials?.accessKeyId ?? '',
    );
    expect(record?.authType).toBe('authenticated');
  });

  it('refreshes the tokens once they have expired, keeping the sign-in', async () => {
    const before = await fetchAuthSession();
    const oldAccess = before.tokens?.accessToken.toString();
    const originJti = before.tokens?.accessToken.payload['origin_jti'];
    // Both Amplify and the server read Date: move it past the 1 h token lifetime.
    vi.useFakeTimers({ toFake: ['Date'], shouldAdvanceTime: true });
    vi.setSystemTime(Date.now() + 3_700_000);

    const after = await fetchAuthSession();
    expect(after.tokens?.accessToken.toString()).not.toBe(oldAccess);
    expect(after.tokens?.accessToken.payload['origin_jti']).toBe(originJti);
    expect((after.tokens?.accessToken.payload.exp ?? 0) * 1000).toBeGreaterThan(Date.now());

    const client = generateClient();
    const asUser = (await client.graphql({ query: '{ whoami { username } }', authMode: 'userPool' })) as {
      data: { whoami: { username: string } };
    };
    expect(asUser.data.whoami.username).toBe(username);
    const asIAM = (await client.graphql({ query: '{ posts { id } }', authMode: 'iam' })) as {
      data: { posts: unknown[] };
    };
    expect(Array.isArray(asIAM.data.posts)).toBe(true);
  });

  it('revokes the refresh token on sign-out', async () => {
    const refreshToken = storage.refreshToken();
    expect(refreshToken).toBeDefined();
    await signOut();
    expect(storage.refreshToken()).toBeUndefined();
    const session = await fetchAuthSession();
    expect(session.tokens).toBeUndefined();

    const clientId = resources.Auth.Cognito.userPoolClientId;
    const endpoint = resources.Auth.Cognito.userPoolEndpoint;
    const viaNewAPI = await callCognito(
      endpoint,
      'AWSCognitoIdentityProviderService.GetTokensFromRefreshToken',
      {
        ClientId: clientId,
        RefreshToken: refreshToken,
      },
    );
    expect(viaNewAPI.status).toBe(400);
    expect(viaNewAPI.json).toEqual({
      __type: 'NotAuthorizedException',
      message: 'Refresh Token has been revoked',
    });
    const viaInitiateAuth = await callCognito(endpoint, 'AWSCognitoIdentityProviderService.InitiateAuth', {
      ClientId: clientId,
      AuthFlow: 'REFRESH_TOKEN_AUTH',
      AuthParameters: { REFRESH_TOKEN: refreshToken },
    });
    expect(viaInitiateAuth.json['__type']).toBe('NotAuthorizedException');
  });

  it('calls GraphQL in iam mode as a guest once signed out', async () => {
    const session = await fetchAuthSession();
    expect(session.tokens).toBeUndefined();
    expect(session.credentials?.accessKeyId).toMatch(/^ASIA/);
    const record = await s.server.identity.identityPool.findTemporaryCredentials(
      session.credentials?.accessKeyId ?? '',
    );
    expect(record?.authType).toBe('unauthenticated');

    const client = generateClient();
    const asGuest = (await client.graphql({ query: '{ posts { id title } }', authMode: 'iam' })) as {
      data: { posts: unknown[] };
    };
    expect(Array.isArray(asGuest.data.posts)).toBe(true);
  });

  it('moves from the cached guest identity to the user’s identity on signing in again', async () => {
    const guest = await fetchAuthSession();
    expect(guest.identityId).toBeDefined();
    expect(guest.identityId).not.toBe(signedInIdentityId);
    await signIn({ username, password });
    const session = await fetchAuthSession();
    expect(session.identityId).toBe(signedInIdentityId);
    const record = await s.server.identity.identityPool.findTemporaryCredentials(
      session.credentials?.accessKeyId ?? '',
    );
    expect(record).toMatchObject({ authType: 'authenticated', identityId: signedInIdentityId });
    await signOut();
  });
});

describe('a dev server with guest access turned off', () => {
  let s: InProcessServer | undefined;
  let temp: TempDir | undefined;

  afterAll(async () => {
    await s?.close();
    await temp?.remove();
  });

  it('says so in the client config and refuses guest identities on the wire', async () => {
    temp = await createTempDir('gatehouse-e2e-guest-off-');
    const example = JSON.parse(await readFile(exampleConfig, 'utf8')) as Record<string, unknown>;
    const configPath = await temp.write('gatehouse.config.json', {
      ...example,
      schema: exampleSchema,
      resolvers: exampleResolvers,
      identity: { allowGuestAccess: false },
    });
    s = await startInProcess({ configPath });
    const cognito = (await s.readResources()).Auth.Cognito;
    expect(cognito.allowGuestAccess).toBe(false);

    const response = await callCognito(cognito.identityPoolEndpoint, 'AWSCognitoIdentityService.GetId', {
      IdentityPoolId: cognito.identityPoolId,
    });
    expect(response.status).toBe(400);
    expect(response.headers.get('x-amzn-errortype')).toBe('NotAuthorizedException:');
    expect(response.json).toEqual({
      __type: 'NotAuthorizedException',
      message: 'Unauthenticated access is not supported for this identity pool.',
    });
  });
});
