import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { AuthMode, Principal } from '../auth-types.js';
import { authorizeField } from './authorize.js';
import { createAuthTables } from './tables.js';
import type { AuthDirectiveSet, AuthTables, AuthTablesInput, ProviderRef, TypeAuthSpec } from './tables.js';

const poolA = 'https://cognito-idp.us-east-1.amazonaws.com/us-east-1_PoolA';
const poolB = 'https://cognito-idp.us-east-1.amazonaws.com/us-east-1_PoolB';
const idpA = 'https://idp-a.example.com';
const idpB = 'https://idp-b.example.com';

const apiKey: Principal = { mode: 'API_KEY', providerId: 'API_KEY' };
const iam: Principal = {
  mode: 'AWS_IAM',
  providerId: 'AWS_IAM',
  policy: { Statement: { Effect: 'Allow', Action: 'appsync:GraphQL', Resource: '*' } },
};
const pool = (providerId: string, ...groups: string[]): Principal => ({
  mode: 'AMAZON_COGNITO_USER_POOLS',
  providerId,
  groups,
});
const oidc = (providerId: string): Principal => ({ mode: 'OPENID_CONNECT', providerId });
const lambda = (...deniedFields: string[]): Principal => ({
  mode: 'AWS_LAMBDA',
  providerId: 'AWS_LAMBDA',
  deniedFields: new Set(deniedFields),
});

const modes = (...list: AuthMode[]): AuthDirectiveSet => ({ modes: list, userPoolGroups: null });
const groups = (list: string[], ...others: AuthMode[]): AuthDirectiveSet => ({
  modes: ['AMAZON_COGNITO_USER_POOLS', ...others],
  userPoolGroups: list,
});
const type = (
  name: string,
  directives: AuthDirectiveSet | null,
  fields: Record<
    string,
    AuthDirectiveSet | null | { directives: AuthDirectiveSet | null; authGroups: string[] }
  >,
): TypeAuthSpec => ({
  name,
  directives,
  fields: Object.entries(fields).map(([fieldName, spec]) =>
    spec !== null && 'authGroups' in spec
      ? { name: fieldName, directives: spec.directives, authGroups: spec.authGroups }
      : { name: fieldName, directives: spec, authGroups: null },
  ),
});
const ref = (mode: AuthMode, providerId: string = mode): ProviderRef => ({ mode, providerId });

// §5 worked example: default user pool A (ALLOW), additional API_KEY and AWS_IAM.
const exampleTypes: TypeAuthSpec[] = [
  type('Query', null, {
    feed: null,
    post: modes('API_KEY', 'AMAZON_COGNITO_USER_POOLS'),
    stats: groups(['admin'], 'AWS_IAM'),
  }),
  type('Post', modes('API_KEY', 'AMAZON_COGNITO_USER_POOLS'), {
    id: null,
    title: null,
    body: modes('AMAZON_COGNITO_USER_POOLS'),
    author: null,
  }),
  type('Author', null, { name: null }),
  type('Stats', groups(['admin'], 'AWS_IAM'), { total: null }),
];
const exampleTables = createAuthTables({
  defaultProvider: ref('AMAZON_COGNITO_USER_POOLS', poolA),
  providers: [ref('AMAZON_COGNITO_USER_POOLS', poolA), ref('API_KEY'), ref('AWS_IAM')],
  defaultAction: 'ALLOW',
  types: exampleTypes,
});

type Cell = 'allowed' | 'denied';
const callers: [string, Principal][] = [
  ['API key', apiKey],
  ['Pool A user', pool(poolA)],
  ['Pool A, group admin', pool(poolA, 'admin')],
  ['IAM', iam],
];
const workedExample: [string[], Cell, Cell, Cell, Cell][] = [
  [['Query.feed'], 'denied', 'allowed', 'allowed', 'denied'],
  [['Query.post'], 'allowed', 'allowed', 'allowed', 'denied'],
  [['Post.id', 'Post.title', 'Post.author'], 'allowed', 'allowed', 'allowed', 'denied'],
  [['Post.body'], 'denied', 'allowed', 'allowed', 'denied'],
  [['Author.name'], 'denied', 'allowed', 'allowed', 'denied'],
  [['Query.stats', 'Stats.total'], 'denied', 'denied', 'allowed', 'allowed'],
];

function decide(tables: AuthTables, principal: Principal, coordinate: string, isRoot?: boolean): Cell {
  const [typeName = '', fieldName = ''] = coordinate.split('.');
  return authorizeField(tables, principal, typeName, fieldName, isRoot ?? typeName === 'Query')
    ? 'allowed'
    : 'denied';
}

describe('authorizeField: the §5 worked example', () => {
  const cases = workedExample.flatMap(([coordinates, ...cells]) =>
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
      expect(decide(exampleTables, principal, coordinate)).toBe(expected);
    },
  );
});

describe('authorizeField: effective modes (rules 1–3)', () => {
  const input = (extra: Partial<AuthTablesInput> = {}): AuthTablesInput => ({
    defaultProvider: ref('AMAZON_COGNITO_USER_POOLS', poolA),
    providers: [
      ref('AMAZON_COGNITO_USER_POOLS', poolA),
      ref('AMAZON_COGNITO_USER_POOLS', poolB),
      ref('OPENID_CONNECT', idpA),
      ref('OPENID_CONNECT', idpB),
      ref('AWS_LAMBDA'),
      ref('API_KEY'),
    ],
    defaultAction: 'ALLOW',
    types: [
      type('Query', null, {
        plain: null,
        pools: modes('AMAZON_COGNITO_USER_POOLS'),
        oidc: modes('OPENID_CONNECT'),
        lambda: modes('AWS_LAMBDA'),
        key: modes('API_KEY'),
      }),
      type('Thing', modes('OPENID_CONNECT'), { inherited: null, replaced: modes('API_KEY') }),
    ],
    ...extra,
  });
  const tables = createAuthTables(input());

  it('gives directive-free fields to the default pool only, not to an additional pool', () => {
    expect(decide(tables, pool(poolA), 'Query.plain')).toBe('allowed');
    expect(decide(tables, pool(poolB), 'Query.plain')).toBe('denied');
  });

  it('lets @aws_cognito_user_pools match every configured pool', () => {
    expect(decide(tables, pool(poolA), 'Query.pools')).toBe('allowed');
    expect(decide(tables, pool(poolB), 'Query.pools')).toBe('allowed');
  });

  it('refuses a principal of a pool that is not configured even where @aws_cognito_user_pools is listed', () => {
    expect(decide(tables, pool('https://cognito-idp.evil/us-east-1_X'), 'Query.pools')).toBe('denied');
  });

  it('lets @aws_oidc match every configured issuer and nothing else', () => {
    expect(decide(tables, oidc(idpA), 'Query.oidc')).toBe('allowed');
    expect(decide(tables, oidc(idpB), 'Query.oidc')).toBe('allowed');
    expect(decide(tables, oidc('https://idp-c.example.com'), 'Query.oidc')).toBe('denied');
    expect(decide(tables, oidc(idpA), 'Query.plain')).toBe('denied');
    expect(decide(tables, oidc(idpA), 'Query.pools')).toBe('denied');
  });

  it('gives implicit access to the default OIDC issuer only', () => {
    const oidcDefault = createAuthTables({
      ...input(),
      defaultProvider: ref('OPENID_CONNECT', idpA),
      defaultAction: undefined,
    });
    expect(decide(oidcDefault, oidc(idpA), 'Query.plain')).toBe('allowed');
    expect(decide(oidcDefault, oidc(idpB), 'Query.plain')).toBe('denied');
    expect(decide(oidcDefault, pool(poolA), 'Query.plain')).toBe('denied');
  });

  it('lets @aws_lambda grant a Lambda principal and the default Lambda provider use directive-free fields', () => {
    expect(decide(tables, lambda(), 'Query.lambda')).toBe('allowed');
    expect(decide(tables, lambda(), 'Query.plain')).toBe('denied');
    const lambdaDefault = createAuthTables({
      ...input(),
      defaultProvider: ref('AWS_LAMBDA'),
      defaultAction: undefined,
    });
    expect(decide(lambdaDefault, lambda(), 'Query.plain')).toBe('allowed');
    expect(decide(lambdaDefault, pool(poolA), 'Query.plain')).toBe('denied');
  });

  it('applies type directives to fields without their own and lets field directives replace them', () => {
    expect(decide(tables, oidc(idpB), 'Thing.inherited', false)).toBe('allowed');
    expect(decide(tables, apiKey, 'Thing.inherited', false)).toBe('denied');
    expect(decide(tables, apiKey, 'Thing.replaced', false)).toBe('allowed');
    expect(decide(tables, oidc(idpA), 'Thing.replaced', false)).toBe('denied');
  });

  it('denies unknown types and fields', () => {
    expect(decide(tables, pool(poolA), 'Query.missing')).toBe('denied');
    expect(decide(tables, pool(poolA), 'Missing.plain', false)).toBe('denied');
  });

  it('exempts __typename, __schema, __type and the introspection types', () => {
    for (const principal of [apiKey, pool(poolB), oidc(idpA), lambda('Query.__typename')]) {
      expect(authorizeField(tables, principal, 'Query', '__typename', true)).toBe(true);
      expect(authorizeField(tables, principal, 'Query', '__schema', true)).toBe(true);
      expect(authorizeField(tables, principal, 'Query', '__type', true)).toBe(true);
      expect(authorizeField(tables, principal, '__Type', 'fields', false)).toBe(true);
      expect(authorizeField(tables, principal, 'Thing', '__typename', false)).toBe(true);
    }
  });
});

describe('authorizeField: groups (rule 4)', () => {
  const tables = createAuthTables({
    defaultProvider: ref('AMAZON_COGNITO_USER_POOLS', poolA),
    providers: [
      ref('AMAZON_COGNITO_USER_POOLS', poolA),
      ref('AMAZON_COGNITO_USER_POOLS', poolB),
      ref('API_KEY'),
    ],
    defaultAction: 'ALLOW',
    types: [
      type('Query', null, {
        admins: groups(['admin', 'ops']),
        adminsOrKey: groups(['admin'], 'API_KEY'),
        nobody: groups([]),
      }),
    ],
  });

  it('allows a caller in any listed group', () => {
    expect(decide(tables, pool(poolA, 'ops'), 'Query.admins')).toBe('allowed');
    expect(decide(tables, pool(poolA, 'reader', 'admin'), 'Query.admins')).toBe('allowed');
  });

  it('compares group names exactly and case-sensitively', () => {
    expect(decide(tables, pool(poolA, 'Admin'), 'Query.admins')).toBe('denied');
    expect(decide(tables, pool(poolA, 'admin '), 'Query.admins')).toBe('denied');
    expect(decide(tables, pool(poolA, 'admins'), 'Query.admins')).toBe('denied');
    expect(decide(tables, pool(poolA), 'Query.admins')).toBe('denied');
  });

  it('checks groups for additional pools too', () => {
    expect(decide(tables, pool(poolB, 'admin'), 'Query.admins')).toBe('allowed');
    expect(decide(tables, pool(poolB, 'other'), 'Query.admins')).toBe('denied');
  });

  it('keeps the other listed modes when groups refuse a pool caller', () => {
    expect(decide(tables, apiKey, 'Query.adminsOrKey')).toBe('allowed');
    expect(decide(tables, pool(poolA), 'Query.adminsOrKey')).toBe('denied');
  });

  it('grants no one through an empty group list', () => {
    expect(decide(tables, pool(poolA, 'admin'), 'Query.nobody')).toBe('denied');
  });

  it('never grants through groups forged onto a principal of another mode', () => {
    const forged = { ...apiKey, groups: ['admin'] } as unknown as Principal;
    const forgedOIDC = { ...oidc('x'), groups: ['admin'] } as unknown as Principal;
    expect(decide(tables, forged, 'Query.admins')).toBe('denied');
    expect(decide(tables, forgedOIDC, 'Query.admins')).toBe('denied');
  });
});

describe('authorizeField: Lambda deniedFields (rule 9)', () => {
  const tables = createAuthTables({
    defaultProvider: ref('AWS_LAMBDA'),
    providers: [ref('AWS_LAMBDA'), ref('API_KEY')],
    types: [
      type('Query', null, { a: null, b: null }),
      type('Item', modes('AWS_LAMBDA', 'API_KEY'), { secret: null }),
    ],
  });

  it('denies a listed field at the root and at depth', () => {
    expect(decide(tables, lambda('Query.a'), 'Query.a')).toBe('denied');
    expect(decide(tables, lambda('Query.a'), 'Query.b')).toBe('allowed');
    expect(decide(tables, lambda('Item.secret'), 'Item.secret', false)).toBe('denied');
  });

  it('ignores wildcards and bare type names', () => {
    expect(decide(tables, lambda('Query.*', 'Query', '*'), 'Query.a')).toBe('allowed');
  });

  it('does not affect other modes', () => {
    expect(decide(tables, apiKey, 'Item.secret', false)).toBe('allowed');
  });
});

describe('authorizeField: @aws_auth (rule 7)', () => {
  const spec = type('Query', null, {
    open: null,
    admins: { directives: null, authGroups: ['admin'] },
    adminsWithPool: { directives: modes('AMAZON_COGNITO_USER_POOLS'), authGroups: ['admin'] },
  });
  const nested = type('Doc', null, { text: { directives: null, authGroups: ['editor'] } });
  const single = createAuthTables({
    defaultProvider: ref('AMAZON_COGNITO_USER_POOLS', poolA),
    providers: [ref('AMAZON_COGNITO_USER_POOLS', poolA)],
    defaultAction: 'ALLOW',
    types: [spec, nested],
  });

  it('requires a listed group on root fields', () => {
    expect(decide(single, pool(poolA, 'admin'), 'Query.admins')).toBe('allowed');
    expect(decide(single, pool(poolA, 'ADMIN'), 'Query.admins')).toBe('denied');
    expect(decide(single, pool(poolA), 'Query.admins')).toBe('denied');
    expect(decide(single, pool(poolA), 'Query.adminsWithPool')).toBe('denied');
    expect(decide(single, pool(poolA), 'Query.open')).toBe('allowed');
  });

  it('requires a listed group on nested fields as well', () => {
    expect(decide(single, pool(poolA, 'editor'), 'Doc.text', false)).toBe('allowed');
    expect(decide(single, pool(poolA, 'admin'), 'Doc.text', false)).toBe('denied');
  });

  it('is ignored when the API has additional providers', () => {
    const multi = createAuthTables({
      defaultProvider: ref('AMAZON_COGNITO_USER_POOLS', poolA),
      providers: [ref('AMAZON_COGNITO_USER_POOLS', poolA), ref('API_KEY')],
      defaultAction: 'ALLOW',
      types: [spec],
    });
    expect(multi.singleUserPool).toBe(false);
    expect(multi.fields.get('Query')?.get('admins')?.authGroups).toBeNull();
    expect(decide(multi, pool(poolA), 'Query.admins')).toBe('allowed');
  });
});

describe('authorizeField: defaultAction DENY (rule 8)', () => {
  const tables = createAuthTables({
    defaultProvider: ref('AMAZON_COGNITO_USER_POOLS', poolA),
    providers: [ref('AMAZON_COGNITO_USER_POOLS', poolA)],
    defaultAction: 'DENY',
    types: [
      type('Query', null, {
        plain: null,
        anyPoolUser: modes('AMAZON_COGNITO_USER_POOLS'),
        admins: groups(['admin']),
        authAdmins: { directives: null, authGroups: ['admin'] },
        both: { directives: modes('AMAZON_COGNITO_USER_POOLS'), authGroups: ['admin'] },
        node: modes('AMAZON_COGNITO_USER_POOLS'),
      }),
      type('Mutation', groups(['writer']), { write: null }),
      type('Node', null, { id: null, restricted: groups(['admin']) }),
    ],
  });

  it('denies root fields without group directives to every caller', () => {
    expect(decide(tables, pool(poolA, 'admin'), 'Query.plain')).toBe('denied');
    expect(decide(tables, pool(poolA, 'admin'), 'Query.anyPoolUser')).toBe('denied');
    expect(decide(tables, pool(poolA, 'admin'), 'Query.node')).toBe('denied');
  });

  it('allows root fields whose @aws_cognito_user_pools groups grant the caller', () => {
    expect(decide(tables, pool(poolA, 'admin'), 'Query.admins')).toBe('allowed');
    expect(decide(tables, pool(poolA, 'reader'), 'Query.admins')).toBe('denied');
    expect(decide(tables, pool(poolA, 'writer'), 'Mutation.write', true)).toBe('allowed');
    expect(decide(tables, pool(poolA), 'Mutation.write', true)).toBe('denied');
  });

  it('allows root fields whose @aws_auth grants the caller', () => {
    expect(decide(tables, pool(poolA, 'admin'), 'Query.authAdmins')).toBe('allowed');
    expect(decide(tables, pool(poolA, 'admin'), 'Query.both')).toBe('allowed');
    expect(decide(tables, pool(poolA), 'Query.authAdmins')).toBe('denied');
    expect(decide(tables, pool(poolA), 'Query.both')).toBe('denied');
  });

  it('lets nested fields follow rule 1', () => {
    expect(decide(tables, pool(poolA), 'Node.id', false)).toBe('allowed');
    expect(decide(tables, pool(poolA), 'Node.restricted', false)).toBe('denied');
    expect(decide(tables, pool(poolA, 'admin'), 'Node.restricted', false)).toBe('allowed');
  });
});

describe('createAuthTables', () => {
  const base: AuthTablesInput = {
    defaultProvider: ref('AMAZON_COGNITO_USER_POOLS', poolA),
    providers: [ref('AMAZON_COGNITO_USER_POOLS', poolA), ref('API_KEY')],
    types: [],
  };

  it('rejects DENY when the API has additional providers', () => {
    expect(() => createAuthTables({ ...base, defaultAction: 'DENY' })).toThrow(
      '"defaultAction" must be "ALLOW" when the API has additional providers.',
    );
  });

  it('rejects a default provider missing from the providers', () => {
    expect(() => createAuthTables({ ...base, defaultProvider: ref('OPENID_CONNECT', idpA) })).toThrow(
      TypeError,
    );
  });

  it('rejects defaultAction for a default provider that is not a user pool', () => {
    expect(() =>
      createAuthTables({ ...base, defaultProvider: ref('API_KEY'), defaultAction: 'ALLOW' }),
    ).toThrow(TypeError);
  });

  it('defaults a user pool defaultAction to ALLOW', () => {
    expect(createAuthTables(base).defaultAction).toBe('ALLOW');
  });
});

describe('authorizeField: properties', () => {
  const allModes: AuthMode[] = [
    'API_KEY',
    'AMAZON_COGNITO_USER_POOLS',
    'AWS_IAM',
    'OPENID_CONNECT',
    'AWS_LAMBDA',
  ];
  const groupNames = ['admin', 'Admin', 'ops', 'reader', 'writer'];
  const providerIdsOf: Record<AuthMode, string[]> = {
    API_KEY: ['API_KEY'],
    AWS_IAM: ['AWS_IAM'],
    AWS_LAMBDA: ['AWS_LAMBDA'],
    AMAZON_COGNITO_USER_POOLS: [poolA, poolB],
    OPENID_CONNECT: [idpA, idpB],
  };

  const directiveSet = fc.option(
    fc.record({
      modes: fc.uniqueArray(fc.constantFrom(...allModes), { minLength: 1, maxLength: 5 }),
      userPoolGroups: fc.option(fc.uniqueArray(fc.constantFrom(...groupNames), { maxLength: 3 }), {
        nil: null,
      }),
    }),
    { nil: null },
  );
  const fieldSpec = fc.record({
    directives: directiveSet,
    authGroups: fc.option(fc.uniqueArray(fc.constantFrom(...groupNames), { maxLength: 3 }), { nil: null }),
  });
  const providerRef = fc
    .constantFrom(...allModes)
    .chain((mode) => fc.constantFrom(...providerIdsOf[mode]).map((providerId) => ({ mode, providerId })));
  const scenario = fc
    .record({
      defaultProvider: providerRef,
      additional: fc.uniqueArray(providerRef, { maxLength: 4, selector: (p) => `${p.mode} ${p.providerId}` }),
      deny: fc.boolean(),
      typeDirectives: directiveSet,
      field: fieldSpec,
      isRoot: fc.boolean(),
    })
    .map(({ defaultProvider, additional, deny, typeDirectives, field, isRoot }) => {
      const providers = [
        defaultProvider,
        ...additional.filter(
          (p) => p.mode !== defaultProvider.mode || p.providerId !== defaultProvider.providerId,
        ),
      ];
      const isPool = defaultProvider.mode === 'AMAZON_COGNITO_USER_POOLS';
      const defaultAction = !isPool
        ? undefined
        : deny && providers.length === 1
          ? ('DENY' as const)
          : ('ALLOW' as const);
      const tables = createAuthTables({
        defaultProvider,
        providers,
        defaultAction,
        types: [{ name: 'T', directives: typeDirectives, fields: [{ name: 'f', ...field }] }],
      });
      return { tables, providers, defaultProvider, typeDirectives, field, isRoot };
    });
  const principalOf = (
    mode: AuthMode,
    providerId: string,
    principalGroups: string[],
    denied: string[],
  ): Principal => {
    switch (mode) {
      case 'API_KEY':
        return apiKey;
      case 'AWS_IAM':
        return iam;
      case 'AWS_LAMBDA':
        return lambda(...denied);
      case 'OPENID_CONNECT':
        return oidc(providerId);
      case 'AMAZON_COGNITO_USER_POOLS':
        return pool(providerId, ...principalGroups);
    }
  };
  const caller = fc.record({
    ref: providerRef,
    groups: fc.uniqueArray(fc.constantFrom(...groupNames), { maxLength: 4 }),
    denied: fc.uniqueArray(fc.constantFrom('T.f', 'T.g', 'Query.f'), { maxLength: 2 }),
  });

  it('denies a caller whose mode is never listed on the field or its type unless it is the default provider', () => {
    fc.assert(
      fc.property(scenario, caller, ({ tables, defaultProvider, typeDirectives, field, isRoot }, c) => {
        const effective = field.directives ?? typeDirectives;
        const listed = effective?.modes.includes(c.ref.mode) ?? false;
        const isDefault =
          c.ref.mode === defaultProvider.mode && c.ref.providerId === defaultProvider.providerId;
        fc.pre(!listed && !isDefault);
        const principal = principalOf(c.ref.mode, c.ref.providerId, c.groups, c.denied);
        expect(authorizeField(tables, principal, 'T', 'f', isRoot)).toBe(false);
      }),
    );
  });

  it('denies every caller of a provider that is not configured', () => {
    fc.assert(
      fc.property(scenario, caller, ({ tables, providers, isRoot }, c) => {
        fc.pre(!providers.some((p) => p.mode === c.ref.mode && p.providerId === c.ref.providerId));
        const principal = principalOf(c.ref.mode, c.ref.providerId, c.groups, c.denied);
        expect(authorizeField(tables, principal, 'T', 'f', isRoot)).toBe(false);
      }),
    );
  });

  it('never turns an allow into a deny when a user-pool caller gains groups', () => {
    fc.assert(
      fc.property(
        scenario,
        fc.constantFrom(poolA, poolB),
        fc.uniqueArray(fc.constantFrom(...groupNames)),
        fc.uniqueArray(fc.constantFrom(...groupNames)),
        ({ tables, isRoot }, providerId, some, more) => {
          const before = authorizeField(tables, pool(providerId, ...some), 'T', 'f', isRoot);
          const after = authorizeField(tables, pool(providerId, ...some, ...more), 'T', 'f', isRoot);
          expect(!before || after).toBe(true);
        },
      ),
    );
  });

  it('gives forged groups on a caller of another mode no effect', () => {
    fc.assert(
      fc.property(
        scenario,
        caller,
        fc.uniqueArray(fc.constantFrom(...groupNames), { minLength: 1 }),
        ({ tables, isRoot }, c, forgedGroups) => {
          fc.pre(c.ref.mode !== 'AMAZON_COGNITO_USER_POOLS');
          const principal = principalOf(c.ref.mode, c.ref.providerId, [], c.denied);
          const forged = { ...principal, groups: forgedGroups } as unknown as Principal;
          expect(authorizeField(tables, forged, 'T', 'f', isRoot)).toBe(
            authorizeField(tables, principal, 'T', 'f', isRoot),
          );
        },
      ),
    );
  });

  it('always denies a field listed in a Lambda caller deniedFields', () => {
    fc.assert(
      fc.property(scenario, ({ tables, isRoot }) => {
        expect(authorizeField(tables, lambda('T.f'), 'T', 'f', isRoot)).toBe(false);
      }),
    );
  });

  it('always allows introspection fields', () => {
    fc.assert(
      fc.property(
        scenario,
        caller,
        fc.constantFrom('__typename', '__schema', '__type'),
        ({ tables }, c, name) => {
          const principal = principalOf(c.ref.mode, c.ref.providerId, c.groups, c.denied);
          expect(authorizeField(tables, principal, 'T', name, true)).toBe(true);
        },
      ),
    );
  });
});
