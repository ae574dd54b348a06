import type { GraphQLError } from 'graphql';

/** A GraphQL error in AppSync's wire shape; key order is part of the format (appsync-auth.md §7). */
export interface AppSyncGraphQLError {
  path: readonly (string | number)[] | null;
  data: unknown;
  errorType: string | null;
  errorInfo: unknown;
  locations: { line: number; column: number; sourceName: null }[];
  message: string;
}

interface ErrorFields {
  errorType?: unknown;
  data?: unknown;
  errorInfo?: unknown;
}

function fieldsOf(error: GraphQLError): ErrorFields {
  // eslint-disable-next-line @typescript-eslint/no-unnecessary-type-assertion -- widening to the optional fields
  return (error.originalError as (Error & ErrorFields) | undefined) ?? {};
}

export function formatGraphQLError(
  error: GraphQLError,
  defaultErrorType: string | null = null,
): AppSyncGraphQLError {
  const fields = fieldsOf(error);
  const errorType = typeof fields.errorType === 'string' ? fields.errorType : defaultErrorType;
  return {
    path: error.path ?? null,
    data: fields.data ?? null,
    errorType,
    errorInfo: fields.errorInfo ?? null,
    locations: (error.locations ?? []).map(({ line, column }) => ({ line, column, sourceName: null })),
    message: error.message,
  };
}
