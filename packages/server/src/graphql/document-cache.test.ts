import { buildSchema } from 'graphql';
import { describe, expect, it } from 'vitest';
import { createDocumentCache } from './document-cache.js';

const schema = buildSchema('type Query { hello: String }');

describe('createDocumentCache', () => {
  it('parses and validates a query text once', () => {
    const cache = createDocumentCache(schema);
    const first = cache.prepare('{ hello }');
    expect(first.ok).toBe(true);
    expect(cache.prepare('{ hello }')).toBe(first);
  });

  it('keeps validation errors as a result', () => {
    const cache = createDocumentCache(schema);
    const prepared = cache.prepare('{ nope }');
    expect(prepared.ok).toBe(false);
    if (!prepared.ok) expect(prepared.errors[0]?.message).toContain('Cannot query field "nope"');
    expect(cache.prepare('{ nope }')).toBe(prepared);
  });

  it('reports a syntax error instead of throwing', () => {
    const prepared = createDocumentCache(schema).prepare('{ hello');
    expect(prepared.ok).toBe(false);
  });

  it('does not keep documents longer than the size bound', () => {
    const cache = createDocumentCache(schema, { maxQueryLength: 20 });
    const long = `{ hello ${' '.repeat(40)}}`;
    expect(cache.prepare(long)).not.toBe(cache.prepare(long));
    expect(cache.prepare('{ hello }')).toBe(cache.prepare('{ hello }'));
  });

  it('evicts the least recently used document beyond its capacity', () => {
    const cache = createDocumentCache(schema, { max: 2 });
    const a = cache.prepare('{ a: hello }');
    cache.prepare('{ b: hello }');
    cache.prepare('{ c: hello }');
    expect(cache.prepare('{ a: hello }')).not.toBe(a);
  });
});
