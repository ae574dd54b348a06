/**
 * Authentication of the admin operations (identity.md §8): a SigV4 signature (service
 * `cognito-idp`, the configured region) by a long-term access key from `iam.accessKeys` that the
 * config marks `"admin": true`. Failures use AWS's JSON-protocol error names; messages say which
 * check failed, never a key, secret or signature.
 */
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import {
  canonicalRequest,
  credentialScope,
  deriveSigningKey,
  isGatehouseError,
  parseAmzDate,
  parseSigV4Authorization,
  signatureOf,
  stringToSign,
} from '@gatehouse/core';
import type { Clock, Hasher, IAMAccessKeyConfig, PlainRequest } from '@gatehouse/core';
import { IdentityError } from '../errors.js';

export const adminService = 'cognito-idp';
const windowMs = 15 * 60 * 1000;

/** An access key allowed to sign requests to the identity service. */
export type AdminAccessKey = Pick<
  IAMAccessKeyConfig,
  'accessKeyId' | 'secretAccessKey' | 'userArn' | 'admin'
>;

const nodeHasher: Hasher = {
  sha256Hex: (data) => createHash('sha256').update(data).digest('hex'),
  hmacSha256: (key, data) => createHmac('sha256', key).update(data, 'utf8').digest(),
};

function hexEqual(a: string, b: string): boolean {
  return a.length === b.length && timingSafeEqual(Buffer.from(a, 'latin1'), Buffer.from(b, 'latin1'));
}

function invalidSignature(message: string): IdentityError {
  return new IdentityError('InvalidSignatureException', message);
}

const mismatchMessage =
  'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.';

/**
 * Verifies the signature and returns the signing key's config entry; throws
 * `MissingAuthenticationTokenException` (unsigned), `InvalidSignatureException` (malformed,
 * out-of-window, wrong scope or wrong signature), `UnrecognizedClientException` (unknown key) or
 * `AccessDeniedException` (a key not marked admin), all HTTP 400.
 */
export function authenticateAdminRequest(
  request: PlainRequest,
  options: {
    readonly accessKeys: readonly AdminAccessKey[];
    readonly region: string;
    readonly now: Clock;
    /** For the `AccessDeniedException` message: `cognito-idp:<operation>`. */
    readonly operation: string;
    readonly resourceArn: string;
  },
): AdminAccessKey {
  const header = request.headers['authorization'];
  if (header === undefined || header === '') {
    throw new IdentityError('MissingAuthenticationTokenException', 'Missing Authentication Token');
  }
  let auth;
  try {
    auth = parseSigV4Authorization(header);
  } catch (error) {
    if (isGatehouseError(error)) throw invalidSignature(error.message);
    throw error;
  }
  const amzDate = request.headers['x-amz-date'];
  const signedAt = amzDate === undefined ? undefined : parseAmzDate(amzDate);
  if (amzDate === undefined || signedAt === undefined) {
    throw invalidSignature(
      "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header.",
    );
  }
  const now = options.now();
  if (signedAt < now - windowMs) throw invalidSignature('Signature expired.');
  if (signedAt > now + windowMs) throw invalidSignature('Signature not yet current.');
  if (auth.date !== amzDate.slice(0, 8)) {
    throw invalidSignature(
      'Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP.',
    );
  }
  if (auth.region !== options.region)
    throw invalidSignature('Credential should be scoped to a valid region.');
  if (auth.service !== adminService) {
    throw invalidSignature(`Credential should be scoped to correct service: '${adminService}'.`);
  }
  if (auth.terminator !== 'aws4_request') {
    throw invalidSignature("Credential should be scoped with a valid terminator: 'aws4_request'.");
  }
  const key = options.accessKeys.find((candidate) => candidate.accessKeyId === auth.accessKeyId);
  if (!key || request.headers['x-amz-security-token'] !== undefined) {
    throw new IdentityError(
      'UnrecognizedClientException',
      'The security token included in the request is invalid.',
    );
  }
  const payloadHash = nodeHasher.sha256Hex(request.body);
  const sentPayloadHash = request.headers['x-amz-content-sha256'];
  if (sentPayloadHash !== undefined && !hexEqual(sentPayloadHash.trim().toLowerCase(), payloadHash)) {
    throw invalidSignature(mismatchMessage);
  }
  const signingKey = deriveSigningKey(
    key.secretAccessKey,
    auth.date,
    options.region,
    adminService,
    nodeHasher,
  );
  const scope = credentialScope(auth.date, options.region, adminService);
  const matches = (headers: Readonly<Record<string, string>>) => {
    const canonical = canonicalRequest({
      method: request.method,
      path: request.path,
      headers,
      signedHeaders: auth.signedHeaders,
      payloadHash,
    });
    return (
      canonical !== undefined &&
      hexEqual(
        signatureOf(signingKey, stringToSign(amzDate, scope, canonical, nodeHasher), nodeHasher),
        auth.signature,
      )
    );
  };
  const host = request.headers['host'];
  const bareHost = host === undefined ? undefined : /^(\[[^\]]*\]|[^:[\]]*):\d+$/.exec(host)?.[1];
  if (
    !matches(request.headers) &&
    !(bareHost !== undefined && matches({ ...request.headers, host: bareHost }))
  ) {
    throw invalidSignature(mismatchMessage);
  }
  if (key.admin !== true) {
    throw new IdentityError(
      'AccessDeniedException',
      `User: ${key.userArn} is not authorized to perform: cognito-idp:${options.operation} on resource: ${options.resourceArn}`,
    );
  }
  return key;
}
