// The cost of each authorization mode without sockets: Gatehouse's transport-independent request
// handler (`DevServer.handle`, the very function the HTTP server calls) against the graphql-js
// baseline's handler (graphql-baseline.mjs), both called in this process with the same request
// body and the same SQLite file. Loopback TCP costs several times more than either handler and
// moves with everything else on the machine; without it, what a mode adds is measured in
// microseconds, and the figure holds from one run to the next. See bench/README.md.
//
// Environment (all optional):
//   BENCH_INPROC_REQUESTS=10000  requests per measured batch   BENCH_INPROC_ROUNDS=9   batches per target
//   BENCH_CONNECTIONS=50         requests in flight at once    BENCH_ONLY=API_KEY,AWS_IAM   modes to run
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { startDevServer } from '../packages/cli/dist/index.js';
import {
  benchCredentials,
  configFile,
  median,
  positiveInteger,
  postsResolverFile,
  region,
  requestBody,
  schemaFile,
  seedBodies,
} from './example.mjs';
import { createGraphQLBaseline } from './graphql-baseline.mjs';
import { signedHeaders } from './sigv4.mjs';

const requests = positiveInteger('BENCH_INPROC_REQUESTS', 10_000);
const rounds = positiveInteger('BENCH_INPROC_ROUNDS', 9);
const inFlight = positiveInteger('BENCH_CONNECTIONS', 50);
const only = process.env.BENCH_ONLY
  ? new Set(process.env.BENCH_ONLY.split(',').map((s) => s.trim()))
  : undefined;

const body = Buffer.from(requestBody);
// The Host the requests claim; SigV4 signs it, and the server accepts it with or without a port.
const host = '127.0.0.1:4000';
const silent = { info() {}, warn() {}, error() {} };

/** A request as the HTTP adapter hands it to the handler. */
function plainRequest(headers, payload = body) {
  return {
    method: 'POST',
    path: '/graphql',
    headers: { host, 'content-type': 'application/json', ...headers },
    body: payload,
    sourceIp: ['127.0.0.1'],
  };
}

/**
 * Sends `count` requests, `inFlight` at a time, and returns microseconds per request. `send()`
 * makes the i-th request; any answer but `200` with the reference body stops the run.
 */
async function batch(target, count, reference) {
  let left = count;
  let failed;
  const worker = async () => {
    while (left > 0 && failed === undefined) {
      left -= 1;
      const response = await target.send();
      if (response.status !== 200 || response.body !== reference) failed = response;
    }
  };
  const started = performance.now();
  await Promise.all(Array.from({ length: inFlight }, worker));
  const micros = ((performance.now() - started) * 1000) / count;
  if (failed !== undefined) {
    throw new Error(`${target.name}: got ${failed.status} ${String(failed.body).slice(0, 500)}`);
  }
  return micros;
}

async function main() {
  const dataDir = await mkdtemp(join(tmpdir(), 'gatehouse-bench-inproc-'));
  let dev;
  let baseline;
  try {
    dev = await startDevServer({
      configPath: configFile,
      dataDir,
      host: '127.0.0.1',
      port: 0,
      logger: silent,
    });
    const { accessToken, oidcToken, credentials, apiKey } = await benchCredentials(dataDir);
    for (const seed of seedBodies) {
      const response = await dev.handle(plainRequest({ authorization: accessToken }, Buffer.from(seed)));
      if (response.status !== 200 || JSON.parse(response.body).errors) {
        throw new Error(`Seeding a post failed: ${response.status} ${response.body}`);
      }
    }
    baseline = await createGraphQLBaseline({
      schemaFile,
      databaseFile: join(dataDir, 'gatehouse.db'),
      resolverFile: postsResolverFile,
    });

    // SigV4 requests are signed before each batch, every one with its own signature, so that the
    // batch times the server's verification and not the client's signing.
    let signed = [];
    let nonce = 0;
    const sign = (count) => {
      signed = Array.from({ length: count }, () =>
        signedHeaders({
          url: `http://${host}/graphql`,
          body: requestBody,
          credentials,
          region,
          nonce: nonce++,
        }),
      );
    };
    const sendSigned = () => dev.handle(plainRequest(signed.pop() ?? {}));
    const fixed = (headers) => () => dev.handle(plainRequest(headers));
    const baselineTarget = { name: 'baseline: graphql-js, no auth', send: () => baseline.handle(body) };
    const modes = [
      { name: 'API_KEY', send: fixed({ 'x-api-key': apiKey }) },
      { name: 'AMAZON_COGNITO_USER_POOLS', send: fixed({ authorization: accessToken }) },
      { name: 'OPENID_CONNECT', send: fixed({ authorization: oidcToken }) },
      { name: 'AWS_LAMBDA', send: fixed({ authorization: 'custom-bench' }) },
      { name: 'AWS_IAM', send: sendSigned, prepare: sign },
    ].filter((mode) => only === undefined || only.has(mode.name));
    const targets = [baselineTarget, ...modes];

    // Every target must answer exactly what the baseline answers, first once, then under load.
    const reference = (await baseline.handle(body)).body;
    process.stderr.write(
      `In process: ${requests} requests per batch, ${inFlight} in flight, ${rounds} rounds (${targets.length} targets)\n`,
    );
    for (const target of targets) {
      target.prepare?.(requests);
      await batch(target, requests, reference); // warm-up
    }
    const times = new Map(targets.map((target) => [target.name, []]));
    for (let round = 0; round < rounds; round++) {
      for (const target of targets) {
        target.prepare?.(requests);
        times.get(target.name).push(await batch(target, requests, reference));
      }
    }

    const base = median(times.get(baselineTarget.name));
    const lines = [
      `${'target'.padEnd(32)}  ${'µs/req'.padStart(7)}  ${'added µs'.padStart(8)}  ${'ratio'.padStart(6)}  µs/req per round`,
      `${'-'.repeat(32)}  ${'-'.repeat(7)}  ${'-'.repeat(8)}  ${'-'.repeat(6)}  ${'-'.repeat(16)}`,
    ];
    for (const target of targets) {
      const runs = times.get(target.name);
      const own = median(runs);
      lines.push(
        `${target.name.padEnd(32)}  ${own.toFixed(1).padStart(7)}  ${(own - base).toFixed(1).padStart(8)}  ${`${(base / own).toFixed(2)}×`.padStart(6)}  ${runs.map((t) => t.toFixed(1)).join(' ')}`,
      );
    }
    process.stdout.write(
      `\n${lines.join('\n')}\n\n` +
        'µs/req: median over the rounds of a batch’s wall time per request; added µs: over the baseline;\n' +
        'ratio: the baseline’s µs/req over the target’s (the requests per second a core would serve, relative).\n' +
        'Targets take turns batch by batch, so a slower spell of the machine falls on all of them alike.\n',
    );
  } finally {
    await baseline?.close();
    await dev?.close();
    await rm(dataDir, { recursive: true, force: true });
  }
}

main().then(
  () => process.exit(0),
  (error) => {
    process.stderr.write(`\nbench failed: ${error.message}\n`);
    process.exit(1);
  },
);
