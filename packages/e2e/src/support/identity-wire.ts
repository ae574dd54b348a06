/**
 * Direct AWS JSON 1.1 calls to the Cognito-compatible endpoints, for what the Amplify client does
 * not expose (e.g. replaying a refresh token after sign-out), and a Map-backed key-value storage
 * for Amplify's token store so a test can read what Amplify keeps.
 */

export interface CognitoWireResponse {
  readonly status: number;
  readonly headers: Headers;
  readonly json: Record<string, unknown>;
}

/** `POST <endpoint>` with `X-Amz-Target: <service>.<operation>`. */
export async function callCognito(
  endpoint: string,
  target: string,
  body: Record<string, unknown>,
): Promise<CognitoWireResponse> {
  const response = await fetch(endpoint, {
    method: 'POST',
    headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': target },
    body: JSON.stringify(body),
  });
  const text = await response.text();
  return {
    status: response.status,
    headers: response.headers,
    json: (text === '' ? {} : JSON.parse(text)) as Record<string, unknown>,
  };
}

/** Amplify's `KeyValueStorageInterface`, in memory and readable by the test. */
export function createInspectableStorage() {
  const items = new Map<string, string>();
  return {
    items,
    setItem: async (key: string, value: string) => {
      items.set(key, value);
    },
    getItem: async (key: string) => items.get(key) ?? null,
    removeItem: async (key: string) => {
      items.delete(key);
    },
    clear: async () => {
      items.clear();
    },
    /** The refresh token Amplify holds for the signed-in user, if any. */
    refreshToken(): string | undefined {
      for (const [key, value] of items) if (key.endsWith('.refreshToken')) return value;
      return undefined;
    },
  };
}
