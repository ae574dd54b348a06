import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomUUID } from 'node:crypto';
import type { Logger, PlainRequest } from '@gatehouse/core';
import { badRequest } from './responses.js';
import type { PlainResponse, RequestHandler } from './types.js';

/** appsync-auth.md §8: request headers 16 KiB, body 5 MiB. */
export const maxBodyBytes = 5 * 1024 * 1024;
export const maxHeaderBytes = 16 * 1024;

class BodyTooLargeError extends Error {}

function readBody(req: IncomingMessage, limit: number): Promise<Uint8Array> {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers['content-length']);
    if (Number.isFinite(declared) && declared > limit) {
      reject(new BodyTooLargeError());
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        reject(new BodyTooLargeError());
        req.resume();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

function headersOf(req: IncomingMessage): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(req.headers)) {
    if (value === undefined) continue;
    headers[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  return headers;
}

/** `X-Forwarded-For` entries, then the TCP peer, as AppSync reports `sourceIp`. */
function sourceIpOf(req: IncomingMessage): string[] {
  const forwarded = req.headers['x-forwarded-for'];
  const entries =
    typeof forwarded === 'string'
      ? forwarded
          .split(',')
          .map((part) => part.trim())
          .filter(Boolean)
      : [];
  const peer = req.socket.remoteAddress;
  return peer ? [...entries, peer] : entries;
}

/** Writes a response with its length, so keep-alive connections need no chunked framing. */
function send(res: ServerResponse, response: PlainResponse): void {
  const body = typeof response.body === 'string' ? Buffer.from(response.body, 'utf8') : response.body;
  res.writeHead(response.status, { ...response.headers, 'content-length': String(body.byteLength) });
  res.end(body);
}

export function toNodeListener(handler: RequestHandler, logger: Logger) {
  return (req: IncomingMessage, res: ServerResponse): void => {
    readBody(req, maxBodyBytes)
      .then(async (body) => {
        const request: PlainRequest = {
          method: req.method ?? 'GET',
          path: req.url ?? '/',
          headers: headersOf(req),
          body,
          sourceIp: sourceIpOf(req),
        };
        send(res, await handler(request));
      })
      .catch((error: unknown) => {
        if (error instanceof BodyTooLargeError) {
          res.setHeader('connection', 'close');
          send(res, badRequest(`The request body exceeds ${maxBodyBytes} bytes.`, randomUUID()));
          return;
        }
        logger.error('Reading a request failed.', { error: String(error) });
        if (!res.headersSent) send(res, badRequest('The request could not be read.', randomUUID()));
      });
  };
}

export interface Listening {
  readonly server: Server;
  readonly url: string;
  readonly host: string;
  readonly port: number;
  close(): Promise<void>;
}

/** Serves a handler over `node:http` on `host:port` (port 0 picks a free port). */
export async function listen(
  handler: RequestHandler,
  options: { host: string; port: number; logger: Logger },
): Promise<Listening> {
  const server = createServer(
    { maxHeaderSize: maxHeaderBytes, keepAliveTimeout: 5000 },
    toNodeListener(handler, options.logger),
  );
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  const hostForUrl = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return {
    server,
    host: address.address,
    port: address.port,
    url: `http://${hostForUrl}:${address.port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
