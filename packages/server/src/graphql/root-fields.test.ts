import { parse } from 'graphql';
import { describe, expect, it } from 'vitest';
import { rootFieldsOf, selectOperation } from './root-fields.js';

function fieldsOf(query: string, operationName?: string): string[] {
  const document = parse(query);
  const operation = selectOperation(document, operationName);
  if (typeof operation === 'string') throw new Error(operation);
  return rootFieldsOf(document, operation, 'Query').map((field) => `${field.typeName}.${field.fieldName}`);
}

describe('selectOperation', () => {
  it('picks the only operation or the named one', () => {
    expect(fieldsOf('{ a }')).toEqual(['Query.a']);
    expect(fieldsOf('query A { a } query B { b }', 'B')).toEqual(['Query.b']);
  });

  it('names the problem when it cannot choose', () => {
    const document = parse('query A { a } query B { b }');
    expect(selectOperation(document, undefined)).toBe(
      'The document contains several operations; "operationName" must name one.',
    );
    expect(selectOperation(document, 'C')).toBe('Unknown operation named "C".');
    expect(selectOperation(parse('fragment F on Query { a }'), undefined)).toBe(
      'The document contains no operation.',
    );
  });
});

describe('rootFieldsOf', () => {
  it('sees fields through aliases, fragment spreads and nested inline fragments, once each', () => {
    expect(
      fieldsOf(
        'query { x: a ...F ... on Query { ... { c } } a } fragment F on Query { b ...G } fragment G on Query { c }',
      ),
    ).toEqual(['Query.a', 'Query.b', 'Query.c']);
  });

  it('leaves out introspection fields', () => {
    expect(fieldsOf('{ __typename __schema { types { name } } a }')).toEqual(['Query.a']);
  });

  it('stops at fragment cycles', () => {
    expect(fieldsOf('query { ...F } fragment F on Query { a ...F }')).toEqual(['Query.a']);
  });

  it('counts a skipped field (fails closed)', () => {
    expect(fieldsOf('{ a @skip(if: true) }')).toEqual(['Query.a']);
  });
});
