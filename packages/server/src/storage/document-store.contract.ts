/**
 * The contract every `DocumentStore` adapter passes. Test-only (imports vitest); import it by path:
 *
 *   describeDocumentStoreContract('SQLite', async () => createSQLiteDocumentStore({ filename }));
 *
 * Each test opens its own tables with fresh names, so `createStore` may return stores over one
 * shared database. When it does (a file, a server), pass `{ sharedDatabase: true }` to also run
 * the tests that reopen a store or use two stores at once.
 */
import { Buffer } from 'node:buffer';
import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ConditionalCheckFailedError, StoreError } from '@gatehouse/core';
import type { DocumentStore, DocumentTable, Item, Page, QueryInput, TableSchema } from '@gatehouse/core';
import { compareKeyValues } from './conditions.js';
import type { KeyValue } from './conditions.js';

export interface DocumentStoreContractOptions {
  /** Every store from `createStore` sees the same database (enables reopen and concurrency tests). */
  readonly sharedDatabase?: boolean | undefined;
}

const simple: TableSchema = { partitionKey: 'id' };
const composite: TableSchema = { partitionKey: 'pk', sortKey: 'sk' };
const indexed: TableSchema = {
  partitionKey: 'id',
  indexes: {
    byOwner: { partitionKey: 'owner', sortKey: 'createdAt' },
    byStatus: { partitionKey: 'status' },
  },
};

async function expectStoreError(promise: Promise<unknown>, code: string): Promise<StoreError> {
  const error: unknown = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(StoreError);
  expect(error).toBeInstanceOf(TypeError);
  expect((error as StoreError).code).toBe(code);
  return error as StoreError;
}

async function expectConditionFailed(promise: Promise<unknown>): Promise<ConditionalCheckFailedError> {
  const error: unknown = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ConditionalCheckFailedError);
  expect((error as ConditionalCheckFailedError).errorType).toBe('DynamoDB:ConditionalCheckFailedException');
  expect((error as ConditionalCheckFailedError).message).toBe('The conditional request failed');
  return error as ConditionalCheckFailedError;
}

/** Reads every page of a query or scan, checking each page's size. */
async function readAll(read: (nextToken: string | null) => Promise<Page>, limit?: number): Promise<Item[]> {
  const items: Item[] = [];
  let nextToken: string | null = null;
  for (let pages = 0; ; pages++) {
    if (pages > 10_000) throw new Error('Pagination does not end.');
    const page: Page = await read(nextToken);
    if (limit !== undefined) expect(page.items.length).toBeLessThanOrEqual(limit);
    items.push(...page.items);
    if (page.nextToken === null) return items;
    expect(typeof page.nextToken).toBe('string');
    nextToken = page.nextToken;
  }
}

export function describeDocumentStoreContract(
  name: string,
  createStore: () => Promise<DocumentStore>,
  destroy: (store: DocumentStore) => Promise<void> = (store) => store.close(),
  options: DocumentStoreContractOptions = {},
): void {
  const suite = randomUUID().slice(0, 8);
  let counter = 0;
  const tableName = (label: string): string => `${label}_${suite}_${++counter}`;

  async function withStore<T>(run: (store: DocumentStore) => Promise<T>): Promise<T> {
    const store = await createStore();
    try {
      return await run(store);
    } finally {
      await destroy(store);
    }
  }

  async function withTable<T>(schema: TableSchema, run: (table: DocumentTable) => Promise<T>): Promise<T> {
    return withStore(async (store) => run(await store.table(tableName('t'), schema)));
  }

  /** Follows `table`'s change token from now on; skips the test where the adapter offers none. */
  function watchChangeToken(
    table: DocumentTable,
    skip: (note?: string) => never,
  ): { expectSame(): void; expectNew(): void } {
    if (table.changeToken === undefined) skip('The adapter offers no change token.');
    const read = (): string => {
      const token = table.changeToken?.();
      expect(typeof token).toBe('string');
      return token as string;
    };
    let last = read();
    const seen = new Set([last]);
    return {
      expectSame: () => expect(read()).toBe(last),
      expectNew: () => {
        last = read();
        expect(seen.has(last)).toBe(false);
        seen.add(last);
      },
    };
  }

  describe(`DocumentStore contract: ${name}`, () => {
    describe('items', () => {
      it('gets what it puts, by partition key', () =>
        withTable(simple, async (table) => {
          const item = {
            id: 'a',
            name: 'Ada',
            tags: ['x', 'y'],
            nested: { deep: [1, { n: null }] },
            on: true,
          };
          await table.put(item);
          expect(await table.get({ id: 'a' })).toEqual(item);
          expect(await table.get({ id: 'b' })).toBeUndefined();
        }));

      it('keeps items with one partition key and different sort keys apart', () =>
        withTable(composite, async (table) => {
          await table.put({ pk: 'p', sk: 'a', v: 1 });
          await table.put({ pk: 'p', sk: 'b', v: 2 });
          expect(await table.get({ pk: 'p', sk: 'a' })).toEqual({ pk: 'p', sk: 'a', v: 1 });
          expect(await table.get({ pk: 'p', sk: 'b' })).toEqual({ pk: 'p', sk: 'b', v: 2 });
        }));

      it('treats the number 1 and the string "1" as different keys', () =>
        withTable(simple, async (table) => {
          await table.put({ id: 1, type: 'number' });
          await table.put({ id: '1', type: 'string' });
          expect(await table.get({ id: 1 })).toEqual({ id: 1, type: 'number' });
          expect(await table.get({ id: '1' })).toEqual({ id: '1', type: 'string' });
        }));

      it('replaces the whole item on put', () =>
        withTable(simple, async (table) => {
          await table.put({ id: 'a', old: 1, kept: 1 });
          await table.put({ id: 'a', kept: 2 });
          expect(await table.get({ id: 'a' })).toEqual({ id: 'a', kept: 2 });
        }));

      it('stores a copy, unaffected by later changes to the objects given or returned', () =>
        withTable(simple, async (table) => {
          const item = { id: 'a', list: [1] };
          await table.put(item);
          item.list.push(2);
          const read = await table.get({ id: 'a' });
          (read?.list as number[]).push(3);
          expect(await table.get({ id: 'a' })).toEqual({ id: 'a', list: [1] });
        }));

      it('drops attributes whose value is undefined and keeps null', () =>
        withTable(simple, async (table) => {
          await table.put({ id: 'a', gone: undefined, kept: null });
          expect(await table.get({ id: 'a' })).toStrictEqual({ id: 'a', kept: null });
        }));

      it('round-trips unicode in keys and values', () =>
        withTable(composite, async (table) => {
          const item = { pk: 'zoë 中文', sk: '😀\u0000x', text: 'naïve — ∑ 😀' };
          await table.put(item);
          expect(await table.get({ pk: 'zoë 中文', sk: '😀\u0000x' })).toEqual(item);
        }));

      it('deletes an item and returns it, and returns undefined for a missing one', () =>
        withTable(simple, async (table) => {
          await table.put({ id: 'a', v: 1 });
          expect(await table.delete({ id: 'a' })).toEqual({ id: 'a', v: 1 });
          expect(await table.get({ id: 'a' })).toBeUndefined();
          expect(await table.delete({ id: 'a' })).toBeUndefined();
        }));
    });

    describe('key validation', () => {
      it('rejects an item without its partition key or sort key', () =>
        withTable(composite, async (table) => {
          await expectStoreError(table.put({ sk: 'a' }), 'ERR_STORE_INVALID_ITEM');
          await expectStoreError(table.put({ pk: 'a' }), 'ERR_STORE_INVALID_ITEM');
          await expectStoreError(table.put({ pk: null, sk: 'a' }), 'ERR_STORE_INVALID_ITEM');
        }));

      it('rejects key values that are not non-empty strings or finite numbers', () =>
        withTable(simple, async (table) => {
          for (const id of [true, {}, [], '', Number.NaN, Number.POSITIVE_INFINITY, 'a\ud800', '\udc00b']) {
            await expectStoreError(table.put({ id }), 'ERR_STORE_INVALID_ITEM');
          }
          await expectStoreError(table.get({ id: '' }), 'ERR_STORE_INVALID_KEY');
          await expectStoreError(table.get({ id: true } as never), 'ERR_STORE_INVALID_KEY');
        }));

      it('rejects a key with a missing or an extra attribute', () =>
        withTable(composite, async (table) => {
          await expectStoreError(table.get({ pk: 'a' }), 'ERR_STORE_INVALID_KEY');
          await expectStoreError(table.get({ pk: 'a', sk: 'b', other: 'c' }), 'ERR_STORE_INVALID_KEY');
          await expectStoreError(table.delete({ sk: 'b' }), 'ERR_STORE_INVALID_KEY');
          await expectStoreError(table.update({ pk: 'a' }, { set: { v: 1 } }), 'ERR_STORE_INVALID_KEY');
        }));

      it('rejects an item holding a number that is not finite', () =>
        withTable(simple, async (table) => {
          await expectStoreError(table.put({ id: 'a', n: Number.NaN }), 'ERR_STORE_INVALID_ITEM');
          await expectStoreError(
            table.put({ id: 'a', deep: [Number.NEGATIVE_INFINITY] }),
            'ERR_STORE_INVALID_ITEM',
          );
          expect(await table.get({ id: 'a' })).toBeUndefined();
        }));

      it('rejects an index key attribute of the wrong type', () =>
        withTable(indexed, async (table) => {
          await expectStoreError(table.put({ id: 'a', owner: true, createdAt: 1 }), 'ERR_STORE_INVALID_ITEM');
          await expectStoreError(table.put({ id: 'a', status: '' }), 'ERR_STORE_INVALID_ITEM');
        }));
    });

    describe('conditional writes', () => {
      it('creates an item only if it does not exist', () =>
        withTable(simple, async (table) => {
          const ifAbsent = { condition: { id: { attributeExists: false } } };
          await table.put({ id: 'a', v: 1 }, ifAbsent);
          const error = await expectConditionFailed(table.put({ id: 'a', v: 2 }, ifAbsent));
          expect(error.item).toEqual({ id: 'a', v: 1 });
          expect(await table.get({ id: 'a' })).toEqual({ id: 'a', v: 1 });
        }));

      it('applies optimistic versioning with update', () =>
        withTable(simple, async (table) => {
          await table.put({ id: 'a', version: 1, title: 'one' });
          const bump = (expected: number, title: string) =>
            table.update(
              { id: 'a' },
              { set: { title }, add: { version: 1 } },
              { condition: { version: { eq: expected } } },
            );
          expect(await bump(1, 'two')).toEqual({ id: 'a', version: 2, title: 'two' });
          await expectConditionFailed(bump(1, 'stale'));
          expect(await table.get({ id: 'a' })).toEqual({ id: 'a', version: 2, title: 'two' });
        }));

      it('does not update an absent item whose condition requires it to exist', () =>
        withTable(simple, async (table) => {
          const error = await expectConditionFailed(
            table.update({ id: 'a' }, { set: { v: 1 } }, { condition: { id: { attributeExists: true } } }),
          );
          expect(error.item).toBeUndefined();
          expect(await table.get({ id: 'a' })).toBeUndefined();
        }));

      it('deletes only when the condition holds', () =>
        withTable(simple, async (table) => {
          await table.put({ id: 'a', owner: 'ann' });
          await expectConditionFailed(table.delete({ id: 'a' }, { condition: { owner: { eq: 'bob' } } }));
          expect(await table.get({ id: 'a' })).toEqual({ id: 'a', owner: 'ann' });
          expect(await table.delete({ id: 'a' }, { condition: { owner: { eq: 'ann' } } })).toEqual({
            id: 'a',
            owner: 'ann',
          });
          await expectConditionFailed(
            table.delete({ id: 'a' }, { condition: { id: { attributeExists: true } } }),
          );
        }));

      it('evaluates the condition of a write to an absent item against an empty item', () =>
        withTable(simple, async (table) => {
          await table.put({ id: 'a' }, { condition: { owner: { ne: 'x' } } });
          await expectConditionFailed(table.put({ id: 'b' }, { condition: { owner: { eq: null } } }));
        }));

      it('evaluates and, or and not in a condition', () =>
        withTable(simple, async (table) => {
          await table.put({ id: 'a', owner: 'ann', groups: ['admin'], n: 5 });
          const condition = {
            or: [
              { owner: { eq: 'bob' } },
              { and: [{ groups: { contains: 'admin' } }, { not: { n: { lt: 3 } } }] },
            ],
          };
          await table.put({ id: 'a', owner: 'ann', n: 6 }, { condition });
          await expectConditionFailed(table.put({ id: 'a', owner: 'ann' }, { condition }));
        }));

      it('rejects an unknown condition operator by name and writes nothing', () =>
        withTable(simple, async (table) => {
          const error = await expectStoreError(
            table.put({ id: 'a' }, { condition: { id: { notAnOperator: 1 } as never } }),
            'ERR_STORE_INVALID_INPUT',
          );
          expect(error.message).toContain('"notAnOperator"');
          expect(await table.get({ id: 'a' })).toBeUndefined();
        }));
    });

    describe('update', () => {
      it('creates an absent item with its key attributes', () =>
        withTable(composite, async (table) => {
          const item = await table.update({ pk: 'p', sk: 's' }, { set: { v: 1 } });
          expect(item).toEqual({ pk: 'p', sk: 's', v: 1 });
          expect(await table.get({ pk: 'p', sk: 's' })).toEqual(item);
        }));

      it('sets, removes and adds in one update, counting a missing number as 0', () =>
        withTable(simple, async (table) => {
          await table.put({ id: 'a', keep: 1, drop: 2, count: 10 });
          const item = await table.update(
            { id: 'a' },
            {
              set: { name: 'x', keep: 'changed' },
              remove: ['drop', 'absent'],
              add: { count: -3, fresh: 2.5 },
            },
          );
          expect(item).toEqual({ id: 'a', keep: 'changed', name: 'x', count: 7, fresh: 2.5 });
          expect(await table.get({ id: 'a' })).toEqual(item);
        }));

      it('rejects changing, removing or adding to a key attribute', () =>
        withTable(simple, async (table) => {
          await table.put({ id: 'a' });
          await expectStoreError(table.update({ id: 'a' }, { set: { id: 'b' } }), 'ERR_STORE_INVALID_INPUT');
          await expectStoreError(table.update({ id: 'a' }, { remove: ['id'] }), 'ERR_STORE_INVALID_INPUT');
          await expectStoreError(table.update({ id: 'a' }, { add: { id: 1 } }), 'ERR_STORE_INVALID_INPUT');
          expect(await table.update({ id: 'a' }, { set: { id: 'a', v: 1 } })).toEqual({ id: 'a', v: 1 });
        }));

      it('rejects adding to a non-number and naming an attribute twice', () =>
        withTable(simple, async (table) => {
          await table.put({ id: 'a', name: 'x' });
          await expectStoreError(table.update({ id: 'a' }, { add: { name: 1 } }), 'ERR_STORE_INVALID_INPUT');
          await expectStoreError(
            table.update({ id: 'a' }, { set: { v: 1 }, remove: ['v'] }),
            'ERR_STORE_INVALID_INPUT',
          );
          expect(await table.get({ id: 'a' })).toEqual({ id: 'a', name: 'x' });
        }));

      it('moves an item between index partitions when its index key changes', () =>
        withTable(indexed, async (table) => {
          await table.put({ id: 'a', owner: 'ann', createdAt: 1, status: 'open' });
          await table.update({ id: 'a' }, { set: { owner: 'bob' }, remove: ['status'] });
          expect((await table.query({ index: 'byOwner', partition: 'ann' })).items).toEqual([]);
          expect((await table.query({ index: 'byOwner', partition: 'bob' })).items).toEqual([
            { id: 'a', owner: 'bob', createdAt: 1 },
          ]);
          expect((await table.query({ index: 'byStatus', partition: 'open' })).items).toEqual([]);
        }));
    });

    describe('query', () => {
      const sortKeys = ['a', 'ab', 'abc', 'abd', 'b', 'ba', 'c'];
      const cases: [string, QueryInput['sort'], string[]][] = [
        ['eq', { eq: 'ab' }, ['ab']],
        ['lt', { lt: 'abd' }, ['a', 'ab', 'abc']],
        ['le', { le: 'abd' }, ['a', 'ab', 'abc', 'abd']],
        ['gt', { gt: 'abd' }, ['b', 'ba', 'c']],
        ['ge', { ge: 'abd' }, ['abd', 'b', 'ba', 'c']],
        ['between', { between: ['ab', 'b'] }, ['ab', 'abc', 'abd', 'b']],
        ['beginsWith', { beginsWith: 'ab' }, ['ab', 'abc', 'abd']],
        ['beginsWith', { beginsWith: 'b' }, ['b', 'ba']],
      ];
      for (const [operator, sort, expected] of cases) {
        it(`selects sort keys with "${operator}" ${JSON.stringify(sort)}`, () =>
          withTable(composite, async (table) => {
            for (const sk of sortKeys) await table.put({ pk: 'p', sk });
            await table.put({ pk: 'other', sk: 'ab' });
            const forward = await table.query({ partition: 'p', sort });
            expect(forward.items.map((i) => i.sk)).toEqual(expected);
            const backward = await table.query({ partition: 'p', sort, forward: false });
            expect(backward.items.map((i) => i.sk)).toEqual([...expected].reverse());
          }));
      }

      it('orders numbers numerically, before strings, and compares only like types', () =>
        withTable(composite, async (table) => {
          for (const sk of ['2', 10, 'a', '10', 2, -1.5, 'B']) await table.put({ pk: 'p', sk });
          const all = await table.query({ partition: 'p' });
          expect(all.items.map((i) => i.sk)).toEqual([-1.5, 2, 10, '10', '2', 'B', 'a']);
          expect((await table.query({ partition: 'p', sort: { gt: 2 } })).items.map((i) => i.sk)).toEqual([
            10,
          ]);
          expect((await table.query({ partition: 'p', sort: { lt: '2' } })).items.map((i) => i.sk)).toEqual([
            '10',
          ]);
          expect((await table.query({ partition: 'p', sort: { ge: 'B' } })).items.map((i) => i.sk)).toEqual([
            'B',
            'a',
          ]);
          expect((await table.query({ partition: 'p', sort: { le: 2 } })).items.map((i) => i.sk)).toEqual([
            -1.5, 2,
          ]);
        }));

      it('orders strings by their UTF-8 bytes', () =>
        withTable(composite, async (table) => {
          const ordered = ['Z', 'a', 'z', 'é', '\uffef', '😀'];
          for (const sk of [...ordered].reverse()) await table.put({ pk: 'p', sk });
          expect((await table.query({ partition: 'p' })).items.map((i) => i.sk)).toEqual(ordered);
          const sorted = [...ordered].sort((a, b) => compareKeyValues(a, b));
          expect(sorted).toEqual(ordered);
          expect(
            (await table.query({ partition: 'p', sort: { gt: '\uffef' } })).items.map((i) => i.sk),
          ).toEqual(['😀']);
          await table.put({ pk: 'p', sk: '😀x' });
          expect(
            (await table.query({ partition: 'p', sort: { beginsWith: '😀' } })).items.map((i) => i.sk),
          ).toEqual(['😀', '😀x']);
        }));

      it('returns the one item of a partition in a table without a sort key', () =>
        withTable(simple, async (table) => {
          await table.put({ id: 'a', v: 1 });
          expect(await table.query({ partition: 'a' })).toEqual({
            items: [{ id: 'a', v: 1 }],
            nextToken: null,
          });
          expect(await table.query({ partition: 'b' })).toEqual({ items: [], nextToken: null });
          await expectStoreError(
            table.query({ partition: 'a', sort: { eq: 'x' } }),
            'ERR_STORE_INVALID_INPUT',
          );
        }));

      it('applies the filter after the key condition', () =>
        withTable(composite, async (table) => {
          for (let i = 0; i < 10; i++) await table.put({ pk: 'p', sk: i, even: i % 2 === 0 });
          await table.put({ pk: 'q', sk: 0, even: true });
          const page = await table.query({ partition: 'p', sort: { ge: 3 }, filter: { even: { eq: true } } });
          expect(page.items.map((i) => i.sk)).toEqual([4, 6, 8]);
          expect(page.nextToken).toBeNull();
        }));

      it('fills a page up to the limit with items that pass the filter', () =>
        withTable(composite, async (table) => {
          for (let i = 0; i < 40; i++) await table.put({ pk: 'p', sk: i, even: i % 4 === 0 });
          const page = await table.query({ partition: 'p', filter: { even: { eq: true } }, limit: 3 });
          expect(page.items.map((i) => i.sk)).toEqual([0, 4, 8]);
          expect(page.nextToken).not.toBeNull();
        }));

      it('returns a null nextToken on the page that reaches the end', () =>
        withTable(composite, async (table) => {
          for (let i = 0; i < 4; i++) await table.put({ pk: 'p', sk: i });
          const first = await table.query({ partition: 'p', limit: 2 });
          expect(first.items.map((i) => i.sk)).toEqual([0, 1]);
          const second = await table.query({ partition: 'p', limit: 2, nextToken: first.nextToken });
          expect(second).toEqual({
            items: [
              { pk: 'p', sk: 2 },
              { pk: 'p', sk: 3 },
            ],
            nextToken: null,
          });
          expect(await table.query({ partition: 'p', limit: 5 })).toMatchObject({ nextToken: null });
        }));

      for (const [limit, forward, filtered] of [
        [1, true, false],
        [7, true, false],
        [7, false, false],
        [10, true, true],
        [3, false, true],
        [100, true, false],
      ] as const) {
        it(`pages with limit ${limit}${forward ? '' : ' backward'}${filtered ? ' and a filter' : ''}, visiting each item once`, () =>
          withTable(composite, async (table) => {
            const count = 120;
            for (let i = 0; i < count; i++)
              await table.put({ pk: 'p', sk: `k${String(i).padStart(3, '0')}`, i });
            await table.put({ pk: 'other', sk: 'k000', i: -1 });
            const filter = filtered
              ? { i: { between: [5, 95] as [number, number] }, not: { i: { in: [50, 51] } } }
              : undefined;
            const items = await readAll(
              (nextToken) => table.query({ partition: 'p', limit, forward, filter, nextToken }),
              limit,
            );
            let expected = Array.from({ length: count }, (_, i) => i);
            if (filtered) expected = expected.filter((i) => i >= 5 && i <= 95 && i !== 50 && i !== 51);
            if (!forward) expected.reverse();
            expect(items.map((item) => item.i)).toEqual(expected);
          }));
      }

      it('continues a page where the previous one ended even after writes in between', () =>
        withTable(composite, async (table) => {
          for (const sk of ['a', 'c', 'e']) await table.put({ pk: 'p', sk });
          const first = await table.query({ partition: 'p', limit: 2 });
          await table.put({ pk: 'p', sk: 'b' });
          await table.put({ pk: 'p', sk: 'd' });
          await table.delete({ pk: 'p', sk: 'c' });
          const second = await table.query({ partition: 'p', nextToken: first.nextToken, limit: 2 });
          expect(second.items.map((i) => i.sk)).toEqual(['d', 'e']);
        }));

      it('rejects a tampered, foreign or malformed nextToken with a clear error', () =>
        withStore(async (store) => {
          const table = await store.table(tableName('t'), {
            ...composite,
            indexes: { bySk: { partitionKey: 'sk' } },
          });
          const other = await store.table(tableName('t'), composite);
          for (let i = 0; i < 3; i++) {
            await table.put({ pk: 'p', sk: `s${i}` });
            await other.put({ pk: 'p', sk: `s${i}` });
          }
          const { nextToken } = await table.query({ partition: 'p', limit: 1 });
          expect(nextToken).not.toBeNull();
          const token = nextToken as string;
          const invalid = [
            'garbage!',
            '',
            'x'.repeat(20_000),
            Buffer.from('not json').toString('base64url'),
            Buffer.from('[1,2]').toString('base64url'),
            Buffer.from('{"k":[{}]}').toString('base64url'),
            token.slice(0, -3),
          ];
          for (const bad of invalid) {
            const error = await expectStoreError(
              table.query({ partition: 'p', nextToken: bad }),
              'ERR_STORE_INVALID_NEXT_TOKEN',
            );
            expect(error.message).not.toContain(bad.slice(0, 8) || '\u0000');
          }
          await expectStoreError(
            table.query({ partition: 'q', nextToken: token }),
            'ERR_STORE_INVALID_NEXT_TOKEN',
          );
          await expectStoreError(
            table.query({ partition: 'p', nextToken: token, forward: false }),
            'ERR_STORE_INVALID_NEXT_TOKEN',
          );
          await expectStoreError(
            other.query({ partition: 'p', nextToken: token }),
            'ERR_STORE_INVALID_NEXT_TOKEN',
          );
          await expectStoreError(
            table.query({ index: 'bySk', partition: 's0', nextToken: token }),
            'ERR_STORE_INVALID_NEXT_TOKEN',
          );
          await expectStoreError(table.scan({ nextToken: token }), 'ERR_STORE_INVALID_NEXT_TOKEN');
        }));

      it('rejects a limit that is not a positive integer', () =>
        withTable(composite, async (table) => {
          for (const limit of [0, -1, 1.5, Number.NaN, '10' as unknown as number]) {
            await expect(table.query({ partition: 'p', limit })).rejects.toThrow(RangeError);
          }
        }));

      it('rejects an invalid partition or sort key condition', () =>
        withTable(composite, async (table) => {
          await expectStoreError(table.query({ partition: '' }), 'ERR_STORE_INVALID_KEY');
          await expectStoreError(
            table.query({ partition: 'p', sort: { like: 'a' } as never }),
            'ERR_STORE_INVALID_INPUT',
          );
          await expectStoreError(
            table.query({ partition: 'p', sort: { eq: 'a', lt: 'b' } }),
            'ERR_STORE_INVALID_INPUT',
          );
          await expectStoreError(
            table.query({ partition: 'p', sort: { between: ['b', 'a'] } }),
            'ERR_STORE_INVALID_INPUT',
          );
          await expectStoreError(
            table.query({ partition: 'p', sort: { between: [1, 'a'] } }),
            'ERR_STORE_INVALID_INPUT',
          );
          await expectStoreError(
            table.query({ partition: 'p', sort: { beginsWith: 1 } as never }),
            'ERR_STORE_INVALID_INPUT',
          );
        }));
    });

    describe('global secondary indexes', () => {
      it('queries an index by partition and sort key', () =>
        withTable(indexed, async (table) => {
          await table.put({ id: 'a', owner: 'ann', createdAt: '2024-03' });
          await table.put({ id: 'b', owner: 'ann', createdAt: '2024-01' });
          await table.put({ id: 'c', owner: 'bob', createdAt: '2024-02' });
          await table.put({ id: 'd', owner: 'ann', createdAt: '2024-02' });
          const all = await table.query({ index: 'byOwner', partition: 'ann' });
          expect(all.items.map((i) => i.id)).toEqual(['b', 'd', 'a']);
          const some = await table.query({
            index: 'byOwner',
            partition: 'ann',
            sort: { ge: '2024-02' },
            forward: false,
          });
          expect(some.items.map((i) => i.id)).toEqual(['a', 'd']);
        }));

      it('leaves items without the index key attributes out of the index', () =>
        withTable(indexed, async (table) => {
          await table.put({ id: 'a', owner: 'ann', createdAt: 1, status: 'open' });
          await table.put({ id: 'b', owner: 'ann' });
          await table.put({ id: 'c', createdAt: 2 });
          await table.put({ id: 'd', owner: 'ann', createdAt: null, status: null });
          expect((await table.query({ index: 'byOwner', partition: 'ann' })).items.map((i) => i.id)).toEqual([
            'a',
          ]);
          expect(
            (await table.query({ index: 'byStatus', partition: 'open' })).items.map((i) => i.id),
          ).toEqual(['a']);
          expect((await table.scan()).items).toHaveLength(4);
        }));

      it('pages through an index whose items share one key, each exactly once', () =>
        withTable(indexed, async (table) => {
          const ids = Array.from({ length: 45 }, (_, i) => `item-${i}`);
          for (const id of ids) await table.put({ id, status: 'open' });
          await table.put({ id: 'closed', status: 'closed' });
          for (const forward of [true, false]) {
            const items = await readAll(
              (nextToken) =>
                table.query({ index: 'byStatus', partition: 'open', limit: 4, forward, nextToken }),
              4,
            );
            const seen = items.map((i) => i.id as string);
            expect([...seen].sort()).toEqual([...ids].sort());
            expect(new Set(seen).size).toBe(ids.length);
          }
        }));

      it('rejects an unknown index and a sort condition on an index without a sort key', () =>
        withTable(indexed, async (table) => {
          const error = await expectStoreError(
            table.query({ index: 'nope', partition: 'x' }),
            'ERR_STORE_UNKNOWN_INDEX',
          );
          expect(error.message).toContain('"nope"');
          await expectStoreError(
            table.query({ index: 'byStatus', partition: 'x', sort: { eq: 'y' } }),
            'ERR_STORE_INVALID_INPUT',
          );
        }));
    });

    describe('scan', () => {
      it('returns nothing from an empty table', () =>
        withTable(composite, async (table) => {
          expect(await table.scan()).toEqual({ items: [], nextToken: null });
          expect(await table.scan({ limit: 1 })).toEqual({ items: [], nextToken: null });
        }));

      it('pages through every item exactly once, with and without a filter', () =>
        withTable(composite, async (table) => {
          const keys: [string, number][] = [];
          for (let p = 0; p < 7; p++) for (let s = 0; s < 9; s++) keys.push([`p${p}`, s]);
          for (const [pk, sk] of keys) await table.put({ pk, sk, odd: sk % 2 === 1 });
          const all = await readAll((nextToken) => table.scan({ limit: 5, nextToken }), 5);
          expect(all).toHaveLength(keys.length);
          expect(new Set(all.map((i) => `${String(i.pk)}/${String(i.sk)}`)).size).toBe(keys.length);
          const odd = await readAll(
            (nextToken) => table.scan({ limit: 4, filter: { odd: { eq: true } }, nextToken }),
            4,
          );
          expect(odd).toHaveLength(7 * 4);
          expect(odd.every((i) => i.odd === true)).toBe(true);
        }));
    });

    describe('schemas', () => {
      it('opens a table again with the same schema, whatever the order of its indexes', () =>
        withStore(async (store) => {
          const name = tableName('t');
          const table = await store.table(name, indexed);
          await table.put({ id: 'a' });
          const again = await store.table(name, {
            partitionKey: 'id',
            indexes: {
              byStatus: { partitionKey: 'status' },
              byOwner: { partitionKey: 'owner', sortKey: 'createdAt' },
            },
          });
          expect(await again.get({ id: 'a' })).toEqual({ id: 'a' });
          expect(again.name).toBe(name);
        }));

      it('refuses to open a table with a different schema', () =>
        withStore(async (store) => {
          const name = tableName('t');
          await store.table(name, composite);
          await expectStoreError(store.table(name, simple), 'ERR_STORE_SCHEMA_MISMATCH');
          await expectStoreError(
            store.table(name, { partitionKey: 'pk', sortKey: 'other' }),
            'ERR_STORE_SCHEMA_MISMATCH',
          );
          await expectStoreError(
            store.table(name, { ...composite, indexes: { extra: { partitionKey: 'x' } } }),
            'ERR_STORE_SCHEMA_MISMATCH',
          );
        }));

      it('rejects an invalid table name or schema', () =>
        withStore(async (store) => {
          await expectStoreError(store.table('bad"name', simple), 'ERR_STORE_INVALID_INPUT');
          await expectStoreError(store.table('', simple), 'ERR_STORE_INVALID_INPUT');
          await expectStoreError(
            store.table(tableName('t'), { partitionKey: '' }),
            'ERR_STORE_INVALID_INPUT',
          );
          await expectStoreError(
            store.table(tableName('t'), { partitionKey: 'a', sortKey: 'a' }),
            'ERR_STORE_INVALID_INPUT',
          );
        }));

      // Defined only where two stores can share one database (not for `:memory:`).
      if (options.sharedDatabase === true) {
        it('keeps data and schema across reopening the store', async () => {
          const name = tableName('t');
          await withStore(async (store) => {
            await (await store.table(name, composite)).put({ pk: 'p', sk: 1, v: 'kept' });
          });
          await withStore(async (store) => {
            await expectStoreError(store.table(name, simple), 'ERR_STORE_SCHEMA_MISMATCH');
            const table = await store.table(name, composite);
            expect(await table.get({ pk: 'p', sk: 1 })).toEqual({ pk: 'p', sk: 1, v: 'kept' });
          });
        });
      }
    });

    if (options.sharedDatabase === true)
      describe('concurrency', () => {
        it("sees another store's writes on the same database", () =>
          withStore((first) =>
            withStore(async (second) => {
              const name = tableName('t');
              const a = await first.table(name, composite);
              const b = await second.table(name, composite);
              await a.put({ pk: 'p', sk: 1 });
              expect(await b.get({ pk: 'p', sk: 1 })).toEqual({ pk: 'p', sk: 1 });
              await b.update({ pk: 'p', sk: 1 }, { add: { n: 1 } });
              await a.update({ pk: 'p', sk: 1 }, { add: { n: 1 } });
              expect(await b.get({ pk: 'p', sk: 1 })).toEqual({ pk: 'p', sk: 1, n: 2 });
              await b.delete({ pk: 'p', sk: 1 });
              expect((await a.query({ partition: 'p' })).items).toEqual([]);
            }),
          ));

        it('lets exactly one of two racing conditional creates win', () =>
          withStore((first) =>
            withStore(async (second) => {
              const name = tableName('t');
              const tables = [await first.table(name, simple), await second.table(name, simple)];
              const ifAbsent = { condition: { id: { attributeExists: false } } };
              for (let round = 0; round < 20; round++) {
                const results = await Promise.allSettled(
                  tables.map((table, i) => table.put({ id: `r${round}`, winner: i }, ifAbsent)),
                );
                expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
                const rejected = results.find((r) => r.status === 'rejected');
                expect(rejected?.reason).toBeInstanceOf(ConditionalCheckFailedError);
              }
            }),
          ));
      });

    describe('change token', () => {
      it('keeps the token through gets, queries and scans', ({ skip }) =>
        withTable(composite, async (table) => {
          await table.put({ pk: 'p', sk: 1 });
          const token = watchChangeToken(table, skip);
          token.expectSame();
          await table.get({ pk: 'p', sk: 1 });
          await table.get({ pk: 'p', sk: 2 });
          await table.query({ partition: 'p', sort: { ge: 0 } });
          await table.scan({ limit: 1 });
          token.expectSame();
        }));

      it('gives a new token after every put, update and delete, conditional or not', ({ skip }) =>
        withTable(simple, async (table) => {
          const token = watchChangeToken(table, skip);
          await table.put({ id: 'a' });
          token.expectNew();
          await table.put({ id: 'b' }, { condition: { id: { attributeExists: false } } });
          token.expectNew();
          await table.update({ id: 'a' }, { add: { n: 1 } });
          token.expectNew();
          await table.update({ id: 'a' }, { add: { n: 1 } }, { condition: { n: { eq: 1 } } });
          token.expectNew();
          await table.delete({ id: 'a' });
          token.expectNew();
          await table.delete({ id: 'b' }, { condition: { id: { attributeExists: true } } });
          token.expectNew();
        }));

      if (options.sharedDatabase === true) {
        it('gives a new token after each write to the table by either of two stores on one database', ({
          skip,
        }) =>
          withStore((first) =>
            withStore(async (second) => {
              const name = tableName('t');
              const mine = await first.table(name, simple);
              const theirs = await second.table(name, simple);
              const token = watchChangeToken(mine, skip);
              await theirs.put({ id: 'a' });
              token.expectNew();
              await theirs.update({ id: 'a' }, { set: { v: 1 } });
              token.expectNew();
              await theirs.delete({ id: 'a' });
              token.expectNew();
              await mine.put({ id: 'b' });
              token.expectNew();
            }),
          ));

        it("keeps a table's token through writes to another table", ({ skip }) =>
          withStore((first) =>
            withStore(async (second) => {
              const mine = await first.table(tableName('t'), simple);
              const otherName = tableName('t');
              const token = watchChangeToken(mine, skip);
              await (await first.table(otherName, simple)).put({ id: 'a' });
              await (await second.table(otherName, simple)).update({ id: 'b' }, { set: { v: 1 } });
              await (await second.table(otherName, simple)).delete({ id: 'a' });
              token.expectSame();
            }),
          ));
      }
    });

    describe('properties', () => {
      it('agrees with a reference map over random puts and deletes', () =>
        withStore(async (store) => {
          const keyArb = fc.oneof(
            fc.constantFrom('a', 'b', 'é', '😀', 'B', 'a😀'),
            fc.integer({ min: -3, max: 3 }),
          );
          const opArb = fc.oneof(
            fc.record({ op: fc.constant('put' as const), pk: keyArb, sk: keyArb, v: fc.jsonValue() }),
            fc.record({ op: fc.constant('delete' as const), pk: keyArb, sk: keyArb }),
          );
          await fc.assert(
            fc.asyncProperty(
              fc.array(opArb, { maxLength: 40 }),
              fc.integer({ min: 1, max: 6 }),
              async (ops, limit) => {
                const table = await store.table(tableName('prop'), composite);
                const reference = new Map<string, Item>();
                const id = (pk: KeyValue, sk: KeyValue) => JSON.stringify([pk, sk]);
                for (const op of ops) {
                  if (op.op === 'put') {
                    const item = JSON.parse(JSON.stringify({ pk: op.pk, sk: op.sk, v: op.v })) as Item;
                    await table.put(item);
                    reference.set(id(op.pk, op.sk), item);
                  } else {
                    const deleted = await table.delete({ pk: op.pk, sk: op.sk });
                    expect(deleted).toEqual(reference.get(id(op.pk, op.sk)));
                    reference.delete(id(op.pk, op.sk));
                  }
                }
                for (const [key, item] of reference) {
                  const [pk, sk] = JSON.parse(key) as [KeyValue, KeyValue];
                  expect(await table.get({ pk, sk })).toEqual(item);
                }
                const scanned = await readAll((nextToken) => table.scan({ limit, nextToken }), limit);
                const byKey = (x: Item, y: Item) =>
                  compareKeyValues(x.pk as KeyValue, y.pk as KeyValue) ||
                  compareKeyValues(x.sk as KeyValue, y.sk as KeyValue);
                expect([...scanned].sort(byKey)).toEqual([...reference.values()].sort(byKey));
                for (const pk of new Set([...reference.values()].map((i) => i.pk as KeyValue))) {
                  const queried = await readAll(
                    (nextToken) => table.query({ partition: pk, limit, nextToken }),
                    limit,
                  );
                  const expected = [...reference.values()].filter((i) => i.pk === pk).sort(byKey);
                  expect(queried).toEqual(expected);
                }
              },
            ),
            { numRuns: 40 },
          );
        }));
    });
  });
}
