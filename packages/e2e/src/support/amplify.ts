/**
 * A test-controlled auth session for the unmodified aws-amplify v6 client: a custom token provider
 * (tokens from `gatehouse token`) and a custom credentials provider (`gatehouse credentials`),
 * passed as `Amplify.configure(config, { Auth: { tokenProvider, credentialsProvider } })`.
 */
import type { Amplify } from 'aws-amplify';
import { decodeJWT } from './jwt.js';

type LibraryOptions = NonNullable<Parameters<typeof Amplify.configure>[1]>;
export type LibraryAuthOptions = NonNullable<LibraryOptions['Auth']>;
type TokenProvider = NonNullable<LibraryAuthOptions['tokenProvider']>;
type CredentialsProvider = NonNullable<LibraryAuthOptions['credentialsProvider']>;
type AuthTokens = NonNullable<Awaited<ReturnType<TokenProvider['getTokens']>>>;
type JWT = AuthTokens['accessToken'];

/** `gatehouse credentials --json`. */
export interface CLICredentials {
  readonly identityId: string;
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken: string;
  readonly expiration: string;
}

export interface TestSession {
  /** What Amplify sends as `Authorization` in `userPool` and `oidc` modes is `accessToken`. */
  signIn(tokens: { accessToken: string; idToken?: string }): void;
  signOut(): void;
  useCredentials(credentials: CLICredentials | null): void;
  /** What the credentials provider was asked for, in order. */
  readonly credentialRequests: { authenticated: boolean }[];
  readonly auth: Required<Pick<LibraryAuthOptions, 'tokenProvider' | 'credentialsProvider'>>;
}

function toJWT(token: string): JWT {
  return { payload: decodeJWT(token).payload as JWT['payload'], toString: () => token };
}

export function createTestSession(): TestSession {
  let tokens: AuthTokens | null = null;
  let credentials: CLICredentials | null = null;
  const credentialRequests: { authenticated: boolean }[] = [];
  const tokenProvider: TokenProvider = {
    getTokens: () => Promise.resolve(tokens),
  };
  const credentialsProvider: CredentialsProvider = {
    getCredentialsAndIdentityId(options) {
      credentialRequests.push({ authenticated: options.authenticated });
      if (!credentials) return Promise.resolve(undefined);
      return Promise.resolve({
        identityId: credentials.identityId,
        credentials: {
          accessKeyId: credentials.accessKeyId,
          secretAccessKey: credentials.secretAccessKey,
          sessionToken: credentials.sessionToken,
          expiration: new Date(credentials.expiration),
        },
      });
    },
    clearCredentialsAndIdentityId() {
      credentials = null;
    },
  };
  return {
    signIn(next) {
      tokens = {
        accessToken: toJWT(next.accessToken),
        ...(next.idToken !== undefined ? { idToken: toJWT(next.idToken) } : {}),
      };
    },
    signOut() {
      tokens = null;
    },
    useCredentials(next) {
      credentials = next;
    },
    credentialRequests,
    auth: { tokenProvider, credentialsProvider },
  };
}
