import {
  authorizeField,
  type Clock,
  type DocumentStore,
  type DocumentTable,
  type GatehouseConfig,
  type Logger,
  type TableSchema,
} from '@gatehouse/core';
import { createIAMRootFieldCheck } from './auth/iam-root-fields.js';
import { buildProviders, type BuiltProviders, type ProviderDependencies } from './auth/providers.js';
import { createGraphQLEndpoint } from './graphql/endpoint.js';
import { installFieldResolvers } from './graphql/field-auth.js';
import { createResolverUtil } from './graphql/resolver-context.js';
import { createRequestHandler } from './http/handler.js';
import type { RequestHandler, Route } from './http/types.js';
import { loadResolvers } from './resolvers/load-resolvers.js';
import { loadSchema } from './schema/load-schema.js';

export interface GatehouseAppOptions {
  readonly config: GatehouseConfig;
  /** The SDL text of `config.schema`. */
  readonly sdl: string;
  /** Absolute folder of resolver modules, if any. */
  readonly resolversDir?: string | undefined;
  /** Document tables by name (`ctx.tables`), from the config's `tables`. */
  readonly tables?: Readonly<Record<string, TableSchema>> | undefined;
  readonly store: DocumentStore;
  readonly providers: ProviderDependencies;
  readonly routes?: readonly Route[] | undefined;
  readonly now: Clock;
  readonly logger: Logger;
}

export interface GatehouseApp {
  readonly handle: RequestHandler;
  readonly providers: BuiltProviders;
  readonly warnings: readonly string[];
}

/** Composes one API: providers, schema with per-field authorization, resolvers, tables, HTTP. */
export async function createGatehouseApp(options: GatehouseAppOptions): Promise<GatehouseApp> {
  const { config, logger } = options;
  const providers = buildProviders(config, options.providers);
  const {
    schema,
    tables: authTables,
    warnings,
  } = loadSchema(options.sdl, {
    defaultProvider: providers.defaultProvider,
    providers: [...providers.all],
    ...(config.userPoolConfig?.defaultAction !== undefined
      ? { defaultAction: config.userPoolConfig.defaultAction }
      : {}),
    ...(config.strictSchema !== undefined ? { strictSchema: config.strictSchema } : {}),
    logger,
  });
  const documentTables: Record<string, DocumentTable> = {};
  for (const [name, tableSchema] of Object.entries(options.tables ?? {})) {
    documentTables[name] = await options.store.table(name, tableSchema);
  }
  const fieldAuthorization = installFieldResolvers(schema, {
    authorize: (principal, typeName, fieldName, isRoot) =>
      authorizeField(authTables, principal, typeName, fieldName, isRoot),
    resolvers: await loadResolvers(options.resolversDir, schema),
    tables: documentTables,
    util: createResolverUtil(options.now),
  });
  const api = {
    region: options.providers.region,
    accountId: options.providers.accountId,
    apiId: options.providers.apiId,
  };
  const graphql = createGraphQLEndpoint({
    schema,
    fieldAuthorization,
    providers: providers.set,
    checkIAMRootFields: createIAMRootFieldCheck(api),
    logger,
  });
  const handle = createRequestHandler({ graphql, routes: options.routes ?? [], logger });
  return { handle, providers, warnings };
}
