import { describe, expect, it } from 'vitest';
import { isGatehouseError } from '@gatehouse/core';
import { maxResolverContextBytes, parseAuthorizerResponse } from './response.js';

const api = { region: 'us-east-1', accountId: '123456789012', apiId: 'gatehouse-api' };
const arn = (type: string, field: string, over: Partial<typeof api> = {}): string => {
  const { region, accountId, apiId } = { ...api, ...over };
  return `arn:aws:appsync:${region}:${accountId}:apis/${apiId}/types/${type}/fields/${field}`;
};

function expectInvalid(value: unknown): void {
  let thrown: unknown;
  try {
    parseAuthorizerResponse(value, api);
  } catch (error) {
    thrown = error;
  }
  expect(isGatehouseError(thrown) && thrown.code).toBe('ERR_LAMBDA_FAILED');
}

describe('parseAuthorizerResponse', () => {
  it('accepts the minimal answer with an empty resolverContext and no denied fields', () => {
    expect(parseAuthorizerResponse({ isAuthorized: true }, api)).toEqual({
      isAuthorized: true,
      resolverContext: {},
      deniedFields: [],
      ttlOverride: undefined,
    });
    expect(parseAuthorizerResponse({ isAuthorized: false }, api).isAuthorized).toBe(false);
  });

  it('accepts every field of the table', () => {
    const parsed = parseAuthorizerResponse(
      {
        isAuthorized: true,
        resolverContext: { userId: 'u-1', roles: ['a'], nested: { n: 1 } },
        deniedFields: ['Mutation.deletePost', arn('Post', 'body')],
        ttlOverride: 60,
      },
      api,
    );
    expect(parsed).toEqual({
      isAuthorized: true,
      resolverContext: { userId: 'u-1', roles: ['a'], nested: { n: 1 } },
      deniedFields: ['Mutation.deletePost', 'Post.body'],
      ttlOverride: 60,
    });
  });

  it('deep-freezes a copy of resolverContext', () => {
    const context = { nested: { n: 1 } };
    const parsed = parseAuthorizerResponse({ isAuthorized: true, resolverContext: context }, api);
    expect(parsed.resolverContext).not.toBe(context);
    expect(Object.isFrozen(parsed.resolverContext)).toBe(true);
    expect(Object.isFrozen(parsed.resolverContext['nested'])).toBe(true);
  });

  it('ignores ARNs of other regions, accounts and APIs', () => {
    const parsed = parseAuthorizerResponse(
      {
        isAuthorized: true,
        deniedFields: [
          arn('Query', 'a', { region: 'eu-west-1' }),
          arn('Query', 'b', { accountId: '000000000000' }),
          arn('Query', 'c', { apiId: 'other-api' }),
          arn('Query', 'd'),
        ],
      },
      api,
    );
    expect(parsed.deniedFields).toEqual(['Query.d']);
  });

  it('drops entries that can never name a field: wildcards, bare types, malformed strings', () => {
    const parsed = parseAuthorizerResponse(
      {
        isAuthorized: true,
        deniedFields: [
          'Mutation.*',
          'Mutation',
          arn('Mutation', '*'),
          'arn:aws:appsync:x',
          '',
          ' Query.a',
          'Query.a.b',
        ],
      },
      api,
    );
    expect(parsed.deniedFields).toEqual([]);
  });

  it('ignores fields outside the table', () => {
    expect(parseAuthorizerResponse({ isAuthorized: true, policy: 'x', extra: [1] }, api).isAuthorized).toBe(
      true,
    );
  });

  it('accepts ttlOverride at both ends of its range', () => {
    expect(parseAuthorizerResponse({ isAuthorized: true, ttlOverride: 0 }, api).ttlOverride).toBe(0);
    expect(parseAuthorizerResponse({ isAuthorized: true, ttlOverride: 3600 }, api).ttlOverride).toBe(3600);
  });

  it.each([
    ['null', null],
    ['a string', '{"isAuthorized":true}'],
    ['a number', 1],
    ['an array', [{ isAuthorized: true }]],
    ['an object without isAuthorized', {}],
    ['a string isAuthorized', { isAuthorized: 'true' }],
    ['a numeric isAuthorized', { isAuthorized: 1 }],
    ['a null isAuthorized', { isAuthorized: null }],
    ['an array resolverContext', { isAuthorized: true, resolverContext: [] }],
    ['a null resolverContext', { isAuthorized: true, resolverContext: null }],
    ['a string resolverContext', { isAuthorized: true, resolverContext: 'x' }],
    ['a non-plain resolverContext', { isAuthorized: true, resolverContext: new Date(0) }],
    ['a string deniedFields', { isAuthorized: true, deniedFields: 'Query.a' }],
    ['an object deniedFields', { isAuthorized: true, deniedFields: { 0: 'Query.a' } }],
    ['a non-string deniedFields entry', { isAuthorized: true, deniedFields: ['Query.a', 1] }],
    ['a negative ttlOverride', { isAuthorized: true, ttlOverride: -1 }],
    ['a ttlOverride above 3600', { isAuthorized: true, ttlOverride: 3601 }],
    ['a fractional ttlOverride', { isAuthorized: true, ttlOverride: 1.5 }],
    ['a string ttlOverride', { isAuthorized: true, ttlOverride: '60' }],
    ['a null ttlOverride', { isAuthorized: true, ttlOverride: null }],
  ])('rejects %s as E16', (_name, value) => {
    expectInvalid(value);
  });

  it('rejects a resolverContext larger than 5 MB and accepts one just under it', () => {
    const overhead = JSON.stringify({ s: '' }).length;
    expectInvalid({
      isAuthorized: true,
      resolverContext: { s: 'x'.repeat(maxResolverContextBytes - overhead + 1) },
    });
    const fits = { s: 'x'.repeat(maxResolverContextBytes - overhead) };
    expect(
      parseAuthorizerResponse({ isAuthorized: true, resolverContext: fits }, api).resolverContext,
    ).toEqual(fits);
  });

  it('rejects an invalid answer even when it refuses', () => {
    expectInvalid({ isAuthorized: false, ttlOverride: -5 });
  });
});
