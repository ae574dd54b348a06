/**
 * Transports for the Lambda authorizer (appsync-auth.md §4, `authorizerUri`): a local ES module
 * or an HTTP endpoint, behind one `LambdaInvoker` function. The contract is §6's; the transport is
 * ours. An invoker rejects with `LambdaNotInvocableError` when there is no function to call (E17)
 * and with any other error when the call failed (E16).
 */
import { stat } from 'node:fs/promises';
import { isAbsolute, resolve as resolvePath } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { LambdaAuthorizerEvent } from './event.js';
import { isLoopbackHost } from '@gatehouse/core';

/** Calls the authorizer with the event; resolves to its answer as a JSON value. */
export type LambdaInvoker = (event: LambdaAuthorizerEvent, signal: AbortSignal) => Promise<unknown>;

/** There is no function to call: unknown module or endpoint, no handler, permission refused (E17). */
export class LambdaNotInvocableError extends Error {
  readonly code = 'ERR_LAMBDA_NOT_INVOCABLE';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'LambdaNotInvocableError';
  }
}

export function isLambdaNotInvocableError(value: unknown): value is LambdaNotInvocableError {
  return value instanceof LambdaNotInvocableError;
}

/** What a module handler gets besides the event. */
export interface LambdaModuleContext {
  /** Aborted when Gatehouse stops waiting (timeout). */
  readonly signal: AbortSignal;
}

type LambdaHandler = (event: unknown, context: LambdaModuleContext) => unknown;

/**
 * Invokes a local ES module's default export, or else its `handler` export, as the authorizer.
 * Handlers are async-style (return the answer or a promise of it); callback-style handlers are not
 * supported. The module is loaded on first use and kept. The event is passed as a JSON copy and
 * the answer is normalised through JSON, as over the wire.
 */
export function createModuleInvoker(fileUrl: string): LambdaInvoker {
  let url: URL;
  try {
    url = new URL(fileUrl);
  } catch {
    throw new TypeError('"fileUrl" must be an absolute "file:" URL.');
  }
  if (url.protocol !== 'file:') throw new TypeError('"fileUrl" must be an absolute "file:" URL.');
  const href = url.href;
  let loaded: Promise<LambdaHandler> | undefined;

  const load = async (): Promise<LambdaHandler> => {
    try {
      const info = await stat(fileURLToPath(href));
      if (!info.isFile()) throw new LambdaNotInvocableError('The authorizer module path is not a file.');
    } catch (error) {
      if (isLambdaNotInvocableError(error)) throw error;
      throw new LambdaNotInvocableError('The authorizer module does not exist.', { cause: error });
    }
    // A module that exists but fails to load (syntax error, throws at top level) is a failed
    // function, as an AWS Lambda init error is, not a missing one.
    const namespace = (await import(href)) as Record<string, unknown>;
    const candidate =
      typeof namespace['default'] === 'function' ? namespace['default'] : namespace['handler'];
    if (typeof candidate !== 'function') {
      throw new LambdaNotInvocableError('The authorizer module exports no "default" or "handler" function.');
    }
    return candidate as LambdaHandler;
  };

  return async (event, signal) => {
    if (loaded === undefined) {
      const attempt = load();
      loaded = attempt;
      // Only a successful load is kept; a missing module may appear later.
      attempt.catch(() => {
        if (loaded === attempt) loaded = undefined;
      });
    }
    const handler = await loaded;
    signal.throwIfAborted();
    const copy: unknown = JSON.parse(JSON.stringify(event));
    // The handler runs in-process and cannot be killed: on abort we stop waiting for it.
    const answer = await raceAbort(
      Promise.resolve().then(() => handler(copy, { signal })),
      signal,
    );
    const text = JSON.stringify(answer);
    return text === undefined ? null : (JSON.parse(text) as unknown);
  };
}

function raceAbort<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => reject(asError(signal.reason));
    if (signal.aborted) {
      onAbort();
      return;
    }
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(asError(error));
      },
    );
  });
}

/** An `Error` for any thrown value; a non-error is kept as the cause. */
export function asError(value: unknown): Error {
  return value instanceof Error
    ? value
    : new Error('The authorizer threw a value that is not an Error.', { cause: value });
}

/** Upper bound on an HTTP authorizer's answer: a 5 MB `resolverContext` plus room for the rest. */
const maxHTTPAnswerBytes = 8 * 1024 * 1024;

/**
 * Invokes an HTTP endpoint as the authorizer: `POST` of the event as JSON, the answer as JSON.
 *
 * Decision (ADR): HTTP 403 and 404, a refused connection and an unresolvable host mean there is
 * no function to call, AWS Lambda's `AccessDeniedException`/`ResourceNotFoundException`, so they
 * are E17 (not invocable). Every other non-2xx status, a 3xx redirect (not followed), a body that
 * is not JSON or is larger than 8 MiB, and a network failure mid-call are a failed invocation (E16).
 */
export function createHTTPInvoker(
  url: string | URL,
  fetchImpl: typeof fetch = globalThis.fetch,
): LambdaInvoker {
  const target = new URL(url);
  if (target.protocol !== 'http:' && target.protocol !== 'https:') {
    throw new TypeError('"url" must be an "http:" or "https:" URL.');
  }
  return async (event, signal) => {
    let response: Response;
    try {
      response = await fetchImpl(target, {
        method: 'POST',
        headers: { 'content-type': 'application/json; charset=UTF-8', accept: 'application/json' },
        body: JSON.stringify(event),
        redirect: 'manual',
        signal,
      });
    } catch (error) {
      if (signal.aborted) throw signal.reason;
      if (hasErrorCode(error, ['ECONNREFUSED', 'ENOTFOUND'])) {
        throw new LambdaNotInvocableError('The authorizer endpoint refuses connections.', { cause: error });
      }
      throw new Error('The authorizer endpoint could not be reached.', { cause: error });
    }
    if (response.status === 403 || response.status === 404) {
      await response.body?.cancel().catch(() => undefined);
      throw new LambdaNotInvocableError(`The authorizer endpoint answers HTTP ${response.status}.`);
    }
    if (response.status < 200 || response.status > 299) {
      await response.body?.cancel().catch(() => undefined);
      throw new Error(`The authorizer endpoint answers HTTP ${response.status}.`);
    }
    const text = await readCapped(response, maxHTTPAnswerBytes);
    try {
      return JSON.parse(text) as unknown;
    } catch (error) {
      throw new Error('The authorizer endpoint answers something other than JSON.', { cause: error });
    }
  };
}

async function readCapped(response: Response, maxBytes: number): Promise<string> {
  if (response.body === null) return '';
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > maxBytes) {
      await reader.cancel().catch(() => undefined);
      throw new Error(`The authorizer endpoint answers more than ${maxBytes} bytes.`);
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function hasErrorCode(error: unknown, codes: readonly string[], depth = 0): boolean {
  if (depth > 4 || typeof error !== 'object' || error === null) return false;
  const { code, cause, errors } = error as { code?: unknown; cause?: unknown; errors?: unknown };
  if (typeof code === 'string' && codes.includes(code)) return true;
  // A host with several addresses (e.g. "localhost") fails with an AggregateError of attempts.
  if (Array.isArray(errors) && errors.length > 0 && errors.every((e) => hasErrorCode(e, codes, depth + 1))) {
    return true;
  }
  return hasErrorCode(cause, codes, depth + 1);
}

/** Where `authorizerUri` points, resolved. */
export type ResolvedAuthorizerUri =
  { readonly kind: 'module'; readonly fileUrl: string } | { readonly kind: 'http'; readonly url: string };

/**
 * Resolves `lambdaAuthorizerConfig.authorizerUri`: `file:./x.mjs` (relative to the config file's
 * directory, or absolute as `file:///…`), `https://…`, or `http://…` on a loopback host only.
 */
export function resolveAuthorizerUri(uri: string, configDir: string): ResolvedAuthorizerUri {
  if (uri.startsWith('file:')) {
    if (uri.startsWith('file://')) {
      let url: URL;
      try {
        url = new URL(uri);
      } catch {
        throw new TypeError('"authorizerUri" is not a valid "file:" URL.');
      }
      return { kind: 'module', fileUrl: url.href };
    }
    const path = decodeURIComponent(uri.slice('file:'.length));
    if (path === '') throw new TypeError('"authorizerUri" must name a module file.');
    const absolute = isAbsolute(path) ? path : resolvePath(configDir, path);
    return { kind: 'module', fileUrl: pathToFileURL(absolute).href };
  }
  let url: URL;
  try {
    url = new URL(uri);
  } catch {
    throw new TypeError('"authorizerUri" must be a "file:" module path or an "http(s)://" URL.');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new TypeError('"authorizerUri" must be a "file:" module path or an "http(s)://" URL.');
  }
  if (url.username !== '' || url.password !== '') {
    throw new TypeError('"authorizerUri" must not contain credentials.');
  }
  if (url.protocol === 'http:' && !isLoopbackHost(url.hostname)) {
    throw new TypeError('"authorizerUri" may use "http:" only on a loopback host.');
  }
  return { kind: 'http', url: url.href };
}

/** Creates the invoker for a resolved `authorizerUri`. */
export function createAuthorizerInvoker(
  resolved: ResolvedAuthorizerUri,
  fetchImpl?: typeof fetch,
): LambdaInvoker {
  return resolved.kind === 'module'
    ? createModuleInvoker(resolved.fileUrl)
    : createHTTPInvoker(resolved.url, fetchImpl);
}
