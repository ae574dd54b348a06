import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { GatehouseError, authError, errorCodes, toWireError, wireForms, type ErrorCode } from './errors.js';

const docPath = fileURLToPath(new URL('../../../docs/errors.md', import.meta.url));

/** The cells of the docs/errors.md table row that starts with the code. */
function docRow(doc: string, code: string): string[] | undefined {
  const line = doc.split('\n').find((text) => text.startsWith(`| \`${code}\` |`));
  return line?.split(' | ').map((cell) => cell.replace(/^\| /, '').replace(/ \|$/, '').trim());
}

describe('docs/errors.md', () => {
  const doc = readFileSync(docPath, 'utf8');

  it.each(errorCodes)('lists %s with its catalogue row, HTTP status and errorType', (code) => {
    const cells = docRow(doc, code);
    expect(cells, `docs/errors.md has no row for "${code}"`).toBeDefined();
    const [name, row, status, errorType, message] = cells!;
    const form = wireForms[code];
    expect(name).toBe(`\`${code}\``);
    expect(row).toBe(form.row);
    expect(status).toBe(String(form.status));
    expect(errorType).toBe(`\`${form.errorType}\``);
    if (typeof form.message === 'string') expect(message).toContain(form.message);
  });

  it('lists no code that errors.ts does not have', () => {
    const documented = [...doc.matchAll(/^\| `(ERR_[A-Z0-9_]+)` +\|/gm)].map((match) => match[1]);
    expect(documented).toHaveLength(errorCodes.length);
    expect(documented.filter((code) => !(errorCodes as readonly string[]).includes(code!))).toEqual([]);
  });
});

/** appsync-auth.md §7, written out from the spec. */
const spec: Readonly<Record<ErrorCode, readonly [row: string, status: number, errorType: string]>> = {
  ERR_AUTH_NO_CREDENTIAL: ['E1', 401, 'UnauthorizedException'],
  ERR_AUTH_JWT_UNPARSEABLE: ['E2', 401, 'UnauthorizedException'],
  ERR_AUTH_JWT_INVALID: ['E3', 401, 'UnauthorizedException'],
  ERR_AUTH_JWT_EXPIRED: ['E4', 401, 'UnauthorizedException'],
  ERR_AUTH_CLIENT_MISMATCH: ['E5', 401, 'UnauthorizedException'],
  ERR_AUTH_API_KEY_INVALID: ['E6', 401, 'UnauthorizedException'],
  ERR_SIGV4_INCOMPLETE: ['E7', 403, 'IncompleteSignatureException'],
  ERR_SIGV4_SIGNATURE_MISMATCH: ['E8', 403, 'InvalidSignatureException'],
  ERR_SIGV4_DATE_OUT_OF_WINDOW: ['E9', 403, 'InvalidSignatureException'],
  ERR_SIGV4_BAD_SCOPE: ['E10', 403, 'InvalidSignatureException'],
  ERR_SIGV4_UNKNOWN_ACCESS_KEY: ['E11', 403, 'UnrecognizedClientException'],
  ERR_SIGV4_SESSION_TOKEN_INVALID: ['E12', 403, 'UnrecognizedClientException'],
  ERR_SIGV4_SESSION_TOKEN_EXPIRED: ['E12', 403, 'ExpiredTokenException'],
  ERR_IAM_PERMISSION_DENIED: ['E13', 401, 'UnauthorizedException'],
  ERR_LAMBDA_PRECHECK_FAILED: ['E14', 401, 'UnauthorizedException'],
  ERR_LAMBDA_DENIED: ['E15', 401, 'UnauthorizedException'],
  ERR_LAMBDA_FAILED: ['E16', 401, 'UnauthorizedException'],
  ERR_LAMBDA_NOT_INVOCABLE: ['E17', 400, 'BadRequestException'],
  ERR_REQUEST_INVALID: ['E18', 400, 'BadRequestException'],
  ERR_FIELD_UNAUTHORIZED: ['F1', 200, 'Unauthorized'],
};

const notAuthorized = 'You are not authorized to make this call.';
/** The fixed §7 messages; codes absent here send the error's own message. */
const fixedMessages: Partial<Record<ErrorCode, string>> = {
  ERR_AUTH_NO_CREDENTIAL: 'Valid authorization header not provided.',
  ERR_AUTH_JWT_UNPARSEABLE: 'Unable to parse JWT token.',
  ERR_AUTH_JWT_INVALID: notAuthorized,
  ERR_AUTH_JWT_EXPIRED: 'Token has expired.',
  ERR_AUTH_CLIENT_MISMATCH: 'Unauthorized',
  ERR_AUTH_API_KEY_INVALID: notAuthorized,
  ERR_SIGV4_SIGNATURE_MISMATCH:
    'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.',
  ERR_SIGV4_UNKNOWN_ACCESS_KEY: 'The security token included in the request is invalid.',
  ERR_SIGV4_SESSION_TOKEN_INVALID: 'The security token included in the request is invalid.',
  ERR_SIGV4_SESSION_TOKEN_EXPIRED: 'The security token included in the request is expired',
  ERR_IAM_PERMISSION_DENIED: 'Permission denied',
  ERR_LAMBDA_PRECHECK_FAILED: notAuthorized,
  ERR_LAMBDA_DENIED: notAuthorized,
  ERR_LAMBDA_FAILED: notAuthorized,
};

describe('toWireError', () => {
  it.each(errorCodes)('maps %s to its §7 row', (code) => {
    const [, status, errorType] = spec[code];
    expect(wireForms[code].row).toBe(spec[code][0]);
    const internal = 'internal detail that must not reach the wire when the message is fixed.';
    const wire = toWireError(new GatehouseError(code, internal));
    expect(wire.status).toBe(status);
    expect(wire.errorType).toBe(errorType);
    const fixed = fixedMessages[code];
    if (code === 'ERR_LAMBDA_NOT_INVOCABLE') {
      expect(JSON.stringify(wire.body)).toBe('{"errors":[{"errorType":"BadRequestException"}]}');
    } else if (fixed !== undefined) {
      expect(JSON.stringify(wire.body)).toBe(JSON.stringify({ errors: [{ errorType, message: fixed }] }));
    } else {
      expect(wire.body).toEqual({ errors: [{ errorType, message: internal }] });
    }
  });

  it('sends E17 with no message even from authError with a detail', () => {
    const wire = toWireError(
      authError('ERR_LAMBDA_NOT_INVOCABLE', 'The Lambda authorizer is not invocable.'),
    );
    expect(JSON.stringify(wire.body)).toBe('{"errors":[{"errorType":"BadRequestException"}]}');
    expect(wire.status).toBe(400);
  });

  it('keeps authError details out of fixed wire messages', () => {
    const error = authError('ERR_AUTH_JWT_INVALID', 'The JWT signature does not verify.');
    expect(error.message).toBe('The JWT signature does not verify.');
    expect(toWireError(error).body.errors[0]!.message).toBe(notAuthorized);
  });

  it('gives authError without a detail the fixed message, or the errorType when there is none', () => {
    expect(authError('ERR_AUTH_NO_CREDENTIAL').message).toBe('Valid authorization header not provided.');
    expect(authError('ERR_LAMBDA_NOT_INVOCABLE').message).toBe('BadRequestException');
  });

  it('keeps the cause and code of a GatehouseError', () => {
    const cause = new Error('root');
    const error = new GatehouseError('ERR_REQUEST_INVALID', 'Bad.', { cause });
    expect(error).toMatchObject({ code: 'ERR_REQUEST_INVALID', name: 'GatehouseError', cause });
  });
});
