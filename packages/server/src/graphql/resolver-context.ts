import { randomUUID } from 'node:crypto';
import type { AppSyncIdentity, DocumentTable } from '@gatehouse/core';

/** An error a resolver throws on purpose; its fields appear in the GraphQL error (AppSync's `util.error`). */
export class ResolverError extends Error {
  readonly errorType: string | null;
  readonly data: unknown;
  readonly errorInfo: unknown;
  constructor(message: string, errorType?: string | null, data?: unknown, errorInfo?: unknown) {
    super(message);
    this.name = 'ResolverError';
    this.errorType = errorType ?? null;
    this.data = data ?? null;
    this.errorInfo = errorInfo ?? null;
  }
}

export interface ResolverUtil {
  /** Throws an error whose `errorType`, `data` and `errorInfo` reach the GraphQL error. */
  error(message: string, errorType?: string, data?: unknown, errorInfo?: unknown): never;
  autoId(): string;
  time: {
    nowISO8601(): string;
    nowEpochSeconds(): number;
    nowEpochMilliSeconds(): number;
  };
}

/** What a resolver module receives, after AppSync's `ctx`. */
export interface ResolverContext {
  readonly arguments: Record<string, unknown>;
  /** Alias of `arguments`. */
  readonly args: Record<string, unknown>;
  readonly source: unknown;
  readonly identity: AppSyncIdentity;
  readonly request: { readonly headers: Readonly<Record<string, string>> };
  readonly info: {
    readonly fieldName: string;
    readonly parentTypeName: string;
    readonly variables: Readonly<Record<string, unknown>>;
  };
  readonly tables: Readonly<Record<string, DocumentTable>>;
  readonly util: ResolverUtil;
  /** Per-request scratch space shared by the request's resolvers. */
  readonly stash: Record<string, unknown>;
}

export type ResolverFunction = (ctx: ResolverContext) => unknown;

export function createResolverUtil(now: () => number): ResolverUtil {
  return {
    error(message, errorType, data, errorInfo): never {
      throw new ResolverError(message, errorType, data, errorInfo);
    },
    autoId: () => randomUUID(),
    time: {
      nowISO8601: () => new Date(now()).toISOString(),
      nowEpochSeconds: () => Math.floor(now() / 1000),
      nowEpochMilliSeconds: () => now(),
    },
  };
}
