/**
 * A DynamoDB-like document table behind one interface; adapters per engine (SQLite, PostgreSQL)
 * pass one shared contract suite.
 */

export type Item = Record<string, unknown>;
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
  readonly filter?: Condition | undefined;
  readonly limit?: number | undefined;
  readonly nextToken?: string | null | undefined;
  /** Ascending by sort key when true (default). */
  readonly forward?: boolean | undefined;
}

export interface ScanInput {
  readonly filter?: Condition | undefined;
  readonly limit?: number | undefined;
  readonly nextToken?: string | null | undefined;
}

export interface Page {
  readonly items: Item[];
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
}

export interface DocumentStore {
  /** Opens (creating if needed) a table. Opening an existing table with another schema throws. */
  table(name: string, schema: TableSchema): Promise<DocumentTable>;
  close(): Promise<void>;
}
