import { describe, expect, it } from 'vitest';
import { parseGraphQLBody } from './parse-body.js';

const bytes = (text: string): Uint8Array => new TextEncoder().encode(text);

describe('parseGraphQLBody', () => {
  it('reads query, variables and operationName', () => {
    expect(parseGraphQLBody(bytes('{"query":"{ a }","variables":{"x":1},"operationName":"Q"}'))).toEqual({
      query: '{ a }',
      variables: { x: 1 },
      operationName: 'Q',
    });
  });

  it('treats null variables and an empty operationName as absent', () => {
    expect(parseGraphQLBody(bytes('{"query":"{ a }","variables":null,"operationName":""}'))).toEqual({
      query: '{ a }',
      variables: {},
      operationName: undefined,
    });
  });

  it.each([
    ['', 'The request body is not valid JSON.'],
    ['{', 'The request body is not valid JSON.'],
    ['[{"query":"{ a }"}]', 'Batched requests are not supported.'],
    ['42', 'The request body must be a JSON object.'],
    ['null', 'The request body must be a JSON object.'],
    ['{}', 'The request body has no "query" string.'],
    ['{"query":" "}', 'The request body has no "query" string.'],
    ['{"query":"{ a }","variables":[]}', '"variables" must be a JSON object.'],
    ['{"query":"{ a }","variables":1}', '"variables" must be a JSON object.'],
    ['{"query":"{ a }","operationName":1}', '"operationName" must be a string.'],
  ])('refuses %j with one sentence', (body, message) => {
    expect(parseGraphQLBody(bytes(body))).toBe(message);
  });

  it('refuses bytes that are not UTF-8', () => {
    expect(parseGraphQLBody(new Uint8Array([0x7b, 0xc3, 0x28, 0x7d]))).toBe(
      'The request body is not valid JSON.',
    );
  });

  it('keeps "__proto__" a plain variable', () => {
    const parsed = parseGraphQLBody(bytes('{"query":"{ a }","variables":{"__proto__":{"polluted":true}}}'));
    expect(typeof parsed).toBe('object');
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
  });
});
