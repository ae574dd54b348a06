/** `GraphQLRequest`, `GraphQLResponse` and `GraphQLOperation` (client.md §3). */
import type { APIAuthorizationMode } from './auth-modes.js';
import type { GraphQLResponseError } from './errors.js';

export interface GraphQLRequestInit<T = unknown> {
  readonly document: string;
  readonly variables?: Readonly<Record<string, unknown>> | undefined;
  readonly apiName?: string | undefined;
  readonly authorizationMode?: APIAuthorizationMode | undefined;
  readonly headers?: Readonly<Record<string, string>> | undefined;
  /** Dot path into `data`, e.g. `listTodos.items`. */
  readonly decodePath?: string | undefined;
  readonly modelType?: { fromJson(json: unknown): T } | undefined;
  readonly id?: string | undefined;
}

export class GraphQLRequest<T = unknown> implements GraphQLRequestInit<T> {
  readonly id: string;
  readonly document: string;
  readonly variables: Readonly<Record<string, unknown>>;
  readonly apiName: string | undefined;
  readonly authorizationMode: APIAuthorizationMode | undefined;
  readonly headers: Readonly<Record<string, string>>;
  readonly decodePath: string | undefined;
  readonly modelType: { fromJson(json: unknown): T } | undefined;

  constructor(init: GraphQLRequestInit<T>) {
    if (typeof init.document !== 'string' || init.document === '') {
      throw new TypeError('"document" must be a non-empty string.');
    }
    if (init.modelType !== undefined && init.decodePath === undefined) {
      throw new TypeError('"modelType" needs "decodePath".');
    }
    this.id = init.id ?? globalThis.crypto.randomUUID();
    this.document = init.document;
    this.variables = init.variables ?? {};
    this.apiName = init.apiName;
    this.authorizationMode = init.authorizationMode;
    this.headers = init.headers ?? {};
    this.decodePath = init.decodePath;
    this.modelType = init.modelType;
  }

  copyWith(changes: Partial<GraphQLRequestInit<T>>): GraphQLRequest<T> {
    return new GraphQLRequest<T>({ ...this, ...changes, id: changes.id ?? this.id });
  }
}

export interface GraphQLResponse<T> {
  readonly data: T | null;
  readonly errors: readonly GraphQLResponseError[];
  readonly hasErrors: boolean;
}

export function createGraphQLResponse<T>(
  data: T | null,
  errors: readonly GraphQLResponseError[],
): GraphQLResponse<T> {
  return { data, errors, hasErrors: errors.length > 0 };
}

export interface GraphQLOperation<T> {
  readonly response: Promise<GraphQLResponse<T>>;
  /** Idempotent: aborts the request and its retries. */
  cancel(): void;
}
