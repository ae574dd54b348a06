/**
 * The event a Lambda authorizer receives (appsync-auth.md §6).
 */
import type { AuthRequest } from '@gatehouse/core';

export interface LambdaAuthorizerRequestContext {
  readonly apiId: string;
  readonly accountId: string;
  readonly requestId: string;
  readonly queryString: string;
  /** Omitted when the request names no operation. */
  readonly operationName?: string;
  readonly variables: Readonly<Record<string, unknown>>;
}

export interface LambdaAuthorizerEvent {
  /** The `Authorization` header value as received. */
  readonly authorizationToken: string;
  readonly requestContext: LambdaAuthorizerRequestContext;
  /** All request headers, lowercase, minus hop-by-hop ones. */
  readonly requestHeaders: Readonly<Record<string, string>>;
}

/** RFC 9110 §7.6.1 hop-by-hop headers, plus the legacy ones proxies still strip. */
const hopByHopHeaders: ReadonlySet<string> = new Set([
  'connection',
  'keep-alive',
  'proxy-authenticate',
  'proxy-authorization',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
]);

export function createAuthorizerEvent(
  request: AuthRequest,
  token: string,
  api: { readonly apiId: string; readonly accountId: string },
): LambdaAuthorizerEvent {
  const graphql = request.graphql;
  const requestContext: LambdaAuthorizerRequestContext = {
    apiId: api.apiId,
    accountId: api.accountId,
    requestId: request.requestId,
    queryString: graphql?.query ?? '',
    ...(graphql?.operationName != null ? { operationName: graphql.operationName } : {}),
    variables: graphql?.variables ?? {},
  };
  // Object.fromEntries defines own properties, so a header named "__proto__" stays a header.
  const requestHeaders = Object.fromEntries(
    Object.entries(request.headers)
      .map(([name, value]): [string, string] => [name.toLowerCase(), value])
      .filter(([name]) => !hopByHopHeaders.has(name)),
  );
  return { authorizationToken: token, requestContext, requestHeaders };
}
