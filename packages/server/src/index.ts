// --- storage (helper: storage) ---
export { createSQLiteDocumentStore } from './storage/sqlite.js';
export type { SQLiteDocumentStoreOptions } from './storage/sqlite.js';

// --- schema + authorization tables (helper: authorize) ---
export { loadSchema, SchemaLoadError, maxSchemaBytes } from './schema/load-schema.js';
export type { LoadSchemaOptions, LoadedSchema } from './schema/load-schema.js';
export { appSyncDirectivesSDL, appSyncScalarNames } from './schema/directives.js';
export {
  appSyncScalars,
  AWSDate,
  AWSTime,
  AWSDateTime,
  AWSTimestamp,
  AWSEmail,
  AWSJSON,
  AWSURL,
  AWSPhone,
  AWSIPAddress,
} from './schema/scalars.js';

// --- auth modes: JWT (helper: jwt) ---
export { stripBearer, isJWTShaped, peekIssuer, decodeJWT } from './auth/jwt/jwt-shape.js';
export type { JWTHeader, DecodedJWT } from './auth/jwt/jwt-shape.js';
export {
  createRemoteJWKSource,
  createOIDCDiscoveryJWKSource,
  assertSecureURL,
} from './auth/jwt/remote-jwks.js';
export type { RemoteJWKSourceOptions, OIDCDiscoveryJWKSourceOptions } from './auth/jwt/remote-jwks.js';
export {
  createJWTVerifier,
  supportedJWTAlgorithms,
  defaultClockToleranceSeconds,
} from './auth/jwt/verify-jwt.js';
export type { JWTVerifier, JWTVerifierOptions, VerifiedJWT } from './auth/jwt/verify-jwt.js';
export { createUserPoolProvider } from './auth/jwt/user-pool.js';
export type { UserPoolProviderOptions } from './auth/jwt/user-pool.js';
export { createOIDCProvider, defaultOIDCAlgorithms } from './auth/jwt/oidc.js';
export type { OIDCProviderOptions } from './auth/jwt/oidc.js';

// --- auth modes: IAM (helper: sigv4) ---
export { createIAMProvider } from './auth/iam.js';
export type { IAMProviderOptions } from './auth/iam.js';
export { createIAMPrincipalResolver, derivedUserId } from './auth/iam-principals.js';
export type { IAMPrincipalResolverOptions } from './auth/iam-principals.js';
export { nodeHasher } from './auth/node-hasher.js';

// --- auth modes: API key + Lambda (helper: lambda) ---
export { createAPIKeyProvider } from './auth/api-key.js';
export type { APIKeyProviderOptions } from './auth/api-key.js';
export { createLambdaProvider } from './auth/lambda/lambda-provider.js';
export type { LambdaProviderOptions } from './auth/lambda/lambda-provider.js';
export {
  createModuleInvoker,
  createHTTPInvoker,
  createAuthorizerInvoker,
  resolveAuthorizerUri,
  LambdaNotInvocableError,
  isLambdaNotInvocableError,
} from './auth/lambda/invoke.js';
export type { LambdaInvoker, LambdaModuleContext, ResolvedAuthorizerUri } from './auth/lambda/invoke.js';
export { parseAuthorizerResponse } from './auth/lambda/response.js';
export type { AuthorizerResponse, AuthorizerAPI } from './auth/lambda/response.js';
export { createAuthorizerEvent } from './auth/lambda/event.js';
export type { LambdaAuthorizerEvent, LambdaAuthorizerRequestContext } from './auth/lambda/event.js';

// --- request handling (lead) ---
export { createGatehouseApp } from './app.js';
export type { GatehouseApp, GatehouseAppOptions } from './app.js';
export { buildProviders } from './auth/providers.js';
export type { BuiltProviders, LocalIssuer, ProviderDependencies, ProviderRef } from './auth/providers.js';
export { selectProvider } from './auth/select-provider.js';
export type { ProviderSet } from './auth/select-provider.js';
export { createRequestHandler } from './http/handler.js';
export type { RequestHandlerOptions } from './http/handler.js';
export { listen, toNodeListener, maxBodyBytes, maxHeaderBytes } from './http/node-adapter.js';
export type { Listening } from './http/node-adapter.js';
export type { PlainResponse, Route, RequestHandler } from './http/types.js';
export { createGraphQLEndpoint } from './graphql/endpoint.js';
export type { GraphQLEndpointOptions } from './graphql/endpoint.js';
export { ResolverError } from './graphql/resolver-context.js';
export type { ResolverContext, ResolverFunction, ResolverUtil } from './graphql/resolver-context.js';
export { UnauthorizedFieldError } from './graphql/field-auth.js';
