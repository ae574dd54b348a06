// A Node client for `gatehouse dev` (examples/multi-auth): one query per authorization mode.
//
//   npm start                                                   # terminal 1: the dev server, data in ./.gatehouse
//   npx gatehouse users create alice --password 'Passw0rd!' --group admin
//   node examples/client-node/index.mjs alice 'Passw0rd!'       # terminal 2
//
// Options (environment): GATEHOUSE_DATA (default ./.gatehouse), OIDC_TOKEN (from `npx gatehouse token alice --oidc`).
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  AmplifyAPI,
  AmplifyAuthCognito,
  AmplifyClass,
  APIAuthorizationType,
  createFunctionAuthProvider,
  createOIDCAuthProvider,
  isAmplifyException,
  withTokenCache,
} from '@gatehouse/client';

const [username, password] = process.argv.slice(2);
if (!username || !password) {
  console.error('usage: node examples/client-node/index.mjs USERNAME PASSWORD');
  process.exit(2);
}
const dataDir = process.env.GATEHOUSE_DATA ?? '.gatehouse';
// Written by `gatehouse dev`: one API per mode (blog, blog_API_KEY, blog_AWS_IAM, ...) and the Cognito endpoints.
const config = JSON.parse(await readFile(join(dataDir, 'amplifyconfiguration.json'), 'utf8'));

const Amplify = new AmplifyClass();
await Amplify.addPlugins([
  new AmplifyAPI({
    authProviders: [
      // The Lambda authorizer of examples/multi-auth accepts "custom-<name>".
      createFunctionAuthProvider(() => `custom-${username}`),
      // OIDC tokens are cached until shortly before their "exp".
      withTokenCache(createOIDCAuthProvider(() => process.env.OIDC_TOKEN ?? null)),
    ],
  }),
  new AmplifyAuthCognito(),
]);
await Amplify.configure(config);

const POSTS = 'query Posts { posts { id title body author } }';

async function show(label, request) {
  try {
    const { data, errors } = await Amplify.API.query(request).response;
    console.log(`\n${label}:`, JSON.stringify(data));
    for (const error of errors) console.log(`  error: ${error.errorType ?? ''} ${error.message}`);
  } catch (error) {
    if (!isAmplifyException(error)) throw error;
    console.log(`\n${label}: ${error.name} (${error.code}): ${error.message}`);
  }
}

// Guest IAM credentials come from the identity pool before sign-in.
await show('AWS_IAM as a guest (stats)', { document: '{ stats { posts } }', apiName: 'blog_AWS_IAM' });

await Amplify.Auth.signIn({ username, password }); // SRP, as Amplify does
console.log(`\nSigned in as ${(await Amplify.Auth.getCurrentUser()).username}.`);

await Amplify.API.mutate({
  document:
    'mutation Create($title: String!, $body: String) { createPost(title: $title, body: $body) { id } }',
  variables: { title: `Hello from ${username}`, body: 'only signed-in readers see this' },
  apiName: 'blog',
}).response;

// The same query per mode: API key, IAM and Lambda callers get `body: null` plus an Unauthorized error.
await show('API_KEY', { document: POSTS, apiName: 'blog_API_KEY' });
await show('AMAZON_COGNITO_USER_POOLS', { document: POSTS, apiName: 'blog' });
await show('AWS_IAM (signed in)', { document: POSTS, authorizationMode: APIAuthorizationType.iam });
await show('AWS_LAMBDA', { document: POSTS, authorizationMode: APIAuthorizationType.function });
await show('OPENID_CONNECT', { document: POSTS, authorizationMode: APIAuthorizationType.oidc });
await show('whoami', { document: '{ whoami { username groups } }', apiName: 'blog' });

await Amplify.Auth.signOut();
