/**
 * RS256 signing keys of one user pool (identity.md §5): two RSA-2048 pairs, one for ID tokens and
 * one for access tokens (Cognito's kids differ), generated on first use and stored in the document
 * store with the private key encrypted under the install key, so every process on the same data
 * sees and signs with the same keys. `kid` is the RFC 7638 thumbprint.
 */
import { createPrivateKey, generateKeyPair as generateKeyPairCallback, type KeyObject } from 'node:crypto';
import { promisify } from 'node:util';
import { CompactSign, calculateJwkThumbprint } from 'jose';
import { isConditionalCheckFailedError } from '@gatehouse/core';
import type { Clock, DocumentStore, DocumentTable, Item, JWKSource, PublicJWK } from '@gatehouse/core';
import { assertInstallKey, decryptBlob, encryptBlob } from './install-key.js';

const generateKeyPair = promisify(generateKeyPairCallback);

export const signingKeyUses = ['id', 'access'] as const;
export type SigningKeyUse = (typeof signingKeyUses)[number];

/** A public key as published: `{alg, e, kid, kty, n, use}`. */
export interface SigningJWK extends PublicJWK {
  alg: 'RS256';
  e: string;
  kid: string;
  kty: 'RSA';
  n: string;
  use: 'sig';
}

export interface SigningKeyRingOptions {
  readonly store: DocumentStore;
  readonly installKey: Uint8Array;
  /** The user pool id; keys are per pool. */
  readonly poolId: string;
  readonly now?: Clock | undefined;
  /**
   * How long a replaced key stays published, in seconds: the longest token lifetime plus clock
   * tolerance. Default one day (the longest ID/access lifetime) plus 5 minutes.
   */
  readonly retiredKeyLifetimeSeconds?: number | undefined;
  /** How long keys read from the store are reused before re-reading, in seconds. Default 60. */
  readonly cacheSeconds?: number | undefined;
  /** Key generation (RSA-2048 from `node:crypto` by default); injectable so tests can reuse keys. */
  readonly generateRSAKeyPair?: RSAKeyPairGenerator | undefined;
}

export type RSAKeyPairGenerator = () => Promise<{ publicKey: KeyObject; privateKey: KeyObject }>;

export const generateRSAKeyPair: RSAKeyPairGenerator = () =>
  generateKeyPair('rsa', { modulusLength: 2048, publicExponent: 0x10001 });

export interface SigningKeyRing extends JWKSource {
  /** The JWKS document served at `<iss>/.well-known/jwks.json`. */
  jwks(): Promise<{ keys: SigningJWK[] }>;
  /** Signs a JWT whose header is exactly `{"kid":"…","alg":"RS256"}` and payload is `claims` in order. */
  sign(use: SigningKeyUse, claims: Readonly<Record<string, unknown>>): Promise<string>;
  /** Adds a new key for `use` and signs with it from now on; returns its kid. */
  rotate(use: SigningKeyUse): Promise<string>;
  /** The kid that currently signs for `use`. */
  currentKid(use: SigningKeyUse): Promise<string>;
}

interface StoredKey {
  kid: string;
  createdAt: number;
  /** Epoch ms when a newer key replaced it; `null` while it signs. */
  retiredAt: number | null;
  n: string;
  e: string;
  /** PKCS#8 DER, sealed with `encryptBlob`. */
  privateKey: string;
}

interface StoredRing {
  version: number;
  keys: StoredKey[];
}

const tableName = 'identity_signing_keys';
const encryptionPurpose = 'signing-key';
const defaultRetiredKeyLifetimeSeconds = 86_400 + 300;

export async function createSigningKeyRing(options: SigningKeyRingOptions): Promise<SigningKeyRing> {
  assertInstallKey(options.installKey);
  const { installKey, poolId } = options;
  if (typeof poolId !== 'string' || poolId.length === 0)
    throw new TypeError('"poolId" must be a non-empty string.');
  const now = options.now ?? Date.now;
  const retiredLifetimeMs = (options.retiredKeyLifetimeSeconds ?? defaultRetiredKeyLifetimeSeconds) * 1000;
  const cacheMs = (options.cacheSeconds ?? 60) * 1000;
  const generate = options.generateRSAKeyPair ?? generateRSAKeyPair;
  const table = await options.store.table(tableName, { partitionKey: 'poolId', sortKey: 'use' });

  let cache: { loadedAt: number; rings: Map<SigningKeyUse, StoredRing> } | undefined;
  const privateKeys = new Map<string, KeyObject>();

  async function load(refresh = false): Promise<Map<SigningKeyUse, StoredRing>> {
    const time = now();
    if (!refresh && cache && time - cache.loadedAt < cacheMs) return cache.rings;
    const rings = new Map<SigningKeyUse, StoredRing>();
    for (const use of signingKeyUses)
      rings.set(use, await loadOrCreateRing(table, installKey, poolId, use, time, generate));
    cache = { loadedAt: time, rings };
    return rings;
  }

  async function activeKey(use: SigningKeyUse): Promise<StoredKey> {
    const ring = (await load()).get(use);
    const key = ring && currentKey(ring);
    if (!key) throw new Error(`The user pool "${poolId}" has no ${use} signing key.`);
    return key;
  }

  function privateKeyOf(use: SigningKeyUse, key: StoredKey): KeyObject {
    let privateKey = privateKeys.get(key.kid);
    if (!privateKey) {
      const der = decryptBlob(installKey, encryptionPurpose, key.privateKey, aad(poolId, use, key.kid));
      privateKey = createPrivateKey({ key: Buffer.from(der), format: 'der', type: 'pkcs8' });
      privateKeys.set(key.kid, privateKey);
    }
    return privateKey;
  }

  async function publicKeys(refresh: boolean): Promise<SigningJWK[]> {
    const rings = await load(refresh);
    const time = now();
    const keys: SigningJWK[] = [];
    for (const use of signingKeyUses) {
      for (const key of rings.get(use)?.keys ?? []) {
        if (key.retiredAt === null || time < key.retiredAt + retiredLifetimeMs) {
          keys.push({ alg: 'RS256', e: key.e, kid: key.kid, kty: 'RSA', n: key.n, use: 'sig' });
        }
      }
    }
    return keys;
  }

  return {
    async jwks() {
      return { keys: await publicKeys(false) };
    },
    async getKeys(getOptions) {
      return publicKeys(getOptions?.refresh === true);
    },
    async sign(use, claims) {
      const key = await activeKey(use);
      const payload = new TextEncoder().encode(JSON.stringify(claims));
      return new CompactSign(payload)
        .setProtectedHeader({ kid: key.kid, alg: 'RS256' })
        .sign(privateKeyOf(use, key));
    },
    async currentKid(use) {
      return (await activeKey(use)).kid;
    },
    async rotate(use) {
      for (let attempt = 0; attempt < 5; attempt += 1) {
        const time = now();
        const ring = await loadOrCreateRing(table, installKey, poolId, use, time, generate);
        const fresh = await generateStoredKey(installKey, poolId, use, time, generate);
        const kept = ring.keys
          .filter((key) => key.retiredAt === null || time < key.retiredAt + retiredLifetimeMs)
          .map((key) => (key.retiredAt === null ? { ...key, retiredAt: time } : key));
        const next: StoredRing = { version: ring.version + 1, keys: [...kept, fresh] };
        if (await tryWrite(table, poolId, use, next, ring.version)) {
          cache = undefined;
          return fresh.kid;
        }
      }
      throw new Error(
        `The ${use} signing key of user pool "${poolId}" could not be rotated: concurrent rotations.`,
      );
    },
  };
}

function currentKey(ring: StoredRing): StoredKey | undefined {
  let current: StoredKey | undefined;
  for (const key of ring.keys) {
    if (key.retiredAt === null && (!current || key.createdAt >= current.createdAt)) current = key;
  }
  return current;
}

function aad(poolId: string, use: SigningKeyUse, kid: string): string {
  return `${poolId}\n${use}\n${kid}`;
}

async function loadOrCreateRing(
  table: DocumentTable,
  installKey: Uint8Array,
  poolId: string,
  use: SigningKeyUse,
  time: number,
  generate: RSAKeyPairGenerator,
): Promise<StoredRing> {
  const existing = parseRing(await table.get({ poolId, use }));
  if (existing) return existing;
  const ring: StoredRing = {
    version: 1,
    keys: [await generateStoredKey(installKey, poolId, use, time, generate)],
  };
  if (await tryWrite(table, poolId, use, ring, null)) return ring;
  const winner = parseRing(await table.get({ poolId, use }));
  if (!winner) throw new Error(`The ${use} signing key of user pool "${poolId}" could not be stored.`);
  return winner;
}

/**
 * Writes the ring if the stored one is still `expectedVersion` (`null`: absent). `false` when another
 * process wrote first.
 */
async function tryWrite(
  table: DocumentTable,
  poolId: string,
  use: SigningKeyUse,
  ring: StoredRing,
  expectedVersion: number | null,
): Promise<boolean> {
  const condition =
    expectedVersion === null ? { use: { attributeExists: false } } : { version: { eq: expectedVersion } };
  try {
    await table.put({ poolId, use, version: ring.version, keys: ring.keys }, { condition });
    return true;
  } catch (error) {
    if (isConditionalCheckFailedError(error)) return false;
    throw error;
  }
}

async function generateStoredKey(
  installKey: Uint8Array,
  poolId: string,
  use: SigningKeyUse,
  time: number,
  generate: RSAKeyPairGenerator,
): Promise<StoredKey> {
  const { publicKey, privateKey } = await generate();
  if (
    privateKey.asymmetricKeyType !== 'rsa' ||
    (privateKey.asymmetricKeyDetails?.modulusLength ?? 0) < 2048
  ) {
    throw new Error('A signing key must be an RSA key of at least 2048 bits.');
  }
  const jwk = publicKey.export({ format: 'jwk' });
  if (typeof jwk.n !== 'string' || typeof jwk.e !== 'string')
    throw new Error('The generated RSA key has no modulus.');
  const kid = await calculateJwkThumbprint({ kty: 'RSA', n: jwk.n, e: jwk.e }, 'sha256');
  const der = privateKey.export({ format: 'der', type: 'pkcs8' });
  return {
    kid,
    createdAt: time,
    retiredAt: null,
    n: jwk.n,
    e: jwk.e,
    privateKey: encryptBlob(installKey, encryptionPurpose, new Uint8Array(der), aad(poolId, use, kid)),
  };
}

function parseRing(item: Item | undefined): StoredRing | undefined {
  if (!item) return undefined;
  const { version, keys } = item;
  if (typeof version !== 'number' || !Array.isArray(keys)) {
    throw new Error('A stored signing key ring is malformed.');
  }
  return { version, keys: keys.map(parseKey) };
}

function parseKey(value: unknown): StoredKey {
  if (typeof value !== 'object' || value === null) throw new Error('A stored signing key is malformed.');
  const key = value as Record<string, unknown>;
  const { kid, createdAt, retiredAt, n, e, privateKey } = key;
  if (
    typeof kid !== 'string' ||
    typeof createdAt !== 'number' ||
    (retiredAt !== null && typeof retiredAt !== 'number') ||
    typeof n !== 'string' ||
    typeof e !== 'string' ||
    typeof privateKey !== 'string'
  ) {
    throw new Error('A stored signing key is malformed.');
  }
  return { kid, createdAt, retiredAt, n, e, privateKey };
}
