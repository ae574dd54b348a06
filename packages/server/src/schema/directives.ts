/**
 * The directives and scalars AppSync pre-declares: schemas use them without declaring them
 * (appsync-auth.md §5; AppSync scalar reference).
 */

/** §5 list, verbatim. */
export const appSyncDirectivesSDL = `
directive @aws_api_key on FIELD_DEFINITION | OBJECT
directive @aws_iam on FIELD_DEFINITION | OBJECT
directive @aws_oidc on FIELD_DEFINITION | OBJECT
directive @aws_lambda on FIELD_DEFINITION | OBJECT
directive @aws_cognito_user_pools(cognito_groups: [String!]) on FIELD_DEFINITION | OBJECT
directive @aws_auth(cognito_groups: [String!]!) on FIELD_DEFINITION
directive @aws_subscribe(mutations: [String!]!) on FIELD_DEFINITION
`;

export const appSyncDirectiveNames: ReadonlySet<string> = new Set([
  'aws_api_key',
  'aws_iam',
  'aws_oidc',
  'aws_lambda',
  'aws_cognito_user_pools',
  'aws_auth',
  'aws_subscribe',
]);

export const appSyncScalarNames = [
  'AWSDate',
  'AWSTime',
  'AWSDateTime',
  'AWSTimestamp',
  'AWSEmail',
  'AWSJSON',
  'AWSURL',
  'AWSPhone',
  'AWSIPAddress',
] as const;
export type AppSyncScalarName = (typeof appSyncScalarNames)[number];
