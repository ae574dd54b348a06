import { GraphQLError, parse } from 'graphql';
import { describe, expect, it } from 'vitest';
import { UnauthorizedFieldError } from './field-auth.js';
import { formatGraphQLError } from './format-errors.js';
import { ResolverError } from './resolver-context.js';

const field = parse('{\n  post { body }\n}').definitions[0];

function located(original: Error): GraphQLError {
  return new GraphQLError(original.message, {
    nodes: field,
    path: ['post', 'body'],
    originalError: original,
  });
}

describe('formatGraphQLError', () => {
  it('writes F1 with AppSync key order', () => {
    expect(JSON.stringify(formatGraphQLError(located(new UnauthorizedFieldError('body', 'Post'))))).toBe(
      '{"path":["post","body"],"data":null,"errorType":"Unauthorized","errorInfo":null,' +
        '"locations":[{"line":1,"column":1,"sourceName":null}],"message":"Not Authorized to access body on type Post"}',
    );
  });

  it('passes a ResolverError’s fields', () => {
    expect(
      formatGraphQLError(located(new ResolverError('Nope.', 'Custom', { a: 1 }, { b: 2 }))),
    ).toMatchObject({
      errorType: 'Custom',
      data: { a: 1 },
      errorInfo: { b: 2 },
      message: 'Nope.',
    });
  });

  it('uses the default errorType for errors without one and ignores non-string ones', () => {
    const odd = Object.assign(new Error('Odd.'), { errorType: 42 });
    expect(formatGraphQLError(located(odd), 'Fallback').errorType).toBe('Fallback');
    expect(formatGraphQLError(new GraphQLError('Syntax.')).path).toBeNull();
    expect(formatGraphQLError(new GraphQLError('Syntax.')).locations).toEqual([]);
  });
});
