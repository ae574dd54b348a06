/** SigV4-signed GraphQL requests, signed by `@smithy/signature-v4` (the AWS SDK's signer, our oracle). */
import { Sha256 } from '@aws-crypto/sha256-js';
import { SignatureV4 } from '@smithy/signature-v4';

export interface SigV4Credentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken?: string | undefined;
}

export interface SignOptions {
  readonly region?: string;
  readonly service?: string;
  readonly signingDate?: Date;
  /** Extra headers to sign and send. */
  readonly headers?: Record<string, string>;
}

/**
 * Returns the headers to send with `body` to `url` (POST), signed as Amplify JS does: `host`
 * with the port, `content-type`, `x-amz-date`, `x-amz-security-token` for temporary credentials.
 * `host` is signed but not returned: `fetch` sends the same value itself.
 */
export async function signGraphQLRequest(
  url: string,
  body: string,
  credentials: SigV4Credentials,
  options: SignOptions = {},
): Promise<Record<string, string>> {
  const target = new URL(url);
  const signer = new SignatureV4({
    credentials: {
      accessKeyId: credentials.accessKeyId,
      secretAccessKey: credentials.secretAccessKey,
      ...(credentials.sessionToken !== undefined ? { sessionToken: credentials.sessionToken } : {}),
    },
    region: options.region ?? 'us-east-1',
    service: options.service ?? 'appsync',
    sha256: Sha256,
    applyChecksum: false,
  });
  const signed = await signer.sign(
    {
      method: 'POST',
      protocol: target.protocol,
      hostname: target.hostname,
      ...(target.port ? { port: Number(target.port) } : {}),
      path: target.pathname,
      query: {},
      headers: {
        host: target.host,
        'content-type': 'application/json; charset=UTF-8',
        ...options.headers,
      },
      body,
    },
    options.signingDate ? { signingDate: options.signingDate } : {},
  );
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(signed.headers)) {
    if (name.toLowerCase() !== 'host') headers[name] = String(value);
  }
  return headers;
}
