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
} from './document-store.js';

// --- sigv4 + IAM policy (helper: sigv4) ---

// --- authorize (helper: authorize) ---

// --- config parsing (helper: authorize) ---
