import type { GraphQLParams } from '@gatehouse/core';

const decoder = new TextDecoder('utf-8', { fatal: true });

/** Parses a GraphQL-over-HTTP JSON body; returns a one-sentence problem on failure (E18). */
export function parseGraphQLBody(body: Uint8Array): GraphQLParams | string {
  let value: unknown;
  try {
    value = JSON.parse(decoder.decode(body));
  } catch {
    return 'The request body is not valid JSON.';
  }
  if (Array.isArray(value)) return 'Batched requests are not supported.';
  if (typeof value !== 'object' || value === null) return 'The request body must be a JSON object.';
  const { query, variables, operationName } = value as Record<string, unknown>;
  if (typeof query !== 'string' || query.trim() === '') return 'The request body has no "query" string.';
  if (
    variables !== undefined &&
    variables !== null &&
    (typeof variables !== 'object' || Array.isArray(variables))
  ) {
    return '"variables" must be a JSON object.';
  }
  if (operationName !== undefined && operationName !== null && typeof operationName !== 'string') {
    return '"operationName" must be a string.';
  }
  return {
    query,
    operationName: typeof operationName === 'string' && operationName !== '' ? operationName : undefined,
    variables: (variables ?? {}) as Record<string, unknown>,
  };
}
