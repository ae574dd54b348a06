import { describe, expect, it } from 'vitest';
import { IdentityError } from './errors.js';
import { assertPasswordPolicy, hashPassword, verifyDecoyPassword, verifyPasswordHash } from './passwords.js';

function policyMessage(password: string): string | undefined {
  try {
    assertPasswordPolicy(password);
    return undefined;
  } catch (error) {
    expect(error).toBeInstanceOf(IdentityError);
    expect((error as IdentityError).code).toBe('InvalidPasswordException');
    return (error as IdentityError).message;
  }
}

describe('assertPasswordPolicy', () => {
  it('accepts a password meeting Cognito’s default policy', () => {
    expect(policyMessage('Abcdef1!')).toBeUndefined();
    expect(policyMessage('Abc def1')).toBeUndefined();
  });

  it('names the first rule a weak password breaks, in Cognito’s words', () => {
    expect(policyMessage('Ab1!')).toBe('Password did not conform with policy: Password not long enough');
    expect(policyMessage('ABCDEFG1!')).toBe(
      'Password did not conform with policy: Password must have lowercase characters',
    );
    expect(policyMessage('abcdefg1!')).toBe(
      'Password did not conform with policy: Password must have uppercase characters',
    );
    expect(policyMessage('Abcdefgh!')).toBe(
      'Password did not conform with policy: Password must have numeric characters',
    );
    expect(policyMessage('Abcdefgh1')).toBe(
      'Password did not conform with policy: Password must have symbol characters',
    );
    expect(policyMessage(' Abcdefg1')).toBe(
      'Password did not conform with policy: Password must have symbol characters',
    );
  });
});

describe('hashPassword', () => {
  it('stores scrypt with its parameters, a 16-byte salt and a 32-byte hash', async () => {
    const stored = await hashPassword('Abcdef1!', { unsafeFastHashingForTests: true });
    const match = /^\$scrypt\$ln=10,r=8,p=1\$([A-Za-z0-9+/]+)\$([A-Za-z0-9+/]+)$/.exec(stored);
    expect(match).not.toBeNull();
    expect(Buffer.from(match?.[1] ?? '', 'base64')).toHaveLength(16);
    expect(Buffer.from(match?.[2] ?? '', 'base64')).toHaveLength(32);
    expect(stored).not.toContain('Abcdef1!');
  });

  it('uses N = 2^17 unless the test-only flag is set', async () => {
    expect(await hashPassword('Abcdef1!')).toMatch(/^\$scrypt\$ln=17,r=8,p=1\$/);
  });

  it('verifies the right password and refuses a wrong or malformed one', async () => {
    const stored = await hashPassword('Abcdef1!', { unsafeFastHashingForTests: true });
    expect(await verifyPasswordHash('Abcdef1!', stored)).toBe(true);
    expect(await verifyPasswordHash('Abcdef1?', stored)).toBe(false);
    expect(await verifyPasswordHash('Abcdef1!', '$scrypt$ln=99,r=8,p=1$AAAA$AAAA')).toBe(false);
    expect(await verifyDecoyPassword('Abcdef1!', { unsafeFastHashingForTests: true })).toBe(false);
  });
});
