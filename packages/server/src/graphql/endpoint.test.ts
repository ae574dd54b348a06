import { buildSchema } from 'graphql';
import { describe, expect, it } from 'vitest';
import { silentLogger, type AuthProvider, type PlainRequest } from '@gatehouse/core';
import { createGraphQLEndpoint } from './endpoint.js';

const apiKeyProvider: AuthProvider = {
  mode: 'API_KEY',
  providerId: 'API_KEY',
  authenticate: () =>
    Promise.resolve({
      kind: 'authenticated',
      principal: { mode: 'API_KEY', providerId: 'API_KEY' },
      identity: null,
    }),
};

function request(query: string): PlainRequest {
  return {
    method: 'POST',
    path: '/graphql',
    headers: { 'content-type': 'application/json', 'x-api-key': 'da2-test' },
    body: new TextEncoder().encode(JSON.stringify({ query })),
    sourceIp: ['127.0.0.1'],
  };
}

describe('createGraphQLEndpoint', () => {
  it('answers ExecutionTimeout when execution outlives the limit', async () => {
    const schema = buildSchema('type Query { slow: String }');
    const field = schema.getQueryType()?.getFields()['slow'];
    if (!field) throw new Error('schema has no slow field');
    field.resolve = () => new Promise((resolve) => setTimeout(() => resolve('late'), 500));
    const endpoint = createGraphQLEndpoint({
      schema,
      providers: { apiKey: apiKeyProvider, jwtByIssuer: new Map() },
      fieldAuthorization: { decisionsFor: () => [] },
      logger: silentLogger,
      executionTimeoutMs: 20,
    });
    const response = await endpoint(request('{ slow }'), 'request-1');
    expect(response.status).toBe(200);
    expect(JSON.parse(String(response.body))).toEqual({
      data: null,
      errors: [{ errorType: 'ExecutionTimeout', message: 'Execution timed out.' }],
    });
  });

  it('answers within the limit with the data', async () => {
    const schema = buildSchema('type Query { fast: String }');
    const field = schema.getQueryType()?.getFields()['fast'];
    if (!field) throw new Error('schema has no fast field');
    field.resolve = () => 'now';
    const endpoint = createGraphQLEndpoint({
      schema,
      providers: { apiKey: apiKeyProvider, jwtByIssuer: new Map() },
      fieldAuthorization: { decisionsFor: () => [] },
      logger: silentLogger,
      executionTimeoutMs: 1000,
    });
    const response = await endpoint(request('{ fast }'), 'request-2');
    expect(JSON.parse(String(response.body))).toEqual({ data: { fast: 'now' } });
  });
});
