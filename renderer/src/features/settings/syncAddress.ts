/**
 * Is what the administrator typed a server address at all? Checked before any connection
 * is tried, so "county server" is answered "this is not a server address" rather than
 * with whatever the network or the server says to a malformed request.
 * @returns null when it is an http(s) address with a host, else what is wrong.
 */
export function syncAddressProblem(input: string): 'empty' | 'no-scheme' | 'not-an-address' | null {
  const s = input.trim();
  if (s === '') return 'empty';
  if (/\s/.test(s)) return 'not-an-address';
  if (!/^[a-z][a-z0-9+.-]*:\/\//i.test(s)) return /^[\w.-]+(:\d+)?(\/.*)?$/.test(s) && s.includes('.') ? 'no-scheme' : 'not-an-address';
  let url: URL;
  try {
    url = new URL(s);
  } catch {
    return 'not-an-address';
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return 'not-an-address';
  if (!url.hostname) return 'not-an-address';
  return null;
}
