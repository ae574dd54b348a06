/**
 * Cognito's AWS JSON 1.1 RPC (identity.md §1): `POST` with `X-Amz-Target`, to real Cognito or to
 * the Gatehouse identity service (`<base>/cognito-idp`, `<base>/cognito-identity`).
 */
import { AuthException, AuthServiceException } from '../errors.js';
import { version } from '../version.js';

export type CognitoService = 'userPool' | 'identityPool';

const targetPrefix: { readonly [S in CognitoService]: string } = {
  userPool: 'AWSCognitoIdentityProviderService',
  identityPool: 'AWSCognitoIdentityService',
};

export function defaultCognitoEndpoint(service: CognitoService, region: string): URL {
  return new URL(
    service === 'userPool'
      ? `https://cognito-idp.${region}.amazonaws.com/`
      : `https://cognito-identity.${region}.amazonaws.com/`,
  );
}

export type CognitoCall = (
  service: CognitoService,
  endpoint: URL,
  operation: string,
  body: Record<string, unknown>,
) => Promise<Record<string, unknown>>;

export function createCognitoCall(fetchImpl: () => typeof fetch): CognitoCall {
  return async (service, endpoint, operation, body) => {
    let response: Response;
    try {
      response = await fetchImpl()(endpoint.href, {
        method: 'POST',
        headers: {
          'content-type': 'application/x-amz-json-1.1',
          'x-amz-target': `${targetPrefix[service]}.${operation}`,
          'cache-control': 'no-store',
          'x-amz-user-agent': `gatehouse/${version} auth`,
        },
        body: JSON.stringify(body),
      });
    } catch (error) {
      throw new AuthException(`The ${operation} call failed before a response arrived.`, {
        code: 'ERR_AUTH_NETWORK',
        cause: error,
      });
    }
    const text = await response.text();
    let parsed: unknown;
    try {
      parsed = text === '' ? {} : JSON.parse(text);
    } catch {
      parsed = undefined;
    }
    const json = typeof parsed === 'object' && parsed !== null ? (parsed as Record<string, unknown>) : {};
    if (response.status !== 200) {
      const header = response.headers.get('x-amzn-errortype');
      const rawType = header ?? (typeof json.__type === 'string' ? json.__type : undefined) ?? 'UnknownError';
      const errorType = rawType.split(':')[0]!.split('#').pop()!;
      const message =
        typeof json.message === 'string'
          ? json.message
          : typeof json.Message === 'string'
            ? json.Message
            : `${operation} failed with HTTP ${response.status}.`;
      throw new AuthServiceException(errorType, message, response.status);
    }
    if (parsed === undefined) throw new AuthException(`The ${operation} response is not JSON.`);
    return json;
  };
}
