/** Reading (never verifying) JWT claims, and base64 helpers that work in Node and browsers. */

export interface JsonWebToken {
  readonly raw: string;
  readonly claims: Readonly<Record<string, unknown>>;
  readonly expiresAt?: Date | undefined;
  toString(): string;
}

export function base64UrlDecodeToString(input: string): string {
  const standard = input.replace(/-/g, '+').replace(/_/g, '/');
  const padded = standard + '='.repeat((4 - (standard.length % 4)) % 4);
  const binary = atob(padded);
  const bytes = Uint8Array.from(binary, (c) => c.charCodeAt(0));
  return new TextDecoder().decode(bytes);
}

export function bytesToBase64(bytes: Uint8Array): string {
  let binary = '';
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary);
}

export function base64ToBytes(input: string): Uint8Array {
  const standard = input.replace(/-/g, '+').replace(/_/g, '/');
  const padded = standard + '='.repeat((4 - (standard.length % 4)) % 4);
  return Uint8Array.from(atob(padded), (c) => c.charCodeAt(0));
}

/** The payload of a compact JWS, or `undefined` if it is not one. The signature is not checked. */
export function decodeJWTClaims(token: string): Record<string, unknown> | undefined {
  const parts = token.split('.');
  if (parts.length !== 3 || parts[1] === undefined) return undefined;
  try {
    const claims: unknown = JSON.parse(base64UrlDecodeToString(parts[1]));
    return typeof claims === 'object' && claims !== null && !Array.isArray(claims)
      ? (claims as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

export function createJsonWebToken(raw: string): JsonWebToken {
  const claims = decodeJWTClaims(raw) ?? {};
  const exp = claims.exp;
  return {
    raw,
    claims,
    expiresAt: typeof exp === 'number' ? new Date(exp * 1000) : undefined,
    toString: () => raw,
  };
}
