import { buildSchema, execute, parse } from 'graphql';
import { describe, expect, it } from 'vitest';
import type { Principal } from '@gatehouse/core';
import { installFieldResolvers, type ExecutionContext, type FieldAuthorization } from './field-auth.js';
import { createResolverUtil } from './resolver-context.js';

const sdl = `
  type Query { posts: [Post] secret: String }
  type Post { id: ID title: String }
`;
const posts = [
  { id: '1', title: 'One' },
  { id: '2', title: 'Two' },
];

/** A schema whose authorizer counts its calls and denies `Query.secret` and `Post.title` to groupless callers. */
function setup() {
  const schema = buildSchema(sdl);
  const calls: string[] = [];
  const authorization = installFieldResolvers(schema, {
    authorize: (principal, typeName, fieldName) => {
      calls.push(`${typeName}.${fieldName}`);
      const groups = principal.mode === 'AMAZON_COGNITO_USER_POOLS' ? principal.groups : [];
      return groups.includes('admin') || (fieldName !== 'secret' && fieldName !== 'title');
    },
    resolvers: new Map([['Query.posts', () => posts]]),
    tables: {},
    util: createResolverUtil(Date.now),
  });
  return { schema, calls, authorization };
}

async function run(
  setupResult: { schema: ReturnType<typeof buildSchema>; authorization: FieldAuthorization },
  principal: Principal,
  query: string,
) {
  const contextValue: ExecutionContext = {
    principal,
    identity: null,
    headers: {},
    stash: {},
    decisions: setupResult.authorization.decisionsFor(principal),
  };
  return execute({ schema: setupResult.schema, document: parse(query), contextValue });
}

const admin = (): Principal =>
  Object.freeze({ mode: 'AMAZON_COGNITO_USER_POOLS', providerId: 'pool', groups: Object.freeze(['admin']) });

describe('installFieldResolvers', () => {
  it('decides each field once per frozen principal, across requests', async () => {
    const app = setup();
    const principal = admin();
    for (let i = 0; i < 3; i += 1) {
      const result = await run(app, principal, '{ posts { id title } secret }');
      expect(result.errors).toBeUndefined();
      expect(result.data).toEqual({ posts: posts, secret: null });
    }
    expect(app.calls.sort()).toEqual(['Post.id', 'Post.title', 'Query.posts', 'Query.secret']);
  });

  it('decides afresh for a principal that is not frozen, on every request', async () => {
    const app = setup();
    const principal: Principal = { mode: 'AMAZON_COGNITO_USER_POOLS', providerId: 'pool', groups: ['admin'] };
    await run(app, principal, '{ secret }');
    await run(app, principal, '{ secret }');
    expect(app.calls).toEqual(['Query.secret', 'Query.secret']);
  });

  it('keeps one principal’s denials from another, and denies at every item of a list', async () => {
    const app = setup();
    const reader: Principal = Object.freeze({ mode: 'API_KEY', providerId: 'API_KEY' });
    await run(app, admin(), '{ posts { title } secret }');
    const result = await run(app, reader, '{ posts { id title } secret }');
    expect(result.data).toEqual({
      posts: [
        { id: '1', title: null },
        { id: '2', title: null },
      ],
      secret: null,
    });
    expect(result.errors?.map((error) => [error.message, error.path?.join('.')])).toEqual([
      ['Not Authorized to access title on type Post', 'posts.0.title'],
      ['Not Authorized to access title on type Post', 'posts.1.title'],
      ['Not Authorized to access secret on type Query', 'secret'],
    ]);
    // The admin's grants did not leak: the reader was asked about again, once per field.
    expect(app.calls.filter((call) => call === 'Post.title')).toHaveLength(2);
  });

  it('keeps the decisions of two schemas apart for one shared principal', async () => {
    const first = setup();
    const second = setup();
    const principal = admin();
    await run(first, principal, '{ secret }');
    await run(second, principal, '{ secret }');
    expect(first.calls).toEqual(['Query.secret']);
    expect(second.calls).toEqual(['Query.secret']);
  });
});
