// Client-side overhead of @gatehouse/client per authorization mode, against a started dev server.
//
//   npm run build && node bench/client.mjs            # BENCH_N=300 for more requests per mode
//
// For each mode, the same request is sent N times by the client (query → auth headers / provider
// call / SigV4 → fetch → decode) and N times by a bare `fetch` replaying the headers and body the
// client produced, interleaved in batches in one run. Reported: mean ms per request of both, their
// ratio, and the client's own cost per request with the network replaced by a canned response.
/* global performance, Headers, Response */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startDevServer } from '@gatehouse/cli';
import {
  AmplifyAPI,
  AmplifyAuthCognito,
  AmplifyClass,
  createFunctionAuthProvider,
  createOIDCAuthProvider,
} from '@gatehouse/client';

const N = Number(process.env.BENCH_N ?? 200);
const BATCH = 20;
const configPath = fileURLToPath(new URL('../examples/multi-auth/gatehouse.config.json', import.meta.url));
const silent = { debug() {}, info() {}, warn() {}, error() {} };
const DOC = '{ posts { id title } }';

const dataDir = await mkdtemp(join(tmpdir(), 'gatehouse-bench-client-'));
const server = await startDevServer({ configPath, dataDir, host: '127.0.0.1', port: 0, logger: silent });
try {
  const { identity } = server;
  await identity.userPool.createUser('bench', { password: 'Passw0rd!bench' });
  const tokens = await identity.userPool.issueTokens('bench');
  const oidc = await identity.oidcIssuer.issueIdToken('bench');
  const { identityId } = await identity.identityPool.getId();
  const { credentials: c } = await identity.identityPool.getCredentialsForIdentity({ identityId });
  const credentials = {
    accessKeyId: c.accessKeyId,
    secretAccessKey: c.secretKey,
    sessionToken: c.sessionToken,
  };
  const apiKey = (await identity.apiKeys.create({ expiresInDays: 1 })).id;
  const config = {
    version: '1.3',
    data: {
      url: server.graphqlUrl,
      aws_region: 'us-east-1',
      api_key: apiKey,
      default_authorization_type: 'API_KEY',
      authorization_types: ['AMAZON_COGNITO_USER_POOLS', 'AWS_IAM', 'OPENID_CONNECT', 'AWS_LAMBDA'],
    },
    auth: { aws_region: 'us-east-1', user_pool_id: identity.settings.userPoolId, user_pool_client_id: 'x' },
  };

  async function makeClient(fetchImpl) {
    const amplify = new AmplifyClass();
    await amplify.addPlugins([
      new AmplifyAPI({
        fetch: fetchImpl,
        authProviders: [createOIDCAuthProvider(() => oidc), createFunctionAuthProvider(() => 'custom-bench')],
      }),
      new AmplifyAuthCognito({
        tokenProvider: { getTokens: async () => tokens },
        credentialsProvider: { getCredentialsAndIdentityId: async () => ({ credentials }) },
      }),
    ]);
    await amplify.configure(config);
    return amplify;
  }

  let last;
  const recording = (input, init) => {
    last = {
      url: String(input),
      init: { method: init.method, headers: new Headers(init.headers), body: init.body },
    };
    return fetch(input, init);
  };
  const canned = () => Promise.resolve(new Response('{"data":{"posts":[]}}', { status: 200 }));
  const live = await makeClient(recording);
  const offline = await makeClient(canned);

  const modes = ['API_KEY', 'AMAZON_COGNITO_USER_POOLS', 'AWS_IAM', 'OPENID_CONNECT', 'AWS_LAMBDA'];
  const rows = [];
  for (const mode of modes) {
    const request = { document: DOC, authorizationMode: mode };
    const first = await live.API.query(request).response; // warm-up, and records the wire request
    if (first.data === null) throw new Error(`${mode}: the warm-up query returned no data.`);
    const replay = last;
    const bare = async () => {
      const response = await fetch(replay.url, replay.init);
      const json = await response.json();
      if (response.status !== 200 || json.data == null) throw new Error(`${mode}: bare fetch failed.`);
    };
    const viaClient = async () => {
      await live.API.query(request).response;
    };
    // IAM signatures are valid for 15 minutes, so replaying the recorded request is fine.
    for (let i = 0; i < 10; i++) {
      await bare();
      await viaClient();
    }
    let bareMs = 0;
    let clientMs = 0;
    for (let done = 0; done < N; done += BATCH) {
      let start = performance.now();
      for (let i = 0; i < BATCH; i++) await bare();
      bareMs += performance.now() - start;
      start = performance.now();
      for (let i = 0; i < BATCH; i++) await viaClient();
      clientMs += performance.now() - start;
    }
    const total = Math.ceil(N / BATCH) * BATCH;
    for (let i = 0; i < 50; i++) await offline.API.query(request).response;
    let start = performance.now();
    for (let i = 0; i < total; i++) await offline.API.query(request).response;
    const ownMs = (performance.now() - start) / total;
    rows.push({
      mode,
      'bare fetch ms': +(bareMs / total).toFixed(3),
      'client ms': +(clientMs / total).toFixed(3),
      ratio: +(clientMs / bareMs).toFixed(2),
      'client-side µs (no network)': Math.round(ownMs * 1000),
    });
  }
  console.log(
    `@gatehouse/client overhead, ${Math.ceil(N / BATCH) * BATCH} requests per mode, Node ${process.version}`,
  );
  console.table(rows);
} finally {
  await server.close();
  await rm(dataDir, { recursive: true, force: true });
}
