import { execute, type ExecutionResult, type GraphQLSchema } from 'graphql';
import {
  GatehouseError,
  isGatehouseError,
  type AuthRequest,
  type Authenticated,
  type Logger,
  type PlainRequest,
} from '@gatehouse/core';
import { selectProvider, type ProviderSet } from '../auth/select-provider.js';
import { badRequest, errorResponse, jsonResponse } from '../http/responses.js';
import type { PlainResponse } from '../http/types.js';
import { createDeadlines, timedOut } from './deadlines.js';
import { createDocumentCache } from './document-cache.js';
import type { ExecutionContext, FieldAuthorization } from './field-auth.js';
import { formatGraphQLError } from './format-errors.js';
import { parseGraphQLBody } from './parse-body.js';
import { rootFieldsOf, selectOperation, type RootField } from './root-fields.js';

export interface GraphQLEndpointOptions {
  /** A schema whose fields already authorize themselves (`installFieldResolvers`). */
  readonly schema: GraphQLSchema;
  /** What `installFieldResolvers` returned for that schema. */
  readonly fieldAuthorization: FieldAuthorization;
  readonly providers: ProviderSet;
  /** Throws E13 when an IAM policy refuses a root field (appsync-auth.md §3.4 step 7). */
  readonly checkIAMRootFields?: (authenticated: Authenticated, fields: RootField[]) => void;
  readonly logger: Logger;
  readonly documentCacheSize?: number;
  /** appsync-auth.md §8: 30 s. */
  readonly executionTimeoutMs?: number;
}

export const defaultExecutionTimeoutMs = 30_000;

function isPromise(value: unknown): value is Promise<ExecutionResult> {
  return typeof (value as { then?: unknown } | null)?.then === 'function';
}

function isJSONContentType(value: string | undefined): boolean {
  if (value === 'application/json') return true;
  if (!value) return false;
  const type = value.split(';', 1)[0]?.trim().toLowerCase() ?? '';
  return type === 'application/json' || type === 'application/graphql+json' || type.endsWith('+json');
}

/**
 * `POST /graphql`: authenticate, parse and validate (cached), authorize, execute, in the order
 * of appsync-auth.md §2. Request-level failures use the §7 wire form; nothing throws out.
 */
export function createGraphQLEndpoint(options: GraphQLEndpointOptions) {
  const { schema, providers, logger } = options;
  const documents = createDocumentCache(schema, { max: options.documentCacheSize ?? 1000 });
  const deadlines = createDeadlines(options.executionTimeoutMs ?? defaultExecutionTimeoutMs);

  return async function handleGraphQL(request: PlainRequest, requestId: string): Promise<PlainResponse> {
    if (request.method !== 'POST') {
      return badRequest('GraphQL requests must use the POST method.', requestId);
    }
    if (!isJSONContentType(request.headers['content-type'])) {
      return badRequest('The "Content-Type" header must be "application/json".', requestId);
    }
    const params = parseGraphQLBody(request.body);
    if (typeof params === 'string') return badRequest(params, requestId);

    // Spelled out rather than spread, so that every request object has one hidden class.
    const authRequest: AuthRequest = {
      method: request.method,
      path: request.path,
      headers: request.headers,
      body: request.body,
      sourceIp: request.sourceIp,
      requestId,
      graphql: params,
    };
    const provider = selectProvider(request.headers, providers);
    if (provider instanceof GatehouseError) return errorResponse(provider, requestId);

    try {
      // Every mode, the Lambda authorizer included (it gets the query text as sent), decides before
      // the document is parsed: refused callers learn nothing about the schema and fill no cache.
      const authenticated: Authenticated = await provider.authenticate(authRequest);
      const prepared = documents.prepare(params.query);
      if (!prepared.ok) {
        return jsonResponse(
          200,
          { data: null, errors: prepared.errors.map((e) => formatGraphQLError(e)) },
          requestId,
        );
      }
      const operation = selectOperation(prepared.document, params.operationName);
      if (typeof operation === 'string') return badRequest(operation, requestId);

      if (authenticated.principal.mode === 'AWS_IAM' && options.checkIAMRootFields) {
        const rootType = schema.getRootType(operation.operation);
        if (rootType)
          options.checkIAMRootFields(
            authenticated,
            rootFieldsOf(prepared.document, operation, rootType.name),
          );
      }

      const contextValue: ExecutionContext = {
        principal: authenticated.principal,
        identity: authenticated.identity,
        headers: request.headers,
        stash: {},
        decisions: options.fieldAuthorization.decisionsFor(authenticated.principal),
      };
      const execution = execute({
        schema,
        document: prepared.document,
        operationName: params.operationName,
        variableValues: params.variables,
        contextValue,
      });
      // Only asynchronous execution can outlive the limit.
      const result = isPromise(execution) ? await deadlines.race(execution) : execution;
      if (result === timedOut) {
        logger.warn('GraphQL execution timed out.', { requestId });
        return jsonResponse(
          200,
          { data: null, errors: [{ errorType: 'ExecutionTimeout', message: 'Execution timed out.' }] },
          requestId,
        );
      }
      const body: Record<string, unknown> = { data: result.data ?? null };
      if (result.errors && result.errors.length > 0)
        body.errors = result.errors.map((e) => formatGraphQLError(e));
      return jsonResponse(200, body, requestId);
    } catch (error) {
      if (isGatehouseError(error)) return errorResponse(error, requestId);
      logger.error('GraphQL request failed unexpectedly.', { requestId, error: String(error) });
      return jsonResponse(
        500,
        { errors: [{ errorType: 'InternalFailureException', message: 'An internal error occurred.' }] },
        requestId,
        { 'x-amzn-errortype': 'InternalFailureException' },
      );
    }
  };
}
