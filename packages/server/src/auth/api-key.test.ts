import { describe, expect, it } from 'vitest';
import { isGatehouseError, toWireError } from '@gatehouse/core';
import type { APIKeyVerifier, AuthRequest } from '@gatehouse/core';
import { createAPIKeyProvider } from './api-key.js';

const validKey = 'da2-abcdefghijklmnopqrstuvwxyz';

function request(headers: Record<string, string>): AuthRequest {
  return {
    method: 'POST',
    path: '/graphql',
    headers,
    body: new Uint8Array(),
    sourceIp: ['127.0.0.1'],
    requestId: 'r-1',
  };
}

function recordingVerifier(): APIKeyVerifier & { calls: { key: string; nowSeconds: number }[] } {
  const calls: { key: string; nowSeconds: number }[] = [];
  return {
    calls,
    isValid(key, nowSeconds) {
      calls.push({ key, nowSeconds });
      return Promise.resolve(key === validKey);
    },
  };
}

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected a rejection');
}

describe('createAPIKeyProvider', () => {
  it('authenticates a valid key with a null identity', async () => {
    const provider = createAPIKeyProvider({ verifier: recordingVerifier(), now: () => 0 });
    expect(provider.mode).toBe('API_KEY');
    expect(provider.providerId).toBe('API_KEY');
    await expect(provider.authenticate(request({ 'x-api-key': validKey }))).resolves.toEqual({
      kind: 'authenticated',
      principal: { mode: 'API_KEY', providerId: 'API_KEY' },
      identity: null,
    });
  });

  it('rejects a key the verifier refuses with E6 and keeps the key out of the message', async () => {
    const provider = createAPIKeyProvider({ verifier: recordingVerifier(), now: () => 0 });
    const error = await rejection(
      provider.authenticate(request({ 'x-api-key': 'da2-unknownunknownunknownunkn' })),
    );
    expect(isGatehouseError(error) && error.code).toBe('ERR_AUTH_API_KEY_INVALID');
    if (!isGatehouseError(error)) return;
    expect(error.message).not.toContain('da2-');
    expect(toWireError(error)).toEqual({
      status: 401,
      errorType: 'UnauthorizedException',
      body: {
        errors: [
          { errorType: 'UnauthorizedException', message: 'You are not authorized to make this call.' },
        ],
      },
    });
  });

  it('rejects an empty or missing key with E6 without asking the verifier', async () => {
    const verifier = recordingVerifier();
    const provider = createAPIKeyProvider({ verifier, now: () => 0 });
    for (const headers of [{ 'x-api-key': '' }, {}] as Record<string, string>[]) {
      const error = await rejection(provider.authenticate(request(headers)));
      expect(isGatehouseError(error) && error.code).toBe('ERR_AUTH_API_KEY_INVALID');
    }
    expect(verifier.calls).toEqual([]);
  });

  it('ignores the authorization header', async () => {
    const provider = createAPIKeyProvider({ verifier: recordingVerifier(), now: () => 0 });
    const error = await rejection(provider.authenticate(request({ authorization: validKey })));
    expect(isGatehouseError(error) && error.code).toBe('ERR_AUTH_API_KEY_INVALID');
  });

  it('gives the verifier the current time in whole epoch seconds', async () => {
    const verifier = recordingVerifier();
    const provider = createAPIKeyProvider({ verifier, now: () => 1_764_160_461_999 });
    await provider.authenticate(request({ 'x-api-key': validKey }));
    expect(verifier.calls).toEqual([{ key: validKey, nowSeconds: 1_764_160_461 }]);
  });

  it('fails closed when the verifier answers something other than true', async () => {
    const verifier: APIKeyVerifier = { isValid: () => Promise.resolve('yes' as unknown as boolean) };
    const provider = createAPIKeyProvider({ verifier, now: () => 0 });
    const error = await rejection(provider.authenticate(request({ 'x-api-key': validKey })));
    expect(isGatehouseError(error) && error.code).toBe('ERR_AUTH_API_KEY_INVALID');
  });
});
