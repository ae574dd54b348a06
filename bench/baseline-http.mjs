// Baseline 1: a bare node:http server that reads the request body and answers a fixed JSON
// document (the exact bytes Gatehouse returns for the bench query). The ceiling of the machine.
// Usage: node baseline-http.mjs RESPONSE_FILE  → prints "ready http://127.0.0.1:PORT/graphql".
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';

const body = readFileSync(process.argv[2]);
const server = createServer((req, res) => {
  req.on('data', () => {});
  req.on('end', () => {
    res.writeHead(200, { 'content-type': 'application/json; charset=UTF-8' });
    res.end(body);
  });
});
server.keepAliveTimeout = 5000;
server.listen(0, '127.0.0.1', () => {
  process.stdout.write(`ready http://127.0.0.1:${server.address().port}/graphql\n`);
});
process.on('SIGTERM', () => server.close(() => process.exit(0)));
process.on('SIGINT', () => server.close(() => process.exit(0)));
