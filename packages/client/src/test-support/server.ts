/** Starts a real Gatehouse dev server (examples/multi-auth) in-process for the client's tests. */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startDevServer, type DevServer } from '@gatehouse/cli';
import { silentLogger } from '@gatehouse/core';

export const exampleConfigPath = fileURLToPath(
  new URL('../../../../examples/multi-auth/gatehouse.config.json', import.meta.url),
);

export interface TestServer {
  readonly server: DevServer;
  readonly dataDir: string;
  /** `amplifyconfiguration.json` as written by the dev server. */
  readonly gen1: Record<string, unknown>;
  /** `amplify_outputs.json`. */
  readonly gen2: Record<string, unknown>;
  /** The API key embedded in the client config. */
  readonly apiKey: string;
  close(): Promise<void>;
}

export async function startTestServer(): Promise<TestServer> {
  const dataDir = await mkdtemp(join(tmpdir(), 'gatehouse-client-'));
  const server = await startDevServer({
    configPath: exampleConfigPath,
    dataDir,
    host: '127.0.0.1',
    port: 0,
    logger: silentLogger,
  });
  const read = async (name: string) =>
    JSON.parse(await readFile(join(dataDir, name), 'utf8')) as Record<string, unknown>;
  const gen1 = await read('amplifyconfiguration.json');
  const gen2 = await read('amplify_outputs.json');
  const apiKey = (gen2.data as { api_key: string }).api_key;
  return {
    server,
    dataDir,
    gen1,
    gen2,
    apiKey,
    close: async () => {
      await server.close();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

export interface RecordedCall {
  readonly url: string;
  readonly method: string;
  readonly headers: Record<string, string>;
  readonly body: string;
}

/** A `fetch` that records every request and can replace responses, delegating to the real one. */
export function recordingFetch(
  respond?: (call: RecordedCall, index: number) => Response | Promise<Response> | undefined,
): { fetch: typeof fetch; calls: RecordedCall[] } {
  const calls: RecordedCall[] = [];
  const wrapped = (async (input: string | URL | Request, init?: RequestInit) => {
    const headers: Record<string, string> = {};
    new Headers(init?.headers).forEach((value, name) => {
      headers[name] = value;
    });
    const call: RecordedCall = {
      url: input instanceof Request ? input.url : input instanceof URL ? input.href : input,
      method: init?.method ?? 'GET',
      headers,
      body: typeof init?.body === 'string' ? init.body : '',
    };
    calls.push(call);
    const replaced = await respond?.(call, calls.length - 1);
    if (replaced !== undefined) return replaced;
    return fetch(input, init);
  }) as typeof fetch;
  return { fetch: wrapped, calls };
}
