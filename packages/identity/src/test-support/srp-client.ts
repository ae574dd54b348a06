/**
 * An independent client side of Cognito's SRP for tests, written from identity.md §3 with its own
 * bigint and hex-string handling (as amplify-js does), not sharing code with the server's `srp.ts`.
 */
import { createHash, createHmac, randomBytes } from 'node:crypto';

const N = BigInt(
  '0xFFFFFFFFFFFFFFFFC90FDAA22168C234C4C6628B80DC1CD129024E088A67CC74020BBEA63B139B22514A08798E3404DDEF9519B3CD3A431B302B0A6DF25F14374FE1356D6D51C245E485B576625E7EC6F44C42E9A637ED6B0BFF5CB6F406B7EDEE386BFB5A899FA5AE9F24117C4B1FE649286651ECE45B3DC2007CB8A163BF0598DA48361C55D39A69163FA8FD24CF5F83655D23DCA3AD961C62F356208552BB9ED529077096966D670C354E4ABC9804F1746C08CA18217C32905E462E36CE3BE39E772C180E86039B2783A2EC07A28FB5C55DF06F4C52C9DE2BCBF6955817183995497CEA956AE515D2261898FA051015728E5A8AAAC42DAD33170D04507A33A85521ABDF1CBA64ECFB850458DBEF0A8AEA71575D060C7DB3970F85A6E1E4C7ABF5AE8CDB0933D71E8C94E04A25619DCEE3D2261AD2EE6BF12FFA06D98A0864D87602733EC86A64521F2B18177B200CBBE117577A615D6C770988C0BAD946E208E24FA074E5AB3143DB5BFCE0FD108E4B82D120A93AD2CAFFFFFFFFFFFFFFFF',
);

export function clientPad(n: bigint): string {
  const hex = n.toString(16);
  const even = hex.length % 2 ? `0${hex}` : hex;
  return /^[89a-f]/.test(even) ? `00${even}` : even;
}

function pow(base: bigint, exp: bigint, mod: bigint): bigint {
  let result = 1n;
  for (let bit = BigInt(exp.toString(2).length - 1); bit >= 0n; bit -= 1n) {
    result = (result * result) % mod;
    if ((exp >> bit) & 1n) result = (result * base) % mod;
  }
  return result;
}

const hexHash = (hex: string) => createHash('sha256').update(Buffer.from(hex, 'hex')).digest('hex');

export function srpTimestamp(ms: number): string {
  const d = new Date(ms);
  const days = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
  const months = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
  const p = (n: number) => (n < 10 ? `0${n}` : String(n));
  return `${days[d.getUTCDay()]} ${months[d.getUTCMonth()]} ${d.getUTCDate()} ${p(d.getUTCHours())}:${p(
    d.getUTCMinutes(),
  )}:${p(d.getUTCSeconds())} UTC ${d.getUTCFullYear()}`;
}

export interface SRPClient {
  /** `SRP_A`, unpadded hex. */
  readonly A: string;
  /** The `PASSWORD_CLAIM_SIGNATURE` for a `PASSWORD_VERIFIER` challenge. */
  sign(input: {
    poolName: string;
    password: string;
    challenge: Record<string, string>;
    timestamp: string;
  }): string;
}

export function createSRPClient(a: bigint = BigInt(`0x${randomBytes(128).toString('hex')}`)): SRPClient {
  const A = pow(2n, a, N);
  const k = BigInt(`0x${hexHash(clientPad(N) + clientPad(2n))}`);
  return {
    A: A.toString(16),
    sign({ poolName, password, challenge, timestamp }) {
      const userId = challenge['USER_ID_FOR_SRP'] ?? '';
      const B = BigInt(`0x${challenge['SRP_B']}`);
      const salt = BigInt(`0x${challenge['SALT']}`);
      const u = BigInt(`0x${hexHash(clientPad(A) + clientPad(B))}`);
      const inner = createHash('sha256').update(`${poolName}${userId}:${password}`).digest('hex');
      const x = BigInt(`0x${hexHash(clientPad(salt) + inner)}`);
      let base = (B - ((k * pow(2n, x, N)) % N)) % N;
      if (base < 0n) base += N;
      const S = pow(base, a + u * x, N);
      const prk = createHmac('sha256', Buffer.from(clientPad(u), 'hex'))
        .update(Buffer.from(clientPad(S), 'hex'))
        .digest();
      const key = createHmac('sha256', prk)
        .update(Buffer.concat([Buffer.from('Caldera Derived Key'), Buffer.from([1])]))
        .digest()
        .subarray(0, 16);
      return createHmac('sha256', key)
        .update(
          Buffer.concat([
            Buffer.from(poolName),
            Buffer.from(userId),
            Buffer.from(challenge['SECRET_BLOCK'] ?? '', 'base64'),
            Buffer.from(timestamp),
          ]),
        )
        .digest('base64');
    },
  };
}
