import { describe, expect, it } from 'vitest';
import { createOriginMatcher, errorResponse, parseTarget } from './wire.js';

describe('createOriginMatcher', () => {
  it('matches any port for a "*" port and nothing else', () => {
    const matches = createOriginMatcher(['http://localhost:*', 'http://127.0.0.1:*']);
    expect(matches('http://localhost:3000')).toBe(true);
    expect(matches('http://127.0.0.1:5173')).toBe(true);
    expect(matches('http://localhost.evil.example:3000')).toBe(false);
    expect(matches('https://localhost:3000')).toBe(false);
    expect(matches('http://127.0.0.1:80/path')).toBe(false);
  });
});

describe('parseTarget', () => {
  it('takes the operation of the named service only', () => {
    const headers = (target: string) => ({ headers: { 'x-amz-target': target } });
    expect(parseTarget(headers('AWSCognitoIdentityService.GetId'), 'AWSCognitoIdentityService')).toBe(
      'GetId',
    );
    expect(
      parseTarget(headers('AWSCognitoIdentityServiceX.GetId'), 'AWSCognitoIdentityService'),
    ).toBeUndefined();
    expect(parseTarget(headers('AWSCognitoIdentityService.'), 'AWSCognitoIdentityService')).toBeUndefined();
    expect(parseTarget({ headers: {} }, 'AWSCognitoIdentityService')).toBeUndefined();
  });
});

describe('errorResponse', () => {
  it('has Cognito’s wire form: 400, a colon after the type, __type and message in the body', () => {
    const response = errorResponse('NotAuthorizedException', 'Nope.', 'id-1', {});
    expect(response.status).toBe(400);
    expect(response.headers).toMatchObject({
      'x-amzn-errortype': 'NotAuthorizedException:',
      'x-amzn-errormessage': 'Nope.',
      'x-amzn-requestid': 'id-1',
    });
    expect(JSON.parse(response.body)).toEqual({ __type: 'NotAuthorizedException', message: 'Nope.' });
  });

  it('is a 500 for InternalErrorException', () => {
    expect(errorResponse('InternalErrorException', 'x', 'id', {}).status).toBe(500);
  });
});
