import { mkdtemp, readFile, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { decryptBlob, deriveInstallSubkey, encryptBlob, loadOrCreateInstallKey } from './install-key.js';

async function tempDir(): Promise<string> {
  return mkdtemp(join(tmpdir(), 'gatehouse-install-key-'));
}

describe('loadOrCreateInstallKey', () => {
  it('creates 32 random bytes in install.key with mode 0600', async () => {
    const dir = join(await tempDir(), 'nested', 'data');
    const key = await loadOrCreateInstallKey(dir);
    expect(key).toHaveLength(32);
    const file = join(dir, 'install.key');
    expect(new Uint8Array(await readFile(file))).toEqual(key);
    if (process.platform !== 'win32') expect((await stat(file)).mode & 0o777).toBe(0o600);
  });

  it('returns the same key on every later call', async () => {
    const dir = await tempDir();
    const first = await loadOrCreateInstallKey(dir);
    expect(await loadOrCreateInstallKey(dir)).toEqual(first);
  });

  it('agrees on one key when several callers create it at once', async () => {
    const dir = await tempDir();
    const keys = await Promise.all(Array.from({ length: 8 }, () => loadOrCreateInstallKey(dir)));
    for (const key of keys) expect(key).toEqual(keys[0]);
  });

  it('refuses a key file of the wrong length', async () => {
    const dir = await tempDir();
    await writeFile(join(dir, 'install.key'), 'short');
    await expect(loadOrCreateInstallKey(dir)).rejects.toThrow(/exactly 32 bytes/);
  });
});

describe('encryptBlob and decryptBlob', () => {
  const installKey = new Uint8Array(32).fill(7);
  const plaintext = new TextEncoder().encode('private key bytes');

  it('round-trips a blob and never shows the plaintext', () => {
    const sealed = encryptBlob(installKey, 'signing-key', plaintext, 'row-1');
    expect(sealed).not.toContain(Buffer.from(plaintext).toString('base64url'));
    expect(decryptBlob(installKey, 'signing-key', sealed, 'row-1')).toEqual(plaintext);
  });

  it('uses a fresh IV for every encryption', () => {
    expect(encryptBlob(installKey, 'p', plaintext)).not.toBe(encryptBlob(installKey, 'p', plaintext));
  });

  it('refuses another purpose, other associated data, another install key or a tampered blob', () => {
    const sealed = encryptBlob(installKey, 'signing-key', plaintext, 'row-1');
    expect(() => decryptBlob(installKey, 'other', sealed, 'row-1')).toThrow(/does not authenticate/);
    expect(() => decryptBlob(installKey, 'signing-key', sealed, 'row-2')).toThrow(/does not authenticate/);
    expect(() => decryptBlob(new Uint8Array(32), 'signing-key', sealed, 'row-1')).toThrow(
      /does not authenticate/,
    );
    const parts = sealed.split('.');
    const body = parts[2] ?? '';
    const flipped = `${body.startsWith('A') ? 'B' : 'A'}${body.slice(1)}`;
    const tampered = [parts[0], parts[1], flipped, parts[3]].join('.');
    expect(() => decryptBlob(installKey, 'signing-key', tampered, 'row-1')).toThrow();
    expect(() => decryptBlob(installKey, 'signing-key', 'garbage', 'row-1')).toThrow(/malformed/);
  });

  it('derives different subkeys per purpose', () => {
    expect(deriveInstallSubkey(installKey, 'a')).not.toEqual(deriveInstallSubkey(installKey, 'b'));
    expect(deriveInstallSubkey(installKey, 'a')).toEqual(deriveInstallSubkey(installKey, 'a'));
  });

  it('refuses an install key that is not 32 bytes', () => {
    expect(() => encryptBlob(new Uint8Array(16), 'p', plaintext)).toThrow(TypeError);
  });
});
