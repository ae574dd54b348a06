import { defaultFieldResolver, isObjectType, type GraphQLResolveInfo, type GraphQLSchema } from 'graphql';
import { GatehouseError, wireForms } from '@gatehouse/core';
import type { AppSyncIdentity, DocumentTable, Principal } from '@gatehouse/core';
import type { ResolverContext, ResolverFunction, ResolverUtil } from './resolver-context.js';

/** Per-request execution context (graphql-js `contextValue`). */
export interface ExecutionContext {
  readonly principal: Principal;
  readonly identity: AppSyncIdentity;
  readonly headers: Readonly<Record<string, string>>;
  readonly stash: Record<string, unknown>;
  /** This principal's decisions so far, by field number (`FieldAuthorization.decisionsFor`). */
  readonly decisions: FieldDecisions;
}

/** Whether a principal may read each field, by the field's number; `undefined` until asked. */
export type FieldDecisions = (boolean | undefined)[];

export interface FieldAuthorization {
  /**
   * The decision list for a principal. A frozen principal is one object shared by every request
   * with the same credential (a cached token, the API key mode), so its list is kept with it and
   * each field is decided once; any other principal gets a list of its own for the request.
   */
  decisionsFor(principal: Principal): FieldDecisions;
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
 * field's resolver never runs (appsync-auth.md §5 rule 6). Decisions are pure functions of the
 * principal and the field, so each is made once per principal object (`decisionsFor`).
 */
export function installFieldResolvers(schema: GraphQLSchema, options: InstallOptions): FieldAuthorization {
  const roots = new Set(
    [schema.getQueryType(), schema.getMutationType(), schema.getSubscriptionType()]
      .filter((type) => type !== null && type !== undefined)
      .map((type) => type.name),
  );
  const { authorize } = options;
  let fieldCount = 0;
  for (const type of Object.values(schema.getTypeMap())) {
    if (!isObjectType(type) || type.name.startsWith('__')) continue;
    const isRoot = roots.has(type.name);
    for (const field of Object.values(type.getFields())) {
      const id = fieldCount++;
      const typeName = type.name;
      const fieldName = field.name;
      const allowed = (context: ExecutionContext): boolean => {
        let decision = context.decisions[id];
        if (decision === undefined) {
          decision = authorize(context.principal, typeName, fieldName, isRoot);
          context.decisions[id] = decision;
        }
        return decision;
      };
      const userResolver = options.resolvers.get(`${typeName}.${fieldName}`);
      field.resolve = userResolver
        ? (source, args: Record<string, unknown>, context: ExecutionContext, info) => {
            if (!allowed(context)) throw new UnauthorizedFieldError(fieldName, typeName);
            return userResolver(resolverContext(source, args, context, info, options));
          }
        : (source, args: Record<string, unknown>, context: ExecutionContext, info) => {
            if (!allowed(context)) throw new UnauthorizedFieldError(fieldName, typeName);
            return defaultFieldResolver(source, args, context, info);
          };
    }
  }
  const shared = new WeakMap<Principal, FieldDecisions>();
  return {
    decisionsFor(principal) {
      if (!Object.isFrozen(principal)) return [];
      let decisions = shared.get(principal);
      if (decisions === undefined) {
        decisions = [];
        shared.set(principal, decisions);
      }
      return decisions;
    },
  };
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
