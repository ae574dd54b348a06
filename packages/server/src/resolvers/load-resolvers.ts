import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { isObjectType, type GraphQLSchema } from 'graphql';
import type { ResolverFunction } from '../graphql/resolver-context.js';

const resolverFile = /^([_A-Za-z][_0-9A-Za-z]*)\.([_A-Za-z][_0-9A-Za-z]*)\.(mjs|js)$/;

/**
 * Loads `resolvers/<Type>.<field>.mjs` modules (default export `(ctx) => value`). A file that
 * names no field of the schema, or exports no function, stops start-up with a message naming it.
 */
export async function loadResolvers(
  dir: string | undefined,
  schema: GraphQLSchema,
): Promise<Map<string, ResolverFunction>> {
  const resolvers = new Map<string, ResolverFunction>();
  if (dir === undefined) return resolvers;
  let names: string[];
  try {
    names = await readdir(dir);
  } catch (error) {
    throw new Error(`The resolvers folder "${dir}" cannot be read.`, { cause: error });
  }
  for (const name of names.sort()) {
    const match = resolverFile.exec(name);
    if (!match) continue;
    const [, typeName = '', fieldName = ''] = match;
    const type = schema.getType(typeName);
    if (!isObjectType(type) || !type.getFields()[fieldName]) {
      throw new Error(`The resolver "${name}" names no field of the schema ("${typeName}.${fieldName}").`);
    }
    const module = (await import(pathToFileURL(join(dir, name)).href)) as { default?: unknown };
    if (typeof module.default !== 'function') {
      throw new Error(`The resolver "${name}" must export a function as its default export.`);
    }
    resolvers.set(`${typeName}.${fieldName}`, module.default as ResolverFunction);
  }
  return resolvers;
}
