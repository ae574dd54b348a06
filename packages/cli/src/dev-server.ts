import { mkdir, readFile, rm } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { providersOf, type GatehouseConfig, type Logger } from '@gatehouse/core';
import {
  createIdentityRoutes,
  openIdentity,
  parseIdentityConfig,
  type IdentityConfig,
  type OpenedIdentity,
} from '@gatehouse/identity';
import {
  createGatehouseApp,
  createIAMPrincipalResolver,
  createSQLiteDocumentStore,
  listen,
  loadSchema,
  type RequestHandler,
} from '@gatehouse/server';
import {
  amplifyConfiguration,
  amplifyOutputs,
  amplifyResources,
  type ClientConfigInput,
} from './client-config.js';
import { UsageError } from './usage-error.js';
import { databaseFile, loadConfig, runtimeFile, writeJSON } from './workspace.js';

export interface DevServerOptions {
  readonly configPath: string;
  readonly dataDir: string;
  readonly host: string;
  readonly port: number;
  readonly logger: Logger;
  readonly now?: () => number;
}

export interface DevServer {
  /** `http://HOST:PORT/graphql`. */
  readonly graphqlUrl: string;
  readonly baseUrl: string;
  /** The transport-independent request handler (in-process requests, no socket). */
  readonly handle: RequestHandler;
  readonly identity: OpenedIdentity;
  /** The API key created on the first start, if any (shown once). */
  readonly firstAPIKey: string | undefined;
  close(): Promise<void>;
}

/**
 * `gatehouse dev`: the whole stack in one process — store, identity service, API, client config
 * files. The port is bound first (port 0 picks one), since issuers and URLs contain it.
 */
export async function startDevServer(options: DevServerOptions): Promise<DevServer> {
  const now = options.now ?? Date.now;
  const { config, dir: configDir } = await loadConfig(options.configPath);
  const sdl = await readFile(resolve(configDir, config.schema), 'utf8').catch(() => {
    throw new UsageError(`The schema file "${config.schema}" cannot be read.`);
  });
  const region = config.region ?? 'us-east-1';
  const accountId = config.accountId ?? '123456789012';
  let identityConfig: IdentityConfig;
  try {
    identityConfig = parseIdentityConfig(config.identity);
  } catch (error) {
    throw new UsageError(`Invalid config "${options.configPath}": ${(error as Error).message}`);
  }
  // Everything checkable without the data dir is checked before anything is written to it.
  checkSchema(sdl, config);
  const dataDir = resolve(options.dataDir);
  await mkdir(dataDir, { recursive: true, mode: 0o700 });

  let handle: RequestHandler | undefined;
  const server = await listen(
    (request) =>
      handle
        ? handle(request)
        : Promise.resolve({
            status: 503,
            headers: { 'content-type': 'text/plain; charset=UTF-8' },
            body: 'starting',
          }),
    { host: options.host, port: options.port, logger: options.logger },
  );
  const store = createSQLiteDocumentStore({ filename: join(dataDir, databaseFile) });
  try {
    const baseUrl = server.url;
    const identity = await openIdentity({
      store,
      dataDir,
      region,
      accountId,
      issuerBaseUrl: baseUrl,
      now,
      allowUnauthenticated: identityConfig.allowGuestAccess ?? true,
      config: identityConfig,
      accessKeys: config.iam?.accessKeys ?? [],
      logger: options.logger,
      // Dev delivery: codes go to the console (also listed by `gatehouse users codes`).
      onCode: (event) =>
        options.logger.info(`${event.purpose} code for "${event.username}": ${event.code}`, {
          username: event.username,
          purpose: event.purpose,
        }),
    });
    const apiId = config.apiId ?? identity.settings.apiId;
    const apiKeyModeEnabled = [config, ...(config.additionalAuthenticationProviders ?? [])].some(
      (provider) => provider.authenticationType === 'API_KEY',
    );
    const clientAPIKey = apiKeyModeEnabled ? await clientConfigAPIKey(identity, dataDir, now) : undefined;
    const app = await createGatehouseApp({
      config,
      sdl,
      resolversDir: config.resolvers === undefined ? undefined : resolve(configDir, config.resolvers),
      tables: config.tables,
      store,
      providers: {
        configDir,
        region,
        accountId,
        apiId,
        now,
        logger: options.logger,
        apiKeys: identity.apiKeys,
        iam: createIAMPrincipalResolver({
          accessKeys: config.iam?.accessKeys ?? [],
          accountId,
          apiId,
          roles: config.iam?.roles,
          temporary: identity.identityPool,
          now,
        }),
        localUserPool: {
          userPoolId: identity.settings.userPoolId,
          issuer: identity.userPool.issuer,
          keys: identity.userPool.keySource,
        },
        localOIDC: { issuer: identity.oidcIssuer.issuer, keys: identity.oidcIssuer.keySource },
      },
      routes: createIdentityRoutes(identity),
      now,
      logger: options.logger,
    });
    for (const warning of app.warnings) options.logger.warn(warning);
    handle = app.handle;

    const graphqlUrl = `${baseUrl}/graphql`;
    const input: ClientConfigInput = {
      name: config.name,
      graphqlUrl,
      region,
      defaultMode: config.authenticationType,
      modes: app.providers.all.map((provider) => provider.mode),
      apiKey: clientAPIKey?.key,
      identity: {
        userPoolId: identity.settings.userPoolId,
        userPoolClientId: identity.settings.userPoolClientId,
        identityPoolId: identity.settings.identityPoolId,
        allowGuestAccess: identityConfig.allowGuestAccess ?? true,
        userPoolEndpoint: `${baseUrl}/cognito-idp`,
        identityPoolEndpoint: `${baseUrl}/cognito-identity`,
        loginWith: { username: true },
      },
    };
    await writeJSON(join(dataDir, 'amplifyconfiguration.json'), amplifyConfiguration(input));
    await writeJSON(join(dataDir, 'amplify_outputs.json'), amplifyOutputs(input));
    await writeJSON(join(dataDir, 'amplify-resources.json'), amplifyResources(input));
    await writeJSON(join(dataDir, runtimeFile), { url: baseUrl, region, accountId, pid: process.pid });

    return {
      graphqlUrl,
      baseUrl,
      handle: app.handle,
      identity,
      firstAPIKey: clientAPIKey?.created ? clientAPIKey.key : undefined,
      close: async () => {
        await server.close();
        await store.close();
        await rm(join(dataDir, runtimeFile), { force: true });
      },
    };
  } catch (error) {
    await server.close();
    await store.close();
    throw error;
  }
}

/**
 * The API key written into the client config files: the one written last time while it is still
 * valid, else a new 7-day key (stored hashed, so its value is known only when created).
 */
async function clientConfigAPIKey(
  identity: OpenedIdentity,
  dataDir: string,
  now: () => number,
): Promise<{ key: string; created: boolean }> {
  try {
    const previous = JSON.parse(await readFile(join(dataDir, 'amplify-resources.json'), 'utf8')) as {
      API?: { GraphQL?: { apiKey?: unknown } };
    };
    const key = previous.API?.GraphQL?.apiKey;
    if (typeof key === 'string' && (await identity.apiKeys.isValid(key, Math.floor(now() / 1000)))) {
      return { key, created: false };
    }
  } catch {
    // No previous config: first start in this data dir.
  }
  const created = await identity.apiKeys.create({
    expiresInDays: 7,
    description: 'Client config key (gatehouse dev)',
  });
  return { key: created.id, created: true };
}

/** Validates the SDL and its directives against the configured modes; a problem is a UsageError. */
function checkSchema(sdl: string, config: GatehouseConfig): void {
  const providers = providersOf(config).map((provider, index) => ({
    mode: provider.mode,
    providerId: `provider-${index}`,
  }));
  const [defaultProvider] = providers;
  if (!defaultProvider) throw new UsageError('The config names no authentication provider.');
  try {
    loadSchema(sdl, {
      defaultProvider,
      providers,
      ...(config.userPoolConfig?.defaultAction !== undefined
        ? { defaultAction: config.userPoolConfig.defaultAction }
        : {}),
      ...(config.strictSchema !== undefined ? { strictSchema: config.strictSchema } : {}),
    });
  } catch (error) {
    const detail = (error as Error).message.replace(/:?\n- /g, ': ').replace(/\n/g, ' ');
    throw new UsageError(`The schema file "${config.schema}" is invalid: ${detail}`);
  }
}
