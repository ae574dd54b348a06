import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { IAMPolicy } from './auth-types.js';
import { GatehouseError, toWireError } from './errors.js';
import {
  assertRootFieldsAllowed,
  defaultRolePolicy,
  evaluateIAMPolicy,
  fieldArn,
  matchesWildcard,
} from './iam-policy.js';

const api = { region: 'us-east-1', accountId: '123456789012', apiId: 'api1' };
const arn = (typeName: string, fieldName: string) =>
  fieldArn(api.region, api.accountId, api.apiId, typeName, fieldName);
const allow = (Resource: string | string[], Action: string | string[] = 'appsync:GraphQL') =>
  ({ Effect: 'Allow', Action, Resource }) as const;
const deny = (Resource: string | string[], Action: string | string[] = 'appsync:GraphQL') =>
  ({ Effect: 'Deny', Action, Resource }) as const;

function expectPermissionDenied(run: () => void): void {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(GatehouseError);
    expect((error as GatehouseError).code).toBe('ERR_IAM_PERMISSION_DENIED');
    expect(toWireError(error as GatehouseError)).toEqual({
      status: 401,
      errorType: 'UnauthorizedException',
      body: { errors: [{ errorType: 'UnauthorizedException', message: 'Permission denied' }] },
    });
    return;
  }
  throw new Error('expected ERR_IAM_PERMISSION_DENIED');
}

describe('fieldArn', () => {
  it('builds the AppSync field ARN', () => {
    expect(arn('Query', 'echo')).toBe(
      'arn:aws:appsync:us-east-1:123456789012:apis/api1/types/Query/fields/echo',
    );
  });
});

describe('evaluateIAMPolicy', () => {
  it('allows a field an Allow statement names', () => {
    const policy: IAMPolicy = { Statement: [allow(arn('Query', 'echo'))] };
    expect(evaluateIAMPolicy(policy, 'appsync:GraphQL', arn('Query', 'echo'))).toBe('allow');
  });

  it('denies by default', () => {
    expect(evaluateIAMPolicy({ Statement: [] }, 'appsync:GraphQL', arn('Query', 'echo'))).toBe('deny');
    expect(
      evaluateIAMPolicy(
        { Statement: [allow(arn('Query', 'other'))] },
        'appsync:GraphQL',
        arn('Query', 'echo'),
      ),
    ).toBe('deny');
  });

  it('lets an explicit Deny win over any Allow, in either order', () => {
    const resource = arn('Mutation', 'drop');
    expect(evaluateIAMPolicy({ Statement: [allow('*'), deny(resource)] }, 'appsync:GraphQL', resource)).toBe(
      'deny',
    );
    expect(evaluateIAMPolicy({ Statement: [deny(resource), allow('*')] }, 'appsync:GraphQL', resource)).toBe(
      'deny',
    );
  });

  it('accepts a single statement object and lists of actions and resources', () => {
    const policy: IAMPolicy = {
      Statement: allow([arn('Query', 'a'), arn('Query', 'b')], ['s3:GetObject', 'appsync:GraphQL']),
    };
    expect(evaluateIAMPolicy(policy, 'appsync:GraphQL', arn('Query', 'b'))).toBe('allow');
  });

  it('matches actions case-insensitively, with appsync:* and *', () => {
    expect(
      evaluateIAMPolicy({ Statement: [allow('*', 'AppSync:graphql')] }, 'appsync:GraphQL', arn('Query', 'a')),
    ).toBe('allow');
    expect(
      evaluateIAMPolicy({ Statement: [allow('*', 'appsync:*')] }, 'appsync:GraphQL', arn('Query', 'a')),
    ).toBe('allow');
    expect(evaluateIAMPolicy({ Statement: [allow('*', '*')] }, 'appsync:GraphQL', arn('Query', 'a'))).toBe(
      'allow',
    );
    expect(
      evaluateIAMPolicy({ Statement: [allow('*', 'appsync:Graph??')] }, 'appsync:GraphQL', arn('Query', 'a')),
    ).toBe('allow');
    expect(
      evaluateIAMPolicy({ Statement: [allow('*', 'appsync:List*')] }, 'appsync:GraphQL', arn('Query', 'a')),
    ).toBe('deny');
  });

  it('matches resources case-sensitively with * and ? wildcards', () => {
    const policy: IAMPolicy = {
      Statement: [allow('arn:aws:appsync:us-east-1:123456789012:apis/api1/types/Query/fields/get?')],
    };
    expect(evaluateIAMPolicy(policy, 'appsync:GraphQL', arn('Query', 'getA'))).toBe('allow');
    expect(evaluateIAMPolicy(policy, 'appsync:GraphQL', arn('Query', 'getAB'))).toBe('deny');
    expect(evaluateIAMPolicy(policy, 'appsync:GraphQL', arn('query', 'getA'))).toBe('deny');
    const star: IAMPolicy = { Statement: [allow('arn:aws:appsync:*:*:apis/api1/types/Query/fields/*')] };
    expect(evaluateIAMPolicy(star, 'appsync:GraphQL', arn('Query', 'anything'))).toBe('allow');
    expect(evaluateIAMPolicy(star, 'appsync:GraphQL', arn('Mutation', 'anything'))).toBe('deny');
  });

  it('fails closed on statements it does not understand', () => {
    const resource = arn('Query', 'a');
    const withCondition = {
      Statement: [{ ...allow('*'), Condition: { Bool: { 'aws:SecureTransport': 'true' } } }],
    };
    expect(evaluateIAMPolicy(withCondition as IAMPolicy, 'appsync:GraphQL', resource)).toBe('deny');
    const denyWithCondition = { Statement: [allow('*'), { ...deny('arn:other'), Condition: {} }] };
    expect(evaluateIAMPolicy(denyWithCondition as IAMPolicy, 'appsync:GraphQL', resource)).toBe('deny');
    const notResource = { Statement: [{ Effect: 'Allow', Action: '*', NotResource: 'arn:other' }] };
    expect(evaluateIAMPolicy(notResource as unknown as IAMPolicy, 'appsync:GraphQL', resource)).toBe('deny');
    const badEffect = { Statement: [allow('*'), { Effect: 'allow', Action: '*', Resource: '*' }] };
    expect(evaluateIAMPolicy(badEffect as unknown as IAMPolicy, 'appsync:GraphQL', resource)).toBe('deny');
    expect(evaluateIAMPolicy({ Statement: [allow([])] }, 'appsync:GraphQL', resource)).toBe('deny');
    expect(evaluateIAMPolicy(null as unknown as IAMPolicy, 'appsync:GraphQL', resource)).toBe('deny');
  });
});

describe('matchesWildcard', () => {
  it('agrees with an anchored regular expression built from the pattern', () => {
    const char = fc.constantFrom('a', 'b', '/', ':', '*', '?');
    fc.assert(
      fc.property(
        fc.string({ unit: char, maxLength: 10 }),
        fc.string({ unit: fc.constantFrom('a', 'b', '/', ':'), maxLength: 10 }),
        (pattern, value) => {
          const source = pattern
            .replace(/[.+^${}()|[\]\\/]/g, '\\$&')
            .replace(/\*/g, '.*')
            .replace(/\?/g, '.');
          expect(matchesWildcard(pattern, value)).toBe(new RegExp(`^${source}$`, 's').test(value));
        },
      ),
    );
  });
});

describe('defaultRolePolicy', () => {
  it('allows every field of its own API in any region and account, and nothing of another API', () => {
    const policy = defaultRolePolicy('api1');
    expect(evaluateIAMPolicy(policy, 'appsync:GraphQL', arn('Query', 'echo'))).toBe('allow');
    expect(
      evaluateIAMPolicy(policy, 'appsync:GraphQL', fieldArn('eu-west-1', '999', 'api1', 'Mutation', 'x')),
    ).toBe('allow');
    expect(
      evaluateIAMPolicy(
        policy,
        'appsync:GraphQL',
        fieldArn('us-east-1', '123456789012', 'api2', 'Query', 'echo'),
      ),
    ).toBe('deny');
  });
});

describe('assertRootFieldsAllowed', () => {
  const fields = [
    { typeName: 'Query', fieldName: 'echo' },
    { typeName: 'Query', fieldName: 'stats' },
  ];

  it('passes when every root field is allowed', () => {
    expect(() =>
      assertRootFieldsAllowed({ Statement: [allow(arn('Query', '*'))] }, api, fields),
    ).not.toThrow();
    expect(() => assertRootFieldsAllowed({ Statement: [] }, api, [])).not.toThrow();
  });

  it('refuses the whole request when one root field is denied explicitly', () => {
    const policy: IAMPolicy = { Statement: [allow(arn('Query', '*')), deny(arn('Query', 'stats'))] };
    expectPermissionDenied(() => assertRootFieldsAllowed(policy, api, fields));
  });

  it('refuses a root field no statement allows', () => {
    expectPermissionDenied(() =>
      assertRootFieldsAllowed({ Statement: [allow(arn('Query', 'echo'))] }, api, fields),
    );
  });

  it('matches wildcard patterns across types', () => {
    const policy: IAMPolicy = {
      Statement: [allow('arn:aws:appsync:us-east-1:123456789012:apis/api1/types/*/fields/*')],
    };
    expect(() =>
      assertRootFieldsAllowed(policy, api, [{ typeName: 'Mutation', fieldName: 'create' }]),
    ).not.toThrow();
    const queriesOnly: IAMPolicy = { Statement: [allow('arn:aws:appsync:*:*:apis/api1/types/Query/*')] };
    expectPermissionDenied(() =>
      assertRootFieldsAllowed(queriesOnly, api, [{ typeName: 'Mutation', fieldName: 'create' }]),
    );
  });

  it('refuses fields when the policy names another API id', () => {
    const policy: IAMPolicy = { Statement: [allow('arn:aws:appsync:us-east-1:123456789012:apis/other/*')] };
    expectPermissionDenied(() => assertRootFieldsAllowed(policy, api, fields));
  });
});
