/**
 * Hand-made JWTs for negative tests: RS256 with keys the test controls, HS256, `alg: none`, and
 * edits of real tokens. A `node:http` JWKS server plays a second user pool's issuer.
 */
import { createHmac, createPublicKey, createSign, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export type Claims = Record<string, unknown>;

export function base64url(value: string | Buffer): string {
  return Buffer.from(value).toString('base64url');
}

export function encodeSegment(value: unknown): string {
  return base64url(JSON.stringify(value));
}

export function decodeSegment(segment: string): Claims {
  return JSON.parse(Buffer.from(segment, 'base64url').toString('utf8')) as Claims;
}

/** The header and payload of a compact JWT, unverified. */
export function decodeJWT(token: string): { header: Claims; payload: Claims; signature: string } {
  const [header = '', payload = '', signature = ''] = token.split('.');
  return { header: decodeSegment(header), payload: decodeSegment(payload), signature };
}

export function signRS256(header: Claims, payload: Claims, privateKey: KeyObject): string {
  const input = `${encodeSegment({ alg: 'RS256', ...header })}.${encodeSegment(payload)}`;
  const signature = createSign('RSA-SHA256').update(input).sign(privateKey);
  return `${input}.${base64url(signature)}`;
}

export function signHS256(header: Claims, payload: Claims, secret: string | Buffer): string {
  const input = `${encodeSegment({ ...header, alg: 'HS256' })}.${encodeSegment(payload)}`;
  return `${input}.${base64url(createHmac('sha256', secret).update(input).digest())}`;
}

export function unsignedJWT(header: Claims, payload: Claims): string {
  return `${encodeSegment({ ...header, alg: 'none' })}.${encodeSegment(payload)}.`;
}

/** The PEM of a public RSA JWK, as a naive verifier would use it for HS256. */
export function jwkToPEM(jwk: Record<string, unknown>): string {
  return createPublicKey({ key: jwk as never, format: 'jwk' })
    .export({ type: 'spki', format: 'pem' })
    .toString();
}

export interface RSAKey {
  readonly kid: string;
  readonly privateKey: KeyObject;
  readonly publicJWK: Record<string, unknown>;
}

export function generateRSAKey(kid: string): RSAKey {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const jwk = publicKey.export({ format: 'jwk' }) as Record<string, unknown>;
  return { kid, privateKey, publicJWK: { ...jwk, kid, alg: 'RS256', use: 'sig' } };
}

export interface JWKSServer {
  /** `http://127.0.0.1:PORT`. */
  readonly origin: string;
  /** Serves `keys` at `<origin><path>/.well-known/jwks.json`; returns the issuer `<origin><path>`. */
  addIssuer(path: string, keys: readonly RSAKey[]): string;
  /** JWKS fetches so far, per issuer path. */
  readonly fetches: Map<string, number>;
  close(): Promise<void>;
}

export async function startJWKSServer(): Promise<JWKSServer> {
  const issuers = new Map<string, readonly RSAKey[]>();
  const fetches = new Map<string, number>();
  const server: Server = createServer((req, res) => {
    const path = (req.url ?? '').replace(/\/\.well-known\/jwks\.json$/, '');
    const keys = issuers.get(path);
    if (!keys || !req.url?.endsWith('/.well-known/jwks.json')) {
      res.writeHead(404).end();
      return;
    }
    fetches.set(path, (fetches.get(path) ?? 0) + 1);
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ keys: keys.map((key) => key.publicJWK) }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const origin = `http://127.0.0.1:${port}`;
  return {
    origin,
    fetches,
    addIssuer(path, keys) {
      issuers.set(path, keys);
      return `${origin}${path}`;
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}
