/**
 * AppSync API keys (appsync-auth.md §3.1, §4, §8): `da2-` + 26 × [a-z0-9] from a CSPRNG, stored as
 * SHA-256 only (plus the 8-character display prefix), ≤ 50 per API, expiry 1–365 days rounded down
 * to the hour, purged 60 days after expiry.
 */
import { hash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { APIKeyVerifier, Clock, DocumentStore, DocumentTable, Item } from '@gatehouse/core';
import { IdentityError } from './errors.js';

/** AppSync's `ApiKey` shape. `id` is the full key only in `create`'s result; elsewhere `da2-xxxx…`. */
export interface APIKey {
  readonly id: string;
  readonly description: string | null;
  /** Epoch seconds, on the hour. */
  readonly expires: number;
  /** Epoch seconds: `expires` + 60 days, when the key is purged. */
  readonly deletes: number;
}

export interface APIKeyStoreOptions {
  readonly store: DocumentStore;
  readonly apiId: string;
  readonly now?: Clock | undefined;
  /** CSPRNG; injectable for tests. */
  readonly random?: ((length: number) => Uint8Array) | undefined;
}

export interface APIKeyStore extends APIKeyVerifier {
  create(input?: { expiresInDays?: number | undefined; description?: string | undefined }): Promise<APIKey>;
  list(): Promise<APIKey[]>;
  /** Deletes by full key or by its unique displayed prefix (`da2-xxxx` or `da2-xxxx…`). */
  delete(idOrPrefix: string): Promise<void>;
  /** Sets `expires` to now + `expiresInDays` (1–365), possible until `deletes`. */
  extend(idOrPrefix: string, expiresInDays: number): Promise<APIKey>;
}

interface StoredAPIKey {
  keyHash: string;
  apiId: string;
  prefix: string;
  description: string | null;
  expires: number;
  deletes: number;
  createdAt: number;
}

export const maxAPIKeysPerAPI = 50;
const tableName = 'appsync_api_keys';
const keyPattern = /^da2-[a-z0-9]{26}$/;
const displayPrefixLength = 8;
const alphabet = 'abcdefghijklmnopqrstuvwxyz0123456789';
const day = 86_400;
const purgeAfterSeconds = 60 * day;
const maxDescriptionLength = 256;

export async function createAPIKeyStore(options: APIKeyStoreOptions): Promise<APIKeyStore> {
  const { apiId } = options;
  if (typeof apiId !== 'string' || apiId.length === 0)
    throw new TypeError('"apiId" must be a non-empty string.');
  const now = options.now ?? Date.now;
  const random = options.random ?? ((length: number) => new Uint8Array(randomBytes(length)));
  const table = await options.store.table(tableName, {
    partitionKey: 'keyHash',
    indexes: { byAPI: { partitionKey: 'apiId', sortKey: 'createdAt' } },
  });

  // Keys found in the store, by the key itself, as read while the table's change token was
  // `foundAt`; dropped as soon as the token moves (a write by this process or another, such as
  // `gatehouse api-keys delete`). Unknown keys are never remembered, so guessing cannot fill it.
  const found = new Map<string, StoredAPIKey>();
  let foundAt: string | undefined;

  /** The stored key of this API for `key`, from memory while the table is unchanged. */
  async function findKey(key: string): Promise<StoredAPIKey | undefined> {
    const token = table.changeToken?.();
    if (token !== foundAt) {
      found.clear();
      foundAt = token;
    }
    const remembered = token === undefined ? undefined : found.get(key);
    if (remembered !== undefined) return remembered;
    const hash = sha256Hex(key);
    const stored = parseKeyOrUndefined(await table.get({ keyHash: hash }));
    if (!stored || stored.apiId !== apiId) return undefined;
    const expected = Buffer.from(stored.keyHash, 'hex');
    const actual = Buffer.from(hash, 'hex');
    if (expected.length !== actual.length || !timingSafeEqual(expected, actual)) return undefined;
    // Only while the token is still the one read before the read: a concurrent check may already
    // have seen a newer one, and this read may predate the write that moved it.
    if (token !== undefined && foundAt === token && found.size < maxAPIKeysPerAPI * 2) {
      found.set(key, stored);
    }
    return stored;
  }

  async function liveKeys(): Promise<StoredAPIKey[]> {
    const nowSeconds = now() / 1000;
    const keys: StoredAPIKey[] = [];
    let nextToken: string | null = null;
    do {
      const page = await table.query({ index: 'byAPI', partition: apiId, nextToken });
      for (const item of page.items) {
        const key = parseKey(item);
        if (nowSeconds >= key.deletes) await purge(table, key);
        else keys.push(key);
      }
      nextToken = page.nextToken;
    } while (nextToken);
    return keys;
  }

  async function resolve(idOrPrefix: string): Promise<StoredAPIKey> {
    if (typeof idOrPrefix !== 'string')
      throw new IdentityError('BadRequestException', 'The API key id must be a string.');
    const notFound = () => new IdentityError('NotFoundException', 'The API key does not exist.');
    if (keyPattern.test(idOrPrefix)) {
      const key = parseKeyOrUndefined(await table.get({ keyHash: sha256Hex(idOrPrefix) }));
      if (!key || key.apiId !== apiId || now() / 1000 >= key.deletes) throw notFound();
      return key;
    }
    const prefix = idOrPrefix.endsWith('…') ? idOrPrefix.slice(0, -1) : idOrPrefix;
    if (!/^da2-[a-z0-9]{4}$/.test(prefix)) {
      throw new IdentityError(
        'BadRequestException',
        'The API key id must be a full key or its first 8 characters.',
      );
    }
    const matches = (await liveKeys()).filter((key) => key.prefix === prefix);
    if (matches.length > 1) {
      throw new IdentityError(
        'BadRequestException',
        `The API key prefix "${prefix}" is ambiguous; give the full key.`,
      );
    }
    const [match] = matches;
    if (!match) throw notFound();
    return match;
  }

  function expiryFrom(
    nowSeconds: number,
    expiresInDays: number | undefined,
  ): { expires: number; deletes: number } {
    const days = expiresInDays ?? 7;
    // Bounds are checked on the requested validity, before rounding down to the hour.
    if (typeof days !== 'number' || !Number.isFinite(days) || days < 1 || days > 365) {
      throw new IdentityError(
        'ApiKeyValidityOutOfBoundsException',
        'API key must be valid for a minimum of 1 day and a maximum of 365 days.',
      );
    }
    const expires = Math.floor((nowSeconds + days * day) / 3600) * 3600;
    return { expires, deletes: expires + purgeAfterSeconds };
  }

  function generateKey(): string {
    let body = '';
    while (body.length < 26) {
      for (const byte of random(32)) {
        // Rejection sampling keeps the 36 characters uniform: 252 = 7 × 36.
        if (byte < 252 && body.length < 26) body += alphabet.charAt(byte % 36);
      }
    }
    return `da2-${body}`;
  }

  return {
    async create(input = {}) {
      const nowMs = now();
      const { expires, deletes } = expiryFrom(nowMs / 1000, input.expiresInDays);
      const description = input.description ?? null;
      if (
        description !== null &&
        (typeof description !== 'string' || description.length > maxDescriptionLength)
      ) {
        throw new IdentityError(
          'BadRequestException',
          `The description must be a string of at most ${maxDescriptionLength} characters.`,
        );
      }
      if ((await liveKeys()).length >= maxAPIKeysPerAPI) {
        throw new IdentityError(
          'ApiKeyLimitExceededException',
          `The API already has ${maxAPIKeysPerAPI} API keys.`,
        );
      }
      const id = generateKey();
      const stored: StoredAPIKey = {
        keyHash: sha256Hex(id),
        apiId,
        prefix: id.slice(0, displayPrefixLength),
        description,
        expires,
        deletes,
        createdAt: nowMs,
      };
      await table.put(stored as unknown as Item, { condition: { keyHash: { attributeExists: false } } });
      return { id, description, expires, deletes };
    },

    async list() {
      return (await liveKeys()).map(toAPIKey);
    },

    async delete(idOrPrefix) {
      const key = await resolve(idOrPrefix);
      await table.delete({ keyHash: key.keyHash });
    },

    async extend(idOrPrefix, expiresInDays) {
      const key = await resolve(idOrPrefix);
      const { expires, deletes } = expiryFrom(now() / 1000, expiresInDays);
      const updated = parseKey(
        await table.update(
          { keyHash: key.keyHash },
          { set: { expires, deletes } },
          {
            condition: { keyHash: { attributeExists: true } },
          },
        ),
      );
      return toAPIKey(updated);
    },

    async isValid(key, nowSeconds) {
      if (typeof key !== 'string' || !keyPattern.test(key)) return false;
      const stored = await findKey(key);
      if (!stored || stored.apiId !== apiId) return false;
      if (nowSeconds >= stored.deletes) {
        found.delete(key);
        await purge(table, stored);
        return false;
      }
      return nowSeconds < stored.expires;
    },
  };
}

async function purge(table: DocumentTable, key: StoredAPIKey): Promise<void> {
  await table.delete({ keyHash: key.keyHash }).catch(() => undefined);
}

function toAPIKey(key: StoredAPIKey): APIKey {
  return { id: `${key.prefix}…`, description: key.description, expires: key.expires, deletes: key.deletes };
}

function sha256Hex(value: string): string {
  return hash('sha256', value, 'hex');
}

function parseKeyOrUndefined(item: Item | undefined): StoredAPIKey | undefined {
  return item ? parseKey(item) : undefined;
}

function parseKey(item: Item): StoredAPIKey {
  const { keyHash, apiId, prefix, description, expires, deletes, createdAt } = item;
  if (
    typeof keyHash !== 'string' ||
    typeof apiId !== 'string' ||
    typeof prefix !== 'string' ||
    (description !== null && typeof description !== 'string') ||
    typeof expires !== 'number' ||
    typeof deletes !== 'number' ||
    typeof createdAt !== 'number'
  ) {
    throw new Error('A stored API key is malformed.');
  }
  return { keyHash, apiId, prefix, description, expires, deletes, createdAt };
}
