/** The SigV4 `Hasher` over `node:crypto` (native SHA-256 and HMAC). */
import { createHash, createHmac } from 'node:crypto';
import type { Hasher } from '@gatehouse/core';

export const nodeHasher: Hasher = {
  sha256Hex: (data) => createHash('sha256').update(data).digest('hex'),
  hmacSha256: (key, data) => createHmac('sha256', key).update(data, 'utf8').digest(),
};
