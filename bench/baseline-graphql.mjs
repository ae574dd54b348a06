// Baseline 2: plain graphql-js on node:http, no authorization at all (graphql-baseline.mjs).
// Usage: node baseline-graphql.mjs SCHEMA_FILE DATABASE_FILE RESOLVER_FILE
//   → prints "ready http://127.0.0.1:PORT/graphql".
import { createServer } from 'node:http';
import { createGraphQLBaseline } from './graphql-baseline.mjs';

const [schemaFile, databaseFile, resolverFile] = process.argv.slice(2);
const baseline = await createGraphQLBaseline({ schemaFile, databaseFile, resolverFile });

const server = createServer((req, res) => {
  const chunks = [];
  req.on('data', (chunk) => chunks.push(chunk));
  req.on('end', () => {
    void baseline.handle(Buffer.concat(chunks)).then(({ status, body }) => {
      res.writeHead(status, { 'content-type': 'application/json; charset=UTF-8' });
      res.end(body);
    });
  });
});
server.keepAliveTimeout = 5000;
server.listen(0, '127.0.0.1', () => {
  process.stdout.write(`ready http://127.0.0.1:${server.address().port}/graphql\n`);
});
process.on('SIGTERM', () => server.close(() => process.exit(0)));
process.on('SIGINT', () => server.close(() => process.exit(0)));
