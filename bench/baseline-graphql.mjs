// Baseline 2: plain graphql-js on node:http, no authorization at all. Same schema as the example
// (AppSync's directives and scalars declared as plain SDL so graphql-js accepts it), the example's
// own Query.posts resolver over the same SQLite file, and an LRU cache of parsed and validated
// documents keyed by the query text. Ratios against it therefore measure what authentication,
// authorization and the AppSync wire form cost, not the data source.
// Usage: node baseline-graphql.mjs SCHEMA_FILE DATABASE_FILE RESOLVER_FILE
//   → prints "ready http://127.0.0.1:PORT/graphql".
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
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

const schema = buildSchema(`${appSyncDeclarations}\n${readFileSync(process.argv[2], 'utf8')}`);
const store = createSQLiteDocumentStore({ filename: process.argv[3] });
const tables = { Posts: await store.table('Posts', { partitionKey: 'id' }) };
const { default: postsResolver } = await import(pathToFileURL(process.argv[4]).href);

const rootValue = {
  posts: (args) => postsResolver({ arguments: args, args, source: null, identity: null, tables }),
};

/** A bounded Map used as an LRU: a hit moves the entry to the end, the oldest entry goes first. */
const maxDocuments = 1000;
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

function send(res, status, value) {
  res.writeHead(status, { 'content-type': 'application/json; charset=UTF-8' });
  res.end(JSON.stringify(value));
}

const server = createServer((req, res) => {
  const chunks = [];
  req.on('data', (chunk) => chunks.push(chunk));
  req.on('end', () => {
    let payload;
    try {
      payload = JSON.parse(Buffer.concat(chunks).toString('utf8'));
    } catch {
      send(res, 400, { errors: [{ message: 'The body is not JSON.' }] });
      return;
    }
    if (typeof payload?.query !== 'string') {
      send(res, 400, { errors: [{ message: 'The body has no query.' }] });
      return;
    }
    const prepared = prepare(payload.query);
    if (prepared.errors) {
      send(res, 400, { errors: prepared.errors });
      return;
    }
    Promise.resolve(
      execute({
        schema,
        document: prepared.document,
        rootValue,
        contextValue: {},
        variableValues: payload.variables ?? undefined,
        operationName: payload.operationName ?? undefined,
      }),
    ).then(
      (result) => send(res, 200, result),
      (error) => send(res, 500, { errors: [{ message: String(error) }] }),
    );
  });
});
server.keepAliveTimeout = 5000;
server.listen(0, '127.0.0.1', () => {
  process.stdout.write(`ready http://127.0.0.1:${server.address().port}/graphql\n`);
});
process.on('SIGTERM', () => server.close(() => process.exit(0)));
process.on('SIGINT', () => server.close(() => process.exit(0)));
