import { GraphQLSchema, GraphQLObjectType, GraphQLString, graphqlSync } from 'graphql';
import { describe, expect, it } from 'vitest';
import {
  AWSDate,
  AWSDateTime,
  AWSEmail,
  AWSIPAddress,
  AWSJSON,
  AWSPhone,
  AWSTime,
  AWSTimestamp,
  AWSURL,
  appSyncScalars,
} from './scalars.js';

const cases: [string, { parseValue(value: unknown): unknown }, string[], unknown[]][] = [
  [
    'AWSDate',
    AWSDate,
    [
      '1970-01-01',
      '1970-01-01Z',
      '1970-01-01-07:00',
      '1970-01-01+05:30',
      '2024-02-29',
      '2024-02-29+05:30:15',
    ],
    [
      '1970-1-1',
      '2023-02-29',
      '1970-13-01',
      '1970-01-32',
      '1970-01-01T00:00Z',
      '1970-01-01+24:00',
      19700101,
      '',
    ],
  ],
  [
    'AWSTime',
    AWSTime,
    [
      '12:30',
      '12:30:15',
      '12:30:15.123',
      '12:30:15.123456789',
      '23:59:59Z',
      '00:00:00-07:00',
      '12:30+05:30:00',
    ],
    ['24:00', '12:60', '12:30:15.', '12:30:15.1234567890', '1230', '12:30:15.123 Z', 1230],
  ],
  [
    'AWSDateTime',
    AWSDateTime,
    [
      '1970-01-01T12:00Z',
      '1970-01-01T12:00:00.000Z',
      '2024-02-29T23:59:59.123456789+05:30',
      '1970-01-01T12:00:00-07:00:00',
    ],
    ['1970-01-01T12:00:00', '1970-01-01 12:00:00Z', '2023-02-29T00:00Z', '1970-01-01', 0],
  ],
  [
    'AWSEmail',
    AWSEmail,
    ['username@example.com', 'first.last+tag@sub.example.co.uk', "o'brien@example.org"],
    [
      'username',
      '@example.com',
      'user@',
      'user@example',
      'a b@example.com',
      'user@@example.com',
      'user.@example.com',
      5,
    ],
  ],
  [
    'AWSURL',
    AWSURL,
    ['https://www.amazon.com/dp/B000NZW3KC/', 'mailto:example@example.com', 'http://localhost:3000/a?b=c'],
    ['www.amazon.com', 'https://example.com//double', '/relative/path', 'https://exa mple.com', ''],
  ],
  [
    'AWSPhone',
    AWSPhone,
    ['+1 206 555 0100', '+44-20-7946-0958', '206-555-0100', '2065550100', '1 206 555 0100', '+33123456789'],
    ['555-0100', '+1', '206--555-0100', '(206) 555-0100', '0065550100', 'phone', '+1234567890123456'],
  ],
  [
    'AWSIPAddress',
    AWSIPAddress,
    ['127.0.0.1', '203.0.113.7/24', '::1', '2001:db8::/32', '2001:db8::1/128'],
    ['256.0.0.1', '127.0.0.1/33', '2001:db8::/129', '1.2.3', '127.0.0.1/8/8', 'fe80::1%eth0', '10.0.0.1/'],
  ],
];

describe('AppSync string scalars', () => {
  for (const [name, scalar, valid, invalid] of cases) {
    it.each(valid)(`accepts %s as ${name}`, (value) => {
      expect(scalar.parseValue(value)).toBe(value);
    });
    it.each(invalid)(`rejects %s as ${name} with an error naming the scalar`, (value) => {
      expect(() => scalar.parseValue(value)).toThrow(new RegExp(`^${name} must be `));
    });
  }

  it('does not put the rejected value in the message', () => {
    expect(() => AWSEmail.parseValue('secret-value')).toThrow(/^AWSEmail must be an email address/);
    try {
      AWSEmail.parseValue('secret-value');
    } catch (error) {
      expect((error as Error).message).not.toContain('secret-value');
    }
  });

  it('validates output values as well', () => {
    expect(AWSDate.serialize('2024-01-01')).toBe('2024-01-01');
    expect(() => AWSDate.serialize('2024-01-99')).toThrow(/^AWSDate must be/);
  });
});

describe('AWSTimestamp', () => {
  it('accepts integer seconds and rejects fractions and strings as input', () => {
    expect(AWSTimestamp.parseValue(1_700_000_000)).toBe(1_700_000_000);
    expect(() => AWSTimestamp.parseValue(1.5)).toThrow(/^AWSTimestamp must be an integer/);
    expect(() => AWSTimestamp.parseValue('1700000000')).toThrow(/^AWSTimestamp must be an integer/);
  });

  it('serializes integers and integer strings', () => {
    expect(AWSTimestamp.serialize(-5)).toBe(-5);
    expect(AWSTimestamp.serialize('1700000000')).toBe(1_700_000_000);
    expect(() => AWSTimestamp.serialize('soon')).toThrow(/^AWSTimestamp/);
  });
});

describe('AWSJSON', () => {
  it('parses JSON strings for resolvers', () => {
    expect(AWSJSON.parseValue('{"a":[1,true,null]}')).toEqual({ a: [1, true, null] });
    expect(AWSJSON.parseValue('"text"')).toBe('text');
  });

  it('rejects invalid JSON and non-string input', () => {
    expect(() => AWSJSON.parseValue('{a:1}')).toThrow('AWSJSON must be a string of valid JSON.');
    expect(() => AWSJSON.parseValue({ a: 1 })).toThrow('AWSJSON must be a string of valid JSON.');
  });

  it('serializes objects as JSON strings and keeps JSON strings as they are', () => {
    expect(AWSJSON.serialize({ a: 1 })).toBe('{"a":1}');
    expect(AWSJSON.serialize('[1,2]')).toBe('[1,2]');
    expect(() => AWSJSON.serialize('not json')).toThrow(/AWSJSON/);
    expect(() => AWSJSON.serialize(10n)).toThrow('AWSJSON cannot represent this value as JSON.');
  });
});

describe('scalars in queries', () => {
  const echo = new GraphQLObjectType({
    name: 'Query',
    fields: Object.fromEntries(
      appSyncScalars.map((scalar) => [
        scalar.name,
        {
          type: scalar,
          args: { v: { type: scalar } },
          resolve: (_: unknown, args: { v: unknown }) => args.v,
        },
      ]),
    ),
  });
  const schema = new GraphQLSchema({ query: echo, types: [GraphQLString] });

  it('accepts valid literals and answers validation errors for invalid ones', () => {
    const ok = graphqlSync({
      schema,
      source: '{ AWSDate(v: "2024-01-01") AWSTimestamp(v: 5) AWSJSON(v: "{\\"a\\":1}") }',
    });
    expect(ok).toEqual({ data: { AWSDate: '2024-01-01', AWSTimestamp: 5, AWSJSON: '{"a":1}' } });
    const bad = graphqlSync({ schema, source: '{ AWSDate(v: "yesterday") }' });
    expect(bad.errors?.[0]?.message).toContain('AWSDate must be a date string');
  });

  it('names the variable and the scalar for invalid variables', () => {
    const result = graphqlSync({
      schema,
      source: 'query Q($v: AWSEmail) { AWSEmail(v: $v) }',
      variableValues: { v: 'nope' },
    });
    expect(result.errors?.[0]?.message).toMatch(/^Variable "\$v" got invalid value "nope"; AWSEmail must be/);
  });
});
