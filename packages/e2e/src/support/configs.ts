/**
 * Purpose-made Gatehouse configs in temp dirs: a copy of the example pointing at its schema and
 * resolvers, and a "probe" API whose only mutation writes to a table, so a test can prove that a
 * refused request ran no resolver.
 */
import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { exampleConfig, exampleDir, exampleResolvers, exampleSchema } from './paths.js';
import type { TempDir } from './temp-dir.js';

export type ConfigJSON = Record<string, unknown>;

/** The example config with absolute schema, resolver and authorizer paths, ready to edit. */
export async function exampleConfigJSON(): Promise<ConfigJSON> {
  const config = JSON.parse(await readFile(exampleConfig, 'utf8')) as ConfigJSON;
  const providers = config['additionalAuthenticationProviders'] as ConfigJSON[];
  for (const provider of providers) {
    const lambda = provider['lambdaAuthorizerConfig'] as ConfigJSON | undefined;
    if (lambda) lambda['authorizerUri'] = `file:${join(exampleDir, 'authorizer.mjs')}`;
  }
  return { ...config, schema: exampleSchema, resolvers: exampleResolvers };
}

/** Writes `config` as `<dir>/<name>` and returns its path. */
export function writeConfig(
  dir: TempDir,
  config: ConfigJSON,
  name = 'gatehouse.config.json',
): Promise<string> {
  return dir.write(name, config);
}

/** Every mode may call `echo`, `touches` and `touch`; `touch` adds a row to the `Touches` table. */
export const probeSchema = /* GraphQL */ `
  type Query {
    echo: String @aws_api_key @aws_cognito_user_pools @aws_oidc @aws_iam @aws_lambda
    touches: Int! @aws_api_key @aws_cognito_user_pools @aws_oidc @aws_iam @aws_lambda
  }

  type Mutation {
    touch: Int! @aws_api_key @aws_cognito_user_pools @aws_oidc @aws_iam @aws_lambda
  }
`;

const probeResolvers: Record<string, string> = {
  'Query.echo.mjs': `export default () => 'echo';\n`,
  'Query.touches.mjs': `export default async (ctx) => (await ctx.tables.Touches.scan({ limit: 1000 })).items.length;\n`,
  'Mutation.touch.mjs': `export default async (ctx) => {
  await ctx.tables.Touches.put({ id: ctx.util.autoId() });
  return (await ctx.tables.Touches.scan({ limit: 1000 })).items.length;
};\n`,
};

/**
 * A Lambda authorizer for negative tests; every invocation appends its token to
 * `invocations.log` beside it. `custom-ok` is allowed; the others fail in one way each.
 */
export const probeAuthorizer = `import { appendFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const log = fileURLToPath(new URL('./invocations.log', import.meta.url));

export async function handler(event, context) {
  const token = event.authorizationToken;
  appendFileSync(log, token + '\\n');
  switch (token) {
    case 'custom-ok':
      return { isAuthorized: true, resolverContext: { user: 'ok' }, ttlOverride: 0 };
    case 'custom-deny':
      return { isAuthorized: false };
    case 'custom-throw':
      throw new Error('The authorizer failed.');
    case 'custom-garbage':
      return 'yes, please';
    case 'custom-wrong-type':
      return { isAuthorized: 'true' };
    case 'custom-slow':
      // Longer than the 10 s timeout; gives up when Gatehouse stops waiting.
      await new Promise((resolve) => {
        const timer = setTimeout(resolve, 60_000);
        context.signal.addEventListener('abort', () => {
          clearTimeout(timer);
          resolve(undefined);
        });
      });
      return { isAuthorized: true };
    default:
      return { isAuthorized: false };
  }
}
`;

/** Writes the probe schema, resolvers and authorizer into `dir`; returns the paths to use in a config. */
export async function writeProbeAPI(
  dir: TempDir,
): Promise<{ schema: string; resolvers: string; authorizer: string }> {
  await mkdir(join(dir.path, 'resolvers'), { recursive: true });
  for (const [name, source] of Object.entries(probeResolvers))
    await dir.write(join('resolvers', name), source);
  await dir.write('schema.graphql', probeSchema);
  await dir.write('authorizer.mjs', probeAuthorizer);
  return { schema: './schema.graphql', resolvers: './resolvers', authorizer: 'file:./authorizer.mjs' };
}
