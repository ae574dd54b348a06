/** Authorization modes, by AppSync's own config strings. */
export const authModes = [
  'API_KEY',
  'AMAZON_COGNITO_USER_POOLS',
  'AWS_IAM',
  'OPENID_CONNECT',
  'AWS_LAMBDA',
] as const;
export type AuthMode = (typeof authModes)[number];

export function isAuthMode(value: unknown): value is AuthMode {
  return typeof value === 'string' && (authModes as readonly string[]).includes(value);
}

/** `$util.authType()` strings. */
export const authTypeNames: { readonly [M in AuthMode]: string } = {
  API_KEY: 'API Key Authorization',
  AMAZON_COGNITO_USER_POOLS: 'User Pool Authorization',
  AWS_IAM: 'IAM Authorization',
  OPENID_CONNECT: 'Open ID Connect Authorization',
  AWS_LAMBDA: 'Lambda Authorization',
};

/** The plain request every transport adapter produces. Header names are lowercase. */
export interface PlainRequest {
  readonly method: string;
  /** Path with query string, as received. */
  readonly path: string;
  readonly headers: Readonly<Record<string, string>>;
  /** Exact body bytes (SigV4 hashes them). */
  readonly body: Uint8Array;
  /** `X-Forwarded-For` entries, then the TCP peer. */
  readonly sourceIp: readonly string[];
}

/** The GraphQL parameters of a request, once its body is parsed. */
export interface GraphQLParams {
  readonly query: string;
  readonly operationName?: string | undefined;
  readonly variables: Readonly<Record<string, unknown>>;
}

export interface AuthRequest extends PlainRequest {
  /** Present once the body is parsed; the Lambda authorizer needs it. */
  readonly graphql?: GraphQLParams | undefined;
  /** Request id, echoed as `x-amzn-RequestId` and sent to the Lambda authorizer. */
  readonly requestId: string;
}

export interface UserPoolIdentity {
  sub: string;
  issuer: string;
  username: string;
  /** The verified claims, frozen (shared by every request presenting the same token). */
  claims: Readonly<Record<string, unknown>>;
  sourceIp: string[];
  defaultAuthStrategy: 'ALLOW' | 'DENY';
  /** Frozen, like `claims`. */
  groups: readonly string[] | null;
}

export interface OIDCIdentity {
  /** The verified claims, frozen (shared by every request presenting the same token). */
  claims: Readonly<Record<string, unknown>>;
  issuer: string;
  sub: string;
}

export interface IAMIdentity {
  accountId: string;
  cognitoIdentityPoolId: string | null;
  cognitoIdentityId: string | null;
  sourceIp: string[];
  username: string;
  userArn: string;
  cognitoIdentityAuthType: 'authenticated' | 'unauthenticated' | null;
  cognitoIdentityAuthProvider: string | null;
}

export interface LambdaIdentity {
  resolverContext: Record<string, unknown>;
}

/** `ctx.identity` in AppSync's shape for the mode (appsync-auth.md §3). */
export type AppSyncIdentity = UserPoolIdentity | OIDCIdentity | IAMIdentity | LambdaIdentity | null;

/** An IAM policy document (only what `appsync:GraphQL` decisions need). */
export interface IAMPolicy {
  Version?: string;
  Statement: IAMStatement[] | IAMStatement;
}
export interface IAMStatement {
  Sid?: string;
  Effect: 'Allow' | 'Deny';
  Action: string | string[];
  Resource: string | string[];
}

/**
 * Who the caller is, as far as authorization cares. `providerId` names the configured provider
 * that verified the credential (the issuer for JWT modes, the mode string otherwise).
 */
export type Principal =
  | { readonly mode: 'API_KEY'; readonly providerId: 'API_KEY' }
  | {
      readonly mode: 'AMAZON_COGNITO_USER_POOLS';
      readonly providerId: string;
      readonly groups: readonly string[];
    }
  | { readonly mode: 'OPENID_CONNECT'; readonly providerId: string }
  | { readonly mode: 'AWS_IAM'; readonly providerId: 'AWS_IAM'; readonly policy: IAMPolicy }
  | {
      readonly mode: 'AWS_LAMBDA';
      readonly providerId: 'AWS_LAMBDA';
      /** `Type.field` entries (ARNs of this API already reduced to this form). */
      readonly deniedFields: ReadonlySet<string>;
    };

export interface Authenticated {
  readonly kind: 'authenticated';
  readonly principal: Principal;
  readonly identity: AppSyncIdentity;
}

/** One configured provider (default or additional) as the request pipeline sees it. */
export interface AuthProvider {
  readonly mode: AuthMode;
  /** Issuer for user pools and OIDC; the mode string for the others. */
  readonly providerId: string;
  /** Verifies the credential. Throws a `GatehouseError` with the catalogue code on failure. */
  authenticate(request: AuthRequest): Promise<Authenticated>;
}
