/**
 * Confirmation and reset codes (identity.md §2 "Codes", §8): 6 digits, single use, replaced on
 * resend, 5 wrong answers kill one, Cognito's lifetimes (sign-up 24 h, reset 1 h). Verification uses
 * an HMAC of the code under an install-key subkey; the code itself is also kept sealed with the
 * install key (`encryptBlob`) so that only someone holding the data dir's key file — the admin
 * CLI (`gatehouse users codes`) — can read it back. The API never returns a code.
 */
import { createHmac, randomBytes, randomInt, timingSafeEqual } from 'node:crypto';
import type { Clock, DocumentStore, DocumentTable, Item } from '@gatehouse/core';
import { IdentityError } from '../errors.js';
import { decryptBlob, deriveInstallSubkey, encryptBlob } from '../install-key.js';

export const codePurposes = ['SignUp', 'ForgotPassword', 'VerifyAttribute'] as const;
export type CodePurpose = (typeof codePurposes)[number];

/** Lifetimes in seconds (Cognito's). */
export const codeLifetimeSeconds: { readonly [P in CodePurpose]: number } = {
  SignUp: 24 * 3600,
  ForgotPassword: 3600,
  VerifyAttribute: 24 * 3600,
};

/** Wrong answers after which a code is dead. */
export const maximumCodeAttempts = 5;

export interface CodeListing {
  readonly purpose: CodePurpose;
  readonly code: string;
  /** ISO 8601. */
  readonly createdAt: string;
  readonly expiresAt: string;
  /** True once accepted; a code replaced by a newer one, expired or killed by wrong answers is not `used` but no longer works. */
  readonly used: boolean;
}

export interface CodeStore {
  /** Creates a new code for the user and purpose, replacing the previous one; returns it for delivery. */
  issue(userRef: string, purpose: CodePurpose, attribute?: string): Promise<string>;
  /**
   * Accepts the newest code of the purpose once. Throws `CodeMismatchException`,
   * `ExpiredCodeException` (none, used or expired) or `LimitExceededException` (too many wrong answers).
   * Returns the attribute the code was issued for, if any.
   */
  consume(userRef: string, purpose: CodePurpose, code: unknown): Promise<{ attribute: string | null }>;
  /** Every code of the user, newest first, decrypted with the install key. */
  list(userRef: string): Promise<CodeListing[]>;
  /** Deletes every code of the user. */
  deleteAll(userRef: string): Promise<void>;
}

interface StoredCode {
  userRef: string;
  codeId: string;
  purpose: CodePurpose;
  codeHash: string;
  sealed: string;
  attribute: string | null;
  createdAt: number;
  expiresAt: number;
  used: boolean;
  superseded: boolean;
  attempts: number;
}

const tableName = 'identity_codes';

export async function createCodeStore(options: {
  store: DocumentStore;
  installKey: Uint8Array;
  now: Clock;
}): Promise<CodeStore> {
  const { installKey, now } = options;
  const hashKey = deriveInstallSubkey(installKey, 'code-hash');
  const table: DocumentTable = await options.store.table(tableName, {
    partitionKey: 'userRef',
    sortKey: 'codeId',
  });
  const hashOf = (userRef: string, purpose: CodePurpose, code: string) =>
    createHmac('sha256', hashKey).update(`${userRef}\n${purpose}\n${code}`, 'utf8').digest();

  async function newest(userRef: string, purpose: CodePurpose): Promise<StoredCode | undefined> {
    const page = await table.query({
      partition: userRef,
      filter: { purpose: { eq: purpose } },
      forward: false,
      limit: 1,
    });
    return parseCode(page.items[0]);
  }

  async function all(userRef: string): Promise<StoredCode[]> {
    const found: StoredCode[] = [];
    let nextToken: string | null = null;
    do {
      const page = await table.query({ partition: userRef, forward: false, nextToken });
      for (const item of page.items) {
        const code = parseCode(item);
        if (code) found.push(code);
      }
      nextToken = page.nextToken;
    } while (nextToken);
    return found;
  }

  return {
    async issue(userRef, purpose, attribute) {
      const previous = await newest(userRef, purpose);
      if (previous && !previous.used && !previous.superseded) {
        await table.update({ userRef, codeId: previous.codeId }, { set: { superseded: true } });
      }
      const code = String(randomInt(0, 1_000_000)).padStart(6, '0');
      const time = now();
      // Sortable by time, then by a sequence number within the same millisecond.
      const latest = parseCode(
        (await table.query({ partition: userRef, forward: false, limit: 1 })).items[0],
      );
      const stamp = String(time).padStart(15, '0');
      const sequence = latest?.codeId.startsWith(`${stamp}#`) ? Number(latest.codeId.slice(16, 22)) + 1 : 0;
      const codeId = `${stamp}#${String(sequence).padStart(6, '0')}#${randomBytes(4).toString('hex')}`;
      const record: StoredCode = {
        userRef,
        codeId,
        purpose,
        codeHash: hashOf(userRef, purpose, code).toString('hex'),
        sealed: encryptBlob(installKey, 'code', Buffer.from(code, 'utf8'), `${userRef}\n${codeId}`),
        attribute: attribute ?? null,
        createdAt: time,
        expiresAt: time + codeLifetimeSeconds[purpose] * 1000,
        used: false,
        superseded: false,
        attempts: 0,
      };
      await table.put(record as unknown as Item);
      return code;
    },

    async consume(userRef, purpose, code) {
      const expired = () =>
        new IdentityError('ExpiredCodeException', 'Invalid code provided, please request a code again.');
      const mismatch = () =>
        new IdentityError('CodeMismatchException', 'Invalid verification code provided, please try again.');
      if (typeof code !== 'string' || code.length === 0) {
        throw new IdentityError('InvalidParameterException', 'Missing required parameter ConfirmationCode');
      }
      const record = await newest(userRef, purpose);
      if (!record || record.used || record.superseded || now() >= record.expiresAt) throw expired();
      if (record.attempts >= maximumCodeAttempts) {
        throw new IdentityError(
          'LimitExceededException',
          'Attempt limit exceeded, please try after some time.',
        );
      }
      const expected = Buffer.from(record.codeHash, 'hex');
      const candidate = /^\d{6}$/.test(code) ? hashOf(userRef, purpose, code) : Buffer.alloc(expected.length);
      const matches = /^\d{6}$/.test(code) && timingSafeEqual(candidate, expected);
      const key = { userRef, codeId: record.codeId };
      if (!matches) {
        await table.update(key, { add: { attempts: 1 } });
        throw mismatch();
      }
      try {
        // Single use, even under concurrent confirmations.
        await table.update(key, { set: { used: true } }, { condition: { used: { eq: false } } });
      } catch {
        throw expired();
      }
      return { attribute: record.attribute };
    },

    async list(userRef) {
      return (await all(userRef)).map((record) => ({
        purpose: record.purpose,
        code: Buffer.from(
          decryptBlob(installKey, 'code', record.sealed, `${userRef}\n${record.codeId}`),
        ).toString('utf8'),
        createdAt: new Date(record.createdAt).toISOString(),
        expiresAt: new Date(record.expiresAt).toISOString(),
        used: record.used,
      }));
    },

    async deleteAll(userRef) {
      for (const record of await all(userRef)) await table.delete({ userRef, codeId: record.codeId });
    },
  };
}

function parseCode(item: Item | undefined): StoredCode | undefined {
  if (!item) return undefined;
  const record = item as unknown as StoredCode;
  if (
    typeof record.codeId !== 'string' ||
    typeof record.codeHash !== 'string' ||
    typeof record.sealed !== 'string' ||
    !(codePurposes as readonly string[]).includes(record.purpose) ||
    typeof record.expiresAt !== 'number'
  ) {
    throw new Error('A stored code is malformed.');
  }
  return { ...record, attempts: typeof record.attempts === 'number' ? record.attempts : 0 };
}
