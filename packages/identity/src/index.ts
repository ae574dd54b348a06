// errors
export { identityErrorCodes, IdentityError, isIdentityError } from './errors.js';
export type { IdentityErrorCode } from './errors.js';

// install key
export {
  installKeyFileName,
  loadOrCreateInstallKey,
  deriveInstallSubkey,
  encryptBlob,
  decryptBlob,
} from './install-key.js';

// signing keys
export { signingKeyUses, createSigningKeyRing, generateRSAKeyPair } from './signing-keys.js';
export type {
  SigningKeyUse,
  SigningJWK,
  SigningKeyRing,
  SigningKeyRingOptions,
  RSAKeyPairGenerator,
} from './signing-keys.js';

// passwords
export { defaultPasswordPolicy, assertPasswordPolicy } from './passwords.js';
export type { PasswordPolicy, PasswordHashingOptions } from './passwords.js';

// user pool
export { createLocalUserPool } from './user-pool.js';
export type {
  UserStatus,
  LocalUser,
  CreateUserInput,
  IssueTokensOptions,
  IssuedTokens,
  RefreshedTokens,
  IdTokenClaims,
  AccessTokenClaims,
  ListUsersOptions,
  LocalUserPool,
  LocalUserPoolOptions,
  LocalGroup,
  UserSRPVerifier,
} from './user-pool.js';

// Cognito user pool API (identity.md §1–§3, §6, §8)
export { createUserPoolService, userPoolTargetPrefix } from './cognito-idp/service.js';
export type { UserPoolService, UserPoolServiceOptions, CodeDeliveryEvent } from './cognito-idp/service.js';
export { createUserPoolRoutes, userPoolPath } from './cognito-idp/routes.js';
export { codePurposes } from './cognito-idp/codes.js';
export type { CodePurpose, CodeListing } from './cognito-idp/codes.js';
export type { AdminAccessKey } from './cognito-idp/admin-auth.js';
export type { RateLimitOptions } from './cognito-idp/throttle.js';

// API keys
export { createAPIKeyStore, maxAPIKeysPerAPI } from './api-keys.js';
export type { APIKey, APIKeyStore, APIKeyStoreOptions } from './api-keys.js';

// identity pool
export { createIdentityPool, roleArn, defaultRole } from './identity-pool.js';
export type {
  IdentityPool,
  IdentityPoolOptions,
  IdentityPoolRole,
  IdentityCredentials,
  Logins,
} from './identity-pool.js';

// config
export { parseIdentityConfig } from './identity-config.js';
export type { IdentityConfig } from './identity-config.js';

// bootstrap
export { openIdentity } from './bootstrap.js';
export type { IdentitySettings, OpenIdentityOptions, OpenedIdentity } from './bootstrap.js';

// built-in OIDC issuer and HTTP routes
export { createLocalOIDCIssuer } from './oidc-issuer.js';
export type { LocalOIDCIssuer, LocalOIDCIssuerOptions } from './oidc-issuer.js';
export { createIdentityRoutes } from './http-routes.js';
export {
  createCognitoIdentityRoutes,
  createCognitoIdentityHandler,
  cognitoIdentityPath,
  cognitoIdentityService,
} from './cognito-identity/routes.js';
export type { CognitoIdentityRoutesOptions, CognitoIdentityHandler } from './cognito-identity/routes.js';
export type { IdentityRoute, IdentityResponse } from './http-routes.js';
