/** The HTTP hook points (client.md §2): `AWSBaseHttpClient` (Flutter's name) and the interceptor. */
import type { APIAuthorizationMode } from './auth-modes.js';

export interface AWSHttpRequest {
  method: string;
  url: URL;
  headers: Headers;
  body: string;
}

export interface InterceptorContext {
  readonly apiName: string;
  readonly authorizationMode: APIAuthorizationMode;
  /** Lowercase names of the headers the SigV4 signature covers (empty unless AWS_IAM). */
  readonly signedHeaders: readonly string[];
  /** 1 for the first attempt. */
  readonly attempt: number;
}

export type RequestInterceptor = (
  request: AWSHttpRequest,
  context: InterceptorContext,
) => AWSHttpRequest | Promise<AWSHttpRequest>;

/** Subclass and override to change every request just before it is sent, or every response. */
export class AWSBaseHttpClient {
  transformRequest(
    request: AWSHttpRequest,
    _context: InterceptorContext,
  ): AWSHttpRequest | Promise<AWSHttpRequest> {
    return request;
  }

  transformResponse(response: Response): Response | Promise<Response> {
    return response;
  }
}
