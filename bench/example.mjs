// What bench/run.mjs and bench/in-process.mjs share: the example they load, the one query, and
// the credentials of every mode, obtained through the CLI as a user of the example would.
import { execFile } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const benchDir = dirname(fileURLToPath(import.meta.url));
export const rootDir = join(benchDir, '..');
export const cliBin = join(rootDir, 'packages/cli/dist/bin.js');
export const exampleDir = join(rootDir, 'examples/multi-auth');
export const configFile = join(exampleDir, 'gatehouse.config.json');
export const schemaFile = join(exampleDir, 'schema.graphql');
export const postsResolverFile = join(exampleDir, 'resolvers', 'Query.posts.mjs');
export const region = 'us-east-1';

/** The one query every target answers; every mode may read `posts { id title }`. */
export const query = 'query Bench { posts { id title } }';
export const requestBody = JSON.stringify({ query });

/** The bodies of the mutations that create a few posts, so that the response is not trivial. */
export const seedBodies = ['Hello', 'Second post', 'On caching', 'Multi-auth in practice', 'Last one'].map(
  (title) =>
    JSON.stringify({
      query:
        'mutation Seed($title: String!, $body: String) { createPost(title: $title, body: $body) { id } }',
      variables: { title, body: `Body of "${title}".` },
    }),
);

/** An integer setting from the environment, or `fallback`. */
export function positiveInteger(name, fallback) {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 1) throw new RangeError(`"${name}" must be a positive integer.`);
  return value;
}

/** The middle value (the mean of the two middle ones for an even count). */
export function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

/** Runs one admin command of the CLI on the example's data dir and returns its `--json` output. */
export function gatehouse(dataDir, args) {
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      [cliBin, ...args, '--data', dataDir, '--config', configFile, '--json'],
      { cwd: rootDir, timeout: 30_000 },
      (error, stdout, stderr) => {
        if (error)
          reject(new Error(`gatehouse ${args[0]} ${args[1] ?? ''} failed: ${stderr || error.message}`));
        else resolve(JSON.parse(stdout));
      },
    );
  });
}

/**
 * A credential for every mode: a user in the `admin` group, its access token, an OIDC ID token,
 * guest IAM credentials and an API key.
 */
export async function benchCredentials(dataDir) {
  await gatehouse(dataDir, ['users', 'create', 'bench', '--password', 'Bench-Passw0rd!', '--group', 'admin']);
  const { accessToken } = await gatehouse(dataDir, ['token', 'bench']);
  const { idToken: oidcToken } = await gatehouse(dataDir, ['token', 'bench', '--oidc']);
  const credentials = await gatehouse(dataDir, ['credentials', '--guest']);
  const { id: apiKey } = await gatehouse(dataDir, ['api-keys', 'create', '--description', 'bench']);
  return { accessToken, oidcToken, credentials, apiKey };
}
