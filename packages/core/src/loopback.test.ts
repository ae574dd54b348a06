import { describe, expect, it } from 'vitest';
import { isLoopbackHost } from './loopback.js';

const hostnameOf = (url: string) => new URL(url).hostname;

describe('isLoopbackHost', () => {
  it.each([
    'http://localhost:4000',
    'http://LOCALHOST',
    'http://127.0.0.1',
    'http://127.1.2.3:9',
    'http://[::1]:4000',
    'http://2130706433',
  ])('accepts the loopback host of %s', (url) => {
    expect(isLoopbackHost(hostnameOf(url))).toBe(true);
  });

  it.each([
    'http://example.com',
    'http://127.0.0.1.nip.io',
    'http://app.localhost',
    'http://10.0.0.1',
    'http://[::ffff:127.0.0.1]',
    'http://0.0.0.0',
  ])('refuses the host of %s', (url) => {
    expect(isLoopbackHost(hostnameOf(url))).toBe(false);
  });
});
