// root
export { Amplify, AmplifyClass } from './amplify.js';
export type { AmplifyPlugin } from './amplify.js';
export { HubClass } from './hub.js';
export type { HubCallback, HubPayload } from './hub.js';
export { version } from './version.js';

// configuration
export { parseAmplifyConfig } from './config.js';
export type {
  ParseAmplifyConfigOptions,
  ResolvedApi,
  ResolvedAuth,
  ResolvedConfig,
  ResolvedIdentityPool,
  ResolvedUserPool,
} from './config.js';
export { isAllowedEndpoint } from './endpoint.js';
export { isLoopbackHost } from '@gatehouse/core';

// errors
export {
  clientErrorCodes,
  isAmplifyException,
  AmplifyException,
  ConfigurationException,
  AmplifyAlreadyConfiguredException,
  AuthException,
  SignedOutException,
  SessionExpiredException,
  AuthServiceException,
  ApiException,
  NoAuthProviderException,
  MissingCredentialsException,
  NetworkException,
  HttpStatusException,
  UnauthorizedException,
  ApiOperationException,
  CancellationException,
} from './errors.js';
export type {
  ClientErrorCode,
  AmplifyExceptionOptions,
  ConfigurationIssue,
  GraphQLResponseError,
  HttpStatusDetails,
} from './errors.js';

// API
export { APIAuthorizationType, isAPIAuthorizationMode } from './auth-modes.js';
export type { APIAuthorizationMode } from './auth-modes.js';
export { AmplifyAPI } from './api-plugin.js';
export type {
  AmplifyAPIOptions,
  APIPluginContext,
  RetryOptions,
  SubscribeOptions,
  SubscriptionOptions,
} from './api-plugin.js';
export { realtimeUrl } from './realtime.js';
export type {
  GraphQLSubscription,
  SubscriptionHubEvent,
  SubscriptionStatus,
  WebSocketConstructor,
} from './realtime.js';
export { GraphQLRequest } from './graphql-request.js';
export type { GraphQLRequestInit, GraphQLResponse, GraphQLOperation } from './graphql-request.js';
export { AWSBaseHttpClient } from './http-client.js';
export type { AWSHttpRequest, InterceptorContext, RequestInterceptor } from './http-client.js';
export {
  APIAuthProvider,
  OIDCAuthProvider,
  FunctionAuthProvider,
  createOIDCAuthProvider,
  createFunctionAuthProvider,
  withTokenCache,
} from './auth-providers.js';
export type { APIAuthProviderType, TokenCacheOptions } from './auth-providers.js';

// Auth
export { AmplifyAuthCognito } from './auth/auth-plugin.js';
export type {
  AmplifyAuthCognitoOptions,
  AuthFlowType,
  AuthStorage,
  CredentialsProvider,
  SignInInput,
  SignInResult,
  TokenProvider,
} from './auth/auth-plugin.js';
export type {
  AWSCredentials,
  AuthSession,
  AuthSessionSource,
  AuthTokens,
  FetchAuthSessionOptions,
} from './auth/types.js';
export { createJsonWebToken, decodeJWTClaims } from './jwt.js';
export type { JsonWebToken } from './jwt.js';
