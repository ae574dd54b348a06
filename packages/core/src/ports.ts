import type { IAMIdentity, IAMPolicy } from './auth-types.js';

/** Injected wall clock, epoch milliseconds. */
export type Clock = () => number;

export interface Logger {
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
}

export const silentLogger: Logger = { info() {}, warn() {}, error() {} };

/** How the API_KEY mode consults the key store. */
export interface APIKeyVerifier {
  /** True if the key belongs to the API, is not deleted and `nowSeconds < expires`. */
  isValid(key: string, nowSeconds: number): Promise<boolean>;
}

/** What AWS_IAM verification needs to know about an access key id. */
export interface IAMPrincipalRecord {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  /** Hex SHA-256 of the session token for temporary credentials; `null` for long-term keys. */
  readonly sessionTokenSha256: string | null;
  /** Epoch seconds; `null` for long-term keys. */
  readonly expiresAt: number | null;
  readonly policy: IAMPolicy;
  /** `ctx.identity` without `sourceIp`. */
  readonly identity: Omit<IAMIdentity, 'sourceIp'>;
}

export interface IAMPrincipalResolver {
  find(accessKeyId: string): Promise<IAMPrincipalRecord | undefined>;
}

/** A JSON Web Key as published in a JWKS. */
export interface PublicJWK {
  kty: string;
  kid?: string;
  alg?: string;
  use?: string;
  n?: string;
  e?: string;
  crv?: string;
  x?: string;
  y?: string;
}

/** Where a JWT mode gets its verification keys (a remote JWKS, or the built-in pool in-process). */
export interface JWKSource {
  /** Current keys. May throw when none are obtainable. `refresh` asks for a refetch (unknown `kid`). */
  getKeys(options?: { refresh?: boolean }): Promise<readonly PublicJWK[]>;
}

/** Temporary credentials issued by an identity pool, as the AWS_IAM mode needs them. */
export interface TemporaryCredentialRecord {
  readonly accessKeyId: string;
  /** Recomputed from the install key on lookup; never stored. */
  readonly secretAccessKey: string;
  /** Hex SHA-256 of the session token. */
  readonly sessionTokenSha256: string;
  /** Epoch seconds. */
  readonly expiresAt: number;
  readonly identityPoolId: string;
  readonly identityId: string;
  readonly authType: 'authenticated' | 'unauthenticated';
  /** e.g. `gatehouse-authenticated-role`. */
  readonly roleName: string;
  /** e.g. `AROA…` (stable per role). */
  readonly roleId: string;
  readonly accountId: string;
  /** `cognito-idp.<region>.amazonaws.com/<poolId>` for authenticated identities, else `null`. */
  readonly userPoolProvider: string | null;
  /** The user pool `sub` for authenticated identities, else `null`. */
  readonly sub: string | null;
}

export interface TemporaryCredentialLookup {
  findTemporaryCredentials(accessKeyId: string): Promise<TemporaryCredentialRecord | undefined>;
}
