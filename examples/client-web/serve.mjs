// Bundles main.js with esbuild and serves the page plus the dev server's client config.
//   npm start                               # terminal 1 (data in ./.gatehouse)
//   node examples/client-web/serve.mjs      # terminal 2, then open http://127.0.0.1:5173
import { readFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const here = fileURLToPath(new URL('.', import.meta.url));
const dataDir = process.env.GATEHOUSE_DATA ?? '.gatehouse';
const port = Number(process.env.PORT ?? 5173);

const bundle = await build({
  entryPoints: [join(here, 'main.js')],
  bundle: true,
  format: 'esm',
  platform: 'browser',
  target: 'es2022',
  write: false,
});
const app = bundle.outputFiles[0].text;
const html = await readFile(join(here, 'index.html'), 'utf8');

createServer(async (request, response) => {
  if (request.url === '/app.js') {
    response.writeHead(200, { 'content-type': 'text/javascript; charset=utf-8' }).end(app);
  } else if (request.url === '/amplifyconfiguration.json') {
    try {
      const config = await readFile(join(dataDir, 'amplifyconfiguration.json'), 'utf8');
      response.writeHead(200, { 'content-type': 'application/json' }).end(config);
    } catch {
      response.writeHead(404).end('Start `gatehouse dev` first (npm start).');
    }
  } else {
    response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(html);
  }
}).listen(port, '127.0.0.1', () => console.log(`Open http://127.0.0.1:${port}`));
