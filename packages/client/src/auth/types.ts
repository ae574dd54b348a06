/** What the API category needs from the Auth category, and the session shape (client.md §2). */
import type { AuthException } from '../errors.js';
import type { JsonWebToken } from '../jwt.js';

export interface AWSCredentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken?: string | undefined;
  readonly expiration?: Date | undefined;
}

export interface AuthTokens {
  readonly accessToken: JsonWebToken;
  readonly idToken: JsonWebToken;
}

export interface AuthSession {
  readonly isSignedIn: boolean;
  readonly identityId?: string | undefined;
  readonly userPoolTokens?: AuthTokens | undefined;
  readonly credentials?: AWSCredentials | undefined;
  /** Why a part of the session is missing. */
  readonly errors: {
    readonly userPoolTokens?: AuthException | undefined;
    readonly credentials?: AuthException | undefined;
  };
}

export interface FetchAuthSessionOptions {
  readonly forceRefresh?: boolean | undefined;
}

/** The Auth category as the API category sees it. */
export interface AuthSessionSource {
  fetchAuthSession(options?: FetchAuthSessionOptions): Promise<AuthSession>;
  /** Whether user-pool tokens and IAM credentials can be had at all (for `NoAuthProviderException`). */
  readonly capabilities: { readonly userPoolTokens: boolean; readonly credentials: boolean };
}
