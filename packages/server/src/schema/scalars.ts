/**
 * AppSync's scalars with validation (https://docs.aws.amazon.com/appsync/latest/devguide/scalars.html).
 * Invalid values get a GraphQL error naming the scalar and the expected form (never the value:
 * graphql-js adds it for inputs where that is safe to show).
 */
import { isIPv4, isIPv6 } from 'node:net';
import { GraphQLError, GraphQLScalarType, Kind, type ValueNode } from 'graphql';
import type { AppSyncScalarName } from './directives.js';

const offset = '(?:Z|[+-](?:[01]\\d|2[0-3]):[0-5]\\d(?::[0-5]\\d)?)';
const datePart = '(\\d{4})-(\\d{2})-(\\d{2})';
const timePart = '(?:[01]\\d|2[0-3]):[0-5]\\d(?::[0-5]\\d(?:\\.\\d{1,9})?)?';
const datePattern = new RegExp(`^${datePart}${offset}?$`);
const timePattern = new RegExp(`^${timePart}${offset}?$`);
const dateTimePattern = new RegExp(`^${datePart}T${timePart}${offset}$`);
const emailPattern =
  /^[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*@(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?$/;
const phonePattern = /^\+?\d(?:[ -]?\d)*$/;

function isCalendarDate(match: RegExpExecArray): boolean {
  const year = Number(match[1]);
  const month = Number(match[2]);
  const day = Number(match[3]);
  if (month < 1 || month > 12 || day < 1) return false;
  const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
  const days = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1] ?? 0;
  return day <= days;
}

export function isAWSDate(value: string): boolean {
  const match = datePattern.exec(value);
  return match !== null && isCalendarDate(match);
}

export function isAWSTime(value: string): boolean {
  return timePattern.test(value);
}

export function isAWSDateTime(value: string): boolean {
  const match = dateTimePattern.exec(value);
  return match !== null && isCalendarDate(match);
}

export function isAWSEmail(value: string): boolean {
  return value.length <= 254 && emailPattern.test(value);
}

/** A URL with a scheme and no `//` in its path (AppSync's rule). */
export function isAWSURL(value: string): boolean {
  if (!/^[A-Za-z][A-Za-z0-9+.-]*:\S+$/.test(value)) return false;
  try {
    return !new URL(value).pathname.includes('//');
  } catch {
    return false;
  }
}

/** `+<country code and number>` (7–15 digits) or a NANP number without a country code. */
export function isAWSPhone(value: string): boolean {
  if (!phonePattern.test(value)) return false;
  const digits = value.replace(/[^\d]/g, '');
  if (value.startsWith('+')) return digits.length >= 7 && digits.length <= 15;
  const national = digits.length === 11 && digits.startsWith('1') ? digits.slice(1) : digits;
  return national.length === 10 && /^[2-9]\d{2}[2-9]/.test(national);
}

/** IPv4 or IPv6, with an optional CIDR prefix length. */
export function isAWSIPAddress(value: string): boolean {
  const [address = '', prefix, ...rest] = value.split('/');
  if (rest.length > 0) return false;
  const version = isIPv4(address) ? 4 : isIPv6(address) && !address.includes('%') ? 6 : 0;
  if (version === 0) return false;
  if (prefix === undefined) return true;
  if (!/^\d{1,3}$/.test(prefix)) return false;
  return Number(prefix) <= (version === 4 ? 32 : 128);
}

function stringScalar(
  name: AppSyncScalarName,
  check: (value: string) => boolean,
  expected: string,
): GraphQLScalarType {
  const message = `${name} must be ${expected}.`;
  const coerce = (value: unknown): string => {
    if (typeof value !== 'string' || !check(value)) throw new GraphQLError(message);
    return value;
  };
  return new GraphQLScalarType<string, string>({
    name,
    description: `AppSync ${name}: ${expected}.`,
    serialize: coerce,
    parseValue: coerce,
    parseLiteral(ast: ValueNode) {
      if (ast.kind !== Kind.STRING) throw new GraphQLError(message, { nodes: ast });
      if (!check(ast.value)) throw new GraphQLError(message, { nodes: ast });
      return ast.value;
    },
  });
}

export const AWSDate = stringScalar(
  'AWSDate',
  isAWSDate,
  'a date string YYYY-MM-DD with an optional time zone offset, e.g. "1970-01-01" or "1970-01-01+05:30"',
);
export const AWSTime = stringScalar(
  'AWSTime',
  isAWSTime,
  'a time string hh:mm[:ss[.sss]] with an optional time zone offset, e.g. "12:30:00.000Z"',
);
export const AWSDateTime = stringScalar(
  'AWSDateTime',
  isAWSDateTime,
  'a date-time string YYYY-MM-DDThh:mm[:ss[.sss]] with a time zone offset, e.g. "1970-01-01T12:00:00.000Z"',
);
export const AWSEmail = stringScalar('AWSEmail', isAWSEmail, 'an email address local-part@domain');
export const AWSURL = stringScalar(
  'AWSURL',
  isAWSURL,
  'a URL with a scheme and no "//" in its path, e.g. "https://example.com/a"',
);
export const AWSPhone = stringScalar(
  'AWSPhone',
  isAWSPhone,
  'a phone number: "+" and a country code, or a North American number, digits optionally grouped by spaces or hyphens',
);
export const AWSIPAddress = stringScalar(
  'AWSIPAddress',
  isAWSIPAddress,
  'an IPv4 or IPv6 address with an optional CIDR prefix',
);

const timestampMessage = 'AWSTimestamp must be an integer number of seconds since 1970-01-01T00:00Z.';
function timestamp(value: unknown): number {
  if (typeof value === 'number' && Number.isSafeInteger(value)) return value;
  throw new GraphQLError(timestampMessage);
}
export const AWSTimestamp = new GraphQLScalarType<number, number>({
  name: 'AWSTimestamp',
  description: 'AppSync AWSTimestamp: seconds since 1970-01-01T00:00Z.',
  serialize(value) {
    if (typeof value === 'string' && /^-?\d{1,16}$/.test(value)) return timestamp(Number(value));
    return timestamp(value);
  },
  parseValue: timestamp,
  parseLiteral(ast) {
    if (ast.kind !== Kind.INT) throw new GraphQLError(timestampMessage, { nodes: ast });
    return timestamp(Number(ast.value));
  },
});

const jsonMessage = 'AWSJSON must be a string of valid JSON.';
function parseJSON(text: string, ast?: ValueNode): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new GraphQLError(jsonMessage, ast === undefined ? {} : { nodes: ast });
  }
}
/**
 * Inputs are JSON strings handed to resolvers parsed (maps, lists, scalars); outputs are sent as
 * JSON strings: a string a resolver returns must already be valid JSON, anything else is stringified.
 */
export const AWSJSON = new GraphQLScalarType<unknown, string>({
  name: 'AWSJSON',
  description: 'AppSync AWSJSON: a JSON string, parsed for resolvers.',
  serialize(value) {
    if (typeof value === 'string') {
      parseJSON(value);
      return value;
    }
    let text: string | undefined;
    try {
      text = JSON.stringify(value);
    } catch {
      text = undefined;
    }
    if (text === undefined) throw new GraphQLError('AWSJSON cannot represent this value as JSON.');
    return text;
  },
  parseValue(value) {
    if (typeof value !== 'string') throw new GraphQLError(jsonMessage);
    return parseJSON(value);
  },
  parseLiteral(ast) {
    if (ast.kind !== Kind.STRING) throw new GraphQLError(jsonMessage, { nodes: ast });
    return parseJSON(ast.value, ast);
  },
});

export const appSyncScalars: readonly GraphQLScalarType[] = [
  AWSDate,
  AWSTime,
  AWSDateTime,
  AWSTimestamp,
  AWSEmail,
  AWSJSON,
  AWSURL,
  AWSPhone,
  AWSIPAddress,
];
