/**
 * Introspection is exempt from authorization.
 *
 * Spec: appsync-auth.md §5 rule 10 (../../../../../shared/spec/appsync-auth.md).
 */

/**
 * True for `__typename`, `__schema` and `__type`, and for the fields of the introspection types
 * (`__Schema`, `__Type`, …) they return. GraphQL reserves names starting with `__`, so no schema
 * field can hide behind this exemption.
 */
export function isIntrospectionField(typeName: string, fieldName: string): boolean {
  return (
    fieldName === '__typename' ||
    fieldName === '__schema' ||
    fieldName === '__type' ||
    typeName.startsWith('__')
  );
}
