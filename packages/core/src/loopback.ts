/**
 * True for `localhost`, `127.0.0.0/8` and `[::1]`, as the WHATWG URL parser spells hostnames
 * (IPv4 literals already normalised to dotted decimal). `http://` is accepted only for these:
 * local servers work without TLS, and no production URL can silently downgrade.
 */
export function isLoopbackHost(hostname: string): boolean {
  const host = hostname.toLowerCase();
  return host === 'localhost' || host === '[::1]' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host);
}
