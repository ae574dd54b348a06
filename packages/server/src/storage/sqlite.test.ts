import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { StoreError } from '@gatehouse/core';
import { describeDocumentStoreContract } from './document-store.contract.js';
import { createSQLiteDocumentStore } from './sqlite.js';

const directory = mkdtempSync(join(tmpdir(), 'gatehouse-sqlite-'));
afterAll(() => rmSync(directory, { recursive: true, force: true }));
const file = join(directory, 'contract.db');

describeDocumentStoreContract('SQLite :memory:', async () =>
  createSQLiteDocumentStore({ filename: ':memory:' }),
);
describeDocumentStoreContract(
  'SQLite file',
  async () => createSQLiteDocumentStore({ filename: file }),
  (store) => store.close(),
  { sharedDatabase: true },
);

/** Starts a process that holds the database's write lock for `ms` milliseconds once it prints "locked". */
async function holdWriteLock(filename: string, ms: number): Promise<() => Promise<void>> {
  const script = `
    const Database = require('better-sqlite3');
    const db = new Database(process.argv[1]);
    db.exec('BEGIN IMMEDIATE');
    process.stdout.write('locked');
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, Number(process.argv[2]));
    db.exec('COMMIT');
    db.close();`;
  const child = spawn(process.execPath, ['-e', script, filename, String(ms)], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const exited = once(child, 'exit');
  const [chunk] = (await once(child.stdout, 'data')) as [Buffer];
  expect(chunk.toString()).toBe('locked');
  return async () => {
    const [code] = (await exited) as [number];
    expect(code).toBe(0);
  };
}

describe('createSQLiteDocumentStore', () => {
  it('puts the database file in WAL mode with a busy timeout', async () => {
    const filename = join(directory, 'wal.db');
    const store = createSQLiteDocumentStore({ filename, busyTimeoutMs: 1234 });
    await store.table('t', { partitionKey: 'id' });
    const db = new Database(filename, { readonly: true });
    try {
      expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    } finally {
      db.close();
      await store.close();
    }
  });

  it('keeps items, indexes and schemas after the store is closed and reopened', async () => {
    const filename = join(directory, 'reopen.db');
    const schema = { partitionKey: 'id', indexes: { byOwner: { partitionKey: 'owner' } } };
    const first = createSQLiteDocumentStore({ filename });
    await (await first.table('things', schema)).put({ id: 'a', owner: 'ann', n: 1 });
    await first.close();
    const second = createSQLiteDocumentStore({ filename });
    try {
      await expect(second.table('things', { partitionKey: 'other' })).rejects.toThrow(StoreError);
      const table = await second.table('things', schema);
      expect(await table.get({ id: 'a' })).toEqual({ id: 'a', owner: 'ann', n: 1 });
      expect((await table.query({ index: 'byOwner', partition: 'ann' })).items).toEqual([
        { id: 'a', owner: 'ann', n: 1 },
      ]);
    } finally {
      await second.close();
    }
  });

  it('ends a page after maxEvaluatedPerPage items even when the filter keeps none', async () => {
    const store = createSQLiteDocumentStore({ filename: ':memory:', maxEvaluatedPerPage: 10 });
    try {
      const table = await store.table('t', { partitionKey: 'pk', sortKey: 'sk' });
      for (let i = 0; i < 25; i++) await table.put({ pk: 'p', sk: i, keep: i === 24 });
      const filter = { keep: { eq: true } };
      const first = await table.query({ partition: 'p', filter, limit: 5 });
      expect(first.items).toEqual([]);
      expect(first.nextToken).not.toBeNull();
      const second = await table.query({ partition: 'p', filter, limit: 5, nextToken: first.nextToken });
      expect(second.items).toEqual([]);
      const third = await table.query({ partition: 'p', filter, limit: 5, nextToken: second.nextToken });
      expect(third).toEqual({ items: [{ pk: 'p', sk: 24, keep: true }], nextToken: null });
      const unlimited = await table.scan();
      expect(unlimited.items).toHaveLength(10);
      expect(unlimited.nextToken).not.toBeNull();
    } finally {
      await store.close();
    }
  });

  it('uses the index for a key condition on a global secondary index', async () => {
    const filename = join(directory, 'plan.db');
    const store = createSQLiteDocumentStore({ filename });
    await store.table('t', {
      partitionKey: 'id',
      indexes: { byOwner: { partitionKey: 'owner', sortKey: 'at' } },
    });
    await store.close();
    const db = new Database(filename, { readonly: true });
    try {
      const plan = db
        .prepare(
          `EXPLAIN QUERY PLAN SELECT data FROM "doc_t" WHERE g0_pk = ? AND g0_sk > ? ORDER BY g0_sk, pk LIMIT 5`,
        )
        .all('ann', 'x') as { detail: string }[];
      expect(plan.map((row) => row.detail).join('\n')).toContain('USING INDEX doc_t__g0');
    } finally {
      db.close();
    }
  });

  it('waits for another process that holds the write lock instead of failing', async () => {
    const filename = join(directory, 'busy.db');
    const store = createSQLiteDocumentStore({ filename });
    try {
      const table = await store.table('t', { partitionKey: 'id' });
      const finished = await holdWriteLock(filename, 300);
      const started = performance.now();
      await table.put({ id: 'a' }, { condition: { id: { attributeExists: false } } });
      expect(performance.now() - started).toBeGreaterThan(150);
      await finished();
      expect(await table.get({ id: 'a' })).toEqual({ id: 'a' });
    } finally {
      await store.close();
    }
  });

  it('fails a write blocked by another process longer than busyTimeoutMs', async () => {
    const filename = join(directory, 'busy-timeout.db');
    const store = createSQLiteDocumentStore({ filename, busyTimeoutMs: 50 });
    try {
      const table = await store.table('t', { partitionKey: 'id' });
      const finished = await holdWriteLock(filename, 1000);
      await expect(table.put({ id: 'a' })).rejects.toMatchObject({ code: 'SQLITE_BUSY' });
      await finished();
      await table.put({ id: 'a' });
      expect(await table.get({ id: 'a' })).toEqual({ id: 'a' });
    } finally {
      await store.close();
    }
  });

  it('rejects invalid options by name', () => {
    expect(() => createSQLiteDocumentStore({ filename: '' })).toThrow('"filename"');
    expect(() => createSQLiteDocumentStore({ filename: ':memory:', busyTimeoutMs: -1 })).toThrow(
      '"busyTimeoutMs"',
    );
    expect(() => createSQLiteDocumentStore({ filename: ':memory:', maxEvaluatedPerPage: 0 })).toThrow(
      '"maxEvaluatedPerPage"',
    );
  });
});

describe('SQLite change tokens', () => {
  const markerName = (table: string): string => createHash('sha256').update(table).digest('hex').slice(0, 32);

  it('keeps one marker file per table in "<file>-changes", readable only by the owner', async () => {
    const filename = join(directory, 'markers.db');
    const store = createSQLiteDocumentStore({ filename });
    try {
      const users = await store.table('users', { partitionKey: 'id' });
      const keys = await store.table('api.keys-2', { partitionKey: 'id' });
      expect(existsSync(`${filename}-changes`)).toBe(false);
      await users.put({ id: 'a' });
      expect(keys.changeToken?.()).toBe('');
      const changes = join(directory, 'markers.db-changes');
      expect(statSync(changes).mode & 0o777).toBe(0o700);
      for (const table of ['users', 'api.keys-2']) {
        expect(statSync(join(changes, markerName(table))).mode & 0o777).toBe(0o600);
      }
      const marker = readFileSync(join(changes, markerName('users')));
      expect(marker).toHaveLength(16);
      expect(users.changeToken?.()).toBe(marker.toString('hex'));
    } finally {
      await store.close();
    }
  });

  it('finds the markers of a database opened by a relative path from another directory', async () => {
    const filename = join(directory, 'relative.db');
    const absolute = createSQLiteDocumentStore({ filename });
    const cwd = process.cwd();
    process.chdir(directory);
    const relative = (() => {
      try {
        return createSQLiteDocumentStore({ filename: 'relative.db' });
      } finally {
        process.chdir(cwd);
      }
    })();
    try {
      const mine = await absolute.table('t', { partitionKey: 'id' });
      const theirs = await relative.table('t', { partitionKey: 'id' });
      const before = mine.changeToken?.();
      await theirs.put({ id: 'a' });
      expect(mine.changeToken?.()).not.toBe(before);
    } finally {
      await absolute.close();
      await relative.close();
    }
  });

  describe('reusing a token within one turn of the event loop', () => {
    afterEach(() => void vi.restoreAllMocks());
    /** A table with one write, its marker file, and a way to bump it as another process would. */
    async function markedTable(name: string) {
      const filename = join(directory, `${name}.db`);
      const store = createSQLiteDocumentStore({ filename });
      const table = await store.table('t', { partitionKey: 'id' });
      await table.put({ id: 'a' });
      const marker = join(`${filename}-changes`, markerName('t'));
      const bumpElsewhere = (): string => {
        const bytes = Buffer.from(Array.from({ length: 16 }, (_, index) => (index * 37 + name.length) % 256));
        writeFileSync(marker, bytes);
        return bytes.toString('hex');
      };
      return { store, table, bumpElsewhere };
    }
    const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

    it("sees another process's write from the next turn on", async () => {
      const clock = vi.spyOn(performance, 'now').mockReturnValue(1000);
      const { store, table, bumpElsewhere } = await markedTable('turns');
      try {
        await nextTurn();
        const before = table.changeToken?.();
        const after = bumpElsewhere();
        // Whatever is served in this turn arrived before the first read: it may use that token.
        expect(table.changeToken?.()).toBe(before);
        await nextTurn();
        expect(table.changeToken?.()).toBe(after);
        expect(clock).toHaveBeenCalled();
      } finally {
        await store.close();
      }
    });

    it('reads again within a turn once a millisecond has passed', async () => {
      const clock = vi.spyOn(performance, 'now').mockReturnValue(1000);
      const { store, table, bumpElsewhere } = await markedTable('millisecond');
      try {
        await nextTurn();
        const before = table.changeToken?.();
        const after = bumpElsewhere();
        clock.mockReturnValue(1000.9);
        expect(table.changeToken?.()).toBe(before);
        clock.mockReturnValue(1001);
        expect(table.changeToken?.()).toBe(after);
      } finally {
        await store.close();
      }
    });

    it('sees a write by any store of this process at once, within the same turn', async () => {
      vi.spyOn(performance, 'now').mockReturnValue(1000);
      const { store, table } = await markedTable('local');
      const other = createSQLiteDocumentStore({ filename: join(directory, 'local.db') });
      try {
        const theirs = await other.table('t', { partitionKey: 'id' });
        await nextTurn();
        const before = table.changeToken?.();
        await theirs.put({ id: 'b' });
        const afterTheirs = table.changeToken?.();
        expect(afterTheirs).not.toBe(before);
        await table.delete({ id: 'a' });
        expect(table.changeToken?.()).not.toBe(afterTheirs);
      } finally {
        await store.close();
        await other.close();
      }
    });
  });

  it('counts writes in memory for ":memory:", writing no marker files', async () => {
    const store = createSQLiteDocumentStore({ filename: ':memory:' });
    const other = createSQLiteDocumentStore({ filename: ':memory:' });
    try {
      const table = await store.table('t', { partitionKey: 'id' });
      const elsewhere = await other.table('t', { partitionKey: 'id' });
      const before = table.changeToken?.();
      expect(typeof before).toBe('string');
      await elsewhere.put({ id: 'a' });
      expect(table.changeToken?.()).toBe(before);
      await table.put({ id: 'a' });
      expect(table.changeToken?.()).not.toBe(before);
      expect(existsSync(':memory:-changes')).toBe(false);
      expect(existsSync('-changes')).toBe(false);
    } finally {
      await store.close();
      await other.close();
    }
  });

  it('gives a new token on every read, and fails writes, while the marker cannot be opened', async () => {
    const filename = join(directory, 'blocked.db');
    writeFileSync(`${filename}-changes`, 'not a directory');
    const store = createSQLiteDocumentStore({ filename });
    try {
      const table = await store.table('t', { partitionKey: 'id' });
      const first = table.changeToken?.();
      expect(table.changeToken?.()).not.toBe(first);
      await expect(table.put({ id: 'a' })).rejects.toThrow(
        'The write to table "t" is committed, but other processes may not see it',
      );
      expect(await table.get({ id: 'a' })).toEqual({ id: 'a' });
    } finally {
      await store.close();
    }
  });

  it('refuses to read a change token once the store is closed', async () => {
    for (const filename of [join(directory, 'closed.db'), ':memory:']) {
      const store = createSQLiteDocumentStore({ filename });
      const table = await store.table('t', { partitionKey: 'id' });
      await table.put({ id: 'a' });
      await store.close();
      expect(() => table.changeToken?.()).toThrow('The document store is closed.');
    }
  });
});
