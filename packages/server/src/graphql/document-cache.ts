import { parse, validate, type DocumentNode, type GraphQLError, type GraphQLSchema } from 'graphql';
import { LRUCache } from './lru.js';

export type PreparedDocument =
  | { readonly ok: true; readonly document: DocumentNode }
  | { readonly ok: false; readonly errors: readonly GraphQLError[] };

/**
 * Parses and validates each distinct query text once. Results, including validation errors, are
 * kept in a bounded LRU: the schema does not change while a server runs.
 */
export function createDocumentCache(
  schema: GraphQLSchema,
  options: { max?: number; maxQueryLength?: number } = {},
) {
  const cache = new LRUCache<string, PreparedDocument>(options.max ?? 1000);
  // Larger documents are parsed every time, so the cache's memory stays bounded.
  const maxQueryLength = options.maxQueryLength ?? 64 * 1024;
  return {
    prepare(query: string): PreparedDocument {
      const cached = cache.get(query);
      if (cached) return cached;
      let prepared: PreparedDocument;
      try {
        const document = parse(query);
        const errors = validate(schema, document);
        prepared = errors.length > 0 ? { ok: false, errors } : { ok: true, document };
      } catch (error) {
        prepared = { ok: false, errors: [error as GraphQLError] };
      }
      if (query.length <= maxQueryLength) cache.set(query, prepared);
      return prepared;
    },
  };
}

export type DocumentCache = ReturnType<typeof createDocumentCache>;
