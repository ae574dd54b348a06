import { authorizeField, type AuthTables, type Logger, type Principal } from '@gatehouse/core';
import { graphqlSync, isObjectType, type GraphQLSchema } from 'graphql';
import { describe, expect, it } from 'vitest';
import { loadSchema, SchemaLoadError, type LoadSchemaOptions } from './load-schema.js';

const poolA = 'https://cognito-idp.us-east-1.amazonaws.com/us-east-1_PoolA';
const defaultPool = { mode: 'AMAZON_COGNITO_USER_POOLS', providerId: poolA } as const;
const multiAuth: LoadSchemaOptions = {
  defaultProvider: defaultPool,
  providers: [
    defaultPool,
    { mode: 'API_KEY', providerId: 'API_KEY' },
    { mode: 'AWS_IAM', providerId: 'AWS_IAM' },
  ],
  defaultAction: 'ALLOW',
};
const singlePool = (defaultAction: 'ALLOW' | 'DENY'): LoadSchemaOptions => ({
  defaultProvider: defaultPool,
  providers: [defaultPool],
  defaultAction,
});

const apiKey: Principal = { mode: 'API_KEY', providerId: 'API_KEY' };
const iam: Principal = {
  mode: 'AWS_IAM',
  providerId: 'AWS_IAM',
  policy: { Statement: { Effect: 'Allow', Action: 'appsync:GraphQL', Resource: '*' } },
};
const pool = (...groups: string[]): Principal => ({
  mode: 'AMAZON_COGNITO_USER_POOLS',
  providerId: poolA,
  groups,
});

function capture(): { logger: Logger; warnings: string[] } {
  const warnings: string[] = [];
  return { warnings, logger: { info() {}, error() {}, warn: (message) => warnings.push(message) } };
}

function expectSchemaError(sdl: string, options: LoadSchemaOptions, pattern: RegExp): SchemaLoadError {
  let caught: unknown;
  try {
    loadSchema(sdl, options);
  } catch (error) {
    caught = error;
  }
  expect(caught).toBeInstanceOf(SchemaLoadError);
  const error = caught as SchemaLoadError;
  expect(error.code).toBe('ERR_SCHEMA_INVALID');
  expect(error.message).toMatch(pattern);
  return error;
}

const workedExampleSDL = /* GraphQL */ `
  type Query {
    feed: [Post]
    post(id: ID!): Post @aws_api_key @aws_cognito_user_pools
    stats: Stats @aws_cognito_user_pools(cognito_groups: ["admin"]) @aws_iam
  }
  type Post @aws_api_key @aws_cognito_user_pools {
    id: ID!
    title: String
    body: String @aws_cognito_user_pools
    author: Author
  }
  type Author {
    name: String
  }
  type Stats @aws_cognito_user_pools(cognito_groups: ["admin"]) @aws_iam {
    total: Int
  }
`;

const decide = (tables: AuthTables, principal: Principal, coordinate: string, isRoot?: boolean) => {
  const [typeName = '', fieldName = ''] = coordinate.split('.');
  return authorizeField(tables, principal, typeName, fieldName, isRoot ?? typeName === 'Query')
    ? 'allowed'
    : 'denied';
};

describe('loadSchema: the §5 worked example', () => {
  const { tables, warnings } = loadSchema(workedExampleSDL, multiAuth);
  const callers: [string, Principal][] = [
    ['API key', apiKey],
    ['Pool A user', pool()],
    ['Pool A, group admin', pool('admin')],
    ['IAM', iam],
  ];
  const rows: [string[], ...string[]][] = [
    [['Query.feed'], 'denied', 'allowed', 'allowed', 'denied'],
    [['Query.post'], 'allowed', 'allowed', 'allowed', 'denied'],
    [['Post.id', 'Post.title', 'Post.author'], 'allowed', 'allowed', 'allowed', 'denied'],
    [['Post.body'], 'denied', 'allowed', 'allowed', 'denied'],
    [['Author.name'], 'denied', 'allowed', 'allowed', 'denied'],
    [['Query.stats', 'Stats.total'], 'denied', 'denied', 'allowed', 'allowed'],
  ];
  const cases = rows.flatMap(([coordinates, ...cells]) =>
    coordinates.flatMap((coordinate) =>
      callers.map(([callerName, principal], index) => ({
        coordinate,
        callerName,
        principal,
        expected: cells[index],
      })),
    ),
  );

  it.each(cases)(
    'gives $coordinate to the $callerName caller: $expected',
    ({ coordinate, principal, expected }) => {
      expect(decide(tables, principal, coordinate)).toBe(expected);
    },
  );

  it('loads without warnings', () => {
    expect(warnings).toEqual([]);
  });

  it('records where each field rule comes from', () => {
    expect(tables.fields.get('Query')?.get('feed')?.source).toBe('default');
    expect(tables.fields.get('Post')?.get('id')?.source).toBe('type');
    expect(tables.fields.get('Post')?.get('body')?.source).toBe('field');
    expect([...(tables.fields.get('Stats')?.get('total')?.userPoolGroups ?? [])]).toEqual(['admin']);
  });
});

describe('loadSchema: building the schema', () => {
  it('lets the SDL use AppSync directives and scalars without declaring them', () => {
    const { schema } = loadSchema(
      'type Query { at(d: AWSDate): AWSDateTime @aws_api_key, meta: AWSJSON } type Subscription { on: String @aws_subscribe(mutations: ["x"]) }',
      multiAuth,
    );
    expect(schema.getType('AWSDate')).toBeDefined();
    expect(schema.getSubscriptionType()?.name).toBe('Subscription');
  });

  it('tolerates SDL that declares the pre-declared directives and scalars itself', () => {
    const sdl = `
      scalar AWSDate
      scalar AWSJSON
      directive @aws_api_key on FIELD_DEFINITION | OBJECT
      directive @aws_cognito_user_pools(cognito_groups: [String]) on OBJECT | FIELD_DEFINITION
      type Query { d: AWSDate @aws_api_key, j: AWSJSON @aws_cognito_user_pools(cognito_groups: ["a"]) }
    `;
    const { tables } = loadSchema(sdl, multiAuth);
    expect(decide(tables, apiKey, 'Query.d')).toBe('allowed');
    expect(decide(tables, pool('a'), 'Query.j')).toBe('allowed');
  });

  it('validates AppSync scalars in the loaded schema', () => {
    const { schema } = loadSchema('type Query { at(d: AWSDate): AWSDate }', multiAuth);
    setResolver(schema, 'Query', 'at', (_source, args) => args['d']);
    expect(graphqlSync({ schema, source: '{ at(d: "2024-02-29") }' }).data).toEqual({ at: '2024-02-29' });
    const bad = graphqlSync({ schema, source: '{ at(d: "2023-02-29") }' });
    expect(bad.errors?.[0]?.message).toContain('AWSDate must be');
  });

  it('honours a schema definition with other root type names', () => {
    const { schema, tables } = loadSchema(
      'schema { query: Root } type Root { a: Int @aws_api_key } type Query { b: Int }',
      multiAuth,
    );
    expect(schema.getQueryType()?.name).toBe('Root');
    expect(decide(tables, apiKey, 'Root.a', true)).toBe('allowed');
  });

  it('reads type directives from extend type and fields added by extensions', () => {
    const { tables } = loadSchema(
      `type Query { a: Int }
       extend type Query @aws_iam
       extend type Query { b: Int @aws_api_key }`,
      multiAuth,
    );
    expect(decide(tables, iam, 'Query.a')).toBe('allowed');
    expect(decide(tables, pool(), 'Query.a')).toBe('denied');
    expect(decide(tables, apiKey, 'Query.b')).toBe('allowed');
    expect(decide(tables, iam, 'Query.b')).toBe('denied');
  });

  it('uses the runtime object type for interfaces and warns about interface field directives', () => {
    const { logger, warnings: logged } = capture();
    const { tables, warnings } = loadSchema(
      `interface Node { id: ID! @aws_api_key }
       type Note implements Node @aws_iam { id: ID! }
       union Item = Note
       type Query { node: Node @aws_iam, item: Item @aws_iam }`,
      { ...multiAuth, logger },
    );
    expect(tables.fields.has('Node')).toBe(false);
    expect(tables.fields.has('Item')).toBe(false);
    expect(decide(tables, apiKey, 'Note.id', false)).toBe('denied');
    expect(decide(tables, iam, 'Note.id', false)).toBe('allowed');
    expect(warnings).toEqual([
      'Auth directives on interface field "Node.id" are ignored; the implementing object types\' directives apply.',
    ]);
    expect(logged).toEqual(warnings);
  });
});

describe('loadSchema: errors', () => {
  it('reports syntax errors with their location', () => {
    const error = expectSchemaError('type Query {\n  a: Int\n  b: \n}', multiAuth, /Syntax Error/);
    expect(error.message).toMatch(/line 4, column 1/);
    expect(error.errors).toHaveLength(1);
  });

  it('reports unknown directives, types and directive arguments', () => {
    expectSchemaError('type Query { a: Int @aws_apikey }', multiAuth, /Unknown directive "@aws_apikey"/);
    expectSchemaError('type Query { a: Missing }', multiAuth, /Unknown type "Missing"/);
    expectSchemaError(
      'type Query { a: Int @aws_cognito_user_pools(groups: ["a"]) }',
      multiAuth,
      /Unknown argument "groups" on directive "@aws_cognito_user_pools"/,
    );
  });

  it('reports directives in places they do not belong', () => {
    expectSchemaError(
      'type Query @aws_auth(cognito_groups: ["a"]) { a: Int }',
      multiAuth,
      /may not be used on OBJECT/,
    );
    expectSchemaError(
      'input In { a: Int @aws_api_key } type Query { a(i: In): Int }',
      multiAuth,
      /may not be used on INPUT_FIELD_DEFINITION/,
    );
  });

  it('reports a repeated directive on one type across extensions', () => {
    expectSchemaError(
      'type Query @aws_iam { a: Int } extend type Query @aws_iam',
      multiAuth,
      /can only be used once/,
    );
  });

  it('reports cognito_groups values of the wrong type', () => {
    expectSchemaError(
      'type Query { a: Int @aws_cognito_user_pools(cognito_groups: 5) }',
      multiAuth,
      /@aws_cognito_user_pools on "Query.a"/,
    );
    expectSchemaError(
      'type Query { a: Int @aws_cognito_user_pools(cognito_groups: null) }',
      multiAuth,
      /"cognito_groups" of @aws_cognito_user_pools on "Query.a" must be a list of group names/,
    );
  });

  it('requires a Query type', () => {
    expectSchemaError('type Mutation { a: Int }', multiAuth, /Query/);
  });

  it('refuses a schema over 1 MB', () => {
    expectSchemaError(`type Query { a: Int }\n#${'x'.repeat(1024 * 1024)}`, multiAuth, /must not exceed/);
  });

  it('refuses DENY with additional providers', () => {
    expect(() => loadSchema('type Query { a: Int }', { ...multiAuth, defaultAction: 'DENY' })).toThrow(
      TypeError,
    );
  });
});

describe('loadSchema: @aws_auth and defaultAction', () => {
  const sdl = `
    type Query {
      open: Doc
      admins: Doc @aws_auth(cognito_groups: ["admin"])
      grouped: Doc @aws_cognito_user_pools(cognito_groups: ["editor"])
    }
    type Doc { text: String, secret: String @aws_auth(cognito_groups: ["admin"]) }
  `;

  it('enforces @aws_auth at every depth when the only provider is the default pool', () => {
    const { tables, warnings } = loadSchema(sdl, singlePool('ALLOW'));
    expect(warnings).toEqual([]);
    expect(decide(tables, pool(), 'Query.open')).toBe('allowed');
    expect(decide(tables, pool(), 'Query.admins')).toBe('denied');
    expect(decide(tables, pool('admin'), 'Query.admins')).toBe('allowed');
    expect(decide(tables, pool(), 'Doc.secret', false)).toBe('denied');
    expect(decide(tables, pool('admin'), 'Doc.secret', false)).toBe('allowed');
  });

  it('applies DENY to root fields only', () => {
    const { tables } = loadSchema(sdl, singlePool('DENY'));
    expect(decide(tables, pool('admin'), 'Query.open')).toBe('denied');
    expect(decide(tables, pool('admin'), 'Query.admins')).toBe('allowed');
    expect(decide(tables, pool('editor'), 'Query.grouped')).toBe('allowed');
    expect(decide(tables, pool(), 'Query.grouped')).toBe('denied');
    expect(decide(tables, pool(), 'Doc.text', false)).toBe('allowed');
  });

  it('warns about and ignores @aws_auth when the API has additional providers', () => {
    const { logger, warnings: logged } = capture();
    const { tables, warnings } = loadSchema(sdl, { ...multiAuth, logger });
    expect(warnings).toHaveLength(2);
    expect(warnings[0]).toMatch(/^@aws_auth on "Query.admins" is ignored because/);
    expect(logged).toEqual(warnings);
    expect(decide(tables, pool(), 'Query.admins')).toBe('allowed');
  });

  it('makes an ignored @aws_auth an error with strictSchema', () => {
    expectSchemaError(
      sdl,
      { ...multiAuth, strictSchema: true },
      /@aws_auth on "Query.admins" is ignored.*strictSchema/,
    );
  });

  it('warns about an @aws_auth that lists no group', () => {
    const { warnings } = loadSchema(
      'type Query { a: Int @aws_auth(cognito_groups: []) }',
      singlePool('ALLOW'),
    );
    expect(warnings).toEqual(['@aws_auth on "Query.a" lists no group, so it denies every caller.']);
  });
});

describe('loadSchema: the §5 API-key query', () => {
  it('returns null and denies Post.body and Author.name for an API-key caller', () => {
    const { schema, tables } = loadSchema(workedExampleSDL, multiAuth);
    setResolver(schema, 'Query', 'post', () => ({ id: '1', title: 't', body: 'b', author: { name: 'n' } }));
    const denied: string[] = [];
    for (const type of Object.values(schema.getTypeMap())) {
      if (!isObjectType(type) || type.name.startsWith('__')) continue;
      for (const field of Object.values(type.getFields())) {
        const inner = field.resolve;
        field.resolve = (source, args, context, info) => {
          if (!authorizeField(tables, apiKey, type.name, field.name, type.name === 'Query')) {
            denied.push(`${type.name}.${field.name}`);
            return null;
          }
          return inner ? inner(source, args, context, info) : (source as Record<string, unknown>)[field.name];
        };
      }
    }
    const result = graphqlSync({ schema, source: '{ post(id: "1") { id body author { name } } }' });
    expect(result.data).toEqual({ post: { id: '1', body: null, author: { name: null } } });
    expect(denied).toEqual(['Post.body', 'Author.name']);
  });
});

function setResolver(
  schema: GraphQLSchema,
  typeName: string,
  fieldName: string,
  resolve: (source: unknown, args: Record<string, unknown>) => unknown,
): void {
  const type = schema.getType(typeName);
  if (!isObjectType(type)) throw new TypeError(`"${typeName}" is not an object type.`);
  const field = type.getFields()[fieldName];
  if (field === undefined) throw new TypeError(`"${typeName}.${fieldName}" does not exist.`);
  field.resolve = (source, args: Record<string, unknown>) => resolve(source, args);
}
