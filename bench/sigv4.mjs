// SigV4 signing for the bench client: core's signRequest with a node:crypto hasher, so that the
// load generator spends as little CPU as possible on the client side of the signature.
import { createHash, createHmac } from 'node:crypto';
import { signRequest } from '@gatehouse/core';

const nodeHasher = {
  sha256Hex: (data) => createHash('sha256').update(data).digest('hex'),
  hmacSha256: (key, data) => createHmac('sha256', key).update(data, 'utf8').digest(),
};

/**
 * Returns the full header set of a freshly signed POST: `host`, `content-type`, a per-request
 * `x-amz-user-agent` (signed, so no two signatures are alike even within one x-amz-date second),
 * `x-amz-date`, `x-amz-security-token` and `authorization`.
 */
export function signedHeaders({ url, body, credentials, region, nonce, date = new Date() }) {
  const { host, pathname, search } = new URL(url);
  const headers = {
    host,
    'content-type': 'application/json',
    'x-amz-user-agent': `gatehouse-bench/${nonce}`,
  };
  const added = signRequest({
    method: 'POST',
    path: pathname + search,
    headers,
    body,
    region,
    service: 'appsync',
    credentials: {
      accessKeyId: credentials.accessKeyId,
      secretAccessKey: credentials.secretAccessKey,
      sessionToken: credentials.sessionToken,
    },
    date,
    hasher: nodeHasher,
  });
  return { ...headers, ...added };
}
