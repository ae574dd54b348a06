import { describe, expect, it } from 'vitest';
import { defaultRolePolicy } from '@gatehouse/core';
import type { IAMPolicy, TemporaryCredentialRecord } from '@gatehouse/core';
import { createIAMPrincipalResolver, derivedUserId } from './iam-principals.js';

const ciPolicy: IAMPolicy = { Statement: [{ Effect: 'Allow', Action: 'appsync:GraphQL', Resource: '*' }] };
const authenticatedPolicy: IAMPolicy = {
  Statement: [{ Effect: 'Allow', Action: 'appsync:GraphQL', Resource: 'arn:a' }],
};

const temporary: TemporaryCredentialRecord = {
  accessKeyId: 'ASIATEMPORARY0001',
  secretAccessKey: 'temporary-secret',
  sessionTokenSha256: 'a'.repeat(64),
  expiresAt: 1_900_000_000,
  identityPoolId: 'us-east-1:pool-1',
  identityId: 'us-east-1:identity-1',
  authType: 'authenticated',
  roleName: 'gatehouse-authenticated-role',
  roleId: 'AROAEXAMPLEROLEID',
  accountId: '123456789012',
  userPoolProvider: 'cognito-idp.us-east-1.amazonaws.com/us-east-1_Ab12Cd34E',
  sub: '7d8c-sub',
};

const guest: TemporaryCredentialRecord = {
  ...temporary,
  accessKeyId: 'ASIAGUEST00000001',
  authType: 'unauthenticated',
  roleName: 'gatehouse-unauthenticated-role',
  roleId: 'AROAGUESTROLEID',
  userPoolProvider: null,
  sub: null,
};

const lookup = {
  async findTemporaryCredentials(accessKeyId: string) {
    return [temporary, guest].find((record) => record.accessKeyId === accessKeyId);
  },
};

describe('createIAMPrincipalResolver', () => {
  it('resolves a configured long-term key to the spec identity shape', async () => {
    const resolver = createIAMPrincipalResolver({
      accountId: '123456789012',
      apiId: 'api1',
      accessKeys: [
        {
          accessKeyId: 'AKIACI',
          secretAccessKey: 'ci-secret',
          userArn: 'arn:aws:iam::123456789012:user/ci',
          username: 'AIDAEXAMPLE',
          policy: ciPolicy,
        },
      ],
    });
    expect(await resolver.find('AKIACI')).toEqual({
      accessKeyId: 'AKIACI',
      secretAccessKey: 'ci-secret',
      sessionTokenSha256: null,
      expiresAt: null,
      policy: ciPolicy,
      identity: {
        accountId: '123456789012',
        cognitoIdentityPoolId: null,
        cognitoIdentityId: null,
        username: 'AIDAEXAMPLE',
        userArn: 'arn:aws:iam::123456789012:user/ci',
        cognitoIdentityAuthType: null,
        cognitoIdentityAuthProvider: null,
      },
    });
  });

  it('derives a stable AIDA username and uses the key account id when given', async () => {
    const resolver = createIAMPrincipalResolver({
      accountId: '123456789012',
      apiId: 'api1',
      accessKeys: [
        {
          accessKeyId: 'AKIAOTHER',
          secretAccessKey: 's',
          userArn: 'arn:aws:iam::999:user/o',
          accountId: '999',
          policy: ciPolicy,
        },
      ],
    });
    const record = await resolver.find('AKIAOTHER');
    expect(record?.identity.username).toMatch(/^AIDA[A-Z2-7]{17}$/);
    expect(record?.identity.username).toBe(derivedUserId('AKIAOTHER'));
    expect(derivedUserId('AKIAOTHER')).not.toBe(derivedUserId('AKIAOTHEs'));
    expect(record?.identity.accountId).toBe('999');
  });

  it('resolves authenticated identity-pool credentials to the assumed-role identity', async () => {
    const resolver = createIAMPrincipalResolver({
      accountId: '123456789012',
      apiId: 'api1',
      accessKeys: [],
      roles: { authenticated: { policy: authenticatedPolicy } },
      temporary: lookup,
    });
    expect(await resolver.find('ASIATEMPORARY0001')).toEqual({
      accessKeyId: 'ASIATEMPORARY0001',
      secretAccessKey: 'temporary-secret',
      sessionTokenSha256: 'a'.repeat(64),
      expiresAt: 1_900_000_000,
      policy: authenticatedPolicy,
      identity: {
        accountId: '123456789012',
        cognitoIdentityPoolId: 'us-east-1:pool-1',
        cognitoIdentityId: 'us-east-1:identity-1',
        username: 'AROAEXAMPLEROLEID:CognitoIdentityCredentials',
        userArn:
          'arn:aws:sts::123456789012:assumed-role/gatehouse-authenticated-role/CognitoIdentityCredentials',
        cognitoIdentityAuthType: 'authenticated',
        cognitoIdentityAuthProvider:
          '"cognito-idp.us-east-1.amazonaws.com/us-east-1_Ab12Cd34E","cognito-idp.us-east-1.amazonaws.com/us-east-1_Ab12Cd34E:CognitoSignIn:7d8c-sub"',
      },
    });
  });

  it('gives guests a null auth provider and the default role policy when no role is configured', async () => {
    const resolver = createIAMPrincipalResolver({
      accountId: '123456789012',
      apiId: 'api1',
      accessKeys: [],
      roles: { authenticated: { policy: authenticatedPolicy } },
      temporary: lookup,
    });
    const record = await resolver.find('ASIAGUEST00000001');
    expect(record?.identity).toMatchObject({
      cognitoIdentityAuthType: 'unauthenticated',
      cognitoIdentityAuthProvider: null,
      username: 'AROAGUESTROLEID:CognitoIdentityCredentials',
      userArn:
        'arn:aws:sts::123456789012:assumed-role/gatehouse-unauthenticated-role/CognitoIdentityCredentials',
    });
    expect(record?.policy).toEqual(defaultRolePolicy('api1'));
  });

  it('returns undefined for unknown ids, with or without a temporary lookup', async () => {
    expect(
      await createIAMPrincipalResolver({ accountId: '1', apiId: 'a', accessKeys: [] }).find('AKIANONE'),
    ).toBeUndefined();
    expect(
      await createIAMPrincipalResolver({
        accountId: '1',
        apiId: 'a',
        accessKeys: [],
        temporary: lookup,
      }).find('AKIANONE'),
    ).toBeUndefined();
  });

  it('ignores a lookup answer for a different access key id', async () => {
    const wrong = { findTemporaryCredentials: async () => temporary };
    const resolver = createIAMPrincipalResolver({
      accountId: '1',
      apiId: 'a',
      accessKeys: [],
      temporary: wrong,
    });
    expect(await resolver.find('ASIASOMETHINGELSE')).toBeUndefined();
  });

  it('rejects a configuration that lists an access key id twice', () => {
    const key = { accessKeyId: 'AKIADUP', secretAccessKey: 's', userArn: 'arn', policy: ciPolicy };
    expect(() => createIAMPrincipalResolver({ accountId: '1', apiId: 'a', accessKeys: [key, key] })).toThrow(
      TypeError,
    );
  });
});

describe('createIAMPrincipalResolver: temporary-credential cache', () => {
  function countingLookup() {
    let calls = 0;
    return {
      get calls() {
        return calls;
      },
      async findTemporaryCredentials(accessKeyId: string) {
        calls += 1;
        return [temporary, guest].find((record) => record.accessKeyId === accessKeyId);
      },
    };
  }

  it('reads issued credentials from the store once while they are valid', async () => {
    const counting = countingLookup();
    const resolver = createIAMPrincipalResolver({
      accountId: '123456789012',
      apiId: 'api',
      accessKeys: [],
      temporary: counting,
      now: () => (temporary.expiresAt - 60) * 1000,
    });
    const first = await resolver.find(temporary.accessKeyId);
    const second = await resolver.find(temporary.accessKeyId);
    expect(second).toBe(first);
    expect(counting.calls).toBe(1);
  });

  it('asks the store again once the cached credentials have expired', async () => {
    const counting = countingLookup();
    let nowSeconds = temporary.expiresAt - 1;
    const resolver = createIAMPrincipalResolver({
      accountId: '123456789012',
      apiId: 'api',
      accessKeys: [],
      temporary: counting,
      now: () => nowSeconds * 1000,
    });
    await resolver.find(temporary.accessKeyId);
    nowSeconds = temporary.expiresAt;
    const expired = await resolver.find(temporary.accessKeyId);
    expect(expired?.expiresAt).toBe(temporary.expiresAt);
    await resolver.find(temporary.accessKeyId);
    expect(counting.calls).toBe(3);
  });

  it('does not cache unknown access key ids', async () => {
    const counting = countingLookup();
    const resolver = createIAMPrincipalResolver({
      accountId: '123456789012',
      apiId: 'api',
      accessKeys: [],
      temporary: counting,
      now: () => 0,
    });
    expect(await resolver.find('ASIAUNKNOWN000000001')).toBeUndefined();
    expect(await resolver.find('ASIAUNKNOWN000000001')).toBeUndefined();
    expect(counting.calls).toBe(2);
  });
});
