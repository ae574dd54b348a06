// The graphql-js baseline without its transport: plain graphql-js with no authorization at all,
// the example schema (AppSync's directives and scalars declared as plain SDL so graphql-js accepts
// it), the example's own Query.posts resolver over the same SQLite file, and an LRU cache of
// parsed and validated documents keyed by the query text. Ratios against it therefore measure what
// authentication, authorization and the AppSync wire form cost, not the data source.
// Used over node:http by baseline-graphql.mjs and without sockets by in-process.mjs.
import { readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { buildSchema, execute, parse, validate } from 'graphql';
import { createSQLiteDocumentStore } from '../packages/server/dist/index.js';

const appSyncDeclarations = `
directive @aws_api_key on FIELD_DEFINITION | OBJECT
directive @aws_iam on FIELD_DEFINITION | OBJECT
directive @aws_oidc on FIELD_DEFINITION | OBJECT
directive @aws_lambda on FIELD_DEFINITION | OBJECT
directive @aws_cognito_user_pools(cognito_groups: [String!]) on FIELD_DEFINITION | OBJECT
directive @aws_auth(cognito_groups: [String!]!) on FIELD_DEFINITION
directive @aws_subscribe(mutations: [String!]!) on FIELD_DEFINITION
scalar AWSDate
scalar AWSTime
scalar AWSDateTime
scalar AWSTimestamp
scalar AWSEmail
scalar AWSJSON
scalar AWSURL
scalar AWSPhone
scalar AWSIPAddress
`;

const maxDocuments = 1000;

/**
 * Returns `handle(body)`: the raw JSON request body in, `{ status, body }` out (a JSON string),
 * never throwing; and `close()` for the store.
 */
export async function createGraphQLBaseline({ schemaFile, databaseFile, resolverFile }) {
  const schema = buildSchema(`${appSyncDeclarations}\n${readFileSync(schemaFile, 'utf8')}`);
  const store = createSQLiteDocumentStore({ filename: databaseFile });
  const tables = { Posts: await store.table('Posts', { partitionKey: 'id' }) };
  const { default: postsResolver } = await import(pathToFileURL(resolverFile).href);
  const rootValue = {
    posts: (args) => postsResolver({ arguments: args, args, source: null, identity: null, tables }),
  };

  // A bounded Map used as an LRU: a hit moves the entry to the end, the oldest entry goes first.
  const documents = new Map();
  function prepare(query) {
    const cached = documents.get(query);
    if (cached !== undefined) {
      documents.delete(query);
      documents.set(query, cached);
      return cached;
    }
    let prepared;
    try {
      const document = parse(query);
      const errors = validate(schema, document);
      prepared = errors.length > 0 ? { errors } : { document };
    } catch (error) {
      prepared = { errors: [error] };
    }
    documents.set(query, prepared);
    if (documents.size > maxDocuments) documents.delete(documents.keys().next().value);
    return prepared;
  }

  const answer = (status, value) => ({ status, body: JSON.stringify(value) });

  async function handle(body) {
    let payload;
    try {
      payload = JSON.parse(Buffer.from(body).toString('utf8'));
    } catch {
      return answer(400, { errors: [{ message: 'The body is not JSON.' }] });
    }
    if (typeof payload?.query !== 'string')
      return answer(400, { errors: [{ message: 'The body has no query.' }] });
    const prepared = prepare(payload.query);
    if (prepared.errors) return answer(400, { errors: prepared.errors });
    try {
      const result = await execute({
        schema,
        document: prepared.document,
        rootValue,
        contextValue: {},
        variableValues: payload.variables ?? undefined,
        operationName: payload.operationName ?? undefined,
      });
      return answer(200, result);
    } catch (error) {
      return answer(500, { errors: [{ message: String(error) }] });
    }
  }

  return { handle, close: () => store.close() };
}
