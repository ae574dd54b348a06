import { Kind, type DocumentNode, type OperationDefinitionNode, type SelectionSetNode } from 'graphql';

export interface RootField {
  readonly typeName: string;
  readonly fieldName: string;
}

/** Finds the operation a request runs: by name, or the only one. */
/** The operations of each document seen (documents are kept parsed, so this is asked often). */
const operationsByDocument = new WeakMap<DocumentNode, readonly OperationDefinitionNode[]>();

export function selectOperation(
  document: DocumentNode,
  operationName: string | undefined,
): OperationDefinitionNode | string {
  let operations = operationsByDocument.get(document);
  if (operations === undefined) {
    operations = document.definitions.filter(
      (definition): definition is OperationDefinitionNode => definition.kind === Kind.OPERATION_DEFINITION,
    );
    operationsByDocument.set(document, operations);
  }
  if (operationName !== undefined) {
    const found = operations.find((operation) => operation.name?.value === operationName);
    return found ?? `Unknown operation named "${operationName}".`;
  }
  if (operations.length === 1 && operations[0]) return operations[0];
  return operations.length === 0
    ? 'The document contains no operation.'
    : 'The document contains several operations; "operationName" must name one.';
}

/**
 * The root fields an operation selects, through fragment spreads and inline fragments, without
 * introspection fields. IAM policies are checked on these (appsync-auth.md §3.4 step 7).
 */
export function rootFieldsOf(
  document: DocumentNode,
  operation: OperationDefinitionNode,
  rootTypeName: string,
): RootField[] {
  const fragments = new Map(
    document.definitions.flatMap((definition) =>
      definition.kind === Kind.FRAGMENT_DEFINITION ? [[definition.name.value, definition] as const] : [],
    ),
  );
  const seen = new Set<string>();
  const visitedFragments = new Set<string>();
  const fields: RootField[] = [];
  const visit = (selectionSet: SelectionSetNode): void => {
    for (const selection of selectionSet.selections) {
      if (selection.kind === Kind.FIELD) {
        const name = selection.name.value;
        if (name.startsWith('__') || seen.has(name)) continue;
        seen.add(name);
        fields.push({ typeName: rootTypeName, fieldName: name });
      } else if (selection.kind === Kind.INLINE_FRAGMENT) {
        visit(selection.selectionSet);
      } else {
        const name = selection.name.value;
        const fragment = fragments.get(name);
        if (fragment && !visitedFragments.has(name)) {
          visitedFragments.add(name);
          visit(fragment.selectionSet);
        }
      }
    }
  };
  visit(operation.selectionSet);
  return fields;
}
