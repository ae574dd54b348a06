import { isLoopbackHost } from '@gatehouse/core';

/**
 * The endpoint scheme rule (client.md §1 [Δ] http): `https:` everywhere, `http:` only for
 * loopback hosts (`localhost`, 127.0.0.0/8, `[::1]`). Checked at configure time and again after
 * the interceptor.
 */
export function isAllowedEndpoint(url: URL): boolean {
  if (url.protocol === 'https:') return true;
  return url.protocol === 'http:' && isLoopbackHost(url.hostname);
}
