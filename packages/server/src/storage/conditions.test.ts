import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { StoreError } from '@gatehouse/core';
import type { Condition, Item } from '@gatehouse/core';
import {
  compareKeyValues,
  compareStrings,
  compileCondition,
  deepEqual,
  evaluateCondition,
  matchesSortKey,
  parseSortKeyCondition,
  prefixUpperBound,
} from './conditions.js';

const item: Item = {
  id: 'a1',
  n: 5,
  s: 'hello world',
  nul: null,
  flag: false,
  list: ['x', 2, { k: 'v' }],
  map: { a: 1, b: [1, 2] },
  numeric: '10',
};

function expectInvalid(condition: unknown, fragment: string): void {
  let error: unknown;
  try {
    compileCondition(condition as Condition);
  } catch (e) {
    error = e;
  }
  expect(error).toBeInstanceOf(StoreError);
  expect(error).toBeInstanceOf(TypeError);
  expect((error as Error).message).toContain(fragment);
}

describe('evaluateCondition', () => {
  const cases: [string, Condition, boolean][] = [
    ['eq on a string', { s: { eq: 'hello world' } }, true],
    ['eq across types', { numeric: { eq: 10 } }, false],
    ['eq on a list, in order', { list: { eq: ['x', 2, { k: 'v' }] } }, true],
    ['eq on a list, out of order', { list: { eq: [2, 'x', { k: 'v' }] } }, false],
    ['eq on a map, any key order', { map: { eq: { b: [1, 2], a: 1 } } }, true],
    ['eq null on a stored null', { nul: { eq: null } }, true],
    ['eq null on a missing attribute', { missing: { eq: null } }, false],
    ['eq false', { flag: { eq: false } }, true],
    ['ne on a missing attribute', { missing: { ne: 'x' } }, true],
    ['ne on an equal value', { n: { ne: 5 } }, false],
    ['ne across types', { n: { ne: '5' } }, true],
    ['lt on numbers', { n: { lt: 6 } }, true],
    ['lt equal', { n: { lt: 5 } }, false],
    ['le equal', { n: { le: 5 } }, true],
    ['gt on numbers', { n: { gt: 4 } }, true],
    ['ge equal', { n: { ge: 5 } }, true],
    ['gt on strings', { s: { gt: 'hello' } }, true],
    ['lt number against a string attribute', { numeric: { lt: 100 } }, false],
    ['ge number against a string attribute', { numeric: { ge: 1 } }, false],
    ['gt string against a number attribute', { n: { gt: '1' } }, false],
    ['lt on a missing attribute', { missing: { lt: 1 } }, false],
    ['ge on a missing attribute', { missing: { ge: 1 } }, false],
    ['between inclusive low', { n: { between: [5, 9] } }, true],
    ['between inclusive high', { n: { between: [1, 5] } }, true],
    ['between outside', { n: { between: [6, 9] } }, false],
    ['between other type', { numeric: { between: [1, 100] } }, false],
    ['beginsWith', { s: { beginsWith: 'hell' } }, true],
    ['beginsWith not a prefix', { s: { beginsWith: 'world' } }, false],
    ['beginsWith on a number', { n: { beginsWith: '5' } }, false],
    ['contains a substring', { s: { contains: 'o w' } }, true],
    ['contains a list member', { list: { contains: 2 } }, true],
    ['contains a map member of a list', { list: { contains: { k: 'v' } } }, true],
    ['contains a missing list member', { list: { contains: '2' } }, false],
    ['contains on a number', { n: { contains: 5 } }, false],
    ['contains on a missing attribute', { missing: { contains: 'a' } }, false],
    ['notContains a substring', { s: { notContains: 'xyz' } }, true],
    ['notContains a present member', { list: { notContains: 'x' } }, false],
    ['notContains on a missing attribute', { missing: { notContains: 'a' } }, true],
    ['attributeExists on null', { nul: { attributeExists: true } }, true],
    ['attributeExists on a missing attribute', { missing: { attributeExists: true } }, false],
    ['attributeExists false on a missing attribute', { missing: { attributeExists: false } }, true],
    ['in', { n: { in: [1, 5] } }, true],
    ['in without a match', { n: { in: ['5'] } }, false],
    ['in an empty list', { n: { in: [] } }, false],
    ['in on a missing attribute', { missing: { in: [null] } }, false],
    ['several operators on one attribute are ANDed', { n: { gt: 1, lt: 4 } }, false],
    ['several attributes are ANDed', { n: { eq: 5 }, s: { eq: 'x' } }, false],
    ['an empty condition', {}, true],
    ['an empty attribute condition', { n: {} }, true],
    ['an operator given as undefined is absent', { n: { lt: undefined, gt: 1 } }, true],
    ['and of nothing', { and: [] }, true],
    ['or of nothing', { or: [] }, false],
    ['or', { or: [{ n: { eq: 1 } }, { n: { eq: 5 } }] }, true],
    ['not', { not: { n: { eq: 5 } } }, false],
    [
      'nested and, or and not',
      {
        and: [
          { or: [{ s: { beginsWith: 'x' } }, { not: { n: { lt: 0 } } }] },
          { not: { or: [{ flag: { eq: true } }] } },
        ],
      },
      true,
    ],
    ['and alongside attributes', { n: { eq: 5 }, and: [{ s: { contains: 'z' } }] }, false],
  ];
  for (const [name, condition, expected] of cases) {
    it(`${expected ? 'matches' : 'does not match'} ${name}`, () => {
      expect(evaluateCondition(condition, item)).toBe(expected);
    });
  }

  it('compares strings by UTF-8 bytes, not UTF-16 code units', () => {
    expect(evaluateCondition({ s: { gt: '\uffff' } }, { s: '😀' })).toBe(true);
    expect(evaluateCondition({ s: { lt: '\uffff' } }, { s: '😀' })).toBe(false);
  });

  it('names an unknown operator and its attribute', () => {
    expectInvalid({ name: { like: 'a%' } }, 'The condition operator "like" on "name" is not supported.');
    expectInvalid({ name: { size: 1 } }, '"size"');
  });

  it('rejects an unknown operator even where evaluation would not reach it', () => {
    expectInvalid({ or: [{}, { name: { bogus: 1 } }] }, '"bogus"');
    expectInvalid({ not: { a: { eq: 1 }, b: { nope: true } } }, '"nope"');
  });

  it('rejects mistyped operands', () => {
    expectInvalid({ n: { lt: null } }, '"lt" on "n"');
    expectInvalid({ n: { gt: { a: 1 } } }, '"gt" on "n"');
    expectInvalid({ n: { between: [1] } }, '"between" on "n"');
    expectInvalid({ n: { between: [1, 'a'] } }, '"between" on "n"');
    expectInvalid({ n: { between: [3, 1] } }, '"between" on "n"');
    expectInvalid({ n: { beginsWith: 1 } }, '"beginsWith" on "n"');
    expectInvalid({ n: { attributeExists: 'yes' } }, '"attributeExists" on "n"');
    expectInvalid({ n: { in: 'abc' } }, '"in" on "n"');
    expectInvalid({ n: { contains: null } }, '"contains" on "n"');
    expectInvalid({ n: 5 }, '"n"');
    expectInvalid({ and: {} }, '"and"');
    expectInvalid({ or: 'x' }, '"or"');
    expectInvalid({ not: [] }, 'must be an object');
    expectInvalid(null, 'must be an object');
  });

  it('rejects a condition nested without end', () => {
    let condition: Condition = { n: { eq: 1 } };
    for (let i = 0; i < 100; i++) condition = { not: condition };
    expectInvalid(condition, 'nest');
  });

  it('agrees that ne is the negation of eq and notContains of contains', () => {
    fc.assert(
      fc.property(fc.jsonValue(), fc.jsonValue(), fc.boolean(), (stored, operand, present) => {
        const target: Item = present ? { a: stored } : {};
        expect(evaluateCondition({ a: { ne: operand } }, target)).toBe(
          !evaluateCondition({ a: { eq: operand } }, target),
        );
        if (operand !== null) {
          expect(evaluateCondition({ a: { notContains: operand } }, target)).toBe(
            !evaluateCondition({ a: { contains: operand } }, target),
          );
        }
        expect(evaluateCondition({ not: { a: { eq: operand } } }, target)).toBe(
          evaluateCondition({ a: { ne: operand } }, target),
        );
      }),
    );
  });
});

describe('sort key conditions', () => {
  it('matches each operator on like types only', () => {
    expect(matchesSortKey({ eq: 'a' }, 'a')).toBe(true);
    expect(matchesSortKey({ eq: 1 }, '1')).toBe(false);
    expect(matchesSortKey({ lt: 'b' }, 'a')).toBe(true);
    expect(matchesSortKey({ lt: 'b' }, 1)).toBe(false);
    expect(matchesSortKey({ le: 2 }, 2)).toBe(true);
    expect(matchesSortKey({ gt: 2 }, 'a')).toBe(false);
    expect(matchesSortKey({ ge: 2 }, 2)).toBe(true);
    expect(matchesSortKey({ between: [1, 3] }, 3)).toBe(true);
    expect(matchesSortKey({ between: ['a', 'c'] }, 'c1')).toBe(false);
    expect(matchesSortKey({ beginsWith: 'ab' }, 'abc')).toBe(true);
    expect(matchesSortKey({ beginsWith: '1' }, 12)).toBe(false);
  });

  it('rejects conditions with no, several or unknown operators', () => {
    expect(() => parseSortKeyCondition({} as never)).toThrow(StoreError);
    expect(() => parseSortKeyCondition({ eq: 1, lt: 2 })).toThrow('exactly one operator');
    expect(() => parseSortKeyCondition({ contains: 'a' } as never)).toThrow('"contains"');
    expect(() => parseSortKeyCondition({ eq: '' })).toThrow(StoreError);
    expect(() => parseSortKeyCondition({ beginsWith: '' })).toThrow(StoreError);
    expect(() => parseSortKeyCondition({ between: ['b', 'a'] })).toThrow(StoreError);
  });
});

describe('ordering helpers', () => {
  const utf8Order = (a: string, b: string): number => Buffer.compare(Buffer.from(a), Buffer.from(b));
  const wellFormed = fc.string({ unit: 'grapheme', maxLength: 6 });

  it('orders strings exactly as their UTF-8 bytes', () => {
    fc.assert(
      fc.property(wellFormed, wellFormed, (a, b) => {
        expect(Math.sign(compareStrings(a, b))).toBe(Math.sign(utf8Order(a, b)));
      }),
    );
  });

  it('orders numbers before strings and numbers numerically', () => {
    expect([10, 'a', 2, '10', -1].sort(compareKeyValues)).toEqual([-1, 2, 10, '10', 'a']);
  });

  it('bounds exactly the strings with a given prefix', () => {
    fc.assert(
      fc.property(
        wellFormed.filter((s) => s !== ''),
        wellFormed,
        (prefix, other) => {
          const upper = prefixUpperBound(prefix);
          const inRange =
            compareStrings(other, prefix) >= 0 && (upper === undefined || compareStrings(other, upper) < 0);
          expect(inRange).toBe(other.startsWith(prefix));
          const extended = prefix + other;
          expect(
            compareStrings(extended, prefix) >= 0 &&
              (upper === undefined || compareStrings(extended, upper) < 0),
          ).toBe(true);
        },
      ),
    );
    expect(prefixUpperBound('\u{10ffff}')).toBeUndefined();
    expect(prefixUpperBound('a\u{10ffff}')).toBe('b');
    expect(prefixUpperBound('\ud7ff')).toBe('\ue000');
  });

  it('compares maps regardless of key order and lists in order', () => {
    expect(deepEqual({ a: 1, b: { c: [1] } }, { b: { c: [1] }, a: 1 })).toBe(true);
    expect(deepEqual([1, 2], [2, 1])).toBe(false);
    expect(deepEqual({ a: undefined }, {})).toBe(true);
    expect(deepEqual([], {})).toBe(false);
  });
});
