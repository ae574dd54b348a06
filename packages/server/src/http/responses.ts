import { GatehouseError, toWireError } from '@gatehouse/core';
import type { PlainResponse } from './types.js';

export const jsonContentType = 'application/json; charset=UTF-8';

/** Headers every response carries; browsers may read the AppSync headers (CORS). */
export function baseHeaders(requestId: string): Record<string, string> {
  return {
    'content-type': jsonContentType,
    'x-amzn-requestid': requestId,
    'access-control-allow-origin': '*',
    'access-control-expose-headers': 'x-amzn-ErrorType, x-amzn-RequestId',
  };
}

export function jsonResponse(
  status: number,
  body: unknown,
  requestId: string,
  extra?: Record<string, string>,
): PlainResponse {
  const headers = baseHeaders(requestId);
  return { status, headers: extra ? Object.assign(headers, extra) : headers, body: JSON.stringify(body) };
}

/** A request-level failure in AppSync's wire form (appsync-auth.md §7). */
export function errorResponse(error: GatehouseError, requestId: string): PlainResponse {
  const wire = toWireError(error);
  return jsonResponse(wire.status, wire.body, requestId, { 'x-amzn-errortype': wire.errorType });
}

export function badRequest(message: string, requestId: string): PlainResponse {
  return errorResponse(new GatehouseError('ERR_REQUEST_INVALID', message), requestId);
}
