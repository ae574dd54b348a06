/** Test support: raw HTTP/1.1 requests to a listening server, header names sent exactly as given. */
import { request as httpRequest } from 'node:http';
import { expect } from 'vitest';
import type { Listening } from '../http/node-adapter.js';

export interface RawResponse {
  readonly status: number;
  readonly headers: Record<string, string>;
  readonly text: string;
}

/** One request with the header names exactly as given; resolves even when the server closes early. */
export function send(
  server: Listening,
  options: {
    method?: string;
    path?: string;
    headers?: Record<string, string | number>;
    body?: Uint8Array | string;
    chunks?: readonly (Uint8Array | string)[];
  },
): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      {
        host: server.host,
        port: server.port,
        method: options.method ?? 'POST',
        path: options.path ?? '/graphql',
        headers: options.headers ?? {},
        agent: false,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => {
          const headers: Record<string, string> = {};
          for (const [name, value] of Object.entries(res.headers)) {
            if (typeof value === 'string') headers[name] = value;
          }
          resolve({ status: res.statusCode ?? 0, headers, text: Buffer.concat(chunks).toString('utf8') });
        });
        res.on('error', reject);
      },
    );
    // The server may answer and close before the whole body is written (EPIPE/ECONNRESET).
    req.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code !== 'EPIPE' && error.code !== 'ECONNRESET') reject(error);
    });
    if (options.chunks) {
      for (const chunk of options.chunks) req.write(chunk);
      req.end();
    } else {
      req.end(options.body);
    }
  });
}

export async function ping(server: Listening): Promise<void> {
  const response = await send(server, { method: 'GET', path: '/ping' });
  expect(response).toMatchObject({ status: 200, text: 'healthy' });
}
