/**
 * SigV4 request signing (header form), for the client library and tests.
 * Spec: https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_sigv-create-signed-request.html
 */
import type { Hasher } from './hash.js';
import { pureHasher } from './hash.js';
import {
  SIGV4_ALGORITHM,
  canonicalRequest,
  credentialScope,
  deriveSigningKey,
  formatAmzDate,
  signatureOf,
  stringToSign,
} from './canonical.js';

export interface SigV4Credentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken?: string | undefined;
}

export interface SignRequestInput {
  readonly method: string;
  /** Path and query, e.g. `/graphql`. */
  readonly path: string;
  /** Request headers (any case); must include `host`. */
  readonly headers: Readonly<Record<string, string>>;
  readonly body: Uint8Array | string;
  readonly region: string;
  readonly service: string;
  readonly credentials: SigV4Credentials;
  readonly date: Date;
  readonly hasher?: Hasher | undefined;
  /**
   * Names of the headers to sign. `host`, `x-amz-date` and (with a session token)
   * `x-amz-security-token` are always added. Default: every given header but the unsignable ones.
   */
  readonly signedHeaders?: readonly string[] | undefined;
}

/** Headers that proxies and user agents change, so are never signed by default (as the AWS SDKs do). */
const unsignableHeaders = new Set([
  'authorization',
  'cache-control',
  'connection',
  'expect',
  'from',
  'keep-alive',
  'max-forwards',
  'pragma',
  'referer',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
  'user-agent',
  'x-amzn-trace-id',
]);

/**
 * Signs a request and returns the headers to add: `authorization`, `x-amz-date` and, with a
 * session token, `x-amz-security-token`. The payload hash is always the body's own SHA-256.
 */
export function signRequest(input: SignRequestInput): Record<string, string> {
  const hasher = input.hasher ?? pureHasher;
  const { accessKeyId, secretAccessKey, sessionToken } = input.credentials;
  if (accessKeyId === '' || /[\s/]/.test(accessKeyId)) {
    throw new TypeError('"credentials.accessKeyId" must be a non-empty string without spaces or slashes.');
  }
  if (Number.isNaN(input.date.getTime())) throw new TypeError('"date" must be a valid Date.');

  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(input.headers)) {
    const lower = name.toLowerCase();
    if (Object.hasOwn(headers, lower)) throw new TypeError(`"headers" has "${lower}" more than once.`);
    headers[lower] = value;
  }
  if (!Object.hasOwn(headers, 'host')) throw new TypeError('"headers" must include "host".');

  const amzDate = formatAmzDate(input.date);
  const added: Record<string, string> = { 'x-amz-date': amzDate };
  if (sessionToken !== undefined) added['x-amz-security-token'] = sessionToken;
  Object.assign(headers, added);

  const names = new Set<string>(['host', ...Object.keys(added)]);
  if (input.signedHeaders === undefined) {
    for (const name of Object.keys(headers)) if (!unsignableHeaders.has(name)) names.add(name);
  } else {
    for (const name of input.signedHeaders) {
      const lower = name.toLowerCase();
      if (!Object.hasOwn(headers, lower)) {
        throw new TypeError(`"signedHeaders" names "${lower}", which is not in "headers".`);
      }
      names.add(lower);
    }
  }
  const signedHeaders = [...names].sort();

  const date = amzDate.slice(0, 8);
  const scope = credentialScope(date, input.region, input.service);
  const canonical = canonicalRequest({
    method: input.method,
    path: input.path,
    headers,
    signedHeaders,
    payloadHash: hasher.sha256Hex(input.body),
  });
  // Every signed name was checked to be present above.
  if (canonical === undefined)
    throw new TypeError('"signedHeaders" names a header that is not in "headers".');
  const signingKey = deriveSigningKey(secretAccessKey, date, input.region, input.service, hasher);
  const signature = signatureOf(signingKey, stringToSign(amzDate, scope, canonical, hasher), hasher);

  return {
    authorization: `${SIGV4_ALGORITHM} Credential=${accessKeyId}/${scope}, SignedHeaders=${signedHeaders.join(';')}, Signature=${signature}`,
    ...added,
  };
}
