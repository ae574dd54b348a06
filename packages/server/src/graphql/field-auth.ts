import {
  defaultFieldResolver,
  isObjectType,
  type GraphQLFieldResolver,
  type GraphQLResolveInfo,
  type GraphQLSchema,
} from 'graphql';
import { GatehouseError, wireForms } from '@gatehouse/core';
import type { AppSyncIdentity, DocumentTable, Principal } from '@gatehouse/core';
import type { ResolverContext, ResolverFunction, ResolverUtil } from './resolver-context.js';

/** Per-request execution context (graphql-js `contextValue`). */
export interface ExecutionContext {
  readonly principal: Principal;
  readonly identity: AppSyncIdentity;
  readonly headers: Readonly<Record<string, string>>;
  readonly stash: Record<string, unknown>;
}

/** A field the caller may not see: `null` with AppSync's `Unauthorized` error at its path (F1). */
export class UnauthorizedFieldError extends GatehouseError {
  readonly errorType = wireForms.ERR_FIELD_UNAUTHORIZED.errorType;
  constructor(fieldName: string, typeName: string) {
    super('ERR_FIELD_UNAUTHORIZED', `Not Authorized to access ${fieldName} on type ${typeName}`);
    this.name = 'UnauthorizedFieldError';
  }
}

export type FieldAuthorizer = (
  principal: Principal,
  typeName: string,
  fieldName: string,
  isRootField: boolean,
) => boolean;

export interface InstallOptions {
  readonly authorize: FieldAuthorizer;
  /** User resolver modules by `Type.field`. */
  readonly resolvers: ReadonlyMap<string, ResolverFunction>;
  readonly tables: Readonly<Record<string, DocumentTable>>;
  readonly util: ResolverUtil;
}

/**
 * Installs, on every field of every object type, a resolver that first authorizes the field for
 * the request's principal and only then runs the user's resolver (or the default one). A denied
 * field's resolver never runs (appsync-auth.md §5 rule 6).
 */
export function installFieldResolvers(schema: GraphQLSchema, options: InstallOptions): void {
  const roots = new Set(
    [schema.getQueryType(), schema.getMutationType(), schema.getSubscriptionType()]
      .filter((type) => type !== null && type !== undefined)
      .map((type) => type.name),
  );
  const { authorize } = options;
  // Fields without a resolver module share one function per kind (root or nested), so the
  // executor's call site stays monomorphic; the field comes from `info`.
  const authorizedDefault =
    (isRoot: boolean): GraphQLFieldResolver<unknown, ExecutionContext, Record<string, unknown>> =>
    (source, args, context, info) => {
      if (!authorize(context.principal, info.parentType.name, info.fieldName, isRoot)) {
        throw new UnauthorizedFieldError(info.fieldName, info.parentType.name);
      }
      return defaultFieldResolver(source, args, context, info);
    };
  const rootDefault = authorizedDefault(true);
  const nestedDefault = authorizedDefault(false);
  for (const type of Object.values(schema.getTypeMap())) {
    if (!isObjectType(type) || type.name.startsWith('__')) continue;
    const isRoot = roots.has(type.name);
    for (const field of Object.values(type.getFields())) {
      const userResolver = options.resolvers.get(`${type.name}.${field.name}`);
      if (!userResolver) {
        field.resolve = isRoot ? rootDefault : nestedDefault;
        continue;
      }
      const typeName = type.name;
      const fieldName = field.name;
      field.resolve = (source, args: Record<string, unknown>, context: ExecutionContext, info) => {
        if (!authorize(context.principal, typeName, fieldName, isRoot)) {
          throw new UnauthorizedFieldError(fieldName, typeName);
        }
        return userResolver(resolverContext(source, args, context, info, options));
      };
    }
  }
}

function resolverContext(
  source: unknown,
  args: Record<string, unknown>,
  context: ExecutionContext,
  info: GraphQLResolveInfo,
  options: InstallOptions,
): ResolverContext {
  return {
    arguments: args,
    args,
    source: source ?? null,
    identity: context.identity,
    request: { headers: context.headers },
    info: { fieldName: info.fieldName, parentTypeName: info.parentType.name, variables: info.variableValues },
    tables: options.tables,
    util: options.util,
    stash: context.stash,
  };
}
