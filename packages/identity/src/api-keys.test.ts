import { hash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { DocumentStore, DocumentTable } from '@gatehouse/core';
import { createSQLiteDocumentStore } from '@gatehouse/server';
import { createAPIKeyStore, maxAPIKeysPerAPI } from './api-keys.js';
import { IdentityError } from './errors.js';
import { createTestClock, createTestStore } from './test-support/fixtures.js';

const hour = 3600;
const day = 86_400;

async function setup(start?: number) {
  const clock = createTestClock(start);
  const store = createTestStore();
  const keys = await createAPIKeyStore({ store, apiId: 'api1', now: clock.now });
  return { clock, store, keys };
}

async function codeOf(promise: Promise<unknown>): Promise<string | undefined> {
  return promise.then(
    () => undefined,
    (error: unknown) => {
      expect(error).toBeInstanceOf(IdentityError);
      expect((error as IdentityError).name).toBe((error as IdentityError).code);
      return (error as IdentityError).code;
    },
  );
}

describe('createAPIKeyStore', () => {
  it('creates an AppSync-format key valid for 7 days, rounded down to the hour, purged 60 days later', async () => {
    const { clock, keys } = await setup(Date.UTC(2026, 0, 1, 10, 30, 15));
    const key = await keys.create({ description: 'ci' });
    expect(key.id).toMatch(/^da2-[a-z0-9]{26}$/);
    expect(key.description).toBe('ci');
    expect(key.expires).toBe(Date.UTC(2026, 0, 8, 10) / 1000);
    expect(key.expires % hour).toBe(0);
    expect(key.deletes).toBe(key.expires + 60 * day);
    expect(clock.seconds()).toBeLessThan(key.expires);
  });

  it('accepts a key until one second before it expires and refuses it from then on', async () => {
    const { keys } = await setup();
    const { id, expires } = await keys.create({ expiresInDays: 1 });
    expect(await keys.isValid(id, expires - 1)).toBe(true);
    expect(await keys.isValid(id, expires)).toBe(false);
  });

  it('refuses unknown, malformed and other-API keys', async () => {
    const { keys, store, clock } = await setup();
    const { id } = await keys.create();
    const now = clock.seconds();
    expect(await keys.isValid('da2-aaaaaaaaaaaaaaaaaaaaaaaaaa', now)).toBe(false);
    expect(await keys.isValid(`${id}x`, now)).toBe(false);
    expect(await keys.isValid('', now)).toBe(false);
    const other = await createAPIKeyStore({ store, apiId: 'api2', now: clock.now });
    expect(await other.isValid(id, now)).toBe(false);
  });

  it('accepts 1 and 365 days and refuses 0, 366 and non-numbers', async () => {
    const { keys } = await setup();
    expect((await keys.create({ expiresInDays: 1 })).id).toBeDefined();
    expect((await keys.create({ expiresInDays: 365 })).id).toBeDefined();
    expect(await codeOf(keys.create({ expiresInDays: 0 }))).toBe('ApiKeyValidityOutOfBoundsException');
    expect(await codeOf(keys.create({ expiresInDays: 366 }))).toBe('ApiKeyValidityOutOfBoundsException');
    expect(await codeOf(keys.create({ expiresInDays: Number.NaN }))).toBe(
      'ApiKeyValidityOutOfBoundsException',
    );
  });

  it('refuses the 51st key of an API', async () => {
    const { keys } = await setup();
    for (let i = 0; i < 50; i += 1) await keys.create();
    expect(await codeOf(keys.create())).toBe('ApiKeyLimitExceededException');
    expect(await keys.list()).toHaveLength(50);
  });

  it('lists keys with only their first 8 characters and stores only a hash', async () => {
    const { keys, store } = await setup();
    const created = await keys.create({ description: 'one' });
    const [listed] = await keys.list();
    expect(listed).toEqual({ ...created, id: `${created.id.slice(0, 8)}…` });
    const table = await store.table('appsync_api_keys', {
      partitionKey: 'keyHash',
      indexes: { byAPI: { partitionKey: 'apiId', sortKey: 'createdAt' } },
    });
    expect(JSON.stringify((await table.scan()).items)).not.toContain(created.id);
  });

  it('deletes a key by its displayed prefix or its full id', async () => {
    const { keys, clock } = await setup();
    const first = await keys.create();
    const second = await keys.create();
    await keys.delete(`${first.id.slice(0, 8)}…`);
    expect(await keys.isValid(first.id, clock.seconds())).toBe(false);
    await keys.delete(second.id);
    expect(await keys.list()).toEqual([]);
    expect(await codeOf(keys.delete(second.id))).toBe('NotFoundException');
    expect(await codeOf(keys.delete('da2-zz'))).toBe('BadRequestException');
  });

  it('refuses an ambiguous prefix', async () => {
    const bytes = [...'abcd'].map((c) => 'abcdefghijklmnopqrstuvwxyz0123456789'.indexOf(c));
    let counter = 0;
    const random = (length: number) =>
      Uint8Array.from({ length }, (_, i) => (i < 4 ? (bytes[i] ?? 0) : counter++ % 36));
    const clock = createTestClock();
    const keys = await createAPIKeyStore({ store: createTestStore(), apiId: 'api1', now: clock.now, random });
    const first = await keys.create();
    const second = await keys.create();
    expect(first.id.slice(0, 8)).toBe('da2-abcd');
    expect(second.id.slice(0, 8)).toBe('da2-abcd');
    expect(first.id).not.toBe(second.id);
    expect(await codeOf(keys.delete('da2-abcd'))).toBe('BadRequestException');
    await keys.delete(first.id);
    await keys.delete('da2-abcd');
    expect(await keys.list()).toEqual([]);
  });

  it('extends an expired key until it is purged', async () => {
    const { keys, clock } = await setup();
    const key = await keys.create({ expiresInDays: 1 });
    clock.set((key.expires + day) * 1000);
    expect(await keys.isValid(key.id, clock.seconds())).toBe(false);
    const extended = await keys.extend(key.id.slice(0, 8), 30);
    expect(extended.expires).toBe(Math.floor((clock.seconds() + 30 * day) / hour) * hour);
    expect(extended.deletes).toBe(extended.expires + 60 * day);
    expect(extended.id).toBe(`${key.id.slice(0, 8)}…`);
    expect(await keys.isValid(key.id, clock.seconds())).toBe(true);
    expect(await codeOf(keys.extend(key.id, 366))).toBe('ApiKeyValidityOutOfBoundsException');

    clock.set(extended.deletes * 1000);
    expect(await codeOf(keys.extend(key.id, 7))).toBe('NotFoundException');
  });

  it('purges a key once its deletion time has come', async () => {
    const { keys, clock } = await setup();
    const key = await keys.create({ expiresInDays: 1 });
    expect(await keys.isValid(key.id, key.deletes)).toBe(false);
    clock.set(key.deletes * 1000 - 1000);
    expect(await keys.list()).toHaveLength(0);
  });
});

describe('createAPIKeyStore: keys remembered between checks', () => {
  const directory = mkdtempSync(join(tmpdir(), 'gatehouse-api-keys-'));
  afterAll(() => rmSync(directory, { recursive: true, force: true }));
  let files = 0;

  /** The server and the `gatehouse api-keys` CLI: two stores on one database file. */
  async function serverAndCLI() {
    const filename = join(directory, `gatehouse-${++files}.db`);
    const clock = createTestClock();
    const serverStore = createSQLiteDocumentStore({ filename });
    const cliStore = createSQLiteDocumentStore({ filename });
    const server = await createAPIKeyStore({ store: serverStore, apiId: 'api1', now: clock.now });
    const cli = await createAPIKeyStore({ store: cliStore, apiId: 'api1', now: clock.now });
    const close = async () => {
      await serverStore.close();
      await cliStore.close();
    };
    return { clock, server, cli, close };
  }

  /**
   * An in-memory store whose tables count their reads by key; a read started while `count.hold` is
   * set answers only once it settles. `hideChangeToken` drops the tables' change tokens.
   */
  async function countingSetup(hideChangeToken = false) {
    const store = createTestStore();
    const count: { reads: number; hold?: Promise<void> | undefined } = { reads: 0 };
    const counting: DocumentStore = {
      async table(name, schema) {
        const table = await store.table(name, schema);
        const wrapped: DocumentTable = {
          name: table.name,
          get: async (key) => {
            count.reads += 1;
            const { hold } = count;
            const item = await table.get(key);
            await hold;
            return item;
          },
          put: (item, options) => table.put(item, options),
          update: (key, update, options) => table.update(key, update, options),
          delete: (key, options) => table.delete(key, options),
          query: (input) => table.query(input),
          scan: (input) => table.scan(input),
          changeToken: hideChangeToken ? undefined : table.changeToken?.bind(table),
        };
        return wrapped;
      },
      close: () => store.close(),
    };
    const clock = createTestClock();
    const keys = await createAPIKeyStore({ store: counting, apiId: 'api1', now: clock.now });
    return { clock, keys, store: counting, count };
  }

  it('refuses a key on the next check after another store on the same file deletes it', async () => {
    const { clock, server, cli, close } = await serverAndCLI();
    try {
      const { id } = await cli.create();
      expect(await server.isValid(id, clock.seconds())).toBe(true);
      expect(await server.isValid(id, clock.seconds())).toBe(true);
      await cli.delete(id);
      expect(await server.isValid(id, clock.seconds())).toBe(false);
    } finally {
      await close();
    }
  });

  it('sees another store on the same file extend or create keys on the next check', async () => {
    const { clock, server, cli, close } = await serverAndCLI();
    try {
      const { id, expires } = await cli.create({ expiresInDays: 1 });
      expect(await server.isValid(id, expires - 1)).toBe(true);
      expect(await server.isValid(id, expires)).toBe(false);
      clock.advanceSeconds(12 * hour);
      const extended = await cli.extend(id, 3);
      expect(await server.isValid(id, expires)).toBe(true);
      expect(await server.isValid(id, extended.expires)).toBe(false);
      const unknownYet = 'da2-' + 'q'.repeat(26);
      expect(await server.isValid(unknownYet, clock.seconds())).toBe(false);
      const second = await cli.create();
      expect(await server.isValid(second.id, clock.seconds())).toBe(true);
    } finally {
      await close();
    }
  });

  it('reads the store once for repeated checks of a valid key while nothing changes', async () => {
    const { clock, keys, count } = await countingSetup();
    const { id } = await keys.create();
    for (let i = 0; i < 5; i += 1) expect(await keys.isValid(id, clock.seconds())).toBe(true);
    expect(count.reads).toBe(1);
  });

  it('reads the store on every check of an unknown or other-API key and never remembers it', async () => {
    const { clock, keys, store, count } = await countingSetup();
    await keys.create();
    const other = await createAPIKeyStore({ store, apiId: 'api2', now: clock.now });
    const otherKey = (await other.create()).id;
    count.reads = 0;
    for (let i = 0; i < 3; i += 1) {
      expect(await keys.isValid(`da2-${'z'.repeat(26)}`, clock.seconds())).toBe(false);
      expect(await keys.isValid(otherKey, clock.seconds())).toBe(false);
    }
    expect(count.reads).toBe(6);
  });

  it('reads the store again once a key is deleted, and refuses it', async () => {
    const { clock, keys, count } = await countingSetup();
    const first = await keys.create();
    const second = await keys.create();
    expect(await keys.isValid(first.id, clock.seconds())).toBe(true);
    expect(await keys.isValid(second.id, clock.seconds())).toBe(true);
    await keys.delete(first.id);
    count.reads = 0;
    expect(await keys.isValid(first.id, clock.seconds())).toBe(false);
    expect(await keys.isValid(second.id, clock.seconds())).toBe(true);
    expect(count.reads).toBe(2);
  });

  it('does not remember a key read before a concurrent check saw it deleted', async () => {
    const { clock, keys, count } = await countingSetup();
    const { id } = await keys.create();
    let release = (): void => undefined;
    count.hold = new Promise((resolve) => (release = resolve));
    const started = keys.isValid(id, clock.seconds());
    count.hold = undefined;
    await keys.delete(id);
    expect(await keys.isValid(id, clock.seconds())).toBe(false);
    release();
    expect(await started).toBe(true);
    expect(await keys.isValid(id, clock.seconds())).toBe(false);
  });

  it('still refuses a remembered key once it expires, and purges it once due', async () => {
    const { keys, count } = await countingSetup();
    const { id, expires, deletes } = await keys.create({ expiresInDays: 1 });
    expect(await keys.isValid(id, expires - 1)).toBe(true);
    expect(await keys.isValid(id, expires)).toBe(false);
    expect(await keys.isValid(id, deletes - 1)).toBe(false);
    expect(count.reads).toBe(1);
    expect(await keys.isValid(id, deletes)).toBe(false);
    expect(await keys.isValid(id, expires - 1)).toBe(false);
    expect(count.reads).toBe(2);
  });

  it('reads the store on every check when the table has no change token', async () => {
    const { clock, keys, count } = await countingSetup(true);
    const { id } = await keys.create();
    for (let i = 0; i < 3; i += 1) expect(await keys.isValid(id, clock.seconds())).toBe(true);
    expect(count.reads).toBe(3);
  });

  it(`remembers at most ${maxAPIKeysPerAPI * 2} keys`, async () => {
    const { clock, keys, store, count } = await countingSetup();
    // More stored keys than an API may hold, written straight into the table.
    const table = await store.table('appsync_api_keys', {
      partitionKey: 'keyHash',
      indexes: { byAPI: { partitionKey: 'apiId', sortKey: 'createdAt' } },
    });
    const ids = Array.from(
      { length: maxAPIKeysPerAPI * 3 },
      (_, i) => `da2-${i.toString(36).padStart(26, '0')}`,
    );
    const expires = clock.seconds() + day;
    for (const [i, id] of ids.entries()) {
      await table.put({
        keyHash: hash('sha256', id, 'hex'),
        apiId: 'api1',
        prefix: id.slice(0, 8),
        description: null,
        expires,
        deletes: expires + 60 * day,
        createdAt: clock.now() + i,
      });
    }
    for (const id of ids) expect(await keys.isValid(id, clock.seconds())).toBe(true);
    count.reads = 0;
    for (const id of ids) expect(await keys.isValid(id, clock.seconds())).toBe(true);
    expect(count.reads).toBe(ids.length - maxAPIKeysPerAPI * 2);
  });
});
