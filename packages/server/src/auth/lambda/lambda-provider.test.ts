import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isGatehouseError } from '@gatehouse/core';
import type { AuthRequest, ErrorCode, GraphQLParams, Logger, Principal } from '@gatehouse/core';
import type { LambdaAuthorizerEvent } from './event.js';
import { createModuleInvoker, LambdaNotInvocableError } from './invoke.js';
import type { LambdaInvoker } from './invoke.js';
import { createLambdaProvider, maxCachedAuthorizerResults } from './lambda-provider.js';
import type { LambdaProviderOptions } from './lambda-provider.js';

const api = { region: 'us-east-1', accountId: '123456789012', apiId: 'gatehouse-api' };
const ourARN = (type: string, field: string) =>
  `arn:aws:appsync:us-east-1:123456789012:apis/gatehouse-api/types/${type}/fields/${field}`;

function request(
  token: string | undefined,
  options: { graphql?: GraphQLParams; headers?: Record<string, string>; requestId?: string } = {},
): AuthRequest {
  return {
    method: 'POST',
    path: '/graphql',
    headers: { ...(token !== undefined ? { authorization: token } : {}), ...options.headers },
    body: new Uint8Array(),
    sourceIp: ['127.0.0.1'],
    requestId: options.requestId ?? 'req-1',
    graphql: options.graphql ?? { query: 'query Q { echo }', operationName: 'Q', variables: {} },
  };
}

/** An invoker answering `answer(event)`, counting calls and keeping the events. */
function fakeInvoker(
  answer: (event: LambdaAuthorizerEvent, signal: AbortSignal) => unknown = () => ({ isAuthorized: true }),
) {
  const events: LambdaAuthorizerEvent[] = [];
  const invoker: LambdaInvoker = async (event, signal) => {
    events.push(event);
    return answer(event, signal);
  };
  return {
    invoker,
    events,
    get calls() {
      return events.length;
    },
  };
}

function clock(start = 1_764_160_000_000) {
  let t = start;
  return { now: () => t, advance: (ms: number) => void (t += ms) };
}

function provider(invoker: LambdaInvoker, options: Partial<LambdaProviderOptions> = {}) {
  return createLambdaProvider({ invoker, ...api, now: () => 0, ...options });
}

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected a rejection');
}

async function codeOf(promise: Promise<unknown>): Promise<ErrorCode | 'not a GatehouseError'> {
  const error = await rejection(promise);
  return isGatehouseError(error) ? error.code : 'not a GatehouseError';
}

function lambdaPrincipal(principal: Principal) {
  if (principal.mode !== 'AWS_LAMBDA') throw new Error('expected an AWS_LAMBDA principal');
  return principal;
}

describe('createLambdaProvider: authentication', () => {
  it('authenticates with the resolverContext as identity and an empty deniedFields set', async () => {
    const fake = fakeInvoker(() => ({
      isAuthorized: true,
      resolverContext: { userId: 'u-1', tier: 'gold' },
    }));
    const lambda = provider(fake.invoker);
    expect(lambda.mode).toBe('AWS_LAMBDA');
    expect(lambda.providerId).toBe('AWS_LAMBDA');
    const result = await lambda.authenticate(request('custom-lambda-token'));
    const { deniedFields, ...principal } = lambdaPrincipal(result.principal);
    expect(result).toMatchObject({
      kind: 'authenticated',
      identity: { resolverContext: { userId: 'u-1', tier: 'gold' } },
    });
    expect(principal).toEqual({ mode: 'AWS_LAMBDA', providerId: 'AWS_LAMBDA' });
    expect([...deniedFields]).toEqual([]);
  });

  it('gives an empty resolverContext when the answer has none', async () => {
    const result = await provider(fakeInvoker().invoker).authenticate(request('t'));
    expect(result.identity).toEqual({ resolverContext: {} });
  });

  it('sends the authorization header unchanged, Bearer prefix included', async () => {
    const fake = fakeInvoker();
    await provider(fake.invoker).authenticate(request('Bearer abc.def'));
    expect(fake.events[0]?.authorizationToken).toBe('Bearer abc.def');
  });

  it('rejects a missing or empty authorization header with E1 without invoking', async () => {
    const fake = fakeInvoker();
    const lambda = provider(fake.invoker);
    expect(await codeOf(lambda.authenticate(request(undefined)))).toBe('ERR_AUTH_NO_CREDENTIAL');
    expect(await codeOf(lambda.authenticate(request('')))).toBe('ERR_AUTH_NO_CREDENTIAL');
    expect(fake.calls).toBe(0);
  });

  it('rejects isAuthorized false with E15', async () => {
    const lambda = provider(fakeInvoker(() => ({ isAuthorized: false })).invoker);
    expect(await codeOf(lambda.authenticate(request('t')))).toBe('ERR_LAMBDA_DENIED');
  });

  it('denies fields named as Type.field or by this API’s ARN, ignoring other APIs’ ARNs and wildcards', async () => {
    const fake = fakeInvoker(() => ({
      isAuthorized: true,
      deniedFields: [
        'Mutation.deletePost',
        ourARN('Post', 'body'),
        'arn:aws:appsync:us-east-1:123456789012:apis/other-api/types/Query/fields/secret',
        'arn:aws:appsync:eu-west-1:123456789012:apis/gatehouse-api/types/Query/fields/secret',
        'Mutation.*',
        'Query',
      ],
    }));
    const result = await provider(fake.invoker).authenticate(request('t'));
    expect([...lambdaPrincipal(result.principal).deniedFields].sort()).toEqual([
      'Mutation.deletePost',
      'Post.body',
    ]);
  });
});

describe('createLambdaProvider: pre-checks (E14)', () => {
  it('accepts a 2048-character token and refuses a 2049-character one without invoking', async () => {
    const fake = fakeInvoker();
    const lambda = provider(fake.invoker);
    await lambda.authenticate(request('x'.repeat(2048)));
    expect(fake.calls).toBe(1);
    expect(await codeOf(lambda.authenticate(request('x'.repeat(2049))))).toBe('ERR_LAMBDA_PRECHECK_FAILED');
    expect(fake.calls).toBe(1);
  });

  it('requires identityValidationExpression to match the whole token', async () => {
    const fake = fakeInvoker();
    const lambda = provider(fake.invoker, { identityValidationExpression: 'tok-[0-9]+|admin' });
    await lambda.authenticate(request('tok-42'));
    await lambda.authenticate(request('admin'));
    expect(fake.calls).toBe(2);
    for (const token of ['tok-42x', 'xtok-42', 'administrator', 'tok-']) {
      expect(await codeOf(lambda.authenticate(request(token)))).toBe('ERR_LAMBDA_PRECHECK_FAILED');
    }
    expect(fake.calls).toBe(2);
  });

  it('keeps the token out of pre-check error messages', async () => {
    const lambda = provider(fakeInvoker().invoker, { identityValidationExpression: 'ok' });
    const error = await rejection(lambda.authenticate(request('very-secret-value')));
    expect(String((error as Error).message)).not.toContain('very-secret-value');
  });
});

describe('createLambdaProvider: cache', () => {
  it('invokes on every request with TTL 0', async () => {
    const fake = fakeInvoker();
    const lambda = provider(fake.invoker);
    await lambda.authenticate(request('t'));
    await lambda.authenticate(request('t'));
    expect(fake.calls).toBe(2);
  });

  it('reuses an answer until the TTL runs out', async () => {
    const fake = fakeInvoker();
    const time = clock();
    const lambda = provider(fake.invoker, { ttlSeconds: 300, now: time.now });
    await lambda.authenticate(request('t'));
    time.advance(299_999);
    await lambda.authenticate(request('t'));
    expect(fake.calls).toBe(1);
    time.advance(1);
    await lambda.authenticate(request('t'));
    expect(fake.calls).toBe(2);
  });

  it('keys the cache by token only, not by query or other headers', async () => {
    const fake = fakeInvoker();
    const lambda = provider(fake.invoker, { ttlSeconds: 60 });
    await lambda.authenticate(request('a'));
    await lambda.authenticate(
      request('a', { graphql: { query: 'mutation { x }', variables: {} }, headers: { 'x-other': '1' } }),
    );
    expect(fake.calls).toBe(1);
    await lambda.authenticate(request('b'));
    expect(fake.calls).toBe(2);
  });

  it('lets ttlOverride replace the configured TTL, longer or shorter', async () => {
    const longer = fakeInvoker(() => ({ isAuthorized: true, ttlOverride: 60 }));
    const time = clock();
    const uncachedByDefault = provider(longer.invoker, { ttlSeconds: 0, now: time.now });
    await uncachedByDefault.authenticate(request('t'));
    time.advance(59_000);
    await uncachedByDefault.authenticate(request('t'));
    expect(longer.calls).toBe(1);
    time.advance(1_000);
    await uncachedByDefault.authenticate(request('t'));
    expect(longer.calls).toBe(2);

    const shorter = fakeInvoker(() => ({ isAuthorized: true, ttlOverride: 10 }));
    const cachedByDefault = provider(shorter.invoker, { ttlSeconds: 3600, now: time.now });
    await cachedByDefault.authenticate(request('t'));
    time.advance(10_000);
    await cachedByDefault.authenticate(request('t'));
    expect(shorter.calls).toBe(2);
  });

  it('does not cache an answer with ttlOverride 0', async () => {
    const fake = fakeInvoker(() => ({ isAuthorized: true, ttlOverride: 0 }));
    const lambda = provider(fake.invoker, { ttlSeconds: 3600 });
    await lambda.authenticate(request('t'));
    await lambda.authenticate(request('t'));
    expect(fake.calls).toBe(2);
  });

  it('caches a refusal', async () => {
    const fake = fakeInvoker(() => ({ isAuthorized: false }));
    const lambda = provider(fake.invoker, { ttlSeconds: 60 });
    expect(await codeOf(lambda.authenticate(request('t')))).toBe('ERR_LAMBDA_DENIED');
    expect(await codeOf(lambda.authenticate(request('t')))).toBe('ERR_LAMBDA_DENIED');
    expect(fake.calls).toBe(1);
  });

  it('applies cached deniedFields and resolverContext to later requests, none of which can change them', async () => {
    const fake = fakeInvoker(() => ({
      isAuthorized: true,
      deniedFields: ['Query.a'],
      resolverContext: { k: 'v' },
    }));
    const lambda = provider(fake.invoker, { ttlSeconds: 60 });
    const first = await lambda.authenticate(request('t'));
    const second = await lambda.authenticate(request('t'));
    expect(fake.calls).toBe(1);
    const denied = lambdaPrincipal(second.principal).deniedFields as Set<string>;
    expect(second.principal).toBe(first.principal);
    expect(Object.isFrozen(second.principal)).toBe(true);
    expect(() => denied.add('Query.b')).toThrow(TypeError);
    expect(() => denied.delete('Query.a')).toThrow(TypeError);
    expect(() => denied.clear()).toThrow(TypeError);
    expect([...denied]).toEqual(['Query.a']);
    expect(second.identity).toEqual({ resolverContext: { k: 'v' } });
    expect(Object.isFrozen((second.identity as { resolverContext: object }).resolverContext)).toBe(true);
  });

  it('keeps at most 10 000 answers, dropping the oldest', async () => {
    const fake = fakeInvoker();
    const lambda = provider(fake.invoker, { ttlSeconds: 3600 });
    for (let i = 0; i <= maxCachedAuthorizerResults; i++) await lambda.authenticate(request(`t-${i}`));
    expect(fake.calls).toBe(maxCachedAuthorizerResults + 1);
    await lambda.authenticate(request(`t-${maxCachedAuthorizerResults}`));
    expect(fake.calls).toBe(maxCachedAuthorizerResults + 1);
    await lambda.authenticate(request('t-0'));
    expect(fake.calls).toBe(maxCachedAuthorizerResults + 2);
  });

  it('evicts expired answers before live ones when full', async () => {
    const fake = fakeInvoker((event) => ({
      isAuthorized: true,
      ttlOverride: event.authorizationToken === 'short' ? 1 : 3600,
    }));
    const time = clock();
    const lambda = provider(fake.invoker, { now: time.now });
    await lambda.authenticate(request('long-0'));
    await lambda.authenticate(request('short'));
    for (let i = 1; i < maxCachedAuthorizerResults - 1; i++) await lambda.authenticate(request(`long-${i}`));
    time.advance(2_000);
    await lambda.authenticate(request('newcomer'));
    const calls = fake.calls;
    await lambda.authenticate(request('long-0'));
    expect(fake.calls).toBe(calls);
  });
});

describe('createLambdaProvider: failures (E16, E17) are never cached', () => {
  it('fails with E16 when the authorizer throws, and invokes again next time', async () => {
    const fake = fakeInvoker(() => {
      throw new Error('boom');
    });
    const lambda = provider(fake.invoker, { ttlSeconds: 3600 });
    expect(await codeOf(lambda.authenticate(request('t')))).toBe('ERR_LAMBDA_FAILED');
    expect(await codeOf(lambda.authenticate(request('t')))).toBe('ERR_LAMBDA_FAILED');
    expect(fake.calls).toBe(2);
  });

  it('aborts an invocation that outlives timeoutMs and fails with E16', async () => {
    const signals: AbortSignal[] = [];
    const fake = fakeInvoker((_event, signal) => {
      signals.push(signal);
      return new Promise(() => {});
    });
    const lambda = provider(fake.invoker, { ttlSeconds: 3600, timeoutMs: 30 });
    expect(await codeOf(lambda.authenticate(request('t')))).toBe('ERR_LAMBDA_FAILED');
    expect(signals[0]?.aborted).toBe(true);
    expect(await codeOf(lambda.authenticate(request('t')))).toBe('ERR_LAMBDA_FAILED');
    expect(fake.calls).toBe(2);
  });

  it.each([
    ['a string', 'yes'],
    ['null', null],
    ['an array', [{ isAuthorized: true }]],
    ['a missing isAuthorized', { resolverContext: {} }],
    ['a string isAuthorized', { isAuthorized: 'true' }],
    ['an array resolverContext', { isAuthorized: true, resolverContext: ['a'] }],
    [
      'a too large resolverContext',
      { isAuthorized: true, resolverContext: { s: 'x'.repeat(5 * 1024 * 1024) } },
    ],
    ['a ttlOverride above 3600', { isAuthorized: true, ttlOverride: 3601 }],
    ['a negative ttlOverride', { isAuthorized: true, ttlOverride: -1 }],
    ['a string deniedFields', { isAuthorized: true, deniedFields: 'Query.a' }],
  ])('fails with E16 on %s, uncached', async (_name, answer) => {
    const fake = fakeInvoker(() => answer);
    const lambda = provider(fake.invoker, { ttlSeconds: 3600 });
    expect(await codeOf(lambda.authenticate(request('t')))).toBe('ERR_LAMBDA_FAILED');
    expect(await codeOf(lambda.authenticate(request('t')))).toBe('ERR_LAMBDA_FAILED');
    expect(fake.calls).toBe(2);
  });

  it('fails with E17 when the authorizer is not invocable, uncached', async () => {
    const fake = fakeInvoker(() => {
      throw new LambdaNotInvocableError('gone');
    });
    const lambda = provider(fake.invoker, { ttlSeconds: 3600 });
    expect(await codeOf(lambda.authenticate(request('t')))).toBe('ERR_LAMBDA_NOT_INVOCABLE');
    expect(await codeOf(lambda.authenticate(request('t')))).toBe('ERR_LAMBDA_NOT_INVOCABLE');
    expect(fake.calls).toBe(2);
  });

  it('logs a failure without the token', async () => {
    const lines: { message: string; fields?: Record<string, unknown> }[] = [];
    const record = (message: string, fields?: Record<string, unknown>) =>
      void lines.push({ message, fields });
    const logger: Logger = { info: record, warn: record, error: record };
    const token = 'super-secret-token-123';
    const fake = fakeInvoker((event) => {
      throw new Error(`cannot check ${event.authorizationToken}`, { cause: new Error(`again ${token}`) });
    });
    const error = await rejection(
      provider(fake.invoker, { logger }).authenticate(request(token, { requestId: 'req-9' })),
    );
    expect(lines).toHaveLength(1);
    const logged = JSON.stringify(lines);
    expect(logged).not.toContain(token);
    expect(lines[0]?.fields).toMatchObject({ requestId: 'req-9' });
    expect(String(lines[0]?.fields?.['reason'])).toContain('cannot check [token]');
    expect((error as Error).message).not.toContain(token);
  });
});

describe('createLambdaProvider: concurrent misses', () => {
  it('shares one invocation between concurrent requests with one token', async () => {
    let release: () => void = () => {};
    const gate = new Promise<void>((resolve) => (release = resolve));
    const fake = fakeInvoker(async () => {
      await gate;
      return { isAuthorized: true, resolverContext: { n: 1 } };
    });
    const lambda = provider(fake.invoker, { ttlSeconds: 60 });
    const both = Promise.all([lambda.authenticate(request('t')), lambda.authenticate(request('t'))]);
    release();
    const [a, b] = await both;
    expect(fake.calls).toBe(1);
    expect(a.identity).toEqual({ resolverContext: { n: 1 } });
    expect(b.identity).toEqual({ resolverContext: { n: 1 } });
  });

  it('shares a failure between concurrent requests', async () => {
    let release: () => void = () => {};
    const gate = new Promise<void>((resolve) => (release = resolve));
    const fake = fakeInvoker(async () => {
      await gate;
      throw new Error('down');
    });
    const lambda = provider(fake.invoker, { ttlSeconds: 60 });
    const both = Promise.all([
      codeOf(lambda.authenticate(request('t'))),
      codeOf(lambda.authenticate(request('t'))),
    ]);
    release();
    expect(await both).toEqual(['ERR_LAMBDA_FAILED', 'ERR_LAMBDA_FAILED']);
    expect(fake.calls).toBe(1);
  });

  it('does not reuse an uncacheable answer: the waiting request invokes for itself', async () => {
    let release: () => void = () => {};
    const gate = new Promise<void>((resolve) => (release = resolve));
    const fake = fakeInvoker(async (event) => {
      await gate;
      return { isAuthorized: event.requestContext.queryString.startsWith('query') };
    });
    const lambda = provider(fake.invoker, { ttlSeconds: 0 });
    const read = lambda.authenticate(request('t', { graphql: { query: 'query { a }', variables: {} } }));
    const write = codeOf(
      lambda.authenticate(request('t', { graphql: { query: 'mutation { b }', variables: {} } })),
    );
    release();
    await expect(read).resolves.toMatchObject({ kind: 'authenticated' });
    expect(await write).toBe('ERR_LAMBDA_DENIED');
    expect(fake.calls).toBe(2);
  });
});

describe('createLambdaProvider: the event', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'gatehouse-lambda-event-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  async function echoModule(): Promise<LambdaInvoker> {
    const path = join(dir, 'echo.mjs');
    await writeFile(
      path,
      'export const handler = async (event) => ({ isAuthorized: true, resolverContext: { event: JSON.stringify(event) } });\n',
    );
    return createModuleInvoker(pathToFileURL(path).href);
  }

  async function eventFor(req: AuthRequest): Promise<string> {
    const result = await provider(await echoModule()).authenticate(req);
    return (result.identity as { resolverContext: { event: string } }).resolverContext.event;
  }

  it('is exactly §6’s shape, hop-by-hop headers removed', async () => {
    const req = request('custom-lambda-token', {
      requestId: '6f1d0c5e-9c7a-4a52-8f0e-0d5b2a1e3c4f',
      graphql: { query: 'query Q { echo }', operationName: 'Q', variables: { a: 1 } },
      headers: {
        'content-type': 'application/json; charset=UTF-8',
        'X-Custom': 'v1',
        connection: 'keep-alive',
        'keep-alive': 'timeout=5',
        'proxy-authenticate': 'x',
        'proxy-authorization': 'x',
        te: 'trailers',
        trailer: 'x',
        'transfer-encoding': 'chunked',
        upgrade: 'websocket',
      },
    });
    expect(await eventFor(req)).toBe(
      '{"authorizationToken":"custom-lambda-token",' +
        '"requestContext":{"apiId":"gatehouse-api","accountId":"123456789012",' +
        '"requestId":"6f1d0c5e-9c7a-4a52-8f0e-0d5b2a1e3c4f","queryString":"query Q { echo }","operationName":"Q",' +
        '"variables":{"a":1}},' +
        '"requestHeaders":{"authorization":"custom-lambda-token","content-type":"application/json; charset=UTF-8",' +
        '"x-custom":"v1"}}',
    );
  });

  it('omits operationName when the request names none', async () => {
    const event = JSON.parse(
      await eventFor(request('t', { graphql: { query: '{ echo }', variables: {} } })),
    ) as LambdaAuthorizerEvent;
    expect(event.requestContext).toEqual({
      apiId: 'gatehouse-api',
      accountId: '123456789012',
      requestId: 'req-1',
      queryString: '{ echo }',
      variables: {},
    });
    expect('operationName' in event.requestContext).toBe(false);
  });
});

describe('createLambdaProvider: options', () => {
  it('refuses out-of-range ttlSeconds and timeoutMs, and an invalid identityValidationExpression', () => {
    const { invoker } = fakeInvoker();
    expect(() => provider(invoker, { ttlSeconds: 3601 })).toThrow(
      '"ttlSeconds" must be an integer from 0 to 3600.',
    );
    expect(() => provider(invoker, { ttlSeconds: -1 })).toThrow(RangeError);
    expect(() => provider(invoker, { ttlSeconds: 1.5 })).toThrow(RangeError);
    expect(() => provider(invoker, { timeoutMs: 0 })).toThrow(RangeError);
    expect(() => provider(invoker, { identityValidationExpression: '(' })).toThrow(TypeError);
    expect(() => provider(invoker, { apiId: '' })).toThrow(TypeError);
  });
});

describe('createLambdaProvider: any JSON answer', () => {
  const isPlainObject = (v: unknown): v is Record<string, unknown> =>
    typeof v === 'object' &&
    v !== null &&
    !Array.isArray(v) &&
    [Object.prototype, null].includes(Object.getPrototypeOf(v) as object | null);

  /** Independent statement of §6's table. */
  function expectedOutcome(answer: unknown): 'allow' | 'ERR_LAMBDA_DENIED' | 'ERR_LAMBDA_FAILED' {
    if (!isPlainObject(answer) || typeof answer['isAuthorized'] !== 'boolean') return 'ERR_LAMBDA_FAILED';
    const { resolverContext, deniedFields, ttlOverride } = answer;
    if (resolverContext !== undefined && !isPlainObject(resolverContext)) return 'ERR_LAMBDA_FAILED';
    if (
      deniedFields !== undefined &&
      !(Array.isArray(deniedFields) && deniedFields.every((f) => typeof f === 'string'))
    ) {
      return 'ERR_LAMBDA_FAILED';
    }
    if (
      ttlOverride !== undefined &&
      !(Number.isInteger(ttlOverride) && (ttlOverride as number) >= 0 && (ttlOverride as number) <= 3600)
    ) {
      return 'ERR_LAMBDA_FAILED';
    }
    return answer['isAuthorized'] ? 'allow' : 'ERR_LAMBDA_DENIED';
  }

  const shapedAnswer = fc.record(
    {
      isAuthorized: fc.oneof(fc.boolean(), fc.jsonValue()),
      resolverContext: fc.oneof(fc.dictionary(fc.string(), fc.jsonValue()), fc.jsonValue()),
      deniedFields: fc.oneof(
        fc.array(fc.oneof(fc.constantFrom('Query.a', ourARN('Post', 'body'), 'Mutation.*'), fc.string())),
        fc.array(fc.jsonValue(), { maxLength: 3 }),
        fc.jsonValue(),
      ),
      ttlOverride: fc.oneof(fc.integer({ min: -5, max: 3605 }), fc.double(), fc.jsonValue()),
      extra: fc.jsonValue(),
    },
    { requiredKeys: [] },
  );

  const validAnswer = fc.record(
    {
      isAuthorized: fc.boolean(),
      resolverContext: fc.dictionary(fc.string(), fc.jsonValue()),
      deniedFields: fc.array(fc.oneof(fc.constantFrom('Query.a', ourARN('Post', 'body')), fc.string())),
      ttlOverride: fc.integer({ min: 0, max: 3600 }),
    },
    { requiredKeys: ['isAuthorized'] },
  );

  it('yields an allow only for a valid shape with isAuthorized true, else a GatehouseError', async () => {
    await fc.assert(
      fc.asyncProperty(fc.oneof(fc.jsonValue(), shapedAnswer, validAnswer), async (answer) => {
        const lambda = provider(async () => answer);
        const expected = expectedOutcome(answer);
        let outcome: string;
        try {
          const result = await lambda.authenticate(request('t'));
          expect(result.kind).toBe('authenticated');
          outcome = 'allow';
        } catch (error) {
          if (!isGatehouseError(error)) throw error;
          outcome = error.code;
        }
        expect(outcome).toBe(expected);
      }),
      { numRuns: 500 },
    );
  });
});
