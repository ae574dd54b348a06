import type { PlainRequest } from '@gatehouse/core';

export interface PlainResponse {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string | Uint8Array;
}

/** An extra HTTP route (identity endpoints, JWKS, …) served beside GraphQL. */
export interface Route {
  /** `OPTIONS` routes answer their own CORS preflight instead of the generic one. */
  readonly method: 'GET' | 'POST' | 'OPTIONS';
  /** Exact path, or a pattern tested against the path without its query string. */
  readonly path: string | RegExp;
  handle(request: PlainRequest & { readonly requestId: string }): Promise<PlainResponse> | PlainResponse;
}

export type RequestHandler = (request: PlainRequest) => Promise<PlainResponse>;
