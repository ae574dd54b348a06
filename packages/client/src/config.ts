/**
 * `parseAmplifyConfig`: Gen 1 `amplifyconfiguration.json` and Gen 2 `amplify_outputs.json` to one
 * resolved model, collecting every problem into one `ConfigurationException` (client.md §1).
 */
import { isAPIAuthorizationMode, modeListText, type APIAuthorizationMode } from './auth-modes.js';
import { ConfigurationException, type ConfigurationIssue } from './errors.js';
import { isAllowedEndpoint } from './endpoint.js';

export interface ResolvedApi {
  /** The friendly name (`apiName`); `data` for Gen 2. */
  readonly name: string;
  readonly endpoint: URL;
  readonly region?: string | undefined;
  readonly apiKey?: string | undefined;
  readonly defaultAuthorizationType: APIAuthorizationMode;
  readonly authorizationTypes: readonly APIAuthorizationMode[];
}

export interface ResolvedUserPool {
  readonly poolId: string;
  readonly appClientId: string;
  readonly region: string;
  /** Override of `https://cognito-idp.<region>.amazonaws.com/` (Gatehouse: `<base>/cognito-idp`). */
  readonly endpoint?: URL | undefined;
}

export interface ResolvedIdentityPool {
  readonly poolId: string;
  readonly region: string;
  readonly endpoint?: URL | undefined;
  readonly allowGuest: boolean;
}

export interface ResolvedAuth {
  readonly userPool?: ResolvedUserPool | undefined;
  readonly identityPool?: ResolvedIdentityPool | undefined;
}

export interface ResolvedConfig {
  readonly format: 'gen1' | 'gen2';
  readonly apis: readonly ResolvedApi[];
  readonly auth?: ResolvedAuth | undefined;
}

export interface ParseAmplifyConfigOptions {
  /** Report `Configuration has no GraphQL API.` (set when the API plugin is added). */
  readonly requireGraphQLApi?: boolean | undefined;
}

type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function str(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

class Issues {
  readonly list: ConfigurationIssue[] = [];
  add(path: string, message: string): void {
    this.list.push({ path, message });
  }
}

interface DraftApi {
  name: string;
  path: string;
  endpoint: URL | undefined;
  region: string | undefined;
  apiKey: string | undefined;
  defaultAuthorizationType: APIAuthorizationMode | undefined;
  authorizationTypes: APIAuthorizationMode[];
}

function parseEndpoint(raw: unknown, name: string, path: string, issues: Issues): URL | undefined {
  const text = str(raw);
  if (text === undefined) {
    issues.add(path, `Missing endpoint for API "${name}".`);
    return undefined;
  }
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    issues.add(path, `Invalid endpoint URL for API "${name}".`);
    return undefined;
  }
  if (text.includes('#') || (url.protocol !== 'https:' && url.protocol !== 'http:')) {
    issues.add(path, `Invalid endpoint URL for API "${name}".`);
    return undefined;
  }
  if (!isAllowedEndpoint(url)) {
    issues.add(path, `Non-HTTPS endpoint for API "${name}": http:// is allowed only for loopback hosts.`);
    return undefined;
  }
  return url;
}

function parseMode(
  raw: unknown,
  name: string,
  path: string,
  issues: Issues,
): APIAuthorizationMode | undefined {
  if (isAPIAuthorizationMode(raw)) return raw;
  issues.add(
    path,
    `Unknown authorizationType "${typeof raw === 'string' ? raw : String(raw)}" for API "${name}"; expected ${modeListText}.`,
  );
  return undefined;
}

/** A Cognito service endpoint override (`Endpoint`): absolute, https or loopback http. */
function parseServiceEndpoint(raw: unknown, what: string, path: string, issues: Issues): URL | undefined {
  if (raw === undefined) return undefined;
  const text = str(raw);
  let url: URL | undefined;
  try {
    url = text === undefined ? undefined : new URL(text);
  } catch {
    url = undefined;
  }
  if (url === undefined || (url.protocol !== 'https:' && url.protocol !== 'http:')) {
    issues.add(path, `Invalid endpoint URL for the ${what}.`);
    return undefined;
  }
  if (!isAllowedEndpoint(url)) {
    issues.add(path, `Non-HTTPS endpoint for the ${what}: http:// is allowed only for loopback hosts.`);
    return undefined;
  }
  return url;
}

function requireKeys(
  source: Json,
  keys: readonly string[],
  label: 'User pool' | 'Identity pool',
  path: string,
  issues: Issues,
): Record<string, string> | undefined {
  const out: Record<string, string> = {};
  let ok = true;
  for (const key of keys) {
    const value = str(source[key]);
    if (value === undefined) {
      issues.add(`${path}.${key}`, `${label} config is missing "${key}".`);
      ok = false;
    } else out[key] = value;
  }
  return ok ? out : undefined;
}

function parseGen1(config: Json, issues: Issues): { apis: DraftApi[]; auth: ResolvedAuth | undefined } {
  const apis: DraftApi[] = [];
  const apiSection = config.api;
  const pluginPath = 'api.plugins.awsAPIPlugin';
  const plugin =
    isObject(apiSection) && isObject(apiSection.plugins) ? apiSection.plugins.awsAPIPlugin : undefined;
  if (isObject(plugin)) {
    for (const [name, entry] of Object.entries(plugin)) {
      const path = `${pluginPath}.${name}`;
      if (!isObject(entry)) {
        issues.add(path, `Missing endpoint for API "${name}".`);
        continue;
      }
      const endpointType = entry.endpointType;
      if (endpointType === 'REST') {
        if (str(entry.endpoint) === undefined)
          issues.add(`${path}.endpoint`, `Missing endpoint for API "${name}".`);
        continue;
      }
      if (endpointType !== 'GraphQL') {
        issues.add(
          `${path}.endpointType`,
          `Unknown endpointType "${typeof endpointType === 'string' ? endpointType : String(endpointType)}" for API "${name}".`,
        );
        continue;
      }
      const mode = parseMode(entry.authorizationType, name, `${path}.authorizationType`, issues);
      apis.push({
        name,
        path,
        endpoint: parseEndpoint(entry.endpoint, name, `${path}.endpoint`, issues),
        region: str(entry.region),
        apiKey: str(entry.apiKey),
        defaultAuthorizationType: mode,
        authorizationTypes: mode === undefined ? [] : [mode],
      });
    }
  }

  // CLI-written `AppSync.<key>` entries add their mode (and a missing key) to the API with that URL.
  const appSync = config.AppSync;
  if (isObject(appSync)) {
    for (const [key, entry] of Object.entries(appSync)) {
      if (!isObject(entry)) continue;
      const url = str(entry.ApiUrl);
      const targets = apis.filter((api) => api.endpoint !== undefined && api.endpoint.href === safeHref(url));
      if (targets.length === 0) continue;
      const mode =
        entry.AuthMode === undefined
          ? undefined
          : parseMode(entry.AuthMode, targets[0]!.name, `AppSync.${key}.AuthMode`, issues);
      for (const api of targets) {
        if (mode !== undefined && !api.authorizationTypes.includes(mode)) api.authorizationTypes.push(mode);
        api.apiKey ??= str(entry.ApiKey);
        api.region ??= str(entry.Region);
      }
    }
  }

  let auth: ResolvedAuth | undefined;
  const authSection = config.auth;
  const cognito =
    isObject(authSection) && isObject(authSection.plugins)
      ? authSection.plugins.awsCognitoAuthPlugin
      : undefined;
  if (isObject(cognito)) {
    const base = 'auth.plugins.awsCognitoAuthPlugin';
    let userPool: ResolvedUserPool | undefined;
    let identityPool: ResolvedIdentityPool | undefined;
    const up = isObject(cognito.CognitoUserPool) ? cognito.CognitoUserPool.Default : undefined;
    if (isObject(up)) {
      const path = `${base}.CognitoUserPool.Default`;
      const keys = requireKeys(up, ['PoolId', 'AppClientId', 'Region'], 'User pool', path, issues);
      const endpoint = parseServiceEndpoint(up.Endpoint, 'user pool', `${path}.Endpoint`, issues);
      if (keys)
        userPool = { poolId: keys.PoolId!, appClientId: keys.AppClientId!, region: keys.Region!, endpoint };
    }
    const ci = isObject(cognito.CredentialsProvider)
      ? cognito.CredentialsProvider.CognitoIdentity
      : undefined;
    const ip = isObject(ci) ? ci.Default : undefined;
    if (isObject(ip)) {
      const path = `${base}.CredentialsProvider.CognitoIdentity.Default`;
      const keys = requireKeys(ip, ['PoolId', 'Region'], 'Identity pool', path, issues);
      const endpoint = parseServiceEndpoint(ip.Endpoint, 'identity pool', `${path}.Endpoint`, issues);
      if (keys) identityPool = { poolId: keys.PoolId!, region: keys.Region!, endpoint, allowGuest: true };
    }
    auth = { userPool, identityPool };
  }
  return { apis, auth };
}

function safeHref(url: string | undefined): string | undefined {
  if (url === undefined) return undefined;
  try {
    return new URL(url).href;
  } catch {
    return undefined;
  }
}

function parseGen2(config: Json, issues: Issues): { apis: DraftApi[]; auth: ResolvedAuth | undefined } {
  const apis: DraftApi[] = [];
  const data = config.data;
  if (isObject(data)) {
    const name = 'data';
    const modes: APIAuthorizationMode[] = [];
    const defaultMode = parseMode(
      data.default_authorization_type,
      name,
      'data.default_authorization_type',
      issues,
    );
    if (defaultMode !== undefined) modes.push(defaultMode);
    const extra = Array.isArray(data.authorization_types) ? data.authorization_types : [];
    extra.forEach((raw: unknown, index) => {
      const mode = parseMode(raw, name, `data.authorization_types[${index}]`, issues);
      if (mode !== undefined && !modes.includes(mode)) modes.push(mode);
    });
    apis.push({
      name,
      path: 'data',
      endpoint: parseEndpoint(data.url, name, 'data.url', issues),
      region: str(data.aws_region),
      apiKey: str(data.api_key),
      defaultAuthorizationType: defaultMode,
      authorizationTypes: modes,
    });
  }
  let auth: ResolvedAuth | undefined;
  const authSection = config.auth;
  if (isObject(authSection)) {
    const keys = requireKeys(
      authSection,
      ['aws_region', 'user_pool_id', 'user_pool_client_id'],
      'User pool',
      'auth',
      issues,
    );
    const userPool = keys
      ? { poolId: keys.user_pool_id!, appClientId: keys.user_pool_client_id!, region: keys.aws_region! }
      : undefined;
    const identityPoolId = str(authSection.identity_pool_id);
    const identityPool =
      identityPoolId !== undefined && keys
        ? {
            poolId: identityPoolId,
            region: keys.aws_region!,
            allowGuest: authSection.unauthenticated_identities_enabled === true,
          }
        : undefined;
    auth = { userPool, identityPool };
  }
  return { apis, auth };
}

/**
 * Parses a Gen 1 or Gen 2 configuration (a JSON string or the parsed object). Throws one
 * `ConfigurationException` listing every issue.
 */
export function parseAmplifyConfig(
  input: string | object,
  options: ParseAmplifyConfigOptions = {},
): ResolvedConfig {
  let config: unknown = input;
  if (typeof input === 'string') {
    try {
      config = JSON.parse(input);
    } catch (error) {
      throw new ConfigurationException('The configuration is not valid JSON.', { cause: error });
    }
  }
  if (!isObject(config)) throw new ConfigurationException('Unrecognised configuration format.');
  const isGen1 =
    (isObject(config.api) && 'plugins' in config.api) || (isObject(config.auth) && 'plugins' in config.auth);
  const isGen2 = !isGen1 && ('version' in config || 'data' in config || 'auth' in config);
  if (!isGen1 && !isGen2) throw new ConfigurationException('Unrecognised configuration format.');

  const issues = new Issues();
  const { apis, auth } = isGen1 ? parseGen1(config, issues) : parseGen2(config, issues);

  if (options.requireGraphQLApi && apis.length === 0) {
    issues.add(isGen1 ? 'api.plugins.awsAPIPlugin' : 'data', 'Configuration has no GraphQL API.');
  }
  for (const api of apis) {
    const uses = (mode: APIAuthorizationMode) => api.authorizationTypes.includes(mode);
    if (uses('API_KEY') && api.apiKey === undefined) {
      const shared = apis.some(
        (other) =>
          other.apiKey !== undefined &&
          other.endpoint !== undefined &&
          other.endpoint.href === api.endpoint?.href,
      );
      if (!shared) issues.add(api.path, `API "${api.name}" uses API_KEY but has no apiKey.`);
    }
    if (uses('AWS_IAM') && api.region === undefined) {
      issues.add(api.path, `API "${api.name}" uses AWS_IAM but has no region.`);
    }
  }
  if (issues.list.length > 0) {
    const first = issues.list[0]!.message;
    const more = issues.list.length - 1;
    throw new ConfigurationException(
      more === 0 ? first : `${first} (and ${more} more issue${more === 1 ? '' : 's'})`,
      {
        issues: issues.list,
      },
    );
  }
  return {
    format: isGen1 ? 'gen1' : 'gen2',
    apis: apis.map((api) => ({
      name: api.name,
      endpoint: api.endpoint!,
      region: api.region,
      apiKey: api.apiKey,
      defaultAuthorizationType: api.defaultAuthorizationType!,
      authorizationTypes: api.authorizationTypes,
    })),
    auth,
  };
}
