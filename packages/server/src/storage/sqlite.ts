/**
 * The SQLite adapter of the document store (better-sqlite3, synchronous underneath).
 *
 * Layout: one SQL table per document table, `"doc_<name>"`, with the item as JSON in `data`, its
 * primary key in `pk`/`sk` (the SQL primary key, `WITHOUT ROWID` so rows are clustered by key) and
 * each global secondary index as two more columns `g<i>_pk`/`g<i>_sk` with a partial SQL index
 * over the rows that have them. One table per document table (rather than one shared table with a
 * table-name column) because each table has its own number of index columns and its own SQL
 * indexes, so every query is a plain range over one index and tables never slow each other down.
 * Table schemas are kept in `gatehouse_tables`; opening a table with another schema throws.
 *
 * Key columns have no declared type, so values keep their storage class: numbers compare
 * numerically and sort before all strings, and strings compare with SQLite's BINARY collation,
 * which is `memcmp` of UTF-8, the order DynamoDB uses for strings. A key value is a non-empty
 * string or a finite number; a table may mix the two (DynamoDB fixes one type per key attribute).
 *
 * Paging (`limit`, filter, `nextToken`): see `readPage`. Change tokens: see `FileChangeMarker`.
 */
import { Buffer } from 'node:buffer';
import { hash, randomBytes } from 'node:crypto';
import { closeSync, constants, mkdirSync, openSync, readSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { ConditionalCheckFailedError, StoreError } from '@gatehouse/core';
import type {
  DocumentStore,
  DocumentTable,
  IndexSchema,
  Item,
  Key,
  Page,
  QueryInput,
  ScanInput,
  TableSchema,
  UpdateInput,
  WriteOptions,
} from '@gatehouse/core';
import {
  compileCondition,
  deepEqual,
  isKeyValue,
  parseSortKeyCondition,
  prefixUpperBound,
} from './conditions.js';
import type { ItemPredicate, KeyValue, ParsedSortKeyCondition } from './conditions.js';

export interface SQLiteDocumentStoreOptions {
  /** Path of the database file, or `':memory:'`. */
  readonly filename: string;
  /** How long a write waits for another connection's lock, in milliseconds (default 5000). */
  readonly busyTimeoutMs?: number | undefined;
  /**
   * Most items a query or scan reads for one page, before the filter (default 1000). A page that
   * reaches it ends early with a `nextToken`, as DynamoDB's 1 MB page does.
   */
  readonly maxEvaluatedPerPage?: number | undefined;
}

type Statement = Database.Statement;
interface Row {
  data: string;
  [column: string]: unknown;
}

const namePattern = /^[A-Za-z0-9_.-]{1,255}$/;
const tokenPattern = /^[A-Za-z0-9_-]{1,8192}$/;
const tokenVersion = 1;

function invalidInput(message: string): StoreError {
  return new StoreError('ERR_STORE_INVALID_INPUT', message);
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const proto: unknown = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

function positiveInteger(value: unknown, name: string): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1) {
    throw new RangeError(`"${name}" must be a positive integer.`);
  }
  return value;
}

interface CanonicalSchema {
  partitionKey: string;
  sortKey: string | null;
  indexes: [string, { partitionKey: string; sortKey: string | null }][];
}

function canonicalIndex(schema: IndexSchema, what: string): { partitionKey: string; sortKey: string | null } {
  if (!isPlainObject(schema)) throw invalidInput(`The schema of ${what} must be an object.`);
  const { partitionKey, sortKey } = schema;
  if (typeof partitionKey !== 'string' || partitionKey === '') {
    throw invalidInput(`The "partitionKey" of ${what} must be a non-empty string.`);
  }
  if (sortKey !== undefined && (typeof sortKey !== 'string' || sortKey === '' || sortKey === partitionKey)) {
    throw invalidInput(`The "sortKey" of ${what} must be a non-empty string other than its partition key.`);
  }
  return { partitionKey, sortKey: sortKey ?? null };
}

function canonicalSchema(name: string, schema: TableSchema): CanonicalSchema {
  const { partitionKey, sortKey } = canonicalIndex(schema, `table "${name}"`);
  const indexes = schema.indexes ?? {};
  if (!isPlainObject(indexes)) throw invalidInput(`The "indexes" of table "${name}" must be an object.`);
  const entries = Object.keys(indexes)
    .sort()
    .map((indexName): [string, { partitionKey: string; sortKey: string | null }] => {
      if (!namePattern.test(indexName)) {
        throw invalidInput(
          `The index name "${indexName}" must be 1 to 255 letters, digits, "_", "." or "-".`,
        );
      }
      return [indexName, canonicalIndex(indexes[indexName] as IndexSchema, `index "${indexName}"`)];
    });
  return { partitionKey, sortKey, indexes: entries };
}

/** One way of reading a table in key order: the table itself or one of its indexes. */
interface AccessPath {
  readonly index: string | null;
  readonly partitionAttribute: string;
  readonly sortAttribute: string | null;
  readonly partitionColumn: string;
  readonly sortColumn: string | null;
  /** Columns that order the path totally (the table key breaks ties in an index). */
  readonly orderColumns: readonly string[];
}

function serialize(item: Record<string, unknown>): string {
  try {
    return JSON.stringify(item, (_key, value: unknown) => {
      if (typeof value === 'number' && !Number.isFinite(value)) {
        throw new StoreError('ERR_STORE_INVALID_ITEM', 'An item must not hold a number that is not finite.');
      }
      return value;
    });
  } catch (error) {
    if (error instanceof StoreError) throw error;
    throw new StoreError('ERR_STORE_INVALID_ITEM', 'An item must be serializable as JSON.', { cause: error });
  }
}

/** Tells readers that a table changed: `bump` after each committed write, `token` for `changeToken`. */
interface ChangeMarker {
  bump(): void;
  token(): string;
  close(): void;
}

function closed(): TypeError {
  return new TypeError('The document store is closed.');
}

/** An in-memory database has one connection, so a count of its writes is the whole story. */
function createCountingChangeMarker(): ChangeMarker {
  let writes = 0;
  let open = true;
  return {
    bump: () => void writes++,
    token: () => {
      if (!open) throw closed();
      return String(writes);
    },
    close: () => void (open = false),
  };
}

const markerLength = 16;

/**
 * Writes committed through any store of this process. A marker reuses a token it has read only
 * while this count is unchanged, so a write made here is seen at once, whichever store made it.
 */
let writesInThisProcess = 0;

/** How long a read token may be reused within one turn of the event loop, at most. */
const maxReuseMs = 1;

/**
 * The change marker of one table of a file database, shared by every process that opens the file:
 * `<file>-changes/<first 32 hex digits of SHA-256 of the table name>`, 16 bytes that each committed
 * write overwrites with fresh random ones, after its commit. Reading it is one `pread`, with no
 * SQLite transaction (`PRAGMA data_version` needs one and costs as much as the read it would save).
 * An empty file (no write yet) reads as `''`. The file descriptor is opened on first use and kept
 * until the store closes.
 *
 * A token read is reused for the rest of the current turn of the event loop (at most `maxReuseMs`)
 * unless this process writes meanwhile: under load one `pread` then serves every request of a turn
 * instead of each paying for a system call. Requests are read in the turn's poll for I/O, and all
 * those served in that turn had arrived before it returned, so before a read made while serving
 * them: a write another process commits after the read is concurrent with them. Whatever the phase
 * of the read, a reused token is at most `maxReuseMs` old.
 */
class FileChangeMarker implements ChangeMarker {
  readonly #directory: string;
  readonly #path: string;
  readonly #tableName: string;
  readonly #buffer = Buffer.alloc(markerLength);
  #fd: number | undefined;
  #closed = false;
  #failedReads = 0;
  /** The last token read, reusable while `#reusable`, `#readAt` and `#readAtWrites` allow. */
  #last = '';
  #reusable = false;
  #readAt = 0;
  #readAtWrites = 0;
  readonly #endOfTurn = (): void => {
    this.#reusable = false;
  };

  constructor(directory: string, tableName: string) {
    this.#directory = directory;
    this.#path = join(directory, hash('sha256', tableName, 'hex').slice(0, 32));
    this.#tableName = tableName;
  }

  #open(): number {
    if (this.#closed) throw closed();
    if (this.#fd === undefined) {
      mkdirSync(this.#directory, { recursive: true, mode: 0o700 });
      this.#fd = openSync(this.#path, constants.O_RDWR | constants.O_CREAT, 0o600);
    }
    return this.#fd;
  }

  bump(): void {
    try {
      writeSync(this.#open(), randomBytes(markerLength), 0, markerLength, 0);
    } catch (error) {
      // The write is committed; failing loudly beats other processes silently serving old data.
      throw new Error(
        `The write to table "${this.#tableName}" is committed, but other processes may not see it until the next write because its change marker could not be updated.`,
        { cause: error },
      );
    } finally {
      writesInThisProcess++;
    }
  }

  token(): string {
    if (this.#closed) throw closed();
    if (
      this.#reusable &&
      this.#readAtWrites === writesInThisProcess &&
      performance.now() - this.#readAt < maxReuseMs
    ) {
      return this.#last;
    }
    let token: string;
    try {
      const read = readSync(this.#open(), this.#buffer, 0, markerLength, 0);
      token = this.#buffer.toString('hex', 0, read);
    } catch {
      // Unreadable (permissions, a read-only directory): a value never given before makes callers
      // read every time, which is slower but never stale. '!' is not a hex digit.
      return `!${++this.#failedReads}`;
    }
    this.#last = token;
    this.#readAt = performance.now();
    this.#readAtWrites = writesInThisProcess;
    if (!this.#reusable) {
      this.#reusable = true;
      setImmediate(this.#endOfTurn).unref();
    }
    return token;
  }

  close(): void {
    this.#closed = true;
    this.#reusable = false;
    if (this.#fd !== undefined) closeSync(this.#fd);
    this.#fd = undefined;
  }
}

/** The smallest power of two ≥ `count` (≥ 1): the LIMIT of a statement reading `count` rows. */
function limitBucket(count: number): number {
  return 2 ** Math.ceil(Math.log2(Math.max(1, count)));
}

class SQLiteDocumentTable implements DocumentTable {
  readonly name: string;
  readonly #db: Database.Database;
  readonly #sqlName: string;
  readonly #schema: CanonicalSchema;
  readonly #maxEvaluated: number;
  readonly #table: AccessPath;
  readonly #indexes: ReadonlyMap<string, AccessPath>;
  readonly #statements = new Map<string, Statement>();
  readonly #gsiColumns: readonly string[];
  readonly #changes: ChangeMarker;

  constructor(
    db: Database.Database,
    name: string,
    schema: CanonicalSchema,
    maxEvaluated: number,
    changes: ChangeMarker,
  ) {
    this.#db = db;
    this.name = name;
    this.#changes = changes;
    this.#sqlName = `"doc_${name}"`;
    this.#schema = schema;
    this.#maxEvaluated = maxEvaluated;
    const tableKey = schema.sortKey === null ? ['pk'] : ['pk', 'sk'];
    this.#table = {
      index: null,
      partitionAttribute: schema.partitionKey,
      sortAttribute: schema.sortKey,
      partitionColumn: 'pk',
      sortColumn: schema.sortKey === null ? null : 'sk',
      orderColumns: tableKey,
    };
    const indexes = new Map<string, AccessPath>();
    const gsiColumns: string[] = [];
    schema.indexes.forEach(([indexName, index], i) => {
      const sortColumn = index.sortKey === null ? null : `g${i}_sk`;
      gsiColumns.push(`g${i}_pk`, `g${i}_sk`);
      indexes.set(indexName, {
        index: indexName,
        partitionAttribute: index.partitionKey,
        sortAttribute: index.sortKey,
        partitionColumn: `g${i}_pk`,
        sortColumn,
        orderColumns: sortColumn === null ? tableKey : [sortColumn, ...tableKey],
      });
    });
    this.#indexes = indexes;
    this.#gsiColumns = gsiColumns;
  }

  /** DDL creating this table and its indexes (idempotent). */
  static ddl(name: string, schema: CanonicalSchema): string[] {
    const table = `"doc_${name}"`;
    const key = schema.sortKey === null ? ['pk'] : ['pk', 'sk'];
    const columns = [...key.map((c) => `${c} NOT NULL`), 'data TEXT NOT NULL'];
    const statements: string[] = [];
    schema.indexes.forEach(([, index], i) => {
      columns.push(`g${i}_pk`, `g${i}_sk`);
      const indexColumns = [`g${i}_pk`, ...(index.sortKey === null ? [] : [`g${i}_sk`]), ...key];
      statements.push(
        `CREATE INDEX IF NOT EXISTS "doc_${name}__g${i}" ON ${table} (${indexColumns.join(', ')}) WHERE g${i}_pk IS NOT NULL`,
      );
    });
    return [
      `CREATE TABLE IF NOT EXISTS ${table} (${columns.join(', ')}, PRIMARY KEY (${key.join(', ')})) WITHOUT ROWID`,
      ...statements,
    ];
  }

  #statement(cacheKey: string, sql: () => string): Statement {
    let statement = this.#statements.get(cacheKey);
    if (statement === undefined) {
      statement = this.#db.prepare(sql());
      this.#statements.set(cacheKey, statement);
    }
    return statement;
  }

  /** Validates a key: exactly the table's key attributes, each a non-empty string or finite number. */
  #keyValues(key: Key): KeyValue[] {
    if (!isPlainObject(key))
      throw new StoreError('ERR_STORE_INVALID_KEY', `A key of table "${this.name}" must be an object.`);
    const attributes = [
      this.#schema.partitionKey,
      ...(this.#schema.sortKey === null ? [] : [this.#schema.sortKey]),
    ];
    for (const attribute of Object.keys(key)) {
      if (!attributes.includes(attribute) && key[attribute] !== undefined) {
        throw new StoreError(
          'ERR_STORE_INVALID_KEY',
          `The key attribute "${attribute}" is not part of the key of table "${this.name}".`,
        );
      }
    }
    return attributes.map((attribute) => this.#keyAttribute(key, attribute, 'ERR_STORE_INVALID_KEY'));
  }

  #keyAttribute(
    record: Record<string, unknown>,
    attribute: string,
    code: 'ERR_STORE_INVALID_KEY' | 'ERR_STORE_INVALID_ITEM',
  ): KeyValue {
    const value = record[attribute];
    if (value === undefined || value === null) {
      throw new StoreError(code, `The key attribute "${attribute}" of table "${this.name}" is missing.`);
    }
    if (!isKeyValue(value)) {
      throw new StoreError(
        code,
        `The key attribute "${attribute}" of table "${this.name}" must be a non-empty string or a finite number.`,
      );
    }
    return value === 0 ? 0 : value; // -0 is 0
  }

  /** Column values of a validated item: table key, then each index's key or nulls when absent. */
  #row(item: Record<string, unknown>): { key: KeyValue[]; gsi: (KeyValue | null)[]; data: string } {
    if (!isPlainObject(item))
      throw new StoreError('ERR_STORE_INVALID_ITEM', 'An item must be a plain object.');
    const key = [
      this.#schema.partitionKey,
      ...(this.#schema.sortKey === null ? [] : [this.#schema.sortKey]),
    ].map((attribute) => this.#keyAttribute(item, attribute, 'ERR_STORE_INVALID_ITEM'));
    const gsi: (KeyValue | null)[] = [];
    for (const [indexName, index] of this.#schema.indexes) {
      const attributes = [index.partitionKey, ...(index.sortKey === null ? [] : [index.sortKey])];
      const values = attributes.map((attribute) => item[attribute]);
      // Sparse index: an item missing (or holding null in) an index key attribute is not in it.
      if (values.some((v) => v === undefined || v === null)) {
        gsi.push(null, null);
        continue;
      }
      for (const [i, value] of values.entries()) {
        if (!isKeyValue(value)) {
          throw new StoreError(
            'ERR_STORE_INVALID_ITEM',
            `The attribute "${attributes[i] ?? ''}" is a key of index "${indexName}" and must be a non-empty string or a finite number.`,
          );
        }
      }
      gsi.push(
        values[0] === 0 ? 0 : (values[0] as KeyValue),
        index.sortKey === null ? null : (values[1] as KeyValue),
      );
    }
    return { key, gsi, data: serialize(item) };
  }

  #keyWhere(): string {
    return this.#schema.sortKey === null ? 'pk = ?' : 'pk = ? AND sk = ?';
  }

  #read(key: KeyValue[]): Item | undefined {
    const row = this.#statement(
      'get',
      () => `SELECT data FROM ${this.#sqlName} WHERE ${this.#keyWhere()}`,
    ).get(...key) as Row | undefined;
    return row === undefined ? undefined : (JSON.parse(row.data) as Item);
  }

  #write(row: { key: KeyValue[]; gsi: (KeyValue | null)[]; data: string }): void {
    this.#statement('put', () => {
      const columns = [
        ...(this.#schema.sortKey === null ? ['pk'] : ['pk', 'sk']),
        'data',
        ...this.#gsiColumns,
      ];
      return `INSERT OR REPLACE INTO ${this.#sqlName} (${columns.join(', ')}) VALUES (${columns.map(() => '?').join(', ')})`;
    }).run(...row.key, row.data, ...row.gsi);
  }

  #check(predicate: ItemPredicate | undefined, current: Item | undefined): void {
    if (predicate !== undefined && !predicate(current ?? {})) throw new ConditionalCheckFailedError(current);
  }

  #condition(options: WriteOptions | undefined): ItemPredicate | undefined {
    if (options === undefined) return undefined;
    if (!isPlainObject(options)) throw invalidInput('The write options must be an object.');
    const { condition } = options as WriteOptions;
    return condition === undefined || condition === null ? undefined : compileCondition(condition);
  }

  changeToken(): string {
    return this.#changes.token();
  }

  async get(key: Key): Promise<Item | undefined> {
    return this.#read(this.#keyValues(key));
  }

  // Every write below bumps the change marker only once SQLite has committed it (a single
  // statement commits on its own, a transaction when `immediate()` returns), so a reader that sees
  // the new token reads the new data. A write that throws (a failed condition) does not bump.

  async put(item: Item, options?: WriteOptions): Promise<void> {
    const row = this.#row(item);
    const predicate = this.#condition(options);
    if (predicate === undefined) {
      this.#write(row);
    } else {
      this.#db
        .transaction(() => {
          this.#check(predicate, this.#read(row.key));
          this.#write(row);
        })
        .immediate();
    }
    this.#changes.bump();
  }

  async update(key: Key, update: UpdateInput, options?: WriteOptions): Promise<Item> {
    const keyValues = this.#keyValues(key);
    const predicate = this.#condition(options);
    const { set, remove, add } = this.#validateUpdate(key, update);
    const updated = this.#db
      .transaction((): Item => {
        const current = this.#read(keyValues);
        this.#check(predicate, current);
        const next: Record<string, unknown> = { ...(current ?? {}) };
        for (const [attribute, value] of Object.entries(key))
          if (value !== undefined) next[attribute] = value;
        for (const [attribute, value] of set) next[attribute] = value;
        for (const attribute of remove) delete next[attribute];
        for (const [attribute, amount] of add) {
          const value = next[attribute] ?? 0;
          if (typeof value !== 'number') {
            throw invalidInput(`The attribute "${attribute}" must be a number to be added to.`);
          }
          next[attribute] = value + amount;
        }
        const row = this.#row(next);
        this.#write(row);
        return JSON.parse(row.data) as Item;
      })
      .immediate();
    this.#changes.bump();
    return updated;
  }

  #validateUpdate(
    key: Key,
    update: UpdateInput,
  ): { set: [string, unknown][]; remove: string[]; add: [string, number][] } {
    if (!isPlainObject(update)) throw invalidInput('An update must be an object.');
    const keyAttributes = new Set(Object.keys(key));
    const seen = new Set<string>();
    const claim = (attribute: string): void => {
      if (seen.has(attribute))
        throw invalidInput(`The attribute "${attribute}" must appear once in an update.`);
      seen.add(attribute);
    };
    const set: [string, unknown][] = [];
    if (update.set !== undefined) {
      if (!isPlainObject(update.set)) throw invalidInput('The "set" of an update must be an object.');
      for (const [attribute, value] of Object.entries(update.set)) {
        if (value === undefined) continue;
        claim(attribute);
        // Setting a key attribute to its own value is harmless (resolvers often pass whole inputs).
        if (keyAttributes.has(attribute)) {
          if (!deepEqual(value, key[attribute])) {
            throw invalidInput(`The attribute "${attribute}" is part of the key and cannot be updated.`);
          }
          continue;
        }
        set.push([attribute, value]);
      }
    }
    const remove: string[] = [];
    if (update.remove !== undefined) {
      if (!Array.isArray(update.remove))
        throw invalidInput('The "remove" of an update must be a list of attribute names.');
      for (const attribute of update.remove as unknown[]) {
        if (typeof attribute !== 'string')
          throw invalidInput('The "remove" of an update must be a list of attribute names.');
        claim(attribute);
        if (keyAttributes.has(attribute)) {
          throw invalidInput(`The attribute "${attribute}" is part of the key and cannot be removed.`);
        }
        remove.push(attribute);
      }
    }
    const add: [string, number][] = [];
    if (update.add !== undefined) {
      if (!isPlainObject(update.add)) throw invalidInput('The "add" of an update must be an object.');
      for (const [attribute, amount] of Object.entries(update.add)) {
        if (amount === undefined) continue;
        claim(attribute);
        if (keyAttributes.has(attribute)) {
          throw invalidInput(`The attribute "${attribute}" is part of the key and cannot be added to.`);
        }
        if (typeof amount !== 'number' || !Number.isFinite(amount)) {
          throw invalidInput(`The amount added to "${attribute}" must be a finite number.`);
        }
        add.push([attribute, amount]);
      }
    }
    return { set, remove, add };
  }

  async delete(key: Key, options?: WriteOptions): Promise<Item | undefined> {
    const keyValues = this.#keyValues(key);
    const predicate = this.#condition(options);
    const remove = (): Item | undefined => {
      const row = this.#statement(
        'delete',
        () => `DELETE FROM ${this.#sqlName} WHERE ${this.#keyWhere()} RETURNING data`,
      ).get(...keyValues) as Row | undefined;
      return row === undefined ? undefined : (JSON.parse(row.data) as Item);
    };
    const deleted =
      predicate === undefined
        ? remove()
        : this.#db
            .transaction((): Item | undefined => {
              this.#check(predicate, this.#read(keyValues));
              return remove();
            })
            .immediate();
    this.#changes.bump();
    return deleted;
  }

  async query(input: QueryInput): Promise<Page> {
    if (!isPlainObject(input)) throw invalidInput('A query input must be an object.');
    let path = this.#table;
    if (input.index !== undefined && input.index !== null) {
      const found = this.#indexes.get(input.index);
      if (found === undefined) {
        throw new StoreError(
          'ERR_STORE_UNKNOWN_INDEX',
          `The index "${input.index}" does not exist on table "${this.name}".`,
        );
      }
      path = found;
    }
    if (!isKeyValue(input.partition)) {
      throw new StoreError(
        'ERR_STORE_INVALID_KEY',
        `The "partition" of a query on "${path.partitionAttribute}" must be a non-empty string or a finite number.`,
      );
    }
    const partition = input.partition === 0 ? 0 : input.partition;
    let sort: ParsedSortKeyCondition | undefined;
    if (input.sort !== undefined && input.sort !== null) {
      if (path.sortColumn === null) {
        throw invalidInput(
          `A sort key condition needs a sort key, and ${path.index === null ? `table "${this.name}"` : `index "${path.index}"`} has none.`,
        );
      }
      sort = parseSortKeyCondition(input.sort);
    }
    const forward = input.forward ?? true;
    if (typeof forward !== 'boolean') throw invalidInput('The "forward" of a query must be a boolean.');
    return this.#readPage(path, partition, sort, forward, input);
  }

  async scan(input: ScanInput = {}): Promise<Page> {
    if (!isPlainObject(input)) throw invalidInput('A scan input must be an object.');
    return this.#readPage(this.#table, null, undefined, true, input);
  }

  /**
   * Reads one page in key order. Semantics (an Amplify-friendly departure from DynamoDB, ADR-worthy):
   * - `limit` caps the number of items *returned*; the store keeps reading past items the filter
   *   rejects until the page is full (DynamoDB counts items *evaluated*, so its filtered pages come
   *   back short or empty). Reading stops anyway after `maxEvaluatedPerPage` items, as DynamoDB's
   *   1 MB page does, so a page may still be short, with a `nextToken`.
   * - `nextToken` is base64url of JSON naming the table, index, partition, direction and the
   *   position of the last item *evaluated*; the next page starts after it. It is `null` exactly
   *   when nothing is left to read (a full page that ends the data therefore gets `null`).
   * - The partition is always part of the SQL, so a forged token can move the start but never
   *   leave the partition; a token that does not decode, or belongs to another query, throws
   *   `ERR_STORE_INVALID_NEXT_TOKEN`.
   */
  #readPage(
    path: AccessPath,
    partition: KeyValue | null,
    sort: ParsedSortKeyCondition | undefined,
    forward: boolean,
    input: ScanInput,
  ): Page {
    const limit =
      input.limit === undefined || input.limit === null ? Infinity : positiveInteger(input.limit, 'limit');
    const filter =
      input.filter === undefined || input.filter === null ? undefined : compileCondition(input.filter);
    const tokenHeader = { v: tokenVersion, t: this.name, i: path.index, p: partition, f: forward };
    // Within a partition of the table itself `pk` is fixed, so the sort key alone orders the rows
    // (and a table without a sort key holds at most one item per partition).
    const orderColumns =
      partition !== null && path.index === null ? path.orderColumns.slice(1) : path.orderColumns;
    let cursor =
      input.nextToken === undefined || input.nextToken === null
        ? undefined
        : this.#decodeToken(input.nextToken, tokenHeader, orderColumns.length);
    if (cursor !== undefined && orderColumns.length === 0) return { items: [], nextToken: null };

    const items: Item[] = [];
    let evaluated = 0;
    let last: KeyValue[] | undefined;
    for (;;) {
      // One row beyond what the page can take tells whether anything is left to read.
      const want = Math.min(limit - items.length, this.#maxEvaluated - evaluated) + 1;
      const chunk =
        filter === undefined ? want : Math.max(want, Math.min(256, this.#maxEvaluated - evaluated + 1));
      const rows = this.#select(path, orderColumns, partition, sort, forward, cursor, chunk);
      for (const row of rows) {
        if (items.length >= limit || evaluated >= this.#maxEvaluated) {
          return { items, nextToken: this.#encodeToken(tokenHeader, last) };
        }
        evaluated++;
        last = orderColumns.map((c) => row[c] as KeyValue);
        const item = JSON.parse(row.data) as Item;
        if (filter === undefined || filter(item)) items.push(item);
      }
      if (rows.length < chunk || last === undefined) return { items, nextToken: null };
      cursor = last;
    }
  }

  #select(
    path: AccessPath,
    orderColumns: readonly string[],
    partition: KeyValue | null,
    sort: ParsedSortKeyCondition | undefined,
    forward: boolean,
    cursor: readonly KeyValue[] | undefined,
    count: number,
  ): Row[] {
    const params: Record<string, KeyValue | number> = {};
    let sortShape = '';
    if (sort !== undefined) {
      const type =
        sort.op === 'beginsWith' ? 'string' : typeof (sort.op === 'between' ? sort.value[0] : sort.value);
      if (sort.op === 'between') {
        params.s0 = sort.value[0];
        params.s1 = sort.value[1];
      } else if (sort.op === 'beginsWith') {
        params.s0 = sort.value;
        const upper = prefixUpperBound(sort.value);
        if (upper !== undefined) params.s1 = upper;
      } else {
        params.s0 = sort.value;
      }
      sortShape = `${sort.op}:${type}:${params.s1 === undefined ? 1 : 2}`;
    }
    if (partition !== null) params.p = partition;
    cursor?.forEach((value, i) => (params[`k${i}`] = value));
    // The row limit is part of the SQL text, never a bound parameter: SQLite recompiles a statement
    // whose LIMIT parameter is rebound on every step (measured: a 5-row scan took twice as long).
    // Limits are rounded up to a power of two so that few statements are kept; extra rows are cut.
    const limit = limitBucket(count);
    const cacheKey = `select|${path.index ?? ''}|${partition === null ? 'scan' : 'query'}|${sortShape}|${forward ? 'asc' : 'desc'}|${cursor === undefined ? 0 : 1}|${limit}`;
    const statement = this.#statement(cacheKey, () => {
      const where: string[] = [];
      if (partition !== null) where.push(`${path.partitionColumn} = @p`);
      if (sort !== undefined) where.push(...sortKeySQL(path.sortColumn as string, sortShape));
      if (cursor !== undefined) {
        const columns = orderColumns.length === 1 ? orderColumns[0] : `(${orderColumns.join(', ')})`;
        const values =
          orderColumns.length === 1 ? '@k0' : `(${orderColumns.map((_, i) => `@k${i}`).join(', ')})`;
        where.push(`${columns} ${forward ? '>' : '<'} ${values}`);
      }
      const direction = forward ? 'ASC' : 'DESC';
      const order =
        orderColumns.length === 0
          ? ''
          : ` ORDER BY ${orderColumns.map((c) => `${c} ${direction}`).join(', ')}`;
      const columns = ['data', ...orderColumns].join(', ');
      return `SELECT ${columns} FROM ${this.#sqlName}${where.length === 0 ? '' : ` WHERE ${where.join(' AND ')}`}${order} LIMIT ${limit}`;
    });
    const rows = statement.all(params) as Row[];
    if (rows.length > count) rows.length = count;
    return rows;
  }

  #encodeToken(header: object, last: KeyValue[] | undefined): string | null {
    if (last === undefined) return null;
    return Buffer.from(JSON.stringify({ ...header, k: last }), 'utf8').toString('base64url');
  }

  #decodeToken(token: unknown, header: Record<string, unknown>, length: number): KeyValue[] {
    const fail = (): StoreError =>
      new StoreError(
        'ERR_STORE_INVALID_NEXT_TOKEN',
        'The "nextToken" is invalid or belongs to another query.',
      );
    if (typeof token !== 'string' || !tokenPattern.test(token)) throw fail();
    let decoded: unknown;
    try {
      decoded = JSON.parse(Buffer.from(token, 'base64url').toString('utf8'));
    } catch {
      throw fail();
    }
    if (!isPlainObject(decoded)) throw fail();
    for (const [field, expected] of Object.entries(header)) {
      if (!deepEqual(decoded[field] ?? null, expected)) throw fail();
    }
    const values = decoded.k;
    if (!Array.isArray(values) || values.length !== length || !values.every(isKeyValue)) throw fail();
    return values;
  }
}

/** SQL terms of a sort-key condition on `column`; `shape` is `op:type:operands`. */
function sortKeySQL(column: string, shape: string): string[] {
  const [op, type, operands] = shape.split(':');
  const numeric = type === 'number';
  // Numbers sort before every string, so '' bounds the numbers from above and the strings from below.
  switch (op) {
    case 'eq':
      return [`${column} = @s0`];
    case 'lt':
      return numeric ? [`${column} < @s0`] : [`${column} < @s0`, `${column} >= ''`];
    case 'le':
      return numeric ? [`${column} <= @s0`] : [`${column} <= @s0`, `${column} >= ''`];
    case 'gt':
      return numeric ? [`${column} > @s0`, `${column} < ''`] : [`${column} > @s0`];
    case 'ge':
      return numeric ? [`${column} >= @s0`, `${column} < ''`] : [`${column} >= @s0`];
    case 'between':
      return [`${column} >= @s0`, `${column} <= @s1`];
    case 'beginsWith':
      return operands === '2' ? [`${column} >= @s0`, `${column} < @s1`] : [`${column} >= @s0`];
    default:
      throw new Error(`Unreachable sort key operator "${op ?? ''}".`);
  }
}

/** Opens (creating if needed) a SQLite document store; safe to share one file between processes. */
export function createSQLiteDocumentStore(options: SQLiteDocumentStoreOptions): DocumentStore {
  if (!isPlainObject(options) || typeof options.filename !== 'string' || options.filename === '') {
    throw new TypeError('"filename" must be a non-empty string.');
  }
  const busyTimeoutMs = options.busyTimeoutMs ?? 5000;
  if (!Number.isInteger(busyTimeoutMs) || busyTimeoutMs < 0) {
    throw new RangeError('"busyTimeoutMs" must be a non-negative integer.');
  }
  const maxEvaluated = positiveInteger(options.maxEvaluatedPerPage ?? 1000, 'maxEvaluatedPerPage');
  const db = new Database(options.filename, { timeout: busyTimeoutMs });
  db.pragma(`busy_timeout = ${busyTimeoutMs}`);
  // WAL lets readers (the server) and a writer (a CLI process) work on one file at once.
  db.pragma('journal_mode = WAL');
  db.exec(
    'CREATE TABLE IF NOT EXISTS gatehouse_tables (name TEXT PRIMARY KEY, schema TEXT NOT NULL) WITHOUT ROWID',
  );
  const readSchema = db.prepare('SELECT schema FROM gatehouse_tables WHERE name = ?');
  const writeSchema = db.prepare('INSERT INTO gatehouse_tables (name, schema) VALUES (?, ?)');
  const tables = new Map<string, { schema: string; table: SQLiteDocumentTable; changes: ChangeMarker }>();
  // SQLite's own absolute path of the file (so processes with other working directories agree),
  // or '' for an in-memory or temporary database, which no other process can write.
  const databases = db.pragma('database_list') as { name: string; file: string }[];
  const file = databases.find((database) => database.name === 'main')?.file ?? '';
  const changesDirectory = file === '' ? undefined : `${file}-changes`;

  const mismatch = (name: string): StoreError =>
    new StoreError('ERR_STORE_SCHEMA_MISMATCH', `The table "${name}" exists with a different schema.`);

  return {
    async table(name: string, schema: TableSchema): Promise<DocumentTable> {
      if (typeof name !== 'string' || !namePattern.test(name)) {
        throw invalidInput('A table name must be 1 to 255 letters, digits, "_", "." or "-".');
      }
      const canonical = canonicalSchema(name, schema);
      const text = JSON.stringify(canonical);
      const open = tables.get(name);
      if (open !== undefined) {
        if (open.schema !== text) throw mismatch(name);
        return open.table;
      }
      db.transaction(() => {
        const stored = readSchema.get(name) as { schema: string } | undefined;
        if (stored !== undefined) {
          if (stored.schema !== text) throw mismatch(name);
          return;
        }
        for (const sql of SQLiteDocumentTable.ddl(name, canonical)) db.exec(sql);
        writeSchema.run(name, text);
      }).immediate();
      const changes =
        changesDirectory === undefined
          ? createCountingChangeMarker()
          : new FileChangeMarker(changesDirectory, name);
      const table = new SQLiteDocumentTable(db, name, canonical, maxEvaluated, changes);
      tables.set(name, { schema: text, table, changes });
      return table;
    },
    async close(): Promise<void> {
      for (const { changes } of tables.values()) changes.close();
      tables.clear();
      if (db.open) db.close();
    },
  };
}
