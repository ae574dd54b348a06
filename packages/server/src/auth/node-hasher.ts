/** SHA-256 and HMAC over `node:crypto`: the SigV4 `Hasher`, and one-shot digests for cache keys. */
import { createHmac, hash } from 'node:crypto';
import type { Hasher } from '@gatehouse/core';

/** Hex SHA-256 in one native call (no Hash object per request). */
export function sha256Hex(data: string | Uint8Array): string {
  return hash('sha256', data, 'hex');
}

export const nodeHasher: Hasher = {
  sha256Hex,
  hmacSha256: (key, data) => createHmac('sha256', key).update(data, 'utf8').digest(),
};
