/**
 * The API authorization modes: AppSync's config strings (appsync-auth.md §1), with Flutter's
 * member names (`function` is AWS_LAMBDA), plus the client-only `NONE`.
 */
export const APIAuthorizationType = {
  none: 'NONE',
  apiKey: 'API_KEY',
  iam: 'AWS_IAM',
  userPools: 'AMAZON_COGNITO_USER_POOLS',
  oidc: 'OPENID_CONNECT',
  function: 'AWS_LAMBDA',
} as const;

export type APIAuthorizationMode = (typeof APIAuthorizationType)[keyof typeof APIAuthorizationType];

const modes: ReadonlySet<string> = new Set(Object.values(APIAuthorizationType));

export function isAPIAuthorizationMode(value: unknown): value is APIAuthorizationMode {
  return typeof value === 'string' && modes.has(value);
}

export const modeListText = 'API_KEY, AWS_IAM, AMAZON_COGNITO_USER_POOLS, OPENID_CONNECT, AWS_LAMBDA or NONE';
