import { describe, expect, it } from 'vitest';
import { isGatehouseError } from '@gatehouse/core';
import type { Authenticated, IAMPolicy, Principal } from '@gatehouse/core';
import { createIAMRootFieldCheck } from './iam-root-fields.js';

const api = { region: 'us-east-1', accountId: '123456789012', apiId: 'api1' };
const queryOnly: IAMPolicy = {
  Version: '2012-10-17',
  Statement: [
    {
      Effect: 'Allow',
      Action: 'appsync:GraphQL',
      Resource: 'arn:aws:appsync:us-east-1:123456789012:apis/api1/types/Query/fields/*',
    },
    {
      Effect: 'Deny',
      Action: 'appsync:GraphQL',
      Resource: 'arn:aws:appsync:us-east-1:123456789012:apis/api1/types/Query/fields/secret',
    },
  ],
};

function caller(principal: Principal): Authenticated {
  return { kind: 'authenticated', principal, identity: null };
}

function codeOf(run: () => void): string | undefined {
  try {
    run();
    return undefined;
  } catch (error) {
    return isGatehouseError(error) ? error.code : String(error);
  }
}

/** A policy whose statements count how often they are read. */
function countingPolicy(policy: IAMPolicy): { policy: IAMPolicy; reads: () => number } {
  let reads = 0;
  const counted = Object.freeze({
    Version: policy.Version,
    get Statement() {
      reads += 1;
      return policy.Statement;
    },
  }) as IAMPolicy;
  return { policy: counted, reads: () => reads };
}

describe('createIAMRootFieldCheck', () => {
  it('allows and denies root fields by the policy, every time', () => {
    const check = createIAMRootFieldCheck(api);
    const principal = Object.freeze({
      mode: 'AWS_IAM',
      providerId: 'AWS_IAM',
      policy: Object.freeze(queryOnly),
    });
    for (let i = 0; i < 3; i += 1) {
      expect(
        codeOf(() => check(caller(principal), [{ typeName: 'Query', fieldName: 'posts' }])),
      ).toBeUndefined();
      expect(codeOf(() => check(caller(principal), [{ typeName: 'Query', fieldName: 'secret' }]))).toBe(
        'ERR_IAM_PERMISSION_DENIED',
      );
      expect(
        codeOf(() =>
          check(caller(principal), [
            { typeName: 'Query', fieldName: 'posts' },
            { typeName: 'Mutation', fieldName: 'createPost' },
          ]),
        ),
      ).toBe('ERR_IAM_PERMISSION_DENIED');
    }
  });

  it('evaluates a frozen principal’s policy once per field', () => {
    const check = createIAMRootFieldCheck(api);
    const { policy, reads } = countingPolicy(queryOnly);
    const principal = Object.freeze({ mode: 'AWS_IAM', providerId: 'AWS_IAM', policy });
    for (let i = 0; i < 5; i += 1) check(caller(principal), [{ typeName: 'Query', fieldName: 'posts' }]);
    expect(reads()).toBe(1);
    for (let i = 0; i < 5; i += 1)
      expect(codeOf(() => check(caller(principal), [{ typeName: 'Query', fieldName: 'secret' }]))).toBe(
        'ERR_IAM_PERMISSION_DENIED',
      );
    expect(reads()).toBe(2);
  });

  it('evaluates afresh for a principal or policy that is not frozen', () => {
    const check = createIAMRootFieldCheck(api);
    const { policy, reads } = countingPolicy(queryOnly);
    const principal: Principal = { mode: 'AWS_IAM', providerId: 'AWS_IAM', policy };
    for (let i = 0; i < 3; i += 1) check(caller(principal), [{ typeName: 'Query', fieldName: 'posts' }]);
    expect(reads()).toBe(3);
    const unfrozenPolicy = { ...queryOnly };
    const frozenPrincipal = Object.freeze({ mode: 'AWS_IAM', providerId: 'AWS_IAM', policy: unfrozenPolicy });
    check(caller(frozenPrincipal), [{ typeName: 'Query', fieldName: 'posts' }]);
    unfrozenPolicy.Statement = [];
    expect(codeOf(() => check(caller(frozenPrincipal), [{ typeName: 'Query', fieldName: 'posts' }]))).toBe(
      'ERR_IAM_PERMISSION_DENIED',
    );
  });

  it('lets every other mode through', () => {
    const check = createIAMRootFieldCheck(api);
    expect(
      codeOf(() =>
        check(caller({ mode: 'API_KEY', providerId: 'API_KEY' }), [{ typeName: 'Mutation', fieldName: 'x' }]),
      ),
    ).toBeUndefined();
  });
});
