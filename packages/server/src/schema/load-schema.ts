/**
 * Loads the API's SDL: adds AppSync's pre-declared directives and scalars, validates with
 * graphql-js, and computes the authorization tables from the directives (appsync-auth.md §5).
 */
import {
  GraphQLError,
  GraphQLSchema,
  Kind,
  buildASTSchema,
  extendSchema,
  getDirectiveValues,
  isInterfaceType,
  isObjectType,
  parse,
  specifiedDirectives,
  validateSchema,
  type DefinitionNode,
  type DirectiveNode,
  type DocumentNode,
  type GraphQLDirective,
  type GraphQLNamedType,
} from 'graphql';
import {
  authDirectiveModes,
  createAuthTables,
  silentLogger,
  type AuthDirectiveSet,
  type AuthMode,
  type AuthTables,
  type Logger,
  type TypeAuthSpec,
} from '@gatehouse/core';
import { appSyncDirectiveNames, appSyncDirectivesSDL, appSyncScalarNames } from './directives.js';
import { appSyncScalars } from './scalars.js';

/** §8: schema size limit. */
export const maxSchemaBytes = 1024 * 1024;

export interface LoadSchemaOptions {
  readonly defaultProvider: { readonly mode: AuthMode; readonly providerId: string };
  /** Every configured provider, the default one included. */
  readonly providers: readonly { readonly mode: AuthMode; readonly providerId: string }[];
  /** The default user pool's `defaultAction`. */
  readonly defaultAction?: 'ALLOW' | 'DENY';
  /** Make ignored `@aws_auth` directives an error instead of a warning. */
  readonly strictSchema?: boolean;
  readonly logger?: Logger;
}

export interface LoadedSchema {
  readonly schema: GraphQLSchema;
  readonly tables: AuthTables;
  readonly warnings: string[];
}

/** The SDL is not a valid AppSync schema; `errors` are graphql-js's, with locations. */
export class SchemaLoadError extends Error {
  readonly code = 'ERR_SCHEMA_INVALID' as const;
  readonly errors: readonly GraphQLError[];
  constructor(errors: readonly GraphQLError[]) {
    const lines = errors.map((error) => `- ${describeError(error)}`);
    super(`The schema is invalid:\n${lines.join('\n')}`);
    this.name = 'SchemaLoadError';
    this.errors = errors;
  }
}

function describeError(error: GraphQLError): string {
  const location = error.locations?.[0];
  return location === undefined
    ? error.message
    : `${error.message} (line ${location.line}, column ${location.column})`;
}

const scalarNames: ReadonlySet<string> = new Set(appSyncScalarNames);
const appSyncDirectives: readonly GraphQLDirective[] = buildASTSchema(parse(appSyncDirectivesSDL))
  .getDirectives()
  .filter((directive) => appSyncDirectiveNames.has(directive.name));

/** A schema holding only AppSync's pre-declared directives and scalars, which user SDL extends. */
function baseSchema(): GraphQLSchema {
  return new GraphQLSchema({
    types: appSyncScalars,
    directives: [...specifiedDirectives, ...appSyncDirectives],
  });
}

/** Drops the user's own declarations of pre-declared directives and scalars (tolerated duplicates). */
function withoutPredeclared(document: DocumentNode): DocumentNode {
  const definitions = document.definitions.filter(
    (definition: DefinitionNode) =>
      !(definition.kind === Kind.DIRECTIVE_DEFINITION && appSyncDirectiveNames.has(definition.name.value)) &&
      !(definition.kind === Kind.SCALAR_TYPE_DEFINITION && scalarNames.has(definition.name.value)),
  );
  return { ...document, definitions };
}

function buildSchema(sdl: string): GraphQLSchema {
  let document: DocumentNode;
  try {
    document = withoutPredeclared(parse(sdl));
  } catch (error) {
    if (error instanceof GraphQLError) throw new SchemaLoadError([error]);
    throw error;
  }
  let extended: GraphQLSchema;
  try {
    extended = extendSchema(baseSchema(), document, { assumeValidSDL: false });
  } catch (error) {
    if (error instanceof GraphQLError) throw new SchemaLoadError([error]);
    if (error instanceof Error) {
      // assertValidSDLExtension throws a plain Error joining every message.
      throw new SchemaLoadError(error.message.split('\n\n').map((message) => new GraphQLError(message)));
    }
    throw error;
  }
  const config = extended.toConfig();
  const hasSchemaDefinition = document.definitions.some(
    (definition) => definition.kind === Kind.SCHEMA_DEFINITION || definition.kind === Kind.SCHEMA_EXTENSION,
  );
  const byName = (name: string) => {
    const type = extended.getType(name);
    return type !== undefined && isObjectType(type) ? type : undefined;
  };
  const schema = hasSchemaDefinition
    ? extended
    : new GraphQLSchema({
        ...config,
        query: byName('Query') ?? null,
        mutation: byName('Mutation') ?? null,
        subscription: byName('Subscription') ?? null,
      });
  const errors = validateSchema(schema);
  // Also reports a missing query root type.
  if (errors.length > 0) throw new SchemaLoadError(errors);
  return schema;
}

function directiveNodesOf(type: GraphQLNamedType): DirectiveNode[] {
  const nodes = [type.astNode, ...type.extensionASTNodes];
  return nodes.flatMap((node) => [...(node?.directives ?? [])]);
}

interface ReadContext {
  readonly schema: GraphQLSchema;
  readonly warn: (message: string) => void;
  readonly singleUserPool: boolean;
  readonly strictSchema: boolean;
}

/** `cognito_groups` of one directive node, coerced by graphql-js; `null` when the argument is absent. */
function groupsArgument(context: ReadContext, node: DirectiveNode, where: string): string[] | null {
  const definition = context.schema.getDirective(node.name.value);
  if (definition === null || definition === undefined) return null;
  let values: Record<string, unknown> | undefined;
  try {
    values = getDirectiveValues(definition, { directives: [node] });
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    throw new SchemaLoadError([
      new GraphQLError(`@${node.name.value} on ${where}: ${message}`, { nodes: node }),
    ]);
  }
  if (values === undefined || !('cognito_groups' in values)) return null;
  const groups = values['cognito_groups'];
  if (!Array.isArray(groups)) {
    throw new SchemaLoadError([
      new GraphQLError(
        `"cognito_groups" of @${node.name.value} on ${where} must be a list of group names; omit it to allow any group.`,
        { nodes: node },
      ),
    ]);
  }
  return groups.map(String);
}

/** The mode directives among `nodes`; `null` when there are none. */
function readModeDirectives(
  context: ReadContext,
  nodes: readonly DirectiveNode[],
  where: string,
): AuthDirectiveSet | null {
  const modes: AuthMode[] = [];
  let userPoolGroups: string[] | null = null;
  for (const node of nodes) {
    const name = node.name.value;
    if (!Object.hasOwn(authDirectiveModes, name)) continue;
    modes.push(authDirectiveModes[name as keyof typeof authDirectiveModes]);
    if (name === 'aws_cognito_user_pools') userPoolGroups = groupsArgument(context, node, where);
  }
  return modes.length === 0 ? null : { modes, userPoolGroups };
}

/** `@aws_auth` groups on a field, or `null`; with additional providers it is ignored (§5 rule 7). */
function readAWSAuth(context: ReadContext, nodes: readonly DirectiveNode[], where: string): string[] | null {
  const node = nodes.find((directive) => directive.name.value === 'aws_auth');
  if (node === undefined) return null;
  if (!context.singleUserPool) {
    const message = `@aws_auth on ${where} is ignored because the API's only provider is not a default user pool; use @aws_cognito_user_pools(cognito_groups: …) instead.`;
    if (context.strictSchema) {
      throw new SchemaLoadError([
        new GraphQLError(`${message} ("strictSchema" makes this an error.)`, { nodes: node }),
      ]);
    }
    context.warn(message);
    return null;
  }
  const groups = groupsArgument(context, node, where) ?? [];
  if (groups.length === 0) context.warn(`@aws_auth on ${where} lists no group, so it denies every caller.`);
  return groups;
}

function authSpecs(context: ReadContext): TypeAuthSpec[] {
  const specs: TypeAuthSpec[] = [];
  for (const type of Object.values(context.schema.getTypeMap())) {
    if (type.name.startsWith('__')) continue;
    if (isInterfaceType(type)) {
      for (const field of Object.values(type.getFields())) {
        const nodes = field.astNode?.directives ?? [];
        if (
          nodes.some(
            (node) => Object.hasOwn(authDirectiveModes, node.name.value) || node.name.value === 'aws_auth',
          )
        ) {
          context.warn(
            `Auth directives on interface field "${type.name}.${field.name}" are ignored; the implementing object types' directives apply.`,
          );
        }
      }
      continue;
    }
    if (!isObjectType(type)) continue;
    const typeDirectives = readModeDirectives(context, directiveNodesOf(type), `"${type.name}"`);
    const fields = Object.values(type.getFields()).map((field) => {
      const where = `"${type.name}.${field.name}"`;
      const nodes = field.astNode?.directives ?? [];
      return {
        name: field.name,
        directives: readModeDirectives(context, nodes, where),
        authGroups: readAWSAuth(context, nodes, where),
      };
    });
    specs.push({ name: type.name, directives: typeDirectives, fields });
  }
  return specs;
}

/**
 * Builds the executable schema and its authorization tables. Throws `SchemaLoadError` for bad SDL
 * and `TypeError` for inconsistent provider options.
 */
export function loadSchema(sdl: string, options: LoadSchemaOptions): LoadedSchema {
  if (typeof sdl !== 'string') throw new TypeError('"sdl" must be a string.');
  if (Buffer.byteLength(sdl, 'utf8') > maxSchemaBytes) {
    throw new SchemaLoadError([new GraphQLError(`The schema must not exceed ${maxSchemaBytes} bytes.`)]);
  }
  const logger = options.logger ?? silentLogger;
  const warnings: string[] = [];
  const providerCount = new Set(options.providers.map((p) => `${p.mode}\u0000${p.providerId}`)).size;
  const schema = buildSchema(sdl);
  const context: ReadContext = {
    schema,
    singleUserPool: options.defaultProvider.mode === 'AMAZON_COGNITO_USER_POOLS' && providerCount === 1,
    strictSchema: options.strictSchema === true,
    warn(message) {
      warnings.push(message);
      logger.warn(message);
    },
  };
  const types = authSpecs(context);
  const tables = createAuthTables({
    defaultProvider: options.defaultProvider,
    providers: options.providers,
    defaultAction: options.defaultAction,
    types,
  });
  return { schema, tables, warnings };
}
