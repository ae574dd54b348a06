// The identity service under load: SRP sign-ins, token refreshes and GetCredentialsForIdentity
// per second, each with its p99 latency, against one Gatehouse server process.
//
//   node bench/identity.mjs                          starts its own server (needs `npm run build`)
//   node bench/identity.mjs --url URL --data DIR     a running `gatehouse dev` and its data dir
//
// Environment (all optional):
//   BENCH_DURATION=5          measured seconds per section   BENCH_WARMUP=1  warm-up seconds
//   BENCH_CONCURRENCY=16      requests in flight per section (split across the client processes)
//   BENCH_SRP_PROCESSES=2     client processes for the SRP section (the client's SRP math is
//                             CPU-bound, so it runs beside the server, not in it)
//   BENCH_ADDRESSES=500       loopback source addresses per client process (see `post` below)
//   BENCH_ONE_ADDRESS=1       send from one address, i.e. measure the per-address rate limit
//
// The client side of SRP (identity.md §3) is written here: bigint arithmetic with node:crypto's
// Diffie-Hellman for the 3072-bit modular exponentiations. A self-check against the spec's test
// vector runs first. Load runs in child processes; the server only sees HTTP.
import { execFile, spawn } from 'node:child_process';
import http from 'node:http';
import { createDiffieHellman, createHash, createHmac, hkdfSync, randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { srpPrimeHex } from '../packages/core/dist/index.js';
import { positiveInteger } from './example.mjs';

const benchFile = fileURLToPath(import.meta.url);
const rootDir = join(dirname(benchFile), '..');
const cliBin = join(rootDir, 'packages/cli/dist/bin.js');
const configFile = join(rootDir, 'examples/multi-auth/gatehouse.config.json');

// ---------------------------------------------------------------------------------------------
// SRP, client side (identity.md §3)

const hexN = srpPrimeHex;
const N = BigInt(`0x${hexN}`);
const primeBytes = Buffer.from(hexN, 'hex');
const generatorBytes = Buffer.from([2]);

/** Java `BigInteger.toByteArray()` hex: even length, `00` in front when the top bit is set. */
function padHex(value) {
  let hex = value.toString(16);
  if (hex.length % 2 === 1) hex = `0${hex}`;
  if ('89abcdef'.includes(hex[0])) hex = `00${hex}`;
  return hex;
}
const bytesOf = (value) => Buffer.from(padHex(value), 'hex');
const toBigInt = (buffer) => (buffer.length === 0 ? 0n : BigInt(`0x${buffer.toString('hex')}`));
const sha256 = (...parts) => {
  const hash = createHash('sha256');
  for (const part of parts) hash.update(part);
  return hash.digest();
};
/** Unsigned big-endian bytes of a positive integer (a DH private or public key). */
function rawBytes(value) {
  let hex = value.toString(16);
  if (hex.length % 2 === 1) hex = `0${hex}`;
  return Buffer.from(hex, 'hex');
}

/** `g^exponent mod N`, natively. */
function powG(exponent) {
  const dh = createDiffieHellman(primeBytes, generatorBytes);
  dh.setPrivateKey(rawBytes(exponent));
  dh.generateKeys();
  return toBigInt(dh.getPublicKey());
}

/** `base^exponent mod N`, natively (`base` is a valid DH public value here: `g^b`). */
function powMod(base, exponent) {
  const dh = createDiffieHellman(primeBytes, generatorBytes);
  dh.setPrivateKey(rawBytes(exponent));
  return toBigInt(dh.computeSecret(rawBytes(base)));
}

const k = toBigInt(sha256(bytesOf(N), bytesOf(2n)));

const weekdays = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const months = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
/** `Wed Nov 5 09:05:03 UTC 2025`: day without a leading zero. */
function srpTimestamp(date) {
  const two = (n) => String(n).padStart(2, '0');
  return (
    `${weekdays[date.getUTCDay()]} ${months[date.getUTCMonth()]} ${date.getUTCDate()} ` +
    `${two(date.getUTCHours())}:${two(date.getUTCMinutes())}:${two(date.getUTCSeconds())} UTC ${date.getUTCFullYear()}`
  );
}

/** A fresh `a` and `A = g^a mod N`. */
function srpStart(a = toBigInt(randomBytes(128))) {
  const A = powG(a);
  if (A % N === 0n) return srpStart();
  return { a, A };
}

/** The `PASSWORD_CLAIM_SIGNATURE` for the server's challenge. */
function srpSignature({ a, A, poolName, userId, password, salt, B, secretBlock, timestamp }) {
  if (B % N === 0n) throw new Error('The server sent B = 0 mod N.');
  const u = toBigInt(sha256(bytesOf(A), bytesOf(B)));
  if (u === 0n) throw new Error('u = 0.');
  const inner = sha256(Buffer.from(`${poolName}${userId}:${password}`, 'utf8'));
  const x = toBigInt(sha256(bytesOf(salt), inner));
  const base = (((B - k * powG(x)) % N) + N) % N;
  const S = powMod(base, a + u * x);
  const K = Buffer.from(hkdfSync('sha256', bytesOf(S), bytesOf(u), Buffer.from('Caldera Derived Key'), 16));
  return createHmac('sha256', K)
    .update(Buffer.from(poolName, 'utf8'))
    .update(Buffer.from(userId, 'utf8'))
    .update(Buffer.from(secretBlock, 'base64'))
    .update(Buffer.from(timestamp, 'utf8'))
    .digest('base64');
}

/** The test vector of identity.md §3, with the server's side computed here. */
function selfCheck() {
  const poolName = 'TestPool1';
  const userId = '579e594f-354c-4111-980c-ca75f6293d35';
  const password = 'Passw0rd!x';
  const salt = BigInt('0xd9955f227d0b0e298bc6cb0764de579e');
  const a = BigInt('0x5c0e8e5a1f3c7d9b2a4f6e8d0c1b3a5f7e9d2c4b6a8f0e1d3c5b7a9f2e4d6c8b');
  const b = BigInt('0x1f2e3d4c5b6a79880716253443526170f1e2d3c4b5a69788f9e0d1c2b3a49586');
  const x = toBigInt(sha256(bytesOf(salt), sha256(Buffer.from(`${poolName}${userId}:${password}`))));
  const B = (k * powG(x) + powG(b)) % N;
  const signature = srpSignature({
    ...srpStart(a),
    poolName,
    userId,
    password,
    salt,
    B,
    secretBlock: 'Z2F0ZWhvdXNlLXRlc3Qtc2VjcmV0LWJsb2NrLTAwMDE=',
    timestamp: 'Wed Nov 5 09:05:03 UTC 2025',
  });
  if (signature !== 'tTbk0UQkCcq9ivQ62NANRJfZkN4dgZg1baccBc7azGM=') {
    throw new Error('The SRP client fails the identity.md §3 test vector.');
  }
  if (srpTimestamp(new Date(Date.UTC(2025, 10, 5, 9, 5, 3))) !== 'Wed Nov 5 09:05:03 UTC 2025') {
    throw new Error('The SRP timestamp format is wrong.');
  }
}

// ---------------------------------------------------------------------------------------------
// The wire

class CognitoError extends Error {}

// The identity service limits unauthenticated operations per client address (identity.md §8:
// bursts of 50, then 10 a second), so one address would measure the limiter, not the server.
// Against a loopback server, requests rotate over many 127.x.y.z source addresses instead; every
// one of them still goes through the limiter.
const keepAliveAgent = new http.Agent({ keepAlive: true, maxSockets: 64 });
let sourceAddresses = [];
let nextAddress = 0;

/** Loopback source addresses `first`..`first + count - 1` (127.0.1.2 onwards). */
function loopbackAddresses(first, count) {
  return Array.from({ length: count }, (_, index) => {
    const n = first + index;
    return `127.0.${1 + Math.floor(n / 250)}.${2 + (n % 250)}`;
  });
}

function isLoopback(url) {
  const { hostname } = new URL(url);
  return hostname === 'localhost' || hostname.startsWith('127.');
}

function post(url, headers, body) {
  const target = new URL(url);
  const localAddress =
    sourceAddresses.length === 0 ? undefined : sourceAddresses[nextAddress++ % sourceAddresses.length];
  return new Promise((resolve, reject) => {
    const request = http.request(
      {
        host: target.hostname,
        port: target.port,
        path: `${target.pathname}${target.search}`,
        method: 'POST',
        headers: { ...headers, 'content-length': Buffer.byteLength(body) },
        agent: keepAliveAgent,
        ...(localAddress === undefined ? {} : { localAddress }),
      },
      (response) => {
        let text = '';
        response.setEncoding('utf8');
        response.on('data', (chunk) => (text += chunk));
        response.on('end', () => resolve({ status: response.statusCode, text }));
        response.on('error', reject);
      },
    );
    request.on('error', reject);
    request.end(body);
  });
}

async function call(endpoint, target, body) {
  const response = await post(
    endpoint,
    { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': target },
    JSON.stringify(body),
  );
  let json;
  try {
    json = JSON.parse(response.text);
  } catch {
    json = undefined;
  }
  if (response.status !== 200) {
    const type = json?.__type ?? `HTTP ${response.status}`;
    throw new CognitoError(`${target.split('.')[1]}: ${type}${json?.message ? ` (${json.message})` : ''}`);
  }
  return json;
}

const idp = (operation) => `AWSCognitoIdentityProviderService.${operation}`;
const identityService = (operation) => `AWSCognitoIdentityService.${operation}`;

/** One full SRP sign-in: `InitiateAuth` then `RespondToAuthChallenge`; returns the tokens. */
async function srpSignIn({ userPoolEndpoint, userPoolId, clientId, username, password }) {
  const poolName = userPoolId.split('_')[1];
  const { a, A } = srpStart();
  const challenge = await call(userPoolEndpoint, idp('InitiateAuth'), {
    AuthFlow: 'USER_SRP_AUTH',
    ClientId: clientId,
    AuthParameters: { USERNAME: username, SRP_A: A.toString(16) },
  });
  const parameters = challenge.ChallengeParameters;
  const timestamp = srpTimestamp(new Date());
  const signature = srpSignature({
    a,
    A,
    poolName,
    userId: parameters.USER_ID_FOR_SRP,
    password,
    salt: BigInt(`0x${parameters.SALT}`),
    B: BigInt(`0x${parameters.SRP_B}`),
    secretBlock: parameters.SECRET_BLOCK,
    timestamp,
  });
  const result = await call(userPoolEndpoint, idp('RespondToAuthChallenge'), {
    ChallengeName: 'PASSWORD_VERIFIER',
    ClientId: clientId,
    ChallengeResponses: {
      USERNAME: parameters.USERNAME,
      PASSWORD_CLAIM_SECRET_BLOCK: parameters.SECRET_BLOCK,
      TIMESTAMP: timestamp,
      PASSWORD_CLAIM_SIGNATURE: signature,
    },
  });
  if (!result.AuthenticationResult?.IdToken) throw new CognitoError('RespondToAuthChallenge: no tokens');
  return result.AuthenticationResult;
}

const operations = {
  srp: (spec) => srpSignIn(spec),
  refresh: (spec) =>
    call(spec.userPoolEndpoint, idp('GetTokensFromRefreshToken'), {
      ClientId: spec.clientId,
      RefreshToken: spec.refreshToken,
    }),
  credentials: (spec) =>
    call(spec.identityPoolEndpoint, identityService('GetCredentialsForIdentity'), {
      IdentityId: spec.identityId,
      Logins: spec.logins,
    }),
};

// ---------------------------------------------------------------------------------------------
// Worker: `node bench/identity.mjs --worker '<json spec>'` runs one operation in a closed loop
// with `concurrency` requests in flight and prints one JSON line with its latencies.

async function worker(spec) {
  if (spec.addresses) sourceAddresses = loopbackAddresses(spec.addresses.first, spec.addresses.count);
  const run = operations[spec.kind];
  const latencies = [];
  let errors = 0;
  let firstError;
  let measuring = false;
  const warmupEnd = Date.now() + spec.warmupSeconds * 1000;
  const end = warmupEnd + spec.durationSeconds * 1000;
  async function loop() {
    while (Date.now() < end) {
      if (!measuring && Date.now() >= warmupEnd) measuring = true;
      const counted = measuring;
      const started = process.hrtime.bigint();
      try {
        await run(spec);
        if (counted) latencies.push(Number(process.hrtime.bigint() - started) / 1e6);
      } catch (error) {
        if (counted) errors += 1;
        firstError ??= error.message;
        // A refused request is fast; do not let a failing section spin.
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
    }
  }
  await Promise.all(Array.from({ length: spec.concurrency }, loop));
  process.stdout.write(`${JSON.stringify({ latencies, errors, firstError })}\n`);
}

// ---------------------------------------------------------------------------------------------
// Driver

const children = new Set();
function stopChildren() {
  for (const child of children) child.kill('SIGKILL');
}

function runWorker(spec) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [benchFile, '--worker', JSON.stringify(spec)], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    children.add(child);
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => (stderr = (stderr + chunk).slice(-4000)));
    child.once('exit', (code) => {
      children.delete(child);
      if (code !== 0) reject(new Error(`A ${spec.kind} client process failed (exit ${code}): ${stderr}`));
      else resolve(JSON.parse(stdout));
    });
  });
}

async function section(name, spec, processes, settings) {
  const perProcess = Math.max(1, Math.round(settings.concurrency / processes));
  const results = await Promise.all(
    Array.from({ length: processes }, (_, index) =>
      runWorker({
        ...(settings.spreadAddresses
          ? {
              addresses: { first: index * settings.addressesPerProcess, count: settings.addressesPerProcess },
            }
          : {}),
        ...spec,
        concurrency: perProcess,
        warmupSeconds: settings.warmupSeconds,
        durationSeconds: settings.durationSeconds,
      }),
    ),
  );
  const latencies = results.flatMap((result) => result.latencies).sort((x, y) => x - y);
  const errors = results.reduce((sum, result) => sum + result.errors, 0);
  const firstError = results.find((result) => result.firstError)?.firstError;
  const percentile = (p) =>
    latencies.length === 0
      ? NaN
      : latencies[Math.min(latencies.length - 1, Math.ceil(p * latencies.length) - 1)];
  return {
    name,
    inFlight: perProcess * processes,
    perSecond: latencies.length / settings.durationSeconds,
    p50: percentile(0.5),
    p99: percentile(0.99),
    errors,
    firstError,
  };
}

function gatehouse(dataDir, args) {
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      [cliBin, ...args, '--data', dataDir, '--json'],
      { cwd: rootDir, timeout: 60_000 },
      (error, stdout, stderr) => {
        if (error)
          reject(new Error(`gatehouse ${args.slice(0, 2).join(' ')} failed: ${stderr || error.message}`));
        else resolve(JSON.parse(stdout));
      },
    );
  });
}

/** Starts `gatehouse dev` on port 0 in a temp data dir; resolves with its base URL. */
async function startServer() {
  const dataDir = await mkdtemp(join(tmpdir(), 'gatehouse-bench-identity-'));
  const child = spawn(
    process.execPath,
    [cliBin, 'dev', '--config', configFile, '--data', dataDir, '--port', '0'],
    {
      cwd: rootDir,
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  children.add(child);
  let stdout = '';
  let stderr = '';
  child.stderr.on('data', (chunk) => (stderr = (stderr + chunk).slice(-4000)));
  const url = await new Promise((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`gatehouse dev did not start in 30 s.\n${stderr}`)),
      30_000,
    );
    child.stdout.on('data', (chunk) => {
      stdout += chunk;
      const found = /Gatehouse ready at (http:\/\/[^\s/]+)/.exec(stdout);
      if (found) {
        clearTimeout(timer);
        resolve(found[1]);
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`gatehouse dev exited with code ${code}.\n${stderr}`));
    });
  });
  return {
    url,
    dataDir,
    async stop() {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGINT');
      await exited;
      children.delete(child);
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

function parseFlags(argv) {
  const flags = {};
  for (let i = 0; i < argv.length; i += 1) {
    const name = argv[i];
    if (name === '--url' || name === '--data') flags[name.slice(2)] = argv[(i += 1)];
    else throw new Error(`Unknown argument "${name}"; usage: node bench/identity.mjs [--url URL --data DIR]`);
  }
  if ((flags.url === undefined) !== (flags.data === undefined)) {
    throw new Error('"--url" and "--data" go together: the bench reads the client config from the data dir.');
  }
  return flags;
}

function formatTable(rows) {
  const header = ['operation', 'in flight', 'per second', 'p50 ms', 'p99 ms', 'errors'];
  const lines = rows.map((row) => [
    row.name,
    String(row.inFlight),
    row.perSecond.toFixed(1),
    Number.isNaN(row.p50) ? '-' : row.p50.toFixed(1),
    Number.isNaN(row.p99) ? '-' : row.p99.toFixed(1),
    String(row.errors),
  ]);
  const widths = header.map((title, column) =>
    Math.max(title.length, ...lines.map((line) => line[column].length)),
  );
  const format = (cells) =>
    cells
      .map((cell, column) => (column === 0 ? cell.padEnd(widths[column]) : cell.padStart(widths[column])))
      .join('  ');
  return [format(header), widths.map((width) => '-'.repeat(width)).join('  '), ...lines.map(format)].join(
    '\n',
  );
}

async function main() {
  const flags = parseFlags(process.argv.slice(2));
  const settings = {
    durationSeconds: positiveInteger('BENCH_DURATION', 5),
    warmupSeconds: positiveInteger('BENCH_WARMUP', 1),
    concurrency: positiveInteger('BENCH_CONCURRENCY', 16),
  };
  const srpProcesses = positiveInteger('BENCH_SRP_PROCESSES', 2);
  selfCheck();

  const server = flags.url === undefined ? await startServer() : undefined;
  const baseUrl = (flags.url ?? server.url).replace(/\/+$/, '');
  settings.spreadAddresses = isLoopback(baseUrl) && process.env.BENCH_ONE_ADDRESS !== '1';
  settings.addressesPerProcess = positiveInteger('BENCH_ADDRESSES', 500);
  const dataDir = flags.data ?? server.dataDir;
  try {
    const resources = JSON.parse(await readFile(join(dataDir, 'amplify-resources.json'), 'utf8'));
    const cognito = resources.Auth.Cognito;
    const username = `bench-${randomBytes(4).toString('hex')}`;
    const password = `Bench-${randomBytes(9).toString('base64url')}1!`;
    await gatehouse(dataDir, ['users', 'create', username, '--password', password]);
    const common = {
      userPoolEndpoint: cognito.userPoolEndpoint ?? `${baseUrl}/cognito-idp`,
      identityPoolEndpoint: cognito.identityPoolEndpoint ?? `${baseUrl}/cognito-identity`,
      userPoolId: cognito.userPoolId,
      clientId: cognito.userPoolClientId,
    };

    const rows = [];
    const skipped = [];
    // One sign-in outside the measurement gives the tokens the other sections use.
    let tokens;
    try {
      tokens = await srpSignIn({ ...common, username, password });
    } catch (error) {
      skipped.push(`SRP sign-in and token refresh skipped: ${error.message}`);
      const issued = await gatehouse(dataDir, ['token', username]);
      tokens = { IdToken: issued.idToken, RefreshToken: issued.refreshToken };
    }
    if (skipped.length === 0) {
      rows.push(
        await section('SRP sign-in', { kind: 'srp', ...common, username, password }, srpProcesses, settings),
      );
      rows.push(
        await section(
          'token refresh',
          { kind: 'refresh', ...common, refreshToken: tokens.RefreshToken },
          1,
          settings,
        ),
      );
    }
    const issuer = JSON.parse(Buffer.from(tokens.IdToken.split('.')[1], 'base64url').toString('utf8')).iss;
    const logins = { [issuer.replace(/^https?:\/\//, '')]: tokens.IdToken };
    const { IdentityId } = await call(common.identityPoolEndpoint, identityService('GetId'), {
      IdentityPoolId: cognito.identityPoolId,
      Logins: logins,
    });
    rows.push(
      await section(
        'GetCredentialsForIdentity',
        { kind: 'credentials', ...common, identityId: IdentityId, logins },
        1,
        settings,
      ),
    );

    const sources = settings.spreadAddresses
      ? `requests spread over ${settings.addressesPerProcess} loopback source addresses per client process`
      : 'one source address: the per-address rate limit applies';
    process.stdout.write(
      `\nIdentity service, one server process at ${baseUrl}; ${sources} ` +
        `(${settings.durationSeconds} s per row after ${settings.warmupSeconds} s warm-up)\n\n${formatTable(rows)}\n`,
    );
    for (const row of rows) {
      if (row.firstError) process.stdout.write(`  ${row.name}: first error: ${row.firstError}\n`);
    }
    for (const line of skipped) process.stdout.write(`  ${line}\n`);
  } finally {
    await server?.stop();
  }
}

if (process.argv[2] === '--worker') {
  worker(JSON.parse(process.argv[3])).catch((error) => {
    process.stderr.write(`${error.stack ?? error}\n`);
    process.exit(1);
  });
} else {
  main().catch((error) => {
    process.stderr.write(`\nidentity bench failed: ${error.message}\n`);
    stopChildren();
    process.exit(1);
  });
}
