/**
 * The per-data-dir secret (identity.md §8): 32 random bytes in `<dataDir>/install.key`, mode 0600,
 * kept outside the data store. Everything encrypted or derived at rest hangs off it through HKDF
 * with a purpose label, so no two uses share a key.
 */
import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';
import { link, mkdir, readFile, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

export const installKeyFileName = 'install.key';
const installKeyLength = 32;
const blobVersion = 'v1';

/** Reads `<dataDir>/install.key`, creating the directory and the key (0600) on first use. */
export async function loadOrCreateInstallKey(dataDir: string): Promise<Uint8Array> {
  const path = join(dataDir, installKeyFileName);
  const existing = await readKeyFile(path);
  if (existing) return existing;

  await mkdir(dataDir, { recursive: true, mode: 0o700 });
  // Write a complete temporary file, then link it into place: link() fails if the key exists, so
  // concurrent first starts agree on one key and nobody reads a half-written file.
  const temporary = join(dataDir, `.${installKeyFileName}.${randomBytes(8).toString('hex')}.tmp`);
  await writeFile(temporary, randomBytes(installKeyLength), { mode: 0o600, flag: 'wx' });
  try {
    await link(temporary, path);
  } catch (error) {
    if (!isErrnoException(error) || error.code !== 'EEXIST') throw error;
  } finally {
    await unlink(temporary).catch(() => undefined);
  }
  const created = await readKeyFile(path);
  if (!created) throw new Error(`The install key file "${path}" could not be created.`);
  return created;
}

async function readKeyFile(path: string): Promise<Uint8Array | undefined> {
  let bytes: Buffer;
  try {
    bytes = await readFile(path);
  } catch (error) {
    if (isErrnoException(error) && error.code === 'ENOENT') return undefined;
    throw error;
  }
  if (bytes.length !== installKeyLength) {
    throw new Error(`The install key file "${path}" must hold exactly ${installKeyLength} bytes.`);
  }
  return new Uint8Array(bytes);
}

function isErrnoException(error: unknown): error is NodeJS.ErrnoException {
  return error instanceof Error && 'code' in error;
}

/** A 32-byte key for one purpose, HKDF-SHA256 of the install key with the label as `info`. */
export function deriveInstallSubkey(installKey: Uint8Array, purpose: string): Uint8Array {
  assertInstallKey(installKey);
  if (purpose.length === 0) throw new TypeError('"purpose" must be a non-empty string.');
  return new Uint8Array(hkdfSync('sha256', installKey, new Uint8Array(0), `gatehouse:${purpose}`, 32));
}

/**
 * Encrypts a small blob with AES-256-GCM under the purpose's subkey. `associatedData` binds the
 * ciphertext to its context (e.g. the row it lives in). Result: `v1.<iv>.<ciphertext>.<tag>`, base64url.
 */
export function encryptBlob(
  installKey: Uint8Array,
  purpose: string,
  plaintext: Uint8Array,
  associatedData = '',
): string {
  const key = deriveInstallSubkey(installKey, purpose);
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(Buffer.from(associatedData, 'utf8'));
  const ciphertext = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  const tag = cipher.getAuthTag();
  return [blobVersion, iv, ciphertext, tag]
    .map((part) => (typeof part === 'string' ? part : part.toString('base64url')))
    .join('.');
}

/** Decrypts what `encryptBlob` produced; throws if the blob, purpose, data or key do not match. */
export function decryptBlob(
  installKey: Uint8Array,
  purpose: string,
  sealed: string,
  associatedData = '',
): Uint8Array {
  const parts = sealed.split('.');
  const [version, ivText, ciphertextText, tagText] = parts;
  if (parts.length !== 4 || version !== blobVersion || !ivText || ciphertextText === undefined || !tagText) {
    throw new Error('The encrypted blob is malformed.');
  }
  const key = deriveInstallSubkey(installKey, purpose);
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(ivText, 'base64url'));
    decipher.setAAD(Buffer.from(associatedData, 'utf8'));
    decipher.setAuthTag(Buffer.from(tagText, 'base64url'));
    return new Uint8Array(
      Buffer.concat([decipher.update(Buffer.from(ciphertextText, 'base64url')), decipher.final()]),
    );
  } catch (cause) {
    throw new Error('The encrypted blob does not authenticate under this install key.', { cause });
  }
}

export function assertInstallKey(installKey: Uint8Array): void {
  if (!(installKey instanceof Uint8Array) || installKey.length !== installKeyLength) {
    throw new TypeError(`"installKey" must be ${installKeyLength} bytes.`);
  }
}
