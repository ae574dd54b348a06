// loopback hosts
export { isLoopbackHost } from './loopback.js';
export { deepFreeze } from './deep-freeze.js';

// SRP group (Cognito's)
export { srpPrimeHex, srpN, srpG } from './srp-group.js';

// errors
export { errorCodes, wireForms, GatehouseError, isGatehouseError, authError, toWireError } from './errors.js';
export type { ErrorCode, WireForm, RequestErrorBody } from './errors.js';

// auth types and ports
export { authModes, isAuthMode, authTypeNames } from './auth-types.js';
export type {
  AuthMode,
  PlainRequest,
  GraphQLParams,
  AuthRequest,
  UserPoolIdentity,
  OIDCIdentity,
  IAMIdentity,
  LambdaIdentity,
  AppSyncIdentity,
  IAMPolicy,
  IAMStatement,
  Principal,
  Authenticated,
  AuthProvider,
} from './auth-types.js';
export { silentLogger } from './ports.js';
export type {
  Clock,
  Logger,
  APIKeyVerifier,
  IAMPrincipalRecord,
  IAMPrincipalResolver,
  PublicJWK,
  JWKSource,
  TemporaryCredentialRecord,
  TemporaryCredentialLookup,
} from './ports.js';

// configuration
export type {
  GatehouseConfig,
  UserPoolConfig,
  OpenIDConnectConfig,
  LambdaAuthorizerConfig,
  AdditionalAuthenticationProvider,
  IAMConfig,
  IAMRoleConfig,
  IAMAccessKeyConfig,
} from './config-types.js';

// document store
export type {
  Item,
  Key,
  IndexSchema,
  TableSchema,
  SortKeyCondition,
  AttributeCondition,
  Condition,
  QueryInput,
  ScanInput,
  Page,
  UpdateInput,
  WriteOptions,
  DocumentTable,
  DocumentStore,
  StoreErrorCode,
} from './document-store.js';
export {
  StoreError,
  ConditionalCheckFailedError,
  isStoreError,
  isConditionalCheckFailedError,
} from './document-store.js';

// --- sigv4 + IAM policy (helper: sigv4) ---
export { pureHasher, sha256, hmacSha256, toHex, constantTimeEqual } from './sigv4/hash.js';
export type { Hasher } from './sigv4/hash.js';
export {
  SIGV4_ALGORITHM,
  SIGV4_TERMINATOR,
  uriEncode,
  canonicalURI,
  canonicalQuery,
  canonicalHeaderValue,
  canonicalRequest,
  credentialScope,
  stringToSign,
  deriveSigningKey,
  signatureOf,
  formatAmzDate,
  parseAmzDate,
} from './sigv4/canonical.js';
export type { CanonicalRequestInput } from './sigv4/canonical.js';
export { signRequest } from './sigv4/sign.js';
export type { SignRequestInput, SigV4Credentials } from './sigv4/sign.js';
export { parseSigV4Authorization } from './sigv4/parse.js';
export type { SigV4Authorization } from './sigv4/parse.js';
export {
  APPSYNC_GRAPHQL_ACTION,
  evaluateIAMPolicy,
  matchesWildcard,
  fieldArn,
  defaultRolePolicy,
  assertRootFieldsAllowed,
  isRootFieldAllowed,
} from './iam-policy.js';
export type { IAMDecision, IAMAPIScope } from './iam-policy.js';

// --- authorize (helper: authorize) ---
export { authorizeField } from './authorize/authorize.js';
export { authDirectiveModes, createAuthTables } from './authorize/tables.js';
export type {
  AuthTables,
  AuthTablesInput,
  AuthDirectiveSet,
  FieldAuthRules,
  FieldAuthSpec,
  ProviderRef,
  TypeAuthSpec,
} from './authorize/tables.js';

// --- config parsing (helper: authorize) ---
export { parseConfig, providersOf, maxProviders, allowedOIDCAlgorithms } from './config/parse-config.js';
export type { ConfiguredProvider } from './config/parse-config.js';
export { ConfigError, isConfigError } from './config/config-error.js';
