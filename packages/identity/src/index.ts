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
} from './user-pool.js';

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

// bootstrap
export { openIdentity } from './bootstrap.js';
export type { IdentitySettings, OpenIdentityOptions, OpenedIdentity } from './bootstrap.js';

// built-in OIDC issuer and HTTP routes
export { createLocalOIDCIssuer } from './oidc-issuer.js';
export type { LocalOIDCIssuer, LocalOIDCIssuerOptions } from './oidc-issuer.js';
export { createIdentityRoutes } from './http-routes.js';
export type { IdentityRoute, IdentityResponse } from './http-routes.js';
