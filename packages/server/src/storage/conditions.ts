/**
 * Pure evaluation of document-store conditions and sort-key conditions, with DynamoDB's semantics
 * (https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/Expressions.OperatorsAndFunctions.html):
 * - comparisons (`lt`, `le`, `gt`, `ge`, `between`) hold only between values of one type
 *   (number with number, string with string); strings compare by their UTF-8 bytes;
 * - `eq` is deep equality of the stored value (maps ignore key order, lists do not); a missing
 *   attribute equals nothing, not even `null`; `ne` is the negation of `eq`, so it holds for a
 *   missing attribute;
 * - `contains` is a substring test on strings and a member test on lists; `notContains` is its
 *   negation (so it holds for a missing attribute, as `NOT contains(a, :v)` does);
 * - `attributeExists: true|false` is `attribute_exists` / `attribute_not_exists` (a stored `null`
 *   exists);
 * - attributes of one condition object are ANDed with its `and`, `or` and `not`; `and: []` holds,
 *   `or: []` does not.
 * Conditions are validated when compiled: an unknown operator or a mistyped operand throws
 * `StoreError` (a `TypeError`) naming it, even when evaluation would not reach it.
 */
import { StoreError } from '@gatehouse/core';
import type { AttributeCondition, Condition, Item, SortKeyCondition } from '@gatehouse/core';

export type KeyValue = string | number;
export type ItemPredicate = (item: Item) => boolean;

const attributeOperators = [
  'eq',
  'ne',
  'lt',
  'le',
  'gt',
  'ge',
  'between',
  'beginsWith',
  'contains',
  'notContains',
  'attributeExists',
  'in',
] as const satisfies readonly (keyof AttributeCondition)[];
type AttributeOperator = (typeof attributeOperators)[number];
const attributeOperatorSet: ReadonlySet<string> = new Set(attributeOperators);

const sortKeyOperators = ['eq', 'lt', 'le', 'gt', 'ge', 'between', 'beginsWith'] as const;
export type SortKeyOperator = (typeof sortKeyOperators)[number];
const sortKeyOperatorSet: ReadonlySet<string> = new Set(sortKeyOperators);

function invalid(message: string): StoreError {
  return new StoreError('ERR_STORE_INVALID_INPUT', message);
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const proto: unknown = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/** A lone UTF-16 surrogate: not encodable as UTF-8, so SQLite would store invalid bytes. */
const loneSurrogate = /\p{Surrogate}/u;

/** A key value: a non-empty, well-formed string or a finite number. */
export function isKeyValue(value: unknown): value is KeyValue {
  if (typeof value === 'number') return Number.isFinite(value);
  return typeof value === 'string' && value !== '' && !loneSurrogate.test(value);
}

/** Orders strings by their UTF-8 bytes (that is, by code point), as DynamoDB and SQLite do. */
export function compareStrings(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    let x = a.charCodeAt(i);
    let y = b.charCodeAt(i);
    if (x === y) continue;
    // UTF-16 order differs from code-point order only between surrogates and U+E000..U+FFFF.
    if (x >= 0xd800 && y >= 0xd800) {
      x = x >= 0xe000 ? x - 0x800 : x + 0x2000;
      y = y >= 0xe000 ? y - 0x800 : y + 0x2000;
    }
    return x < y ? -1 : 1;
  }
  return a.length - b.length < 0 ? -1 : a.length === b.length ? 0 : 1;
}

/** Orders key values as the store does: numbers numerically, before strings by UTF-8 bytes. */
export function compareKeyValues(a: KeyValue, b: KeyValue): number {
  if (typeof a === 'number') {
    if (typeof b !== 'number') return -1;
    return a < b ? -1 : a > b ? 1 : 0;
  }
  if (typeof b === 'number') return 1;
  return compareStrings(a, b);
}

/** `a` compared with `b` when both are numbers or both strings; `undefined` otherwise. */
function compareSameType(a: unknown, b: KeyValue): number | undefined {
  if (typeof a === 'number' && typeof b === 'number') return a < b ? -1 : a > b ? 1 : 0;
  if (typeof a === 'string' && typeof b === 'string') return compareStrings(a, b);
  return undefined;
}

/** DynamoDB equality: numbers by value, lists in order, maps regardless of key order. */
export function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== typeof b || a === null || b === null || typeof a !== 'object') return false;
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    return a.every((value, i) => deepEqual(value, b[i]));
  }
  if (Array.isArray(b)) return false;
  const x = a as Record<string, unknown>;
  const y = b as Record<string, unknown>;
  const xKeys = Object.keys(x).filter((k) => x[k] !== undefined);
  const yKeys = Object.keys(y).filter((k) => y[k] !== undefined);
  if (xKeys.length !== yKeys.length) return false;
  return xKeys.every((k) => Object.hasOwn(y, k) && deepEqual(x[k], y[k]));
}

function contains(container: unknown, operand: unknown): boolean {
  if (typeof container === 'string') return typeof operand === 'string' && container.includes(operand);
  if (Array.isArray(container)) return container.some((member) => deepEqual(member, operand));
  return false;
}

function comparable(value: unknown, what: string): KeyValue {
  if ((typeof value === 'number' && Number.isFinite(value)) || typeof value === 'string') return value;
  throw invalid(`The operand of ${what} must be a string or a finite number.`);
}

function betweenBounds(value: unknown, what: string): [KeyValue, KeyValue] {
  if (!Array.isArray(value) || value.length !== 2) {
    throw invalid(`The operand of ${what} must be a list of two bounds.`);
  }
  const low = comparable(value[0], what);
  const high = comparable(value[1], what);
  if (typeof low !== typeof high) throw invalid(`The bounds of ${what} must have one type.`);
  if (compareKeyValues(low, high) > 0) {
    throw invalid(`The lower bound of ${what} must not be greater than its upper bound.`);
  }
  return [low, high];
}

function compileOperator(attribute: string, operator: AttributeOperator, operand: unknown): ItemPredicate {
  const what = `"${operator}" on "${attribute}"`;
  switch (operator) {
    case 'eq':
      return (item) => item[attribute] !== undefined && deepEqual(item[attribute], operand);
    case 'ne':
      return (item) => item[attribute] === undefined || !deepEqual(item[attribute], operand);
    case 'lt': {
      const bound = comparable(operand, what);
      return (item) => (compareSameType(item[attribute], bound) ?? 0) < 0;
    }
    case 'le': {
      const bound = comparable(operand, what);
      return (item) => (compareSameType(item[attribute], bound) ?? 1) <= 0;
    }
    case 'gt': {
      const bound = comparable(operand, what);
      return (item) => (compareSameType(item[attribute], bound) ?? 0) > 0;
    }
    case 'ge': {
      const bound = comparable(operand, what);
      return (item) => (compareSameType(item[attribute], bound) ?? -1) >= 0;
    }
    case 'between': {
      const [low, high] = betweenBounds(operand, what);
      return (item) => {
        const value = item[attribute];
        const above = compareSameType(value, low);
        return above !== undefined && above >= 0 && (compareSameType(value, high) ?? 1) <= 0;
      };
    }
    case 'beginsWith': {
      if (typeof operand !== 'string') throw invalid(`The operand of ${what} must be a string.`);
      return (item) => {
        const value = item[attribute];
        return typeof value === 'string' && value.startsWith(operand);
      };
    }
    case 'contains':
    case 'notContains': {
      if (operand === null || operand === undefined)
        throw invalid(`The operand of ${what} must not be null.`);
      return operator === 'contains'
        ? (item) => contains(item[attribute], operand)
        : (item) => !contains(item[attribute], operand);
    }
    case 'attributeExists': {
      if (typeof operand !== 'boolean') throw invalid(`The operand of ${what} must be a boolean.`);
      return (item) => (item[attribute] !== undefined) === operand;
    }
    case 'in': {
      if (!Array.isArray(operand)) throw invalid(`The operand of ${what} must be a list.`);
      const options: unknown[] = operand;
      return (item) =>
        item[attribute] !== undefined && options.some((option) => deepEqual(item[attribute], option));
    }
  }
}

function compileAttribute(attribute: string, condition: unknown): ItemPredicate[] {
  if (!isPlainObject(condition)) {
    throw invalid(`The condition on "${attribute}" must be an object of operators.`);
  }
  const predicates: ItemPredicate[] = [];
  for (const [operator, operand] of Object.entries(condition)) {
    if (!attributeOperatorSet.has(operator)) {
      throw invalid(`The condition operator "${operator}" on "${attribute}" is not supported.`);
    }
    // An operator given as `undefined` is absent (lets callers spread optional bounds).
    if (operand === undefined) continue;
    predicates.push(compileOperator(attribute, operator as AttributeOperator, operand));
  }
  return predicates;
}

function compileList(conditions: unknown, name: 'and' | 'or', depth: number): ItemPredicate[] {
  if (!Array.isArray(conditions)) throw invalid(`The "${name}" of a condition must be a list of conditions.`);
  return conditions.map((c: unknown) => compile(c, depth + 1));
}

const maxDepth = 32;

function compile(condition: unknown, depth: number): ItemPredicate {
  if (depth > maxDepth) throw invalid(`A condition must not nest deeper than ${maxDepth} levels.`);
  if (!isPlainObject(condition)) throw invalid('A condition must be an object.');
  const predicates: ItemPredicate[] = [];
  for (const [key, value] of Object.entries(condition)) {
    if (value === undefined) continue;
    if (key === 'and') {
      const all = compileList(value, 'and', depth);
      predicates.push((item) => all.every((p) => p(item)));
    } else if (key === 'or') {
      const any = compileList(value, 'or', depth);
      predicates.push((item) => any.some((p) => p(item)));
    } else if (key === 'not') {
      const inner = compile(value, depth + 1);
      predicates.push((item) => !inner(item));
    } else {
      predicates.push(...compileAttribute(key, value));
    }
  }
  if (predicates.length === 0) return () => true;
  if (predicates.length === 1) return predicates[0] as ItemPredicate;
  return (item) => predicates.every((p) => p(item));
}

/** Validates a condition and returns its predicate; throws `StoreError` for an invalid condition. */
export function compileCondition(condition: Condition): ItemPredicate {
  return compile(condition, 0);
}

/** Whether `item` (use `{}` for an absent item) matches `condition`. */
export function evaluateCondition(condition: Condition, item: Item): boolean {
  return compileCondition(condition)(item);
}

/** A validated sort-key condition as operator and operands. */
export type ParsedSortKeyCondition =
  | { readonly op: 'eq' | 'lt' | 'le' | 'gt' | 'ge'; readonly value: KeyValue }
  | { readonly op: 'between'; readonly value: readonly [KeyValue, KeyValue] }
  | { readonly op: 'beginsWith'; readonly value: string };

/** Validates a sort-key condition: exactly one operator with key-typed operands. */
export function parseSortKeyCondition(condition: SortKeyCondition): ParsedSortKeyCondition {
  if (!isPlainObject(condition)) throw invalid('A sort key condition must be an object.');
  const entries = Object.entries(condition as Record<string, unknown>).filter(([, v]) => v !== undefined);
  const first = entries[0];
  if (entries.length !== 1 || first === undefined) {
    throw invalid('A sort key condition must have exactly one operator.');
  }
  const [op, operand] = first;
  if (!sortKeyOperatorSet.has(op)) throw invalid(`The sort key operator "${op}" is not supported.`);
  const what = `the sort key operator "${op}"`;
  if (op === 'between') {
    const [low, high] = betweenBounds(operand, what);
    if (!isKeyValue(low) || !isKeyValue(high))
      throw invalid(`The bounds of ${what} must not be empty strings.`);
    return { op, value: [low, high] };
  }
  if (op === 'beginsWith') {
    if (typeof operand !== 'string' || operand === '') {
      throw invalid(`The operand of ${what} must be a non-empty string.`);
    }
    return { op, value: operand };
  }
  if (!isKeyValue(operand))
    throw invalid(`The operand of ${what} must be a non-empty string or a finite number.`);
  return { op: op as 'eq' | 'lt' | 'le' | 'gt' | 'ge', value: operand };
}

/** Whether a stored sort-key value matches a sort-key condition (DynamoDB key-condition semantics). */
export function matchesSortKey(
  condition: SortKeyCondition | ParsedSortKeyCondition,
  value: KeyValue,
): boolean {
  const parsed = 'op' in condition ? condition : parseSortKeyCondition(condition);
  switch (parsed.op) {
    case 'beginsWith':
      return typeof value === 'string' && value.startsWith(parsed.value);
    case 'between': {
      const low = compareSameType(value, parsed.value[0]);
      const high = compareSameType(value, parsed.value[1]);
      return low !== undefined && high !== undefined && low >= 0 && high <= 0;
    }
    default: {
      const c = compareSameType(value, parsed.value);
      if (c === undefined) return false;
      if (parsed.op === 'eq') return c === 0;
      if (parsed.op === 'lt') return c < 0;
      if (parsed.op === 'le') return c <= 0;
      if (parsed.op === 'gt') return c > 0;
      return c >= 0;
    }
  }
}

/**
 * The smallest string greater than every string that starts with `prefix`, in UTF-8 byte order;
 * `undefined` when there is none. Turns `beginsWith` into an index range.
 */
export function prefixUpperBound(prefix: string): string | undefined {
  const codePoints = Array.from(prefix);
  while (codePoints.length > 0) {
    const last = (codePoints.pop() as string).codePointAt(0) as number;
    if (last < 0x10ffff) {
      const next = last + 1 === 0xd800 ? 0xe000 : last + 1;
      return codePoints.join('') + String.fromCodePoint(next);
    }
  }
  return undefined;
}
