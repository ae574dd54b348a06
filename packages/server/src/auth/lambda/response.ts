/**
 * Validates a Lambda authorizer's answer against appsync-auth.md §6's table. Any other shape is
 * invalid (E16). Decision (ADR): fields outside the table are ignored, as AWS ignores unknown
 * fields of a Lambda response; only the four known fields are checked strictly.
 */
import { authError, deepFreeze } from '@gatehouse/core';
import type { GatehouseError } from '@gatehouse/core';

export interface AuthorizerResponse {
  readonly isAuthorized: boolean;
  /** Deep-frozen JSON object; `{}` when absent. */
  readonly resolverContext: Readonly<Record<string, unknown>>;
  /** `Type.field` entries: ARNs of this API reduced to this form, everything else dropped. */
  readonly deniedFields: readonly string[];
  /** Seconds, 0–3600; `undefined` when absent. */
  readonly ttlOverride: number | undefined;
}

export interface AuthorizerAPI {
  readonly region: string;
  readonly accountId: string;
  readonly apiId: string;
}

/** appsync-auth.md §8. Decision: 5 MiB of UTF-8 JSON. */
export const maxResolverContextBytes = 5 * 1024 * 1024;
export const maxTTLSeconds = 3600;

const graphQLName = '[_A-Za-z][_0-9A-Za-z]*';
const fieldCoordinate = new RegExp(`^${graphQLName}\\.${graphQLName}$`);
const fieldARN = new RegExp(
  `^arn:aws:appsync:([^:/]+):([^:/]+):apis/([^:/]+)/types/(${graphQLName})/fields/(${graphQLName})$`,
);

export function parseAuthorizerResponse(value: unknown, api: AuthorizerAPI): AuthorizerResponse {
  if (!isPlainObject(value)) throw invalid('The authorizer answer is not a JSON object.');

  const isAuthorized = value['isAuthorized'];
  if (typeof isAuthorized !== 'boolean')
    throw invalid('The authorizer answer has no boolean "isAuthorized".');

  let resolverContext: Readonly<Record<string, unknown>> = Object.freeze({});
  const rawContext = value['resolverContext'];
  if (rawContext !== undefined) {
    if (!isPlainObject(rawContext))
      throw invalid('The authorizer answer\'s "resolverContext" is not a JSON object.');
    let text: string;
    try {
      text = JSON.stringify(rawContext);
    } catch (cause) {
      throw invalid('The authorizer answer\'s "resolverContext" is not serialisable as JSON.', cause);
    }
    if (Buffer.byteLength(text, 'utf8') > maxResolverContextBytes) {
      throw invalid('The authorizer answer\'s "resolverContext" is larger than 5 MB.');
    }
    // A clean JSON copy: no prototypes, getters or values JSON cannot carry; frozen because a
    // cached answer is shared by every request with the same token.
    resolverContext = deepFreeze(JSON.parse(text) as Record<string, unknown>);
  }

  const deniedFields: string[] = [];
  const rawDenied = value['deniedFields'];
  if (rawDenied !== undefined) {
    if (!Array.isArray(rawDenied)) throw invalid('The authorizer answer\'s "deniedFields" is not an array.');
    for (const entry of rawDenied as unknown[]) {
      if (typeof entry !== 'string')
        throw invalid('The authorizer answer\'s "deniedFields" has a non-string entry.');
      const coordinate = toFieldCoordinate(entry, api);
      if (coordinate !== undefined && !deniedFields.includes(coordinate)) deniedFields.push(coordinate);
    }
  }

  const ttlOverride = value['ttlOverride'];
  if (
    ttlOverride !== undefined &&
    (typeof ttlOverride !== 'number' ||
      !Number.isInteger(ttlOverride) ||
      ttlOverride < 0 ||
      ttlOverride > maxTTLSeconds)
  ) {
    throw invalid('The authorizer answer\'s "ttlOverride" is not an integer from 0 to 3600.');
  }

  return Object.freeze({
    isAuthorized,
    resolverContext,
    deniedFields: Object.freeze(deniedFields),
    ttlOverride: ttlOverride === undefined ? undefined : Math.abs(ttlOverride),
  });
}

/**
 * `Type.field` for an entry that names one field of this API; `undefined` for entries that can
 * never match a field (other APIs' ARNs, wildcards such as `Mutation.*`, bare types).
 */
function toFieldCoordinate(entry: string, api: AuthorizerAPI): string | undefined {
  if (fieldCoordinate.test(entry)) return entry;
  const match = fieldARN.exec(entry);
  if (match === null) return undefined;
  const [, region, accountId, apiId, type, field] = match;
  if (region !== api.region || accountId !== api.accountId || apiId !== api.apiId) return undefined;
  return `${type}.${field}`;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const prototype: unknown = Object.getPrototypeOf(value);
  return prototype === Object.prototype || prototype === null;
}

function invalid(detail: string, cause?: unknown): GatehouseError {
  return authError('ERR_LAMBDA_FAILED', detail, cause === undefined ? undefined : { cause });
}
