/**
 * Parses a SigV4 `Authorization` header (appsync-auth.md §3.4 step 1, §7 E7).
 * `AWS4-HMAC-SHA256 Credential=<AKID>/<yyyymmdd>/<region>/<service>/aws4_request, SignedHeaders=<names>, Signature=<hex>`
 */
import { GatehouseError } from '../errors.js';
import { SIGV4_ALGORITHM } from './canonical.js';

export interface SigV4Authorization {
  readonly accessKeyId: string;
  /** Scope date, `yyyymmdd` as sent (not yet checked against `X-Amz-Date`). */
  readonly date: string;
  readonly region: string;
  readonly service: string;
  readonly terminator: string;
  readonly signedHeaders: readonly string[];
  /** 64 lowercase hex characters. */
  readonly signature: string;
}

function incomplete(message: string): GatehouseError {
  return new GatehouseError('ERR_SIGV4_INCOMPLETE', message);
}

const parameterNames = ['Credential', 'SignedHeaders', 'Signature'] as const;
type ParameterName = (typeof parameterNames)[number];

/** The order AWS names missing parameters in. */
const missingOrder: readonly ParameterName[] = ['Credential', 'Signature', 'SignedHeaders'];

const headerNamePattern = /^[!#$%&'*+\-.^_`|~0-9a-z]+$/;
const signaturePattern = /^[0-9a-f]{64}$/;

/**
 * The header as SDKs write it: one space after the algorithm, the three parameters in this order,
 * `, ` or `,` between them. A header of this form needs no general parsing (see below).
 */
const usualForm =
  /^AWS4-HMAC-SHA256 Credential=([^\s/,=]+)\/([^\s/,=]+)\/([^\s/,=]+)\/([^\s/,=]+)\/([^\s/,=]+), ?SignedHeaders=([^\s,=]+), ?Signature=([0-9a-f]{64})$/;

/** Checked `SignedHeaders` lists by their text; a client sends the same list on every request. */
const checkedSignedHeaders = new Map<string, readonly string[]>();
const maxCheckedSignedHeaders = 256;

/** The names of a `SignedHeaders` value, or the problem with it. */
function signedHeaderNames(text: string): readonly string[] | string {
  const known = checkedSignedHeaders.get(text);
  if (known !== undefined) return known;
  const names = text.split(';');
  for (let i = 0; i < names.length; i++) {
    const name = names[i]!;
    if (!headerNamePattern.test(name)) {
      return "'SignedHeaders' must list lowercase header names separated by ';'.";
    }
    if (i > 0 && !(names[i - 1]! < name)) return "'SignedHeaders' must be sorted and list each header once.";
  }
  if (!names.includes('host')) {
    return "'Host' or ':authority' must be a 'SignedHeader' in the AWS Authorization.";
  }
  if (!names.includes('x-amz-date')) return "'X-Amz-Date' must be a 'SignedHeader' in the AWS Authorization.";
  if (checkedSignedHeaders.size >= maxCheckedSignedHeaders) checkedSignedHeaders.clear();
  const checked = Object.freeze(names);
  checkedSignedHeaders.set(text, checked);
  return checked;
}

/**
 * Splits the header into its parts. Throws `ERR_SIGV4_INCOMPLETE` naming the first problem;
 * messages never repeat the header's contents. A header in the usual form is read with one
 * pattern; anything else (other order, spacing, a problem to name) goes through the general parser,
 * which gives the same result for every header the pattern accepts.
 */
export function parseSigV4Authorization(value: string): SigV4Authorization {
  const usual = typeof value === 'string' ? usualForm.exec(value) : null;
  if (usual !== null) {
    const signedHeaders = signedHeaderNames(usual[6]!);
    if (typeof signedHeaders !== 'string') {
      return {
        accessKeyId: usual[1]!,
        date: usual[2]!,
        region: usual[3]!,
        service: usual[4]!,
        terminator: usual[5]!,
        signedHeaders,
        signature: usual[7]!,
      };
    }
  }
  return parseGeneralSigV4Authorization(value);
}

/** The general parser: any parameter order and spacing, and the precise problem when there is one. */
export function parseGeneralSigV4Authorization(value: string): SigV4Authorization {
  if (
    typeof value !== 'string' ||
    !value.startsWith(SIGV4_ALGORITHM) ||
    !/^\s/.test(value.slice(SIGV4_ALGORITHM.length))
  ) {
    throw incomplete(`Authorization header requires the '${SIGV4_ALGORITHM}' algorithm.`);
  }
  const parameters = new Map<ParameterName, string>();
  for (const rawPart of value.slice(SIGV4_ALGORITHM.length).split(',')) {
    const part = rawPart.trim();
    if (part === '') continue;
    const equals = part.indexOf('=');
    const name = equals === -1 ? part : part.slice(0, equals);
    if (!(parameterNames as readonly string[]).includes(name)) {
      throw incomplete(
        "Authorization header has a parameter other than 'Credential', 'SignedHeaders' and 'Signature'.",
      );
    }
    const key = name as ParameterName;
    if (parameters.has(key))
      throw incomplete(`Authorization header has the '${key}' parameter more than once.`);
    parameters.set(key, equals === -1 ? '' : part.slice(equals + 1));
  }
  const missing = missingOrder.filter((name) => !parameters.get(name));
  if (missing.length > 0) {
    throw incomplete(missing.map((name) => `Authorization header requires '${name}' parameter.`).join(' '));
  }

  const credential = parameters.get('Credential')!.split('/');
  if (credential.length !== 5 || credential.some((element) => element === '' || /\s/.test(element))) {
    throw incomplete(
      'Credential must have exactly 5 slash-delimited elements, e.g. keyid/date/region/service/term.',
    );
  }
  const [accessKeyId, date, region, service, terminator] = credential as [
    string,
    string,
    string,
    string,
    string,
  ];

  const signedHeaders = signedHeaderNames(parameters.get('SignedHeaders')!);
  if (typeof signedHeaders === 'string') throw incomplete(signedHeaders);

  const signature = parameters.get('Signature')!;
  if (!signaturePattern.test(signature)) {
    throw incomplete("'Signature' must be 64 lowercase hexadecimal characters.");
  }

  return { accessKeyId, date, region, service, terminator, signedHeaders, signature };
}
