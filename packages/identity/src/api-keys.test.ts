import { describe, expect, it } from 'vitest';
import { createAPIKeyStore } from './api-keys.js';
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
