/**
 * The client in a real browser: the package bundled by esbuild, served from its own origin, in
 * Debian's Chromium driven by playwright-core, signing in and querying a real dev server
 * cross-origin (CORS). Skipped when no Chromium is installed.
 */
import { existsSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from './test-support/server.js';

const chromiumPath = '/usr/bin/chromium';
const hasChromium = existsSync(chromiumPath);

let ts: TestServer;
let page: Server;
let pageUrl: string;
let browser: Browser | undefined;

beforeAll(async () => {
  if (!hasChromium) return;
  ts = await startTestServer();
  await ts.server.identity.userPool.createUser('frank', { password: 'Passw0rd!frank', groups: ['admin'] });
  const bundle = await build({
    entryPoints: [fileURLToPath(new URL('./index.ts', import.meta.url))],
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    write: false,
    alias: { '@gatehouse/core': fileURLToPath(new URL('../../core/src/index.ts', import.meta.url)) },
  });
  const js = bundle.outputFiles[0]!.text;
  const html =
    '<!doctype html><meta charset="utf-8"><title>gatehouse client</title>' +
    '<script type="module">import * as G from "/client.js"; window.Gatehouse = G; window.ready = true;</script>';
  page = createServer((request, response) => {
    if (request.url === '/client.js') {
      response.writeHead(200, { 'content-type': 'text/javascript; charset=utf-8' }).end(js);
    } else {
      response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(html);
    }
  });
  await new Promise<void>((resolve) => page.listen(0, '127.0.0.1', resolve));
  pageUrl = `http://127.0.0.1:${(page.address() as AddressInfo).port}/`;
  browser = await chromium.launch({
    executablePath: chromiumPath,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  });
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await new Promise((resolve) => (page ? page.close(resolve) : resolve(undefined)));
  await ts?.close();
});

describe.runIf(hasChromium)('in Chromium', () => {
  it('bundles without node built-ins, signs in with SRP and queries in every Cognito-backed mode', async () => {
    const tab = await browser!.newPage();
    const errors: string[] = [];
    tab.on('pageerror', (error) => errors.push(error.message));
    await tab.goto(pageUrl);
    await tab.waitForFunction(() => (window as unknown as { ready?: boolean }).ready === true);
    const result = await tab.evaluate(
      async ({ config }) => {
        type G = typeof import('./index.js');
        const G = (window as unknown as { Gatehouse: G }).Gatehouse;
        const amplify = new G.AmplifyClass();
        await amplify.addPlugins([
          new G.AmplifyAPI(),
          new G.AmplifyAuthCognito({ storage: window.localStorage }),
        ]);
        await amplify.configure(config);
        const out: Record<string, unknown> = {};
        const posts = await amplify.API.query({ document: '{ posts { id } }', apiName: 'blog_API_KEY' })
          .response;
        out.apiKey = posts.errors.length;
        const guest = await amplify.API.query<{ stats: { posts: number } }>({
          document: '{ stats { posts } }',
          apiName: 'blog_AWS_IAM',
        }).response;
        out.guestIAM = guest.data?.stats.posts;
        await amplify.Auth.signIn({ username: 'frank', password: 'Passw0rd!frank' });
        const whoami = await amplify.API.query<{ whoami: { username: string } }>({
          document: '{ whoami { username } }',
          apiName: 'blog',
        }).response;
        out.userPool = whoami.data?.whoami.username;
        const second = await amplify.API.query<{ whoami: { username: string } }>({
          document: '{ whoami { username } }',
          apiName: 'blog',
          authorizationMode: 'AMAZON_COGNITO_USER_POOLS',
        }).response;
        out.again = second.data?.whoami.username;
        out.stored = Object.keys(window.localStorage).length;
        await amplify.Auth.signOut();
        out.signedOut = !(await amplify.Auth.fetchAuthSession()).isSignedIn;
        try {
          void amplify.API.query({
            document: '{ posts { id } }',
            apiName: 'blog',
            authorizationMode: 'OPENID_CONNECT',
          });
        } catch (error) {
          out.noProvider = (error as { code: string }).code;
        }
        return out;
      },
      { config: ts.gen1 },
    );
    expect(errors).toEqual([]);
    expect(result).toEqual({
      apiKey: 0,
      guestIAM: 0,
      userPool: 'frank',
      again: 'frank',
      stored: 1,
      signedOut: true,
      noProvider: 'ERR_API_NO_AUTH_PROVIDER',
    });
  }, 60_000);
});
