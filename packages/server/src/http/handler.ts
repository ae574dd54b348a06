import { randomUUID } from 'node:crypto';
import type { Logger, PlainRequest } from '@gatehouse/core';
import { badRequest, baseHeaders, jsonResponse } from './responses.js';
import type { PlainResponse, RequestHandler, Route } from './types.js';

export interface RequestHandlerOptions {
  readonly graphql: (request: PlainRequest, requestId: string) => Promise<PlainResponse>;
  readonly graphqlPath?: string;
  readonly routes?: readonly Route[];
  readonly logger: Logger;
  readonly newRequestId?: () => string;
}

function pathOnly(path: string): string {
  const index = path.indexOf('?');
  return index === -1 ? path : path.slice(0, index);
}

/**
 * The transport-independent request handler: GraphQL, health, CORS preflight and extra routes.
 * It never throws; an unexpected failure is a 500 without internals.
 */
export function createRequestHandler(options: RequestHandlerOptions): RequestHandler {
  const graphqlPath = options.graphqlPath ?? '/graphql';
  const routes = options.routes ?? [];
  const newRequestId = options.newRequestId ?? randomUUID;

  return async (request) => {
    const requestId = newRequestId();
    const path = pathOnly(request.path);
    try {
      if (request.method === 'OPTIONS') {
        const own = routes.find(
          (route) =>
            route.method === 'OPTIONS' &&
            (typeof route.path === 'string' ? route.path === path : route.path.test(path)),
        );
        if (own) return await own.handle({ ...request, requestId });
        return {
          status: 204,
          headers: {
            ...baseHeaders(requestId),
            'access-control-allow-methods': 'GET, POST, OPTIONS',
            'access-control-allow-headers': request.headers['access-control-request-headers'] ?? '*',
            'access-control-max-age': '86400',
          },
          body: '',
        };
      }
      if (path === graphqlPath) return await options.graphql(request, requestId);
      if (path === '/ping' && request.method === 'GET') {
        return {
          status: 200,
          headers: { ...baseHeaders(requestId), 'content-type': 'text/plain; charset=UTF-8' },
          body: 'healthy',
        };
      }
      for (const route of routes) {
        const matches = typeof route.path === 'string' ? route.path === path : route.path.test(path);
        if (matches && route.method === request.method) return await route.handle({ ...request, requestId });
      }
      return jsonResponse(
        404,
        {
          errors: [{ errorType: 'NotFoundException', message: `No route for ${request.method} "${path}".` }],
        },
        requestId,
        { 'x-amzn-errortype': 'NotFoundException' },
      );
    } catch (error) {
      options.logger.error('Request failed unexpectedly.', { requestId, path, error: String(error) });
      return jsonResponse(
        500,
        { errors: [{ errorType: 'InternalFailureException', message: 'An internal error occurred.' }] },
        requestId,
        { 'x-amzn-errortype': 'InternalFailureException' },
      );
    }
  };
}

export { badRequest };
