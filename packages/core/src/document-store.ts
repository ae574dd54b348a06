/**
 * A DynamoDB-like document table behind one interface; adapters per engine (SQLite, PostgreSQL)
 * pass one shared contract suite.
 */

export type Item = Record<string, unknown>;
/**
 * Exactly the table's key attributes. A key value is a non-empty, well-formed string or a finite
 * number; numbers sort numerically and before strings, strings sort by their UTF-8 bytes.
 */
export type Key = Record<string, string | number>;

export interface IndexSchema {
  readonly partitionKey: string;
  readonly sortKey?: string | undefined;
}

export interface TableSchema extends IndexSchema {
  /** Global secondary indexes by name. */
  readonly indexes?: Readonly<Record<string, IndexSchema>> | undefined;
}

/** Key condition on the sort key (DynamoDB's operators). */
export type SortKeyCondition =
  | { eq: string | number }
  | { lt: string | number }
  | { le: string | number }
  | { gt: string | number }
  | { ge: string | number }
  | { between: [string | number, string | number] }
  | { beginsWith: string };

/** Per-attribute operators of a filter or condition (Amplify's `Model*FilterInput` shape). */
export interface AttributeCondition {
  eq?: unknown;
  ne?: unknown;
  lt?: string | number;
  le?: string | number;
  gt?: string | number;
  ge?: string | number;
  between?: [string | number, string | number];
  beginsWith?: string;
  contains?: unknown;
  notContains?: unknown;
  attributeExists?: boolean;
  in?: unknown[];
}

/** `{ attr: {op: value}, and: [...], or: [...], not: {...} }`; attributes are ANDed. */
export interface Condition {
  and?: Condition[];
  or?: Condition[];
  not?: Condition;
  [attribute: string]: AttributeCondition | Condition[] | Condition | undefined;
}

export interface QueryInput {
  /** Index name; the table's own key when absent. */
  readonly index?: string | undefined;
  /** Value of the (index's) partition key. */
  readonly partition: string | number;
  readonly sort?: SortKeyCondition | undefined;
  /** Applied after the key condition; items it rejects are skipped, not counted by `limit`. */
  readonly filter?: Condition | undefined;
  /**
   * Most items returned (a positive integer). Unlike DynamoDB, items the filter rejects do not
   * count: a page is short only at the end or when the adapter's per-page read cap is reached.
   */
  readonly limit?: number | undefined;
  /** The `nextToken` of the previous page of this same query (same index, partition, direction). */
  readonly nextToken?: string | null | undefined;
  /** Ascending by sort key when true (default). */
  readonly forward?: boolean | undefined;
}

/** Like `QueryInput` over the whole table; the order of a scan is the adapter's own. */
export interface ScanInput {
  readonly filter?: Condition | undefined;
  readonly limit?: number | undefined;
  readonly nextToken?: string | null | undefined;
}

export interface Page {
  readonly items: Item[];
  /**
   * Opaque position after the last item read; `null` exactly when nothing is left to read. An
   * invalid or foreign token makes the next call throw `StoreError` `ERR_STORE_INVALID_NEXT_TOKEN`.
   */
  readonly nextToken: string | null;
}

export interface UpdateInput {
  /** Attributes to set (replacing values). */
  readonly set?: Readonly<Record<string, unknown>> | undefined;
  /** Attributes to remove. */
  readonly remove?: readonly string[] | undefined;
  /** Numeric attributes to add to (missing counts as 0). */
  readonly add?: Readonly<Record<string, number>> | undefined;
}

export interface WriteOptions {
  /** The write happens only if the current item (or `{}` when absent) matches. */
  readonly condition?: Condition | undefined;
}

export interface DocumentTable {
  readonly name: string;
  get(key: Key): Promise<Item | undefined>;
  /** Creates or replaces the item. */
  put(item: Item, options?: WriteOptions): Promise<void>;
  /** Updates (or creates) the item and returns it as stored. */
  update(key: Key, update: UpdateInput, options?: WriteOptions): Promise<Item>;
  /** Deletes the item and returns what was deleted. */
  delete(key: Key, options?: WriteOptions): Promise<Item | undefined>;
  query(input: QueryInput): Promise<Page>;
  scan(input?: ScanInput): Promise<Page>;
  /**
   * A value that differs from every earlier one once any write to this table has been committed:
   * at once after a write by this process, and from the next turn of the event loop (within a
   * millisecond at most) after a write by another process sharing the store, so that a request
   * that arrived after a write committed elsewhere sees it. Cheap enough to ask on every request
   * (no query). Lets callers keep what they read in memory and drop it when the table changes: ask
   * before the read, and read again whenever the value differs. Adapters that cannot tell leave it
   * out, and callers then read every time.
   */
  changeToken?(): string;
}

export interface DocumentStore {
  /** Opens (creating if needed) a table. Opening an existing table with another schema throws. */
  table(name: string, schema: TableSchema): Promise<DocumentTable>;
  close(): Promise<void>;
}

/** Stable codes of document-store errors. */
export type StoreErrorCode =
  | 'ERR_STORE_INVALID_KEY'
  | 'ERR_STORE_INVALID_ITEM'
  | 'ERR_STORE_INVALID_INPUT'
  | 'ERR_STORE_UNKNOWN_INDEX'
  | 'ERR_STORE_INVALID_NEXT_TOKEN'
  | 'ERR_STORE_SCHEMA_MISMATCH';

/**
 * Misuse of the store: a missing or mistyped key attribute, an unknown index or operator, an
 * invalid `nextToken`, a schema that differs from the stored one. AppSync reports DynamoDB's
 * validation errors as `DynamoDB:DynamoDbException`.
 */
export class StoreError extends TypeError {
  readonly code: StoreErrorCode;
  readonly errorType = 'DynamoDB:DynamoDbException';
  constructor(code: StoreErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'StoreError';
    this.code = code;
  }
}

/** A write's condition did not match the stored item (DynamoDB's `ConditionalCheckFailedException`). */
export class ConditionalCheckFailedError extends Error {
  readonly code = 'ERR_STORE_CONDITION_FAILED';
  readonly errorType = 'DynamoDB:ConditionalCheckFailedException';
  /**
   * The item as stored when the check failed (`undefined` when absent), for resolvers that return
   * it (AppSync's conditional-check-failed handler). Never put it into logs or messages unfiltered.
   */
  readonly item: Item | undefined;
  constructor(item?: Item, options?: { cause?: unknown }) {
    super('The conditional request failed', options);
    this.name = 'ConditionalCheckFailedError';
    this.item = item;
  }
}

export function isConditionalCheckFailedError(value: unknown): value is ConditionalCheckFailedError {
  return value instanceof ConditionalCheckFailedError;
}

export function isStoreError(value: unknown): value is StoreError {
  return value instanceof StoreError;
}
