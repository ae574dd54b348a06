/**
 * Validates `gatehouse.config.json` (appsync-auth.md §4 and §8) into a `GatehouseConfig`.
 * Throws a `ConfigError` naming the first offending field; never echoes secrets.
 *
 * Spec: ../../../../../shared/spec/appsync-auth.md §4 "Configuration".
 */
import { isAuthMode } from '../auth-types.js';
import { isLoopbackHost } from '../loopback.js';
import type { AuthMode, IAMPolicy, IAMStatement } from '../auth-types.js';
import type {
  AdditionalAuthenticationProvider,
  GatehouseConfig,
  IAMAccessKeyConfig,
  IAMConfig,
  IAMRoleConfig,
  LambdaAuthorizerConfig,
  OpenIDConnectConfig,
  UserPoolConfig,
} from '../config-types.js';
import { ConfigError } from './config-error.js';
import type { IndexSchema, TableSchema } from '../document-store.js';

/** Maximum number of authentication providers per API, default included (§8). */
export const maxProviders = 50;
export const defaultRegion = 'us-east-1';
export const defaultAccountId = '123456789012';

/** Algorithms `openIDConnectConfig.allowedAlgorithms` may list (never `none` or `HS*`, §3.3). */
export const allowedOIDCAlgorithms = [
  'RS256',
  'RS384',
  'RS512',
  'PS256',
  'PS384',
  'PS512',
  'ES256',
  'ES384',
  'ES512',
  'EdDSA',
] as const;

const topLevelKeys = [
  'name',
  'schema',
  'resolvers',
  'tables',
  'authenticationType',
  'userPoolConfig',
  'openIDConnectConfig',
  'lambdaAuthorizerConfig',
  'additionalAuthenticationProviders',
  'region',
  'accountId',
  'apiId',
  'iam',
  'clockToleranceSeconds',
  'strictSchema',
  // Validated by their owners.
  'storage',
  'pubsub',
  'identity',
  '$schema',
] as const;

const configKeyOfMode = {
  AMAZON_COGNITO_USER_POOLS: 'userPoolConfig',
  OPENID_CONNECT: 'openIDConnectConfig',
  AWS_LAMBDA: 'lambdaAuthorizerConfig',
} as const;
const modeConfigKeys = ['userPoolConfig', 'openIDConnectConfig', 'lambdaAuthorizerConfig'] as const;
type ModeConfigKey = (typeof modeConfigKeys)[number];

const regionPattern = /^[a-z]{2}(-[a-z]+)+-\d+$/;
const accountIdPattern = /^\d{12}$/;
const apiIdPattern = /^[A-Za-z0-9_-]{1,64}$/;
const userPoolIdPattern = /^[\w-]+$/;
const accessKeyIdPattern = /^[A-Za-z0-9]{1,128}$/;

type Obj = Record<string, unknown>;

function isObject(value: unknown): value is Obj {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'object' ? 'an object' : `a ${typeof value}`;
}

function object(value: unknown, field: string): Obj {
  if (!isObject(value)) throw new ConfigError(field, `must be an object, not ${describe(value)}.`);
  return value;
}

function noUnknownKeys(value: Obj, field: string, allowed: readonly string[]): void {
  for (const key of Object.keys(value)) {
    if (!allowed.includes(key)) {
      const path = field === '' ? key : `${field}.${key}`;
      throw new ConfigError(
        path,
        `is not a known setting; expected one of ${allowed.map((k) => `"${k}"`).join(', ')}.`,
      );
    }
  }
}

function join(field: string, key: string): string {
  return field === '' ? key : `${field}.${key}`;
}

function nonEmptyString(value: unknown, field: string): string {
  if (typeof value !== 'string' || value.length === 0)
    throw new ConfigError(field, 'must be a non-empty string.');
  return value;
}

function integerIn(value: unknown, field: string, min: number, max: number): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    const range = max === Number.MAX_SAFE_INTEGER ? `of at least ${min}` : `from ${min} to ${max}`;
    throw new ConfigError(field, `must be an integer ${range}.`);
  }
  return value;
}

function boolean(value: unknown, field: string): boolean {
  if (typeof value !== 'boolean') throw new ConfigError(field, 'must be true or false.');
  return value;
}

function regex(value: unknown, field: string): string {
  const source = nonEmptyString(value, field);
  try {
    new RegExp(source);
  } catch (cause) {
    throw new ConfigError(field, 'must be a valid regular expression.', { cause });
  }
  return source;
}

/** An `https` URL, or `http` on a loopback host. */
function secureURL(value: unknown, field: string): string {
  const text = nonEmptyString(value, field);
  const expectation = 'must be an https URL (http is allowed only for loopback hosts).';
  let url: URL;
  try {
    url = new URL(text);
  } catch (cause) {
    throw new ConfigError(field, expectation, { cause });
  }
  if (url.protocol === 'https:') return text;
  if (url.protocol === 'http:' && isLoopbackHost(url.hostname)) return text;
  throw new ConfigError(field, expectation);
}

function authMode(value: unknown, field: string): AuthMode {
  if (value === 'NONE') {
    throw new ConfigError(
      field,
      'must not be "NONE": AppSync has no such server mode; use "API_KEY" or an unauthenticated identity-pool role for anonymous access.',
    );
  }
  if (!isAuthMode(value)) {
    throw new ConfigError(
      field,
      'must be one of "API_KEY", "AMAZON_COGNITO_USER_POOLS", "AWS_IAM", "OPENID_CONNECT", "AWS_LAMBDA".',
    );
  }
  return value;
}

function parseUserPoolConfig(
  value: unknown,
  field: string,
  isDefault: boolean,
  region: string,
): UserPoolConfig {
  const raw = object(value, field);
  noUnknownKeys(raw, field, [
    'userPoolId',
    'awsRegion',
    'defaultAction',
    'appIdClientRegex',
    'issuer',
    'jwksUri',
  ]);
  const userPoolId = nonEmptyString(raw['userPoolId'], join(field, 'userPoolId'));
  if (!userPoolIdPattern.test(userPoolId)) {
    throw new ConfigError(
      join(field, 'userPoolId'),
      'must be "local" or a user pool id such as "us-east-1_Ab12Cd34E".',
    );
  }
  const isLocal = userPoolId === 'local';
  let awsRegion: string;
  if (raw['awsRegion'] === undefined && isLocal) {
    awsRegion = region;
  } else {
    awsRegion = nonEmptyString(raw['awsRegion'], join(field, 'awsRegion'));
    if (!regionPattern.test(awsRegion)) {
      throw new ConfigError(join(field, 'awsRegion'), 'must be an AWS region name such as "us-east-1".');
    }
  }
  const config: UserPoolConfig = { userPoolId, awsRegion };
  const defaultAction = raw['defaultAction'];
  if (isDefault) {
    if (defaultAction !== 'ALLOW' && defaultAction !== 'DENY') {
      throw new ConfigError(
        join(field, 'defaultAction'),
        'must be "ALLOW" or "DENY" on the default user pool.',
      );
    }
    config.defaultAction = defaultAction;
  } else if (defaultAction !== undefined) {
    throw new ConfigError(join(field, 'defaultAction'), 'must be absent on additional user pools.');
  }
  if (raw['appIdClientRegex'] !== undefined) {
    config.appIdClientRegex = regex(raw['appIdClientRegex'], join(field, 'appIdClientRegex'));
  }
  if (raw['issuer'] !== undefined) config.issuer = secureURL(raw['issuer'], join(field, 'issuer'));
  if (raw['jwksUri'] !== undefined) config.jwksUri = secureURL(raw['jwksUri'], join(field, 'jwksUri'));
  return config;
}

function parseOIDCConfig(value: unknown, field: string): OpenIDConnectConfig {
  const raw = object(value, field);
  noUnknownKeys(raw, field, ['issuer', 'clientId', 'iatTTL', 'authTTL', 'allowedAlgorithms']);
  // `"local"` names the identity service's built-in OIDC issuer (ADR 0007).
  const issuer = raw['issuer'] === 'local' ? 'local' : secureURL(raw['issuer'], join(field, 'issuer'));
  const config: OpenIDConnectConfig = { issuer };
  if (raw['clientId'] !== undefined) config.clientId = regex(raw['clientId'], join(field, 'clientId'));
  for (const key of ['iatTTL', 'authTTL'] as const) {
    if (raw[key] !== undefined)
      config[key] = integerIn(raw[key], join(field, key), 0, Number.MAX_SAFE_INTEGER);
  }
  const algorithms = raw['allowedAlgorithms'];
  if (algorithms !== undefined) {
    const algField = join(field, 'allowedAlgorithms');
    if (!Array.isArray(algorithms) || algorithms.length === 0) {
      throw new ConfigError(algField, 'must be a non-empty array of algorithm names.');
    }
    algorithms.forEach((alg: unknown, index) => {
      if (!(allowedOIDCAlgorithms as readonly unknown[]).includes(alg)) {
        throw new ConfigError(
          `${algField}[${index}]`,
          `must be one of ${allowedOIDCAlgorithms.map((a) => `"${a}"`).join(', ')}.`,
        );
      }
    });
    config.allowedAlgorithms = [...(algorithms as string[])];
  }
  return config;
}

function parseLambdaConfig(value: unknown, field: string): LambdaAuthorizerConfig {
  const raw = object(value, field);
  noUnknownKeys(raw, field, [
    'authorizerUri',
    'authorizerResultTtlInSeconds',
    'identityValidationExpression',
  ]);
  const uriField = join(field, 'authorizerUri');
  const uri = nonEmptyString(raw['authorizerUri'], uriField);
  if (uri.startsWith('file:')) {
    if (uri.length === 'file:'.length) throw new ConfigError(uriField, 'must name a module after "file:".');
  } else {
    try {
      secureURL(uri, uriField);
    } catch (cause) {
      throw new ConfigError(
        uriField,
        'must be a "file:" module path or an https URL (http is allowed only for loopback hosts).',
        { cause },
      );
    }
  }
  const config: LambdaAuthorizerConfig = { authorizerUri: uri };
  if (raw['authorizerResultTtlInSeconds'] !== undefined) {
    config.authorizerResultTtlInSeconds = integerIn(
      raw['authorizerResultTtlInSeconds'],
      join(field, 'authorizerResultTtlInSeconds'),
      0,
      3600,
    );
  }
  if (raw['identityValidationExpression'] !== undefined) {
    config.identityValidationExpression = regex(
      raw['identityValidationExpression'],
      join(field, 'identityValidationExpression'),
    );
  }
  return config;
}

interface ParsedProvider {
  mode: AuthMode;
  userPoolConfig?: UserPoolConfig;
  openIDConnectConfig?: OpenIDConnectConfig;
  lambdaAuthorizerConfig?: LambdaAuthorizerConfig;
}

/** The mode-specific config of one provider (default: `field` is ''; additional: its path). */
function parseProviderConfigs(
  raw: Obj,
  field: string,
  mode: AuthMode,
  isDefault: boolean,
  region: string,
): ParsedProvider {
  const modeField = join(field, 'authenticationType');
  const expectedKey: ModeConfigKey | undefined = (
    configKeyOfMode as Partial<Record<AuthMode, ModeConfigKey>>
  )[mode];
  for (const key of modeConfigKeys) {
    if (key !== expectedKey && raw[key] !== undefined) {
      throw new ConfigError(join(field, key), `is not allowed when "${modeField}" is "${mode}".`);
    }
  }
  const provider: ParsedProvider = { mode };
  if (expectedKey === undefined) return provider;
  const value = raw[expectedKey];
  const path = join(field, expectedKey);
  if (value === undefined) throw new ConfigError(path, `is required when "${modeField}" is "${mode}".`);
  if (expectedKey === 'userPoolConfig')
    provider.userPoolConfig = parseUserPoolConfig(value, path, isDefault, region);
  if (expectedKey === 'openIDConnectConfig') provider.openIDConnectConfig = parseOIDCConfig(value, path);
  if (expectedKey === 'lambdaAuthorizerConfig')
    provider.lambdaAuthorizerConfig = parseLambdaConfig(value, path);
  return provider;
}

function stringOrStrings(value: unknown, field: string): string | string[] {
  if (typeof value === 'string' && value.length > 0) return value;
  if (
    Array.isArray(value) &&
    value.length > 0 &&
    value.every((entry): entry is string => typeof entry === 'string' && entry.length > 0)
  ) {
    return [...value];
  }
  throw new ConfigError(field, 'must be a non-empty string or a non-empty array of non-empty strings.');
}

function parseStatement(value: unknown, field: string): IAMStatement {
  const raw = object(value, field);
  noUnknownKeys(raw, field, ['Sid', 'Effect', 'Action', 'Resource']);
  const effect = raw['Effect'];
  if (effect !== 'Allow' && effect !== 'Deny')
    throw new ConfigError(join(field, 'Effect'), 'must be "Allow" or "Deny".');
  const statement: IAMStatement = {
    Effect: effect,
    Action: stringOrStrings(raw['Action'], join(field, 'Action')),
    Resource: stringOrStrings(raw['Resource'], join(field, 'Resource')),
  };
  if (raw['Sid'] !== undefined) statement.Sid = nonEmptyString(raw['Sid'], join(field, 'Sid'));
  return statement;
}

function parsePolicy(value: unknown, field: string): IAMPolicy {
  const raw = object(value, field);
  noUnknownKeys(raw, field, ['Version', 'Statement']);
  const statementField = join(field, 'Statement');
  const statements = raw['Statement'];
  let Statement: IAMStatement | IAMStatement[];
  if (Array.isArray(statements)) {
    if (statements.length === 0) throw new ConfigError(statementField, 'must list at least one statement.');
    Statement = statements.map((entry: unknown, index) =>
      parseStatement(entry, `${statementField}[${index}]`),
    );
  } else if (statements === undefined) {
    throw new ConfigError(statementField, 'is required.');
  } else {
    Statement = parseStatement(statements, statementField);
  }
  const policy: IAMPolicy = { Statement };
  if (raw['Version'] !== undefined) policy.Version = nonEmptyString(raw['Version'], join(field, 'Version'));
  return policy;
}

function parseRole(value: unknown, field: string): IAMRoleConfig {
  const raw = object(value, field);
  noUnknownKeys(raw, field, ['policy']);
  return { policy: parsePolicy(raw['policy'], join(field, 'policy')) };
}

function parseAccessKey(value: unknown, field: string): IAMAccessKeyConfig {
  const raw = object(value, field);
  noUnknownKeys(raw, field, [
    'accessKeyId',
    'secretAccessKey',
    'userArn',
    'username',
    'accountId',
    'admin',
    'policy',
  ]);
  const accessKeyId = nonEmptyString(raw['accessKeyId'], join(field, 'accessKeyId'));
  if (!accessKeyIdPattern.test(accessKeyId)) {
    throw new ConfigError(join(field, 'accessKeyId'), 'must contain only letters and digits.');
  }
  const secretAccessKey = nonEmptyString(raw['secretAccessKey'], join(field, 'secretAccessKey'));
  const userArn = nonEmptyString(raw['userArn'], join(field, 'userArn'));
  if (!userArn.startsWith('arn:'))
    throw new ConfigError(join(field, 'userArn'), 'must be an ARN starting with "arn:".');
  const key: IAMAccessKeyConfig = {
    accessKeyId,
    secretAccessKey,
    userArn,
    policy: parsePolicy(raw['policy'], join(field, 'policy')),
  };
  if (raw['username'] !== undefined) key.username = nonEmptyString(raw['username'], join(field, 'username'));
  if (raw['accountId'] !== undefined) key.accountId = accountId(raw['accountId'], join(field, 'accountId'));
  if (raw['admin'] !== undefined) key.admin = boolean(raw['admin'], join(field, 'admin'));
  return key;
}

function accountId(value: unknown, field: string): string {
  if (typeof value !== 'string' || !accountIdPattern.test(value)) {
    throw new ConfigError(field, 'must be a string of 12 digits.');
  }
  return value;
}

function parseIAM(value: unknown): IAMConfig {
  const raw = object(value, 'iam');
  noUnknownKeys(raw, 'iam', ['roles', 'accessKeys']);
  const iam: IAMConfig = {};
  if (raw['roles'] !== undefined) {
    const roles = object(raw['roles'], 'iam.roles');
    noUnknownKeys(roles, 'iam.roles', ['authenticated', 'unauthenticated']);
    iam.roles = {};
    for (const kind of ['authenticated', 'unauthenticated'] as const) {
      if (roles[kind] !== undefined) iam.roles[kind] = parseRole(roles[kind], `iam.roles.${kind}`);
    }
  }
  if (raw['accessKeys'] !== undefined) {
    const keys = raw['accessKeys'];
    if (!Array.isArray(keys))
      throw new ConfigError('iam.accessKeys', `must be an array, not ${describe(keys)}.`);
    const seen = new Set<string>();
    iam.accessKeys = keys.map((entry: unknown, index) => {
      const key = parseAccessKey(entry, `iam.accessKeys[${index}]`);
      if (seen.has(key.accessKeyId)) {
        throw new ConfigError(
          `iam.accessKeys[${index}].accessKeyId`,
          'must be unique; another entry has the same id.',
        );
      }
      seen.add(key.accessKeyId);
      return key;
    });
  }
  return iam;
}

/** Validates a parsed `gatehouse.config.json` and fills in `region`, `accountId` and local pools' `awsRegion`. */
export function parseConfig(raw: unknown): GatehouseConfig {
  if (!isObject(raw)) throw new ConfigError('(config)', `must be a JSON object, not ${describe(raw)}.`);
  noUnknownKeys(raw, '', topLevelKeys);

  let region = defaultRegion;
  if (raw['region'] !== undefined) {
    region = nonEmptyString(raw['region'], 'region');
    if (!regionPattern.test(region))
      throw new ConfigError('region', 'must be an AWS region name such as "us-east-1".');
  }
  const config: GatehouseConfig = {
    name: nonEmptyString(raw['name'], 'name'),
    schema: nonEmptyString(raw['schema'], 'schema'),
    authenticationType: authMode(raw['authenticationType'], 'authenticationType'),
    region,
    accountId: raw['accountId'] === undefined ? defaultAccountId : accountId(raw['accountId'], 'accountId'),
  };
  if (raw['resolvers'] !== undefined) config.resolvers = nonEmptyString(raw['resolvers'], 'resolvers');
  if (raw['apiId'] !== undefined) {
    const apiId = nonEmptyString(raw['apiId'], 'apiId');
    if (!apiIdPattern.test(apiId)) {
      throw new ConfigError('apiId', 'must be 1 to 64 letters, digits, "-" or "_".');
    }
    config.apiId = apiId;
  }

  const defaultProvider = parseProviderConfigs(raw, '', config.authenticationType, true, region);
  Object.assign(config, withoutMode(defaultProvider));

  const providers: { provider: ParsedProvider; field: string }[] = [{ provider: defaultProvider, field: '' }];
  const additional = raw['additionalAuthenticationProviders'];
  if (additional !== undefined) {
    if (!Array.isArray(additional)) {
      throw new ConfigError(
        'additionalAuthenticationProviders',
        `must be an array, not ${describe(additional)}.`,
      );
    }
    if (additional.length + 1 > maxProviders) {
      throw new ConfigError(
        'additionalAuthenticationProviders',
        `must list at most ${maxProviders - 1} providers (${maxProviders} in total with the default one).`,
      );
    }
    config.additionalAuthenticationProviders = additional.map((entry: unknown, index) => {
      const field = `additionalAuthenticationProviders[${index}]`;
      const item = object(entry, field);
      noUnknownKeys(item, field, ['authenticationType', ...modeConfigKeys]);
      const mode = authMode(item['authenticationType'], `${field}.authenticationType`);
      const provider = parseProviderConfigs(item, field, mode, false, region);
      providers.push({ provider, field });
      const parsed: AdditionalAuthenticationProvider = { authenticationType: mode, ...withoutMode(provider) };
      return parsed;
    });
  }
  checkProviderSet(providers);

  if (
    config.authenticationType === 'AMAZON_COGNITO_USER_POOLS' &&
    providers.length > 1 &&
    config.userPoolConfig?.defaultAction !== 'ALLOW'
  ) {
    throw new ConfigError(
      'userPoolConfig.defaultAction',
      'must be "ALLOW" when the API has additional authentication providers.',
    );
  }

  if (raw['tables'] !== undefined) config.tables = parseTables(raw['tables']);
  if (raw['iam'] !== undefined) config.iam = parseIAM(raw['iam']);
  if (raw['clockToleranceSeconds'] !== undefined) {
    config.clockToleranceSeconds = integerIn(raw['clockToleranceSeconds'], 'clockToleranceSeconds', 0, 300);
  }
  if (raw['strictSchema'] !== undefined) config.strictSchema = boolean(raw['strictSchema'], 'strictSchema');
  for (const key of ['storage', 'pubsub', 'identity'] as const) {
    if (raw[key] !== undefined) config[key] = raw[key];
  }
  return config;
}

const tableNamePattern = /^[A-Za-z][A-Za-z0-9_]{0,63}$/;
const attributeNamePattern = /^[A-Za-z_][A-Za-z0-9_]{0,63}$/;

function attributeName(value: unknown, field: string): string {
  if (typeof value !== 'string' || !attributeNamePattern.test(value)) {
    throw new ConfigError(
      field,
      'must be an attribute name (letters, digits and "_", not starting with a digit).',
    );
  }
  return value;
}

function parseIndexSchema(value: unknown, field: string, extraKeys: readonly string[] = []): IndexSchema {
  const raw = object(value, field);
  noUnknownKeys(raw, field, ['partitionKey', 'sortKey', ...extraKeys]);
  const schema: { partitionKey: string; sortKey?: string } = {
    partitionKey: attributeName(raw['partitionKey'], join(field, 'partitionKey')),
  };
  if (raw['sortKey'] !== undefined) schema.sortKey = attributeName(raw['sortKey'], join(field, 'sortKey'));
  return schema;
}

/** `tables`: document tables for resolvers, `{ Name: { partitionKey, sortKey?, indexes? } }`. */
function parseTables(value: unknown): Record<string, TableSchema> {
  const raw = object(value, 'tables');
  const tables: Record<string, TableSchema> = {};
  for (const [name, entry] of Object.entries(raw)) {
    const field = `tables.${name}`;
    if (!tableNamePattern.test(name)) {
      throw new ConfigError(
        field,
        'must be named with a letter followed by letters, digits or "_" (at most 64).',
      );
    }
    const base = parseIndexSchema(entry, field, ['indexes']);
    const indexesRaw = (entry as Obj)['indexes'];
    if (indexesRaw === undefined) {
      tables[name] = base;
      continue;
    }
    const indexes: Record<string, IndexSchema> = {};
    for (const [indexName, indexEntry] of Object.entries(object(indexesRaw, join(field, 'indexes')))) {
      const indexField = `${field}.indexes.${indexName}`;
      if (!tableNamePattern.test(indexName)) throw new ConfigError(indexField, 'must be a valid index name.');
      indexes[indexName] = parseIndexSchema(indexEntry, indexField);
    }
    tables[name] = { ...base, indexes };
  }
  return tables;
}

function withoutMode(provider: ParsedProvider): Omit<ParsedProvider, 'mode'> {
  const rest: Omit<ParsedProvider, 'mode'> = {};
  if (provider.userPoolConfig !== undefined) rest.userPoolConfig = provider.userPoolConfig;
  if (provider.openIDConnectConfig !== undefined) rest.openIDConnectConfig = provider.openIDConnectConfig;
  if (provider.lambdaAuthorizerConfig !== undefined)
    rest.lambdaAuthorizerConfig = provider.lambdaAuthorizerConfig;
  return rest;
}

/** §4: `API_KEY`, `AWS_IAM`, `AWS_LAMBDA` at most once in total; each pool id and issuer once. */
function checkProviderSet(providers: readonly { provider: ParsedProvider; field: string }[]): void {
  const singletons = new Set<AuthMode>();
  const poolIds = new Set<string>();
  const issuers = new Set<string>();
  for (const { provider, field } of providers) {
    const { mode } = provider;
    if (mode === 'API_KEY' || mode === 'AWS_IAM' || mode === 'AWS_LAMBDA') {
      if (singletons.has(mode)) {
        throw new ConfigError(
          join(field, 'authenticationType'),
          `must not repeat "${mode}": it is allowed once per API.`,
        );
      }
      singletons.add(mode);
    }
    const pool = provider.userPoolConfig;
    if (pool !== undefined) {
      const idField = join(field, 'userPoolConfig.userPoolId');
      if (poolIds.has(pool.userPoolId)) {
        throw new ConfigError(idField, 'must be unique; another provider uses the same user pool.');
      }
      poolIds.add(pool.userPoolId);
      const issuer = pool.issuer ?? (pool.userPoolId === 'local' ? undefined : cognitoIssuer(pool));
      if (issuer !== undefined) {
        if (issuers.has(issuer)) {
          throw new ConfigError(
            join(field, 'userPoolConfig.issuer'),
            'must be unique; another provider has the same issuer.',
          );
        }
        issuers.add(issuer);
      }
    }
    const oidc = provider.openIDConnectConfig;
    if (oidc !== undefined) {
      if (issuers.has(oidc.issuer)) {
        throw new ConfigError(
          join(field, 'openIDConnectConfig.issuer'),
          'must be unique; another provider has the same issuer.',
        );
      }
      issuers.add(oidc.issuer);
    }
  }
}

function cognitoIssuer(pool: UserPoolConfig): string {
  return `https://cognito-idp.${pool.awsRegion ?? defaultRegion}.amazonaws.com/${pool.userPoolId}`;
}

/** One configured provider, default first, in config order. */
export interface ConfiguredProvider {
  readonly mode: AuthMode;
  readonly isDefault: boolean;
  readonly userPoolConfig?: UserPoolConfig;
  readonly openIDConnectConfig?: OpenIDConnectConfig;
  readonly lambdaAuthorizerConfig?: LambdaAuthorizerConfig;
}

/** The ordered provider list of a parsed config: the default provider, then the additional ones. */
export function providersOf(config: GatehouseConfig): ConfiguredProvider[] {
  const list: ConfiguredProvider[] = [providerEntry(config.authenticationType, true, config)];
  for (const additional of config.additionalAuthenticationProviders ?? []) {
    list.push(providerEntry(additional.authenticationType, false, additional));
  }
  return list;
}

function providerEntry(
  mode: AuthMode,
  isDefault: boolean,
  source: Pick<GatehouseConfig, ModeConfigKey>,
): ConfiguredProvider {
  if (mode === 'AMAZON_COGNITO_USER_POOLS' && source.userPoolConfig !== undefined) {
    return { mode, isDefault, userPoolConfig: source.userPoolConfig };
  }
  if (mode === 'OPENID_CONNECT' && source.openIDConnectConfig !== undefined) {
    return { mode, isDefault, openIDConnectConfig: source.openIDConnectConfig };
  }
  if (mode === 'AWS_LAMBDA' && source.lambdaAuthorizerConfig !== undefined) {
    return { mode, isDefault, lambdaAuthorizerConfig: source.lambdaAuthorizerConfig };
  }
  return { mode, isDefault };
}
